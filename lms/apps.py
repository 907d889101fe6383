from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Relais core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms import checks  # noqa: F401  (registers the deployment checks)
        from lms.privacy import checks as privacy_checks  # noqa: F401
