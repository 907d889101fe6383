"""What happens to an announcement: its text cleaned, its publication told to its
audience through the core's notification centre, read receipts and reminders."""

import nh3
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from lms.models import Membership
from lms.notifications import (
    Delivery,
    mark_read,
    notify_many,
    register_notification_kind,
)
from relais_community.models import (
    Announcement,
    AnnouncementConfirmation,
    AnnouncementReminder,
)

NEWS = "community.announcement"
IMPORTANT_NEWS = "community.important_announcement"
REMINDER = "community.confirmation_reminder"

# What a coordinator's text may hold: paragraphs, emphasis, lists, headings, quotes
# and links (the ammonia sanitiser drops everything else, scripts and event
# handlers included, and adds rel="nofollow noopener noreferrer" to links).
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li",
    "h2", "h3", "h4", "blockquote", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def register_kinds():
    register_notification_kind(
        NEWS,
        label=_("News of the organisation"),
        text=_("News: %(title)s"),
        default=Delivery.DAILY,
    )
    register_notification_kind(
        IMPORTANT_NEWS,
        label=_("Important news"),
        text=_("Important news: %(title)s"),
        default=Delivery.AT_ONCE,
    )
    register_notification_kind(
        REMINDER,
        label=_("Reminders to confirm you have read news"),
        text=_("Please confirm you have read: %(title)s"),
        default=Delivery.AT_ONCE,
    )


def clean_html(text):
    """The stored form of a coordinator's text: plain text becomes paragraphs,
    HTML keeps only ``ALLOWED_TAGS``; nothing that runs survives."""
    text = (text or "").strip()
    if "<" not in text:
        text = linebreaks(text)
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    ).strip()


def announcement_url(announcement):
    return reverse("community:announcement", args=[announcement.pk])


@task()
def publish_announcement(announcement_id: int) -> int:
    """Tell the audience of a published announcement, once: a guarded update
    claims it, so a second run (or the scheduler's) notifies nobody again.
    Returns how many people were told."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Announcement.objects.filter(
            pk=announcement_id, notified_at__isnull=True, publish_at__lte=now
        ).update(notified_at=now)
        if not claimed:
            return 0
        announcement = Announcement.objects.select_related("organisation").get(
            pk=announcement_id
        )
        told = 0
        for organisation in announcement.reached_organisations():
            people = [
                membership.user
                for membership in announcement.audience_in(organisation)
                .exclude(user_id=announcement.author_id)
                .select_related("user")
            ]
            told += len(
                notify_many(
                    IMPORTANT_NEWS if announcement.important else NEWS,
                    people=people,
                    organisation=organisation,
                    url=announcement_url(announcement),
                    title=announcement.title,
                )
            )
        return told


@task()
def publish_due_announcements() -> int:
    """The scheduler's side: announcements whose publication time came."""
    due = Announcement.objects.filter(
        notified_at__isnull=True, publish_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(publish_announcement.call(pk) for pk in due)


def confirm(announcement, membership):
    """Record that the person read it (once, whatever the clicks)."""
    try:
        with transaction.atomic():
            AnnouncementConfirmation.objects.get_or_create(
                announcement=announcement,
                person=membership.user,
                defaults={"organisation": membership.organisation},
            )
    except IntegrityError:  # a concurrent click won
        pass
    mark_read(
        membership.user, membership.organisation, url=announcement_url(announcement)
    )


def receipts(announcement, organisation):
    """Who of the audience in ``organisation`` confirmed, and who has not yet:
    (confirmed count, audience count, the memberships still to confirm)."""
    audience = announcement.audience_in(organisation)
    confirmed_ids = AnnouncementConfirmation.objects.filter(
        announcement=announcement, organisation=organisation
    ).values("person_id")
    missing = audience.exclude(user_id__in=confirmed_ids).select_related("user", "team")
    total = audience.count()
    confirmed = audience.filter(user_id__in=confirmed_ids).count()
    return confirmed, total, missing


def remind(announcement, organisation, sent_by):
    """Remind those who have not confirmed, at most once a day: returns how many
    were reminded, or None when today's reminder already went."""
    today = timezone.localdate()
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = AnnouncementReminder.objects.create(
                    announcement=announcement,
                    organisation=organisation,
                    day=today,
                    sent_by=sent_by,
                )
        except IntegrityError:
            return None
        _confirmed, _total, missing = receipts(announcement, organisation)
        people = [membership.user for membership in missing]
        notify_many(
            REMINDER,
            people=people,
            organisation=organisation,
            url=announcement_url(announcement),
            title=announcement.title,
        )
        reminder.reminded = len(people)
        reminder.save(update_fields=["reminded"])
        return len(people)


def members_of(organisation):
    return Membership.objects.for_organisation(organisation).active()
