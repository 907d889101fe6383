"""The notification centre: the one way anything tells a person something.

A plugin declares each kind of notification once (in ``AppConfig.ready()``), then
calls ``notify()``::

    from lms.notifications import Delivery, notify, register_notification_kind

    register_notification_kind(
        "community.mention",  # unique key, "<app label>.<name>"
        label=_("Mentions"),  # shown in the person's preferences
        text=_("%(author)s mentioned you in %(place)s"),  # lazy, reader's language
        default=Delivery.AT_ONCE,  # AT_ONCE (e-mail now), DAILY, WEEKLY, OFF
    )
    notify("community.mention", person=user, organisation=site, url="/…",
           author="Karim", place="…")

``notify`` stores a row (the kind and its parameters, never translated text) that
the bell and the notifications page show; the person's preference for the kind
(else its default) decides the e-mail: at once (a tracked job queued on commit), in the
daily or weekly digest (``send_digests``, run daily), or none. Everything is
rendered in the recipient's language (their profile's, else the organisation's).
A kind whose plugin is not enabled for the organisation is not sent, shown or
offered there.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lms.models.notifications import (
    Delivery,
    Notification,
    NotificationDigest,
    NotificationPreference,
)

__all__ = [
    "Delivery",
    "NotificationKind",
    "kinds_for",
    "mark_read",
    "notify",
    "notify_many",
    "register_notification_kind",
    "send_digests",
    "unread_count",
]

CORE_LABELS = frozenset({"lms", "courses"})


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: object
    text: object
    default: str = Delivery.AT_ONCE
    # The roles offered this kind in their preferences (None: everyone); a kind
    # only admins receive is no learner's choice to make.
    roles: tuple | None = None

    @property
    def app_label(self):
        return self.key.partition(".")[0]

    def render(self, params):
        """The sentence in the active language, with its parameters; a missing
        parameter shows as empty rather than breaking a page."""
        return str(self.text) % defaultdict(str, params or {})


_kinds: dict[str, NotificationKind] = {}


def register_notification_kind(
    key, *, label, text, default=Delivery.AT_ONCE, roles=None
):
    """Declare a kind of notification (once, at start-up). ``key`` is
    ``"<app label>.<name>"``; ``text`` is a lazy translation formatted with the
    parameters given to ``notify``. Registering the same key again with the same
    definition is harmless; with another one it is an error."""
    app_label, dot, name = key.partition(".")
    if not (app_label and dot and name):
        raise ImproperlyConfigured(
            f"Notification kind {key!r}: name it '<app label>.<name>'."
        )
    if default not in Delivery.values:
        raise ImproperlyConfigured(f"Notification kind {key!r}: unknown default.")
    kind = NotificationKind(
        key, label, text, Delivery(default), tuple(roles) if roles else None
    )
    existing = _kinds.get(key)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Notification kind {key!r} is registered twice.")
    _kinds[key] = kind
    return kind


def kind(key) -> NotificationKind:
    try:
        return _kinds[key]
    except KeyError:
        raise ImproperlyConfigured(
            f"Unknown notification kind {key!r}: register it first."
        ) from None


def kinds_for(organisation, person=None) -> list[NotificationKind]:
    """The kinds offered in ``organisation``: the core's and those of its enabled
    plugins, in registration order; with ``person``, those offered to their role."""
    from lms.plugins.activation import enabled_labels

    enabled = enabled_labels(organisation)
    kinds = [k for k in _kinds.values() if _shown(k, enabled)]
    if person is not None:
        from lms.permissions import role_in

        role = role_in(person, organisation)
        kinds = [k for k in kinds if k.roles is None or role in k.roles]
    return kinds


def _shown(notification_kind, enabled):
    return notification_kind.app_label in CORE_LABELS or (
        notification_kind.app_label in enabled
    )


def preferences(person, organisation) -> dict[str, str]:
    """The person's delivery for every kind offered in ``organisation``."""
    chosen = dict(
        NotificationPreference.objects.for_organisation(organisation)
        .filter(person=person)
        .values_list("kind", "delivery")
    )
    return {k.key: chosen.get(k.key, k.default) for k in kinds_for(organisation)}


# ---------------------------------------------------------------- sending


def notify(key, *, person, organisation, url="", **params):
    """Tell ``person`` something in ``organisation``; returns the notification, or
    None where the kind's plugin is not enabled. Parameters are plain values
    (names, titles), stored as they are and put into the kind's sentence when it is
    shown. Call it inside the transaction of what it is about: the e-mail leaves
    on commit."""
    created = notify_many(
        key, people=[person], organisation=organisation, url=url, **params
    )
    return created[0] if created else None


