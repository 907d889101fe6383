from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lms.plugins import PluginConfig


class H5PConfig(PluginConfig):
    name = "relais_h5p"
    label = "h5p"
    verbose_name = _("H5P activities")
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = gettext_noop("H5P")
        version = "0.1.0"
        description = gettext_noop(
            "Interactive H5P content from h5p.org, Lumi or Moodle in lessons."
        )
        author = "Relais"
        category = "activities"
        min_core_version = "0.1"
        url_prefix = "h5p"

    def ready(self):
        from lms import jobs
        from lms.models.people import AUTHORS, grant_to_roles
        from relais_h5p.tasks import mark_failed, process_package

        # A package whose job fails for good says so, with the reason.
        jobs.tracked(process_package, on_failure=mark_failed)

        # Uploading H5P (JavaScript written by others) is for trainers and admins.
        grant_to_roles(AUTHORS, "h5p", "h5pcontent")
