"""Daily reminders: newcomers hear about steps due soon or late; coordinators get a
weekly digest. Run by the ``send_reminders`` task (or the management command, for
cron). Each reminder is logged first, so a second run the same day sends nothing.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from courses.learning import path_state
from courses.models import BadgeAward, DigestLog, PathAssignment, PathStep, ReminderLog
from lms.mail import language_of
from lms.models import Membership
from lms.models.people import PEOPLE_MANAGERS


def is_reminder_day(due, today):
    """Two days before, on the day, the day after, then weekly while late."""
    if due >= today:
        return (due - today).days in (2, 0)
    return (today - due).days % 7 == 1


def _log_once(**fields):
    try:
        with transaction.atomic():
            return bool(ReminderLog.objects.create(**fields))
    except IntegrityError:
        return False


def send_due_reminders(today=None):
    today = today or timezone.localdate()
    # Only people still active in the organisation that owns the path.
    assignments = PathAssignment.objects.filter(
        completed_at__isnull=True,
        user__is_active=True,
        user__memberships__organisation=F("path__organisation"),
        user__memberships__is_active=True,
    )
    assignments = assignments.select_related(
        "user__wagtail_userprofile", "path__organisation"
    ).prefetch_related(
        Prefetch("path__steps", queryset=PathStep.objects.order_by("sort_order")),
        "completions",
    )
    sent = 0
    for assignment in assignments:
        states = path_state(assignment, assignment.completions.all())
        due = [
            state
            for state in states
            if not state.done and state.open and is_reminder_day(state.due, today)
        ]
        fresh = [
            state
            for state in due
            if _log_once(user=assignment.user, step=state.step, day=today)
        ]
        if fresh and assignment.user.email:
            _mail_learner(assignment, fresh, today)
            sent += 1
    return sent


def _mail_learner(assignment, states, today):
    organisation = assignment.path.organisation
    with translation.override(language_of(assignment.user, organisation)):
        context = {
            "user": assignment.user,
            "path": assignment.path,
            "states": states,
            "today": today,
            "link": organisation.root_url + reverse("courses:my_path"),
            "organisation": organisation,
        }
        subject = render_to_string(
            "courses/email/reminder_subject.txt", context
        ).strip()
        body = render_to_string("courses/email/reminder.txt", context)
    send_mail(subject, body, None, [assignment.user.email])


def send_digests(today=None):
    """On the digest weekday, each coordinator learns who is late in their team."""
    today = today or timezone.localdate()
    if today.weekday() != settings.LMS_DIGEST_WEEKDAY:
        return 0
    late = defaultdict(list)
    assignments = (
        PathAssignment.objects.filter(completed_at__isnull=True)
        .select_related("user", "path__organisation")
        .prefetch_related("path__steps", "completions")
    )
    for assignment in assignments:
        states = path_state(assignment, assignment.completions.all())
        overdue = [state for state in states if state.overdue]
        if overdue:
            late[assignment.path.organisation].append((assignment, overdue))
    sent = 0
    for organisation, rows in late.items():
        coordinators = (
            Membership.objects.for_organisation(organisation)
            .active()
            .filter(role__in=PEOPLE_MANAGERS)
            .select_related("user")
        )
        for coordinator in coordinators:
            try:
                with transaction.atomic():
                    DigestLog.objects.create(
                        organisation=organisation, user=coordinator.user, day=today
                    )
            except IntegrityError:
                continue
            with translation.override(language_of(coordinator.user, organisation)):
                context = {
                    "rows": rows,
                    "organisation": organisation,
                    "link": organisation.root_url + reverse("courses:paths"),
                }
                subject = render_to_string("courses/email/digest_subject.txt", context)
                body = render_to_string("courses/email/digest.txt", context)
            send_mail(subject.strip(), body, None, [coordinator.user.email])
            sent += 1
    return sent


def send_expiry_reminders(today=None):
    """Once per badge, a month before it expires (first aid, food hygiene…)."""
    now = timezone.now()
    soon = now + timedelta(days=settings.LMS_BADGE_EXPIRY_NOTICE_DAYS)
    awards = BadgeAward.objects.filter(
        revoked_at__isnull=True,
        expiry_reminded_at__isnull=True,
        expires__gt=now,
        expires__lte=soon,
    ).select_related(
        "badge__organisation", "badge__course", "recipient__wagtail_userprofile"
    )
    sent = 0
    for award in awards:
        # Guarded update: a concurrent or repeated run finds it already claimed.
        claimed = BadgeAward.objects.filter(
            pk=award.pk, expiry_reminded_at__isnull=True
        ).update(expiry_reminded_at=now)
        if not claimed or not award.recipient.email:
            continue
        organisation = award.badge.organisation
        with translation.override(language_of(award.recipient, organisation)):
            context = {
                "award": award,
                "organisation": organisation,
                "renew": organisation.root_url + award.badge.course.learn_url()
                if award.badge.course
                else "",
            }
            subject = render_to_string("courses/email/expiry_subject.txt", context)
            body = render_to_string("courses/email/expiry.txt", context)
        send_mail(subject.strip(), body, None, [award.recipient.email])
        sent += 1
    return sent
