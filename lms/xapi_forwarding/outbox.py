"""The outbox: every statement the platform vouches for gets one row per active
endpoint of its organisation, in the statement's own transaction, so nothing is
recorded without being queued (whatever Redis or the LRS are doing). A delivery
job per endpoint sends the oldest rows first, in batches; a failed batch puts the
whole endpoint in exponential back-off (nothing behind it overtakes it, so each
person's statements arrive in order); a row sent too many times is given up
("dead") until someone replays it.

Why rows rather than a cursor over the statements: statement ids are UUIDs and
their ``stored`` times are taken before their transaction commits, so a cursor
could step over a statement that commits late; rows also carry each statement's
attempts and dead-letter state, and go away with the statement when a person is
erased.
"""

import base64
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lms import jobs
from lms.models.jobs import BackgroundJob
from lms.xapi_forwarding import statements
from lms.xapi_forwarding.models import LrsEndpoint, OutgoingStatement

logger = logging.getLogger(__name__)

State = OutgoingStatement.State
PLATFORM = "platform"  # courses.statements.Authority.PLATFORM
XAPI_VERSION = "1.0.3"

# Overridable in the settings (``LMS_XAPI_*``), read when used.
DEFAULTS = {
    "LMS_XAPI_BATCH_SIZE": 50,  # statements per POST
    "LMS_XAPI_TIMEOUT": 10,  # seconds per request to the LRS
    "LMS_XAPI_LEASE": 300,  # seconds one delivery may hold an endpoint
    "LMS_XAPI_BACKOFF": 30,  # seconds after the first failure, then doubled
    "LMS_XAPI_BACKOFF_MAX": 6 * 3600,
    "LMS_XAPI_MAX_ATTEMPTS": 12,  # then the statement is a dead letter (~20 h)
    # Delivered rows are kept this long (what went where, for the admin), then
    # deleted by the sweep: the outbox does not grow with every statement.
    "LMS_XAPI_KEEP_DELIVERED_DAYS": 30,
    # An organisation's admin types the address: not the platform's own network
    # (Redis, the database, cloud metadata) unless the operator allows it.
    "LMS_XAPI_ALLOW_PRIVATE_ADDRESSES": False,
}


def setting(name):
    return getattr(settings, name, DEFAULTS[name])


def statement_saved(sender, instance, created, raw=False, **kwargs):
    """Queue a new statement for every endpoint that wants it. Only statements
    the platform vouches for: a learner's own report is hers, free-form."""
    if not created or raw or instance.authority != PLATFORM:
        return
    endpoints = LrsEndpoint.objects.for_organisation(instance.organisation_id).filter(
        is_active=True
    )
    for endpoint in endpoints:
        if statements.wanted(endpoint, instance):
            OutgoingStatement.objects.create(endpoint=endpoint, statement=instance)
            schedule(endpoint)


def schedule(endpoint):
    """A delivery job for the endpoint, unless one is already waiting."""
    from lms.xapi_forwarding.tasks import deliver_statements

    waiting = BackgroundJob.objects.filter(
        task=deliver_statements.module_path,
        organisation_id=endpoint.organisation_id,
        state__in=[BackgroundJob.State.PENDING, BackgroundJob.State.QUEUED],
        args=[endpoint.pk],
    )
    if endpoint.retry_at and endpoint.retry_at > timezone.now():
        return None  # in back-off: the sweep hands it over when it is time
    if not waiting.exists():
        return jobs.submit(
            deliver_statements, endpoint.pk, organisation=endpoint.organisation
        )
    return None


class Unreachable(Exception):
    """The LRS could not take the batch now (down, overloaded, refusing our key):
    try again later."""


def deliver(endpoint_id, now=None):
    """Send what is pending for one endpoint, oldest first, while the LRS takes
    it. Returns how many rows were delivered; one delivery per endpoint at a time
    (a lease), so statements never overtake each other."""
    now = now or timezone.now()
    delivered = 0
    while lease := _take_lease(endpoint_id, now):
        try:
            sent = _deliver_leased(LrsEndpoint.objects.get(pk=endpoint_id), now)
        finally:
            # Only our own lease: one that ran out may be another delivery's now.
            LrsEndpoint.objects.filter(pk=endpoint_id, lease_until=lease).update(
                lease_until=None
            )
        if sent is None:
            break  # the LRS did not take it: the endpoint is in back-off
        delivered += sent
        # Statements recorded meanwhile, whose own job found the lease taken.
        if not OutgoingStatement.objects.filter(
            endpoint_id=endpoint_id, state=State.PENDING
        ).exists():
            break
        now = timezone.now()
    return delivered


def _take_lease(endpoint_id, now):
    """The lease's end if the endpoint was free and due, else None."""
    lease = now + timedelta(seconds=setting("LMS_XAPI_LEASE"))
    taken = LrsEndpoint.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        Q(retry_at__isnull=True) | Q(retry_at__lte=now),
        pk=endpoint_id,
        is_active=True,
    ).update(lease_until=lease)
    return lease if taken else None


