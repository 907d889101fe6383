"""Sending one delivery: the URL checked (again, at delivery time), the body signed
with the endpoint's secret (Standard Webhooks, through the ``standardwebhooks``
library), one POST with a timeout to the very address that was checked, the answer
logged, then the next attempt planned (exponential backoff with jitter) or the
delivery given up, and an endpoint that keeps failing disabled."""

import http.client
import ipaddress
import logging
import random
import secrets
import socket
import ssl
import time
from base64 import b64encode
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from lms.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status
WAITING = (Status.PENDING, Status.RETRYING)


def setting(name):
    defaults = {
        # Plain http and private, loopback or link-local addresses are refused
        # unless allowed (development, tests).
        "ALLOW_HTTP": False,
        "ALLOW_PRIVATE_ADDRESSES": False,
        "TIMEOUT": 10,  # seconds, per connect and per read
        "MAX_ATTEMPTS": 5,  # 5 attempts: after 5 min, 30 min, 3 h, 18 h (about a day)
        "RETRY_BASE": 300,
        "RETRY_FACTOR": 6,
        "RESPONSE_LIMIT": 2000,  # characters of the answer kept in the log
        "DISABLE_AFTER_FAILURES": 25,  # consecutive failed attempts…
        "DISABLE_AFTER_DAYS": 5,  # …or every attempt failing for that long
        "LOG_DAYS": 30,  # finished deliveries are kept that long
    }
    return getattr(settings, f"LMS_WEBHOOKS_{name}", defaults[name])


def new_secret():
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


class UnsafeURL(Exception):
    """A URL the platform will not call, with a sentence for people."""


def check_url(url):
    """The (host, port, address to connect to) of ``url``, or ``UnsafeURL``: https
    only, and every address its name resolves to public (no loopback, private,
    link-local, reserved or multicast address: no reaching the platform's own
    network), unless the settings allow them."""
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if setting("ALLOW_HTTP") else ("https",)
    if parts.scheme not in allowed_schemes:
        raise UnsafeURL(_("The address must start with https://."))
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeURL(_("The address must name a server, without a password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeURL(_("The address has an invalid port.")) from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeURL(
            _("The server %(host)s could not be found.") % {"host": parts.hostname}
        ) from None
    addresses = [info[4][0] for info in found]
    if not setting("ALLOW_PRIVATE_ADDRESSES"):
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            mapped = getattr(ip, "ipv4_mapped", None)
            if not (mapped or ip).is_global or (mapped or ip).is_multicast:
                raise UnsafeURL(
                    _(
                        "The server %(host)s is on a private or local network: "
                        "webhooks only go to public addresses."
                    )
                    % {"host": parts.hostname}
                )
    return parts, port, addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, not to a second DNS answer."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body, headers):
    """(status, answer text) of one POST; redirects are not followed."""
    parts, port, address = check_url(url)
    connection_class = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = connection_class(parts.hostname, port, address, setting("TIMEOUT"))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        limit = setting("RESPONSE_LIMIT")
        answer = response.read(limit + 1).decode("utf-8", "replace")
        if len(answer) > limit:
            answer = answer[:limit] + "…"
        return response.status, answer
    finally:
        connection.close()


def signed_headers(delivery, secret, now):
    return {
        "Content-Type": "application/json",
        "User-Agent": "Relais-Webhooks/1",
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(
            delivery.webhook_id, now, delivery.body
        ),
    }


def retry_delay(attempts):
    """Seconds before the next attempt after ``attempts`` failed ones: exponential,
    with ±20 % jitter so that many failed deliveries do not come back at once."""
    base = setting("RETRY_BASE") * setting("RETRY_FACTOR") ** (attempts - 1)
    return base * random.uniform(0.8, 1.2)  # noqa: S311 (spreading, not secrecy)


def due_filter(now):
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def attempt(delivery_id, now=None):
    """Make the delivery's next attempt if it is due; returns how it ended (its
    status), or "skipped" when it was not waiting (already sent, not due yet, its
    endpoint disabled): running it twice sends once."""
    now = now or timezone.now()
    claimed = (
        WebhookDelivery.objects.filter(
            pk=delivery_id, status__in=WAITING, endpoint__is_active=True
        )
        .filter(due_filter(now))
        .update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    )
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    replay = delivery.attempts == 1 and delivery.attempt_log.exists()
    status_code, answer, error = None, "", ""
    started = time.monotonic()
    try:
        status_code, answer = post(
            endpoint.url, delivery.body, signed_headers(delivery, endpoint.secret, now)
        )
    except UnsafeURL as refused:
        error = str(refused)
    except (OSError, http.client.HTTPException) as failure:
        error = (str(failure) or failure.__class__.__name__)[:300]
    duration = int((time.monotonic() - started) * 1000)
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        response_status=status_code,
        duration_ms=duration,
        response_body=answer,
        error=error,
        replay=replay,
    )
    succeeded = status_code is not None and 200 <= status_code < 300
    if succeeded:
        outcome, next_at = Status.SUCCEEDED, None
    elif delivery.attempts >= setting("MAX_ATTEMPTS"):
        outcome, next_at = Status.FAILED, None
    else:
        outcome = Status.RETRYING
        next_at = now + timedelta(seconds=retry_delay(delivery.attempts))
    WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
        status=outcome,
        next_attempt_at=next_at,
        response_status=status_code,
        duration_ms=duration,
    )
    if succeeded:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            consecutive_failures=0, failing_since=None
        )
    else:
        _count_failure(endpoint, now)
    return outcome


