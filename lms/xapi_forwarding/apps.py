from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiForwardingConfig(AppConfig):
    """Forwards the platform's xAPI statements to each organisation's LRS."""

    name = "lms.xapi_forwarding"
    label = "xapi_forwarding"
    verbose_name = _("Statement forwarding")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from lms.models.people import Role, grant_to_roles
        from lms.xapi_forwarding import outbox

        # A lazy sender: the core names the learning core's model, never imports it.
        post_save.connect(
            outbox.statement_saved,
            sender="courses.Statement",
            dispatch_uid="xapi_forwarding.statement_saved",
        )
        grant_to_roles([Role.ADMIN], self.label, "lrsendpoint")
