from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "lms.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.models import Role
        from lms.notifications import Delivery, register_notification_kind
        from lms.webhooks import catalogue

        # Every app's ``webhook_events`` module (the core's, courses', plugins'):
        # their events are forwarded to the endpoints subscribed to them.
        catalogue.connect_all()
        # Part of the core: its kind is keyed "lms." so it is offered everywhere.
        register_notification_kind(
            "lms.webhook_disabled",
            label=_("Webhook endpoints disabled"),
            text=_(
                "The webhook endpoint %(address)s kept failing and was disabled: "
                "check it, then switch it on again."
            ),
            default=Delivery.AT_ONCE,
            roles=[Role.ADMIN],  # only the organisation's admins manage webhooks
        )
