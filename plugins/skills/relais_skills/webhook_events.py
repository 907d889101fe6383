"""The skills plugin's events offered to webhooks (``lms.webhooks.catalogue``)."""

from django.utils.translation import gettext_lazy as _

from lms.webhooks.catalogue import WebhookEvent
from relais_skills.signals import CertificateExpiring, certificate_expiring

WEBHOOK_EVENTS = [
    WebhookEvent(
        certificate_expiring,
        CertificateExpiring,
        label=_("A certificate is about to expire"),
    ),
]