def _deliver_leased(endpoint, now):
    """One batch, the oldest rows: how many were delivered (None: the LRS could
    not take it)."""
    batch = list(
        OutgoingStatement.objects.filter(endpoint=endpoint, state=State.PENDING)
        .select_related("statement__organisation")
        .order_by("pk")[: setting("LMS_XAPI_BATCH_SIZE")]
    )
    if not batch:
        return 0
    try:
        done = _send(endpoint, batch)
    except Unreachable as error:
        _back_off(endpoint, batch, str(error), now)
        return None
    with transaction.atomic():
        for row, outcome in done:
            row.attempts += 1
            if outcome is None:
                row.state, row.delivered_at, row.last_error = State.DELIVERED, now, ""
            else:
                row.state, row.last_error = State.DEAD, outcome
            row.save(update_fields=["state", "attempts", "delivered_at", "last_error"])
        LrsEndpoint.objects.filter(pk=endpoint.pk).update(
            failures=0, retry_at=None, last_error=""
        )
    return sum(outcome is None for _row, outcome in done)


def _send(endpoint, batch):
    """[(row, None when delivered or the reason it is given up)]. A batch the LRS
    refuses as a whole (409 for an id it has, 400 for one bad statement, 413 too
    large) is sent
    again one statement at a time, to tell which one."""
    payload = [statements.as_xapi(endpoint, row.statement) for row in batch]
    status, body = _request(endpoint, "POST", "statements", payload)
    if status in (200, 204):
        return [(row, None) for row in batch]
    if len(batch) > 1 and status in (400, 409, 413):
        return [outcome for row in batch for outcome in _send(endpoint, [row])]
    if status == 409:
        return [(batch[0], _conflict(endpoint, payload[0]))]
    if status == 400:
        return [(batch[0], f"The LRS refused this statement: {body[:500]}")]
    raise Unreachable(f"The LRS answered {status}: {body[:500]}")


def _conflict(endpoint, sent):
    """The LRS already has a statement with this id: delivered if it is ours."""
    status, body = _request(endpoint, "GET", f"statements?statementId={sent['id']}")
    if status != 200:
        raise Unreachable(f"The LRS answered {status} when asked for {sent['id']}")
    stored = json.loads(body or "null")
    if isinstance(stored, dict) and "statements" in stored:  # some LRSs wrap it
        stored = (stored["statements"] or [None])[0]
    if statements.same_statement(sent, stored):
        return None
    return "The LRS holds a different statement under this id (409 Conflict)."


def _request(endpoint, method, path, payload=None):
    url = endpoint.url.rstrip("/") + "/" + path
    _check_public(url)
    credentials = base64.b64encode(f"{endpoint.key}:{endpoint.secret}".encode())
    # Checked http(s) above (_check_public): no file: or other scheme.
    request = urllib.request.Request(  # noqa: S310
        url,
        method=method,
        data=None if payload is None else json.dumps(payload).encode(),
        headers={
            "X-Experience-API-Version": XAPI_VERSION,
            "Content-Type": "application/json",
            "Authorization": "Basic " + credentials.decode(),
        },
    )
    try:
        with _opener.open(request, timeout=setting("LMS_XAPI_TIMEOUT")) as answer:
            return answer.status, answer.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as error:
        raise Unreachable(f"The LRS could not be reached: {error}") from error


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address to try (it could point inside
    the platform's network)."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _check_public(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Unreachable(f"{url} is not an http(s) address.")
    if setting("LMS_XAPI_ALLOW_PRIVATE_ADDRESSES"):
        return
    host = parts.hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        raise Unreachable(f"The LRS could not be reached: {error}") from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise Unreachable(
                f"{host} is a private address ({ip}): the platform does not send "
                "statements inside its own network."
            )


def _back_off(endpoint, batch, error, now):
    """The batch was not taken: one more attempt each, the endpoint waits twice as
    long as last time, and a row out of attempts is given up."""
    failures = endpoint.failures + 1
    delay = min(
        setting("LMS_XAPI_BACKOFF") * 2 ** (failures - 1),
        setting("LMS_XAPI_BACKOFF_MAX"),
    )
    logger.warning("LRS endpoint %s: %s (next try in %ss)", endpoint.pk, error, delay)
    with transaction.atomic():
        for row in batch:
            row.attempts += 1
            row.last_error = error
            if row.attempts >= setting("LMS_XAPI_MAX_ATTEMPTS"):
                row.state = State.DEAD
            row.save(update_fields=["attempts", "last_error", "state"])
        LrsEndpoint.objects.filter(pk=endpoint.pk).update(
            failures=failures,
            retry_at=now + timedelta(seconds=delay),
            last_error=error,
        )


def sweep(now=None):
    """Hand every endpoint with pending rows, and out of back-off, to a delivery
    job (``manage.py forward_xapi_statements`` from cron, every minute): what
    Redis lost, or what waited for the LRS, goes out. Rows delivered long ago
    are deleted."""
    now = now or timezone.now()
    kept = now - timedelta(days=setting("LMS_XAPI_KEEP_DELIVERED_DAYS"))
    OutgoingStatement.objects.filter(
        state=State.DELIVERED, delivered_at__lt=kept
    ).delete()
    endpoints = LrsEndpoint.objects.filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now),
        is_active=True,
        outgoing__state=State.PENDING,
    ).distinct()
    scheduled = 0
    for endpoint in endpoints:
        scheduled += schedule(endpoint) is not None
    return scheduled


def replay_dead_letters(endpoints):
    """Give the dead rows of ``endpoints`` another round of attempts; how many."""
    ids = [endpoint.pk for endpoint in endpoints]
    replayed = OutgoingStatement.objects.filter(
        endpoint__in=ids, state=State.DEAD
    ).update(state=State.PENDING, attempts=0, last_error="")
    LrsEndpoint.objects.filter(pk__in=ids).update(failures=0, retry_at=None)
    for endpoint in LrsEndpoint.objects.filter(pk__in=ids, is_active=True):
        schedule(endpoint)
    return replayed
