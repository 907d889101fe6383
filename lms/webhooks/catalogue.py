"""The events an organisation can subscribe a webhook endpoint to.

An app (the core, ``courses``, a plugin, a third party's) offers events by holding a
``webhook_events`` module beside its ``models``, discovered at start-up like
``personal_data``::

    from django.utils.translation import gettext_lazy as _
    from lms.webhooks.catalogue import WebhookEvent
    from relais_skills.signals import CertificateExpiring, certificate_expiring

    WEBHOOK_EVENTS = [
        WebhookEvent(
            certificate_expiring,  # a lms.signals.SiteSignal
            CertificateExpiring,  # its frozen payload class, with ``event_type``
            label=_("A certificate is about to expire"),
        ),
    ]

Whenever the signal is sent for an organisation, the event (its data class as JSON,
under ``data``) is queued for each of the organisation's active endpoints subscribed
to its ``event_type``. A plugin's events are offered, and sent, only where the
plugin is enabled. Payloads hold ids, never names or e-mails: a receiver that needs
more asks the API with its own credentials.
"""

import dataclasses
import json
import uuid
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

MODULE = "webhook_events"
CORE_LABELS = frozenset({"lms", "courses", "webhooks"})


@dataclass(frozen=True)
class WebhookEvent:
    signal: object
    payload: type
    label: object
    description: object = ""
    # Filled by discovery: the app whose module offered it.
    app_label: str = ""

    @property
    def event_type(self):
        return self.payload.event_type


_events: dict[str, WebhookEvent] = {}


def connect_all():
    """Discover every app's events and forward their signals (once)."""
    for app_config in apps.get_app_configs():
        if not module_has_submodule(app_config.module, MODULE):
            continue
        module = import_module(f"{app_config.name}.{MODULE}")
        for event in getattr(module, "WEBHOOK_EVENTS", ()):
            register(dataclasses.replace(event, app_label=app_config.label))


def register(event):
    event_type = getattr(event.payload, "event_type", "")
    if not event_type or not dataclasses.is_dataclass(event.payload):
        raise ImproperlyConfigured(
            f"Webhook event {event.payload!r}: a data class with an event_type."
        )
    existing = _events.get(event_type)
    if existing is not None and existing != event:
        raise ImproperlyConfigured(f"Webhook event {event_type!r} is offered twice.")
    _events[event_type] = event
    event.signal.connect(forward, dispatch_uid=f"lms.webhooks:{event_type}")
    return event


def events_for(organisation) -> list[WebhookEvent]:
    """The events offered in ``organisation``: the core's and its plugins'."""
    from lms.plugins.activation import enabled_labels

    enabled = enabled_labels(organisation)
    return [
        event
        for event in _events.values()
        if event.app_label in CORE_LABELS or event.app_label in enabled
    ]


def all_events() -> list[WebhookEvent]:
    return list(_events.values())


def body_of(event, organisation, *, now=None) -> str:
    """The JSON sent: ``type``, ``timestamp`` and the event's fields as ``data``
    (with the organisation's id)."""
    data = {"organisation_id": organisation.pk, **dataclasses.asdict(event)}
    now = now or timezone.now()
    return json.dumps(
        {
            "type": event.event_type,
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "data": data,
        },
        separators=(",", ":"),
        default=str,
    )


def forward(sender, event, **kwargs):
    """Receiver of every offered signal: queue one delivery per subscribed
    endpoint of the organisation (``sender``)."""
    from lms import jobs
    from lms.webhooks.models import WebhookDelivery, WebhookEndpoint
    from lms.webhooks.tasks import deliver_webhook

    organisation = sender
    offered = {e.event_type for e in events_for(organisation)}
    if event.event_type not in offered:
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.for_organisation(organisation).filter(
            is_active=True
        )
        if event.event_type in endpoint.event_types
    ]
    if not endpoints:
        return []
    body = body_of(event, organisation)
    # One message id for the event: every endpoint, retry and replay carries it.
    webhook_id = f"msg_{uuid.uuid4().hex}"
    person_id = getattr(event, "user_id", None)
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                organisation=organisation,
                endpoint=endpoint,
                person_id=person_id,
                webhook_id=webhook_id,
                event_type=event.event_type,
                body=body,
            )
            for endpoint in endpoints
        ]
    )
    for delivery in deliveries:
        jobs.submit(deliver_webhook, delivery.pk, organisation=organisation)
    return deliveries
