from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lms.plugins import PluginConfig


class ScormConfig(PluginConfig):
    name = "relais_scorm"
    label = "scorm"
    verbose_name = _("SCORM activities")
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = gettext_noop("SCORM")
        version = "0.1.0"
        description = gettext_noop(
            "SCORM 1.2 and 2004 packages from training providers, in lessons."
        )
        author = "Relais"
        category = "activities"
        min_core_version = "0.1"
        url_prefix = "scorm"

    def ready(self):
        from lms import jobs
        from lms.models.people import AUTHORS, grant_to_roles
        from relais_scorm.tasks import mark_failed, process_package

        # A package whose job fails for good says so, with the reason.
        jobs.tracked(process_package, on_failure=mark_failed)

        # Packages are HTML and JavaScript written by others: trainers and admins.
        grant_to_roles(AUTHORS, "scorm", "scormpackage")
