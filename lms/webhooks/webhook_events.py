"""The core's events offered to webhooks (see ``lms.webhooks.catalogue``)."""

from django.utils.translation import gettext_lazy as _

from lms.signals import PersonJoined, person_joined
from lms.webhooks.catalogue import WebhookEvent

WEBHOOK_EVENTS = [
    WebhookEvent(
        person_joined,
        PersonJoined,
        label=_("A person joined the organisation"),
    ),
]