def notify_many(key, *, people, organisation, url="", **params):
    """``notify`` for several people at once, with a fixed number of queries."""
    notification_kind = kind(key)
    from lms.plugins.activation import enabled_labels

    if not _shown(notification_kind, enabled_labels(organisation)):
        return []
    people = list(people)
    if not people:
        return []
    chosen = dict(
        NotificationPreference.objects.for_organisation(organisation)
        .filter(kind=key, person__in=people)
        .values_list("person_id", "delivery")
    )
    now = timezone.now()
    params = {name: _plain(value) for name, value in params.items()}
    created = Notification.objects.bulk_create(
        [
            Notification(
                organisation=organisation,
                person=person,
                kind=key,
                params=params,
                url=url,
                created_at=now,
            )
            for person in people
        ]
    )
    at_once = [
        n.pk
        for n, person in zip(created, people, strict=True)
        if chosen.get(person.pk, notification_kind.default) == Delivery.AT_ONCE
    ]
    person_ids = [person.pk for person in people]
    transaction.on_commit(lambda: forget_counts(organisation.pk, person_ids))
    if at_once:
        from lms.jobs import submit
        from lms.tasks import send_notification_emails

        # A tracked job, handed to the queue once the caller's transaction commits.
        submit(send_notification_emails, at_once, organisation=organisation)
    return created


def _plain(value):
    """Parameters are stored, not translated: lazy strings would be frozen in the
    sender's language, so plain values only."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    raise TypeError(
        f"Notification parameters are plain values (names, titles, numbers), not "
        f"{type(value).__name__}: the sentence is translated, its parameters are not."
    )


# ---------------------------------------------------------------- the bell


def _cache_key(organisation_id, person_id):
    return f"lms:bell:{organisation_id}:{person_id}"


def forget_counts(organisation_id, person_ids):
    cache.delete_many([_cache_key(organisation_id, pk) for pk in person_ids])


def unread_count(person, organisation) -> int:
    """The bell's number: one COUNT query, then cached until a notification is
    added or read (or the organisation's plugins change)."""
    visible = sorted(k.key for k in kinds_for(organisation))
    signature = hashlib.blake2s("\n".join(visible).encode(), digest_size=8).hexdigest()
    key = _cache_key(organisation.pk, person.pk)
    cached = cache.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    count = (
        Notification.objects.for_organisation(organisation)
        .filter(person=person, kind__in=visible)
        .unread()
        .count()
    )
    cache.set(key, (signature, count), timeout=settings.LMS_NOTIFICATION_BELL_CACHE)
    return count


def visible_notifications(person, organisation):
    """The person's notifications in ``organisation`` that may be shown there."""
    return Notification.objects.for_organisation(organisation).filter(
        person=person, kind__in=[k.key for k in kinds_for(organisation)]
    )


def mark_read(person, organisation, *, url=None, pk=None) -> int:
    """Mark as read the person's unread notifications in ``organisation`` (those
    pointing at ``url``, or the one ``pk``, or all); returns how many changed."""
    unread = (
        Notification.objects.for_organisation(organisation)
        .filter(person=person)
        .unread()
    )
    if url is not None:
        unread = unread.filter(url=url)
    if pk is not None:
        unread = unread.filter(pk=pk)
    changed = unread.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: forget_counts(organisation.pk, [person.pk]))
    return changed


def render(notification) -> str:
    """The notification's sentence in the active language."""
    return kind(notification.kind).render(notification.params)


# ---------------------------------------------------------------- e-mails


def _language(person, organisation):
    profile = getattr(person, "wagtail_userprofile", None)
    if profile is not None and profile.preferred_language:
        return profile.preferred_language
    from lms.models import OrganisationSettings

    return OrganisationSettings.for_organisation(organisation).language


def _message(template, person, organisation, context):
    with translation.override(_language(person, organisation)):
        text = render_to_string(
            template, {"person": person, "organisation": organisation, **context}
        )
    subject, _newline, body = text.strip().partition("\n")
    return EmailMessage(subject.strip(), body.strip() + "\n", to=[person.email])


def _item(notification, organisation):
    return {
        "text": render(notification),
        "link": f"{organisation.root_url}{notification.url}"
        if notification.url
        else "",
    }


