from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lms.plugins import PluginConfig


class MentoringConfig(PluginConfig):
    name = "relais_mentoring"
    label = "mentoring"
    verbose_name = _("Mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = gettext_noop("Mentoring")
        version = "0.1.0"
        description = gettext_noop(
            "Newcomers paired with experienced volunteers, followed by coordinators."
        )
        author = "Relais"
        category = "people"
        min_core_version = "0.1"
        url_prefix = "mentoring"

    def ready(self):
        from lms.signals import person_joined
        from relais_mentoring import steps  # noqa: F401  (registers the step kind)
        from relais_mentoring.waiting import ask_on_join

        person_joined.connect(ask_on_join, dispatch_uid="mentoring.ask_on_join")
