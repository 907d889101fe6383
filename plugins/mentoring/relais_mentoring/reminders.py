"""Daily reminders of the programme (``send_mentoring_reminders``: the task, or the
management command for cron). Each one is logged in ``Notice`` before it is sent,
so running twice the same day sends nothing more.

* after a held session, each member who has not checked in (once per session);
* after a planned session's end, a reminder to mark it held or cancel it (once);
* a nudge to both when an active pair has not met for the programme's N weeks
  (once per quiet stretch);
* coordinators' weekly digest on ``LMS_DIGEST_WEEKDAY``: waiting newcomers, quiet
  pairs, offers to review, concerns to handle.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from lms.mail import coordinators, link
from lms.plugins.activation import enabled_labels
from relais_mentoring.models import (
    Concern,
    MentorProfile,
    Notice,
    Pairing,
    ProgrammeSettings,
    Session,
)
from relais_mentoring.notices import send
from relais_mentoring.waiting import waiting_requests

LOOK_BACK = timedelta(days=7)  # older sessions are not chased any more


def _once(kind, key, user):
    try:
        with transaction.atomic():
            Notice.objects.create(kind=kind, key=key, user=user)
            return True
    except IntegrityError:
        return False


def _sessions(organisation, now):
    return Session.objects.filter(
        pairing__organisation=organisation,
        starts_at__gte=now - LOOK_BACK,
        starts_at__lte=now,
    ).select_related("pairing__mentor", "pairing__mentee", "pairing__organisation")


def check_ins(organisation, now):
    sent = 0
    held = _sessions(organisation, now).filter(status=Session.Status.HELD)
    for session in held.prefetch_related("check_ins"):
        pairing = session.pairing
        done = {check.user_id for check in session.check_ins.all()}
        url = link(organisation, reverse("mentoring:check_in", args=[session.uuid]))
        for person in (pairing.mentor, pairing.mentee):
            if person.pk not in done and _once("check-in", session.uuid, person):
                sent += send(
                    "checkin_reminder",
                    person,
                    organisation,
                    {
                        "session": session,
                        "partner": pairing.partner(person),
                        "url": url,
                    },
                )
    return sent


def unlogged(organisation, now):
    sent = 0
    planned = _sessions(organisation, now).filter(status=Session.Status.PLANNED)
    for session in planned:
        if session.ends_at > now:
            continue
        pairing = session.pairing
        url = link(organisation, pairing.get_absolute_url())
        for person in (pairing.mentor, pairing.mentee):
            if _once("log", session.uuid, person):
                sent += send(
                    "log_reminder",
                    person,
                    organisation,
                    {
                        "session": session,
                        "partner": pairing.partner(person),
                        "url": url,
                    },
                )
    return sent


def quiet_pairs(organisation, now, weeks):
    """Active pairs whose last held session (or start) is more than ``weeks`` ago,
    with that date."""
    pairs = (
        Pairing.objects.for_organisation(organisation)
        .filter(status=Pairing.Status.ACTIVE)
        .annotate(
            last_met=Max("sessions__starts_at", filter=Q(sessions__status="held"))
        )
        .select_related("mentor", "mentee")
    )
    limit = now - timedelta(weeks=weeks)
    return [
        pairing for pairing in pairs if (pairing.last_met or pairing.started_at) < limit
    ]


def nudges(organisation, now):
    weeks = ProgrammeSettings.for_organisation(organisation).nudge_after_weeks
    sent = 0
    for pairing in quiet_pairs(organisation, now, weeks):
        since = (pairing.last_met or pairing.started_at).date().isoformat()
        url = link(organisation, pairing.get_absolute_url())
        for person in (pairing.mentor, pairing.mentee):
            if _once("nudge", f"{pairing.uuid}:{since}", person):
                sent += send(
                    "nudge",
                    person,
                    organisation,
                    {"partner": pairing.partner(person), "url": url, "weeks": weeks},
                )
    return sent


def digest(organisation, now):
    if timezone.localdate(now).weekday() != settings.LMS_DIGEST_WEEKDAY:
        return 0
    weeks = ProgrammeSettings.for_organisation(organisation).nudge_after_weeks
    waiting = [
        {"name": request.user.get_full_name(), "days": (now - request.created_at).days}
        for request in waiting_requests(organisation).select_related("user")
    ]
    quiet = [
        {"mentor": p.mentor.get_full_name(), "mentee": p.mentee.get_full_name()}
        for p in quiet_pairs(organisation, now, weeks)
    ]
    pending = (
        MentorProfile.objects.for_organisation(organisation)
        .filter(status=MentorProfile.Status.PENDING)
        .count()
    )
    concerns = Concern.objects.filter(
        pairing__organisation=organisation, handled_at__isnull=True
    ).count()
    if not (waiting or quiet or pending or concerns):
        return 0
    context = {
        "waiting": waiting,
        "quiet": quiet,
        "pending": pending,
        "concerns": concerns,
        "url": link(organisation, reverse("mentoring:programme")),
    }
    week = timezone.localdate(now).isocalendar()
    key = f"{organisation.pk}:{week.year}-{week.week}"
    return sum(
        send("digest", person, organisation, context)
        for person in coordinators(organisation)
        if _once("digest", key, person)
    )


def run(now=None):
    now = now or timezone.now()
    totals = {"check-ins": 0, "unlogged": 0, "nudges": 0, "digests": 0}
    for organisation in Site.objects.all():
        if "mentoring" not in enabled_labels(organisation):
            continue
        totals["check-ins"] += check_ins(organisation, now)
        totals["unlogged"] += unlogged(organisation, now)
        totals["nudges"] += nudges(organisation, now)
        totals["digests"] += digest(organisation, now)
    return totals