def email_at_once(notification_ids) -> int:
    """Send the e-mails of these "at once" notifications that nobody sent yet;
    returns how many left. Each is claimed by a guarded update first, so a second
    run (or a concurrent one) sends nothing."""
    sent = 0
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("person__wagtail_userprofile", "organisation")
    messages = []
    for notification in pending:
        claimed = Notification.objects.filter(
            pk=notification.pk, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        person, organisation = notification.person, notification.organisation
        if not claimed or not person.email or not person.is_active:
            continue
        if not is_member(person, organisation):
            continue
        with translation.override(_language(person, organisation)):
            item = _item(notification, organisation)
        messages.append(
            _message("lms/email/notification.txt", person, organisation, {"item": item})
        )
    if messages:
        sent = get_connection().send_messages(messages)
    return sent or 0


def is_member(person, organisation):
    from lms.models import Membership

    return (
        Membership.objects.for_organisation(organisation)
        .active()
        .filter(user=person)
        .exists()
    )


def _period(delivery, day):
    if delivery == Delivery.DAILY:
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def send_digests(now=None) -> int:
    """The daily job: each person with unread, unmailed notifications of kinds they
    take in a digest gets one e-mail per organisation and period (daily every
    day; weekly on ``LMS_DIGEST_WEEKDAY``). Nothing new, no digest. A digest
    already sent for the period is never sent again. Returns the digests sent."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    periods = [Delivery.DAILY]
    if day.weekday() == settings.LMS_DIGEST_WEEKDAY:
        periods.append(Delivery.WEEKLY)
    from wagtail.models import Site

    organisations = {site.pk: site for site in Site.objects.all()}
    shown = {
        pk: {k.key: k for k in kinds_for(site)} for pk, site in organisations.items()
    }
    chosen = {
        (person, org, key): delivery
        for person, org, key, delivery in NotificationPreference.objects.values_list(
            "person_id", "organisation_id", "kind", "delivery"
        )
    }
    already = set(
        NotificationDigest.objects.filter(
            period__in=[_period(p, day) for p in periods]
        ).values_list("person_id", "organisation_id", "delivery")
    )
    # What each (person, organisation, period) would get, newest first.
    groups = defaultdict(list)
    pending = Notification.objects.filter(
        emailed_at__isnull=True, read_at__isnull=True, created_at__lte=now
    ).only("pk", "person_id", "organisation_id", "kind", "params", "url", "created_at")
    for notification in pending.iterator(chunk_size=5000):
        notification_kind = shown.get(notification.organisation_id, {}).get(
            notification.kind
        )
        if notification_kind is None:
            continue
        delivery = chosen.get(
            (notification.person_id, notification.organisation_id, notification.kind),
            notification_kind.default,
        )
        group = (notification.person_id, notification.organisation_id, delivery)
        if delivery in periods and group not in already:
            groups[group].append(notification)
    if not groups:
        return 0
    from django.contrib.auth import get_user_model

    from lms.models import Membership

    people = (
        get_user_model()
        .objects.filter(pk__in={person for person, _org, _d in groups}, is_active=True)
        .select_related("wagtail_userprofile")
        .in_bulk()
    )
    # Someone who left an organisation hears nothing more from it.
    members = set(
        Membership.objects.active()
        .filter(user__in=people.keys())
        .values_list("user_id", "organisation_id")
    )
    sent = 0
    connection = get_connection()
    batch = list(groups.items())
    for start in range(0, len(batch), 500):
        chunk = [
            (group, items)
            for group, items in batch[start : start + 500]
            if group[0] in people
            and people[group[0]].email
            and (group[0], group[1]) in members
        ]
        with transaction.atomic():
            try:
                NotificationDigest.objects.bulk_create(
                    [
                        NotificationDigest(
                            person_id=person,
                            organisation_id=org,
                            delivery=delivery,
                            period=_period(delivery, day),
                            count=len(items),
                            sent_at=now,
                        )
                        for (person, org, delivery), items in chunk
                    ]
                )
            except IntegrityError:
                # Another run took this chunk meanwhile: it sends it.
                continue
            Notification.objects.filter(
                pk__in=[n.pk for _group, items in chunk for n in items]
            ).update(emailed_at=now)
        messages = []
        for (person_id, org_id, delivery), items in chunk:
            person, organisation = people[person_id], organisations[org_id]
            with translation.override(_language(person, organisation)):
                rendered = [_item(n, organisation) for n in items]
            messages.append(
                _message(
                    "lms/email/notification_digest.txt",
                    person,
                    organisation,
                    {
                        "items": rendered,
                        "weekly": delivery == Delivery.WEEKLY,
                        "preferences_link": organisation.root_url
                        + reverse("lms:notification_preferences"),
                    },
                )
            )
        sent += connection.send_messages(messages) or 0
    return sent


def purge_read(older_than_days=None) -> int:
    """Read notifications are kept ``LMS_NOTIFICATION_RETENTION_DAYS`` (180) days."""
    days = older_than_days or settings.LMS_NOTIFICATION_RETENTION_DAYS
    deleted, _detail = Notification.objects.filter(
        read_at__lt=timezone.now() - timedelta(days=days)
    ).delete()
    return deleted
