from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lms.plugins import PluginConfig


class RecruitmentConfig(PluginConfig):
    name = "relais_recruitment"
    label = "recruitment"
    verbose_name = _("Recruitment")
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = gettext_noop("Recruitment")
        version = "0.1.0"
        description = gettext_noop(
            "Public volunteer missions, applications turned into onboarded volunteers, "
            "volunteer time and retention."
        )
        author = "Relais"
        category = "people"
        min_core_version = "0.1"
        url_prefix = "recruitment"

    def ready(self):
        from lms.models.people import PEOPLE_MANAGERS, grant_to_roles
        from relais_recruitment import receivers  # noqa: F401  (onboarding on join)

        # Missions are published by coordinators/HR (and admins).
        grant_to_roles(PEOPLE_MANAGERS, "recruitment", "mission")
