"""The recruitment plugin's events offered to webhooks (``lms.webhooks.catalogue``)."""

from django.utils.translation import gettext_lazy as _

from lms.webhooks.catalogue import WebhookEvent
from relais_recruitment.signals import ApplicationReceived, application_received

WEBHOOK_EVENTS = [
    WebhookEvent(
        application_received,
        ApplicationReceived,
        label=_("An application to a mission was received"),
    ),
]
