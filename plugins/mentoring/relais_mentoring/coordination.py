"""The coordinators' side: the programme at a glance, mentors' offers, matching one
newcomer or a whole cohort, confidential concerns.

Coordinators see what a pair does (dates, counts, statuses, scores), never what it
writes: no query here reads ``Note.body`` or ``CheckIn.comment``.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST

from lms.access_log import log_access
from lms.exports import spreadsheet_response
from lms.models.people import PEOPLE_MANAGERS
from lms.views.access import role_required
from relais_mentoring import matching, pairs
from relais_mentoring.forms import SettingsForm
from relais_mentoring.models import (
    CheckIn,
    Concern,
    Feedback,
    MentorProfile,
    Pairing,
    ProgrammeSettings,
)
from relais_mentoring.waiting import waiting_requests

manages_people = role_required(*PEOPLE_MANAGERS)


def _pair_rows(organisation, weeks, now):
    pairs_ = (
        Pairing.objects.for_organisation(organisation)
        .filter(status__in=[*Pairing.CURRENT, Pairing.Status.ENDED])
        .select_related("mentor", "mentee")
        .annotate(
            held=Count("sessions", filter=Q(sessions__status="held"), distinct=True),
            last_met=Max("sessions__starts_at", filter=Q(sessions__status="held")),
            goals_total=Count("goals", distinct=True),
            goals_done=Count("goals", filter=Q(goals__status="done"), distinct=True),
            usefulness=Avg("sessions__check_ins__usefulness"),
        )
        .order_by("status", "-started_at")
    )
    quiet_before = now - timezone.timedelta(weeks=weeks)
    rows = []
    for pairing in pairs_:
        last = pairing.last_met or pairing.started_at
        pairing.quiet = (
            pairing.status == Pairing.Status.ACTIVE and last and last < quiet_before
        )
        rows.append(pairing)
    return rows


def _mentor_rows(organisation):
    loads = dict(
        Pairing.objects.for_organisation(organisation)
        .current()
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    mentors = (
        MentorProfile.objects.for_organisation(organisation)
        .filter(status=MentorProfile.Status.APPROVED)
        .select_related("user", "team")
        .order_by("user__last_name", "user__first_name")
    )
    for mentor in mentors:
        mentor.load = loads.get(mentor.user_id, 0)
        mentor.full = mentor.load >= mentor.capacity
    return list(mentors)


def _feedback(organisation):
    rows = Feedback.objects.filter(pairing__organisation=organisation)
    summary = {
        side: rows.filter(side=side).aggregate(average=Avg("rating"), count=Count("pk"))
        for side in ("mentor", "mentee")
    }
    comments = list(
        rows.exclude(comment="").order_by("-created_at").values("side", "comment")[:20]
    )
    return summary, comments


@manages_people
def programme(request):
    organisation, now = request.organisation, timezone.now()
    settings = ProgrammeSettings.for_organisation(organisation)
    form = SettingsForm(request.POST or None, instance=settings)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Settings saved."))
            return redirect("mentoring:programme")
        messages.error(request, _("Please correct the settings below."))
    waiting = list(waiting_requests(organisation).select_related("user"))
    # The best mentor for each newcomer waiting, so the coordinator sees at once
    # who to propose (the match page explains why and lists the others).
    mentors = matching.mentors_of(organisation)
    best = {
        newcomer.user_id: next(iter(matching.rank(newcomer, mentors, limit=1)), None)
        for newcomer in matching.newcomers_of(
            organisation, waiting_requests(organisation)
        )
    }
    for row in waiting:
        row.days = (now - row.created_at).days
        row.suggestion = best.get(row.user_id)
    rows = _pair_rows(organisation, settings.nudge_after_weeks, now)
    feedback, comments = _feedback(organisation)
    usefulness = CheckIn.objects.filter(
        session__pairing__organisation=organisation
    ).aggregate(average=Avg("usefulness"), count=Count("pk"))
    return render(
        request,
        "relais_mentoring/programme.html",
        {
            "rows": rows,
            "active": sum(p.status == Pairing.Status.ACTIVE for p in rows),
            "proposed": sum(p.status == Pairing.Status.PROPOSED for p in rows),
            "quiet": [p for p in rows if p.quiet],
            "waiting": waiting,
            "mentors": _mentor_rows(organisation),
            "pending_offers": MentorProfile.objects.for_organisation(organisation)
            .filter(status=MentorProfile.Status.PENDING)
            .count(),
            "usefulness": usefulness,
            "feedback": feedback,
            "comments": comments,
            "concerns": Concern.objects.filter(
                pairing__organisation=organisation, handled_at__isnull=True
            ).select_related("pairing"),
            "form": form,
            "weeks": settings.nudge_after_weeks,
        },
    )


@manages_people
def export(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    organisation, now = request.organisation, timezone.now()
    weeks = ProgrammeSettings.for_organisation(organisation).nudge_after_weeks
    header = [
        _("Mentor"),
        _("Newcomer"),
        _("Status"),
        _("Proposed on"),
        _("Started on"),
        _("Ended on"),
        _("Sessions held"),
        _("Last session"),
        _("Goals reached"),
        _("Goals"),
        _("Average usefulness (1-5)"),
        _("No recent session"),
    ]

    def day(value):
        return timezone.localdate(value) if value else None

    body = [
        [
            p.mentor.get_full_name(),
            p.mentee.get_full_name(),
            p.get_status_display(),
            day(p.proposed_at),
            day(p.started_at),
            day(p.ended_at),
            p.held,
            day(p.last_met),
            p.goals_done,
            p.goals_total,
            round(p.usefulness, 1) if p.usefulness is not None else None,
            _("yes") if p.quiet else "",
        ]
        for p in _pair_rows(organisation, weeks, now)
    ]
    return spreadsheet_response(header, body, "mentoring", kind, _("Mentoring"))


@manages_people
def mentors(request):
    offers = (
        MentorProfile.objects.for_organisation(request.organisation)
        .select_related("user", "team")
        .prefetch_related("courses")
        .order_by("status", "user__last_name")
    )
    return render(
        request,
        "relais_mentoring/mentors.html",
        {"offers": offers, "statuses": MentorProfile.Status},
    )


@require_POST
@manages_people
def review_offer(request, pk):
    profile = get_object_or_404(
        MentorProfile.objects.for_organisation(request.organisation), pk=pk
    )
    status = request.POST.get("status")
    if status not in MentorProfile.Status.values:
        messages.error(request, _("Unknown status."))
        return redirect("mentoring:mentors")
    profile.status = status
    profile.reviewed_by, profile.reviewed_at = request.user, timezone.now()
    profile.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    if status in (MentorProfile.Status.APPROVED, MentorProfile.Status.DECLINED):
        pairs.notify_later("reviewed", profile.pk)
    messages.success(
        request,
        _("%(name)s: %(status)s.")
        % {"name": profile, "status": profile.get_status_display()},
    )
    return redirect("mentoring:mentors")


def _newcomer(request, user_id):
    requests = waiting_requests(request.organisation).filter(user_id=user_id)
    newcomers = matching.newcomers_of(request.organisation, requests)
    if not newcomers:
        raise Http404
    return newcomers[0]


@manages_people
def match(request, user_id):
    newcomer = _newcomer(request, user_id)
    fits = matching.rank(newcomer, matching.mentors_of(request.organisation))
    log_access(
        request, user_id, gettext_noop("mentoring: availability, languages, match")
    )
    return render(
        request,
        "relais_mentoring/match.html",
        {"newcomer": newcomer, "fits": fits},
    )


@require_POST
@manages_people
def propose(request, user_id):
    newcomer = _newcomer(request, user_id)
    mentor_id = request.POST.get("mentor", "")
    mentors = {m.user_id: m for m in matching.mentors_of(request.organisation)}
    mentor = mentors.get(int(mentor_id)) if mentor_id.isdigit() else None
    if mentor is None:
        messages.error(request, _("Choose one of the approved mentors."))
        return redirect("mentoring:match", user_id=user_id)
    users = get_user_model().objects.in_bulk([mentor.user_id, newcomer.user_id])
    try:
        pairs.propose(
            request.organisation,
            mentor=users[mentor.user_id],
            mentee=users[newcomer.user_id],
            by=request.user,
            score=matching.fit(newcomer, mentor).score,
        )
    except pairs.Refused as error:
        messages.error(request, str(error))
        return redirect("mentoring:match", user_id=user_id)
    messages.success(
        request,
        _("%(mentor)s is proposed to %(newcomer)s; both are asked to accept.")
        % {"mentor": mentor.name, "newcomer": newcomer.name},
    )
    return redirect("mentoring:programme")


@manages_people
def batch(request):
    """The best assignment of every waiting newcomer, to review before proposing."""
    organisation = request.organisation
    newcomers = matching.newcomers_of(organisation, waiting_requests(organisation))
    mentors = matching.mentors_of(organisation)
    if request.method == "POST":
        return _propose_batch(request, newcomers, mentors)
    assignment = matching.assign(newcomers, mentors)
    matched = {newcomer.user_id for newcomer, _fit in assignment}
    return render(
        request,
        "relais_mentoring/batch.html",
        {
            "assignment": assignment,
            "unmatched": [n for n in newcomers if n.user_id not in matched],
            "total": sum(fit.score for _n, fit in assignment),
        },
    )


def _propose_batch(request, newcomers, mentors):
    newcomers = {n.user_id: n for n in newcomers}
    mentors = {m.user_id: m for m in mentors}
    chosen = []
    for value in request.POST.getlist("pair"):
        mentee_id, _sep, mentor_id = value.partition(":")
        newcomer = newcomers.get(int(mentee_id)) if mentee_id.isdigit() else None
        mentor = mentors.get(int(mentor_id)) if mentor_id.isdigit() else None
        if newcomer is None or mentor is None:
            messages.error(
                request,
                _("The waiting list changed: please review the matching again."),
            )
            return redirect("mentoring:batch")
        chosen.append((newcomer, mentor))
    users = get_user_model().objects.in_bulk(
        [person.user_id for pair in chosen for person in pair]
    )
    proposed, refused = 0, []
    for newcomer, mentor in chosen:
        try:
            pairs.propose(
                request.organisation,
                mentor=users[mentor.user_id],
                mentee=users[newcomer.user_id],
                by=request.user,
                score=matching.fit(newcomer, mentor).score,
            )
            proposed += 1
        except pairs.Refused as error:
            refused.append(f"{newcomer.name}: {error}")
    if proposed:
        messages.success(
            request,
            ngettext(
                "%(count)d pairing proposed; it starts when both accept.",
                "%(count)d pairings proposed; each one starts when both accept.",
                proposed,
            )
            % {"count": proposed},
        )
    for line in refused:
        messages.error(request, line)
    return redirect("mentoring:programme")


@manages_people
def concern(request, pk):
    item = get_object_or_404(
        Concern.objects.select_related(
            "pairing__mentor", "pairing__mentee", "raised_by", "handled_by"
        ),
        pk=pk,
        pairing__organisation=request.organisation,
    )
    if request.method == "POST" and item.handled_at is None:
        Concern.objects.filter(pk=item.pk, handled_at__isnull=True).update(
            handled_at=timezone.now(), handled_by=request.user
        )
        messages.success(request, _("Marked as handled."))
        return redirect("mentoring:programme")
    for person_id in {item.pairing.mentor_id, item.pairing.mentee_id}:
        log_access(request, person_id, gettext_noop("mentoring: a concern"))
    return render(request, "relais_mentoring/concern_read.html", {"concern": item})
