from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lms.plugins import PluginConfig


class CommunityConfig(PluginConfig):
    name = "relais_community"
    label = "community"
    verbose_name = _("Community")
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = gettext_noop("Community")
        version = "0.1.0"
        description = gettext_noop(
            "Announcements, questions under lessons, team spaces and thank-you cards."
        )
        author = "Relais"
        category = "people"
        min_core_version = "0.1"
        url_prefix = "community"

    def ready(self):
        from relais_community.announcements import register_kinds

        register_kinds()