def _count_failure(endpoint, now):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1,
        failing_since=Coalesce(F("failing_since"), now),
    )
    endpoint.refresh_from_db()
    too_many = endpoint.consecutive_failures >= setting("DISABLE_AFTER_FAILURES")
    too_long = endpoint.failing_since <= now - timedelta(
        days=setting("DISABLE_AFTER_DAYS")
    )
    if too_many or too_long:
        disable(endpoint, now)


@transaction.atomic
def disable(endpoint, now):
    """Turn off an endpoint that keeps failing (once), give up what waited for it,
    and tell the organisation's admins."""
    from lms.models import Membership
    from lms.models.people import Role
    from lms.notifications import notify_many

    reason = _(
        "Disabled automatically: %(count)s attempts in a row failed, since %(since)s."
    ) % {
        "count": endpoint.consecutive_failures,
        "since": timezone.localtime(endpoint.failing_since).strftime("%Y-%m-%d %H:%M"),
    }
    turned_off = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:300]
    )
    if not turned_off:
        return False
    WebhookDelivery.objects.filter(endpoint=endpoint, status__in=WAITING).update(
        status=Status.FAILED, next_attempt_at=None
    )
    admins = [
        membership.user
        for membership in Membership.objects.for_organisation(endpoint.organisation)
        .active()
        .filter(role=Role.ADMIN, user__is_active=True)
        .select_related("user")
    ]
    notify_many(
        "lms.webhook_disabled",
        people=admins,
        organisation=endpoint.organisation,
        url=reverse("webhooks_endpoint", args=[endpoint.pk]),
        address=endpoint.url,
    )
    logger.warning("Webhook endpoint %s disabled: %s", endpoint.pk, reason)
    return True


def replay(delivery):
    """Send a finished delivery again, same ``webhook-id`` and body (a fresh
    timestamp and signature); whether it was queued. Its endpoint must be active."""
    from lms import jobs
    from lms.webhooks.tasks import deliver_webhook

    queued = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status__in=[Status.SUCCEEDED, Status.FAILED],
        endpoint__is_active=True,
    ).update(status=Status.PENDING, attempts=0, next_attempt_at=None)
    if queued:
        jobs.submit(deliver_webhook, delivery.pk, organisation=delivery.organisation)
    return bool(queued)


def send_due(now=None):
    """Minutely (``manage.py send_webhooks``): queue the retries that are due,
    take back deliveries whose worker died mid-send, forget old ones."""
    from lms import jobs
    from lms.webhooks.tasks import deliver_webhook

    now = now or timezone.now()
    stuck = now - timedelta(seconds=setting("TIMEOUT") * 6 + 60)
    reclaimed = WebhookDelivery.objects.filter(
        status=Status.SENDING, last_attempt_at__lt=stuck
    ).update(status=Status.RETRYING, next_attempt_at=now)
    due = list(
        WebhookDelivery.objects.filter(
            status=Status.RETRYING, next_attempt_at__lte=now, endpoint__is_active=True
        )
        .select_related("organisation")
        .order_by("next_attempt_at")
    )
    for delivery in due:
        jobs.submit(deliver_webhook, delivery.pk, organisation=delivery.organisation)
    forgotten, _by_model = WebhookDelivery.objects.filter(
        status__in=[Status.SUCCEEDED, Status.FAILED],
        created_at__lt=now - timedelta(days=setting("LOG_DAYS")),
    ).delete()
    return {"queued": len(due), "reclaimed": reclaimed, "forgotten": forgotten}
