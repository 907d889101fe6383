"""Pages of volunteer time: a person logs hours, coordinators log a team's and
validate, value the year, follow who is drifting away and who left."""

import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lms import mail
from lms.exports import spreadsheet_response
from lms.models import Membership
from lms.models.people import PEOPLE_MANAGERS
from lms.views.access import member_required, role_required
from relais_recruitment import volunteer_time as figures
from relais_recruitment.volunteer_time_forms import (
    DURATIONS,
    ActivityForm,
    DepartureForm,
    LogHoursForm,
    RateForm,
    TeamHoursForm,
    TimeSettingsForm,
    duration_label,
)
from relais_recruitment.volunteer_time_models import (
    Activity,
    Departure,
    DepartureReason,
    DriftNotice,
    HourEntry,
    TimeSettings,
    ValuationRate,
)

manages_people = role_required(*PEOPLE_MANAGERS)
TEMPLATES = "recruitment/time/"


def _entries(request):
    return HourEntry.objects.for_organisation(request.organisation)


@member_required
def log_hours(request):
    """Three taps on a phone: the day (today), the activity and the duration (the
    last ones) are filled in; "Log" is the third."""
    organisation = request.organisation
    form = LogHoursForm(
        request.POST or None, organisation=organisation, user=request.user
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    HourEntry.objects.create(
                        organisation=organisation,
                        user=request.user,
                        logged_by=request.user,
                        idempotency_key=data["idempotency_key"],
                        date=data["date"],
                        minutes=data["minutes"],
                        activity=data["activity"],
                        team=data["team"],
                        comment=data["comment"],
                    )
            except IntegrityError:
                pass  # the same form sent twice: it is logged already
            messages.success(
                request,
                _("%(duration)s logged on %(day)s, thank you!")
                % {
                    "duration": duration_label(data["minutes"]),
                    "day": data["date"].strftime("%d/%m/%Y"),
                },
            )
            return redirect("recruitment:time_log")
        messages.error(request, _("Nothing was logged: please correct the form."))
    mine = (
        _entries(request).filter(user=request.user).select_related("activity", "team")
    )
    year = timezone.localdate().year
    total = mine.filter(date__year=year).aggregate(total=Sum("minutes"))["total"] or 0
    return render(
        request,
        TEMPLATES + "log.html",
        {
            "form": form,
            "recent": mine[:10],
            "year_total": duration_label(total),
            "durations": [(m, duration_label(m)) for m in DURATIONS],
            "no_activity": not Activity.objects.for_organisation(organisation).exists(),
        },
    )


@manages_people
def team_hours(request):
    organisation = request.organisation
    people = figures.people_of(organisation).order_by(
        "last_name", "first_name", "username"
    )
    form = TeamHoursForm(request.POST or None, organisation=organisation, people=people)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            created = 0
            with transaction.atomic():
                for user in data["people"]:
                    # One key per person derived from the form's: sending the
                    # form twice logs nobody twice.
                    key = uuid.uuid5(data["idempotency_key"], str(user.pk))
                    _entry, new = HourEntry.objects.get_or_create(
                        idempotency_key=key,
                        defaults={
                            "organisation": organisation,
                            "user": user,
                            "logged_by": request.user,
                            "date": data["date"],
                            "minutes": data["minutes"],
                            "activity": data["activity"],
                            "team": data["team"],
                            "comment": data["comment"],
                            "status": HourEntry.Status.VALIDATED,
                            "validated_by": request.user,
                            "validated_at": timezone.now(),
                        },
                    )
                    created += new
            messages.success(
                request,
                ngettext(
                    "Hours logged for %(count)d person.",
                    "Hours logged for %(count)d people.",
                    len(data["people"]),
                )
                % {"count": len(data["people"])},
            )
            return redirect("recruitment:time_review")
        messages.error(request, _("Nothing was logged: please correct the form."))
    return render(
        request,
        TEMPLATES + "team.html",
        {"form": form, "durations": [(m, duration_label(m)) for m in DURATIONS]},
    )


@manages_people
def review(request):
    """Hours waiting for validation; validated together."""
    pending = (
        _entries(request)
        .filter(status=HourEntry.Status.PENDING)
        .select_related("user", "activity", "team")
        .order_by("date", "pk")
    )
    if request.method == "POST":
        ids = [value for value in request.POST.getlist("entries") if value.isdigit()]
        chosen = pending.filter(pk__in=ids)
        if len(ids) != chosen.count() or not ids:
            messages.error(
                request,
                _(
                    "Choose hours to validate among those listed: "
                    "nothing was validated."
                ),
            )
            return redirect("recruitment:time_review")
        count = chosen.update(
            status=HourEntry.Status.VALIDATED,
            validated_by=request.user,
            validated_at=timezone.now(),
        )
        messages.success(
            request,
            ngettext(
                "%(count)d entry validated.", "%(count)d entries validated.", count
            )
            % {"count": count},
        )
        return redirect("recruitment:time_review")
    return render(request, TEMPLATES + "review.html", {"pending": pending[:500]})


def _year(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    return year


@manages_people
def valorisation(request):
    year = _year(request)
    rows, totals = figures.valorisation(request.organisation, year)
    return render(
        request,
        TEMPLATES + "valorisation.html",
        {
            "year": year,
            "rows": rows,
            "totals": totals,
            "default_rate": TimeSettings.for_organisation(
                request.organisation
            ).default_hourly_rate,
            "years": range(
                timezone.localdate().year, timezone.localdate().year - 5, -1
            ),
        },
    )


@manages_people
def valorisation_export(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    year = _year(request)
    rows, totals = figures.valorisation(request.organisation, year)
    header = [_("Month"), _("Team"), _("Activity"), _("Hours"), _("Value (€)")]
    table = [
        [
            row["month"].strftime("%Y-%m"),
            row["team__name"] or "",
            row["activity__name"],
            float(round(row["hours"], 2)),
            float(row["total_value"]),
        ]
        for row in rows
    ]
    table.append(
        [_("Total"), "", "", float(round(totals["hours"], 2)), float(totals["value"])]
    )
    return spreadsheet_response(
        header,
        table,
        f"valorisation-{year}",
        kind,
        title=_("Valorisation %(year)s") % {"year": year},
    )


@manages_people
def rates(request):
    organisation = request.organisation
    settings_ = TimeSettings.for_organisation(organisation)
    which = request.POST.get("form")
    activity_form = ActivityForm(
        request.POST if which == "activity" else None, organisation=organisation
    )
    rate_form = RateForm(
        request.POST if which == "rate" else None, organisation=organisation
    )
    settings_form = TimeSettingsForm(
        request.POST if which == "settings" else None, instance=settings_
    )
    if request.method == "POST":
        form = {
            "activity": activity_form,
            "rate": rate_form,
            "settings": settings_form,
        }.get(which)
        if form is not None and form.is_valid():
            saved = form.save()
            if which == "rate":
                ValuationRate.rechain(saved.activity_id)
            messages.success(request, _("Saved."))
            return redirect("recruitment:time_rates")
        messages.error(request, _("Nothing was saved: please correct the form."))
    activities = Activity.objects.for_organisation(organisation).prefetch_related(
        "rates"
    )
    return render(
        request,
        TEMPLATES + "rates.html",
        {
            "activities": activities,
            "activity_form": activity_form,
            "rate_form": rate_form,
            "settings_form": settings_form,
        },
    )


@manages_people
def drifting(request):
    people = list(figures.drifting(request.organisation))
    sent = set(
        DriftNotice.objects.for_organisation(request.organisation)
        .filter(kind=DriftNotice.Kind.CHECK_IN, user__in=[m.user_id for m in people])
        .values_list("user_id", "period")
    )
    for membership in people:
        membership.since = figures.last_activity(membership)
        membership.checked_in = (membership.user_id, membership.since) in sent
    return render(
        request,
        TEMPLATES + "drifting.html",
        {
            "people": people,
            "weeks": TimeSettings.for_organisation(
                request.organisation
            ).drifting_after_weeks,
        },
    )


@manages_people
@require_POST
def check_in(request, membership_id):
    """One click: a kind message to a volunteer drifting away, in their language,
    once per stretch of inactivity."""
    organisation = request.organisation
    membership = figures.drifting(organisation).filter(pk=membership_id).first()
    if membership is None:
        get_object_or_404(
            Membership.objects.for_organisation(organisation), pk=membership_id
        )
        messages.info(request, _("This person is not drifting away any more."))
        return redirect("recruitment:time_drifting")
    period = figures.last_activity(membership)
    name = membership.user.get_full_name() or membership.user.get_username()
    if figures.log_once(
        organisation, membership.user, DriftNotice.Kind.CHECK_IN, period, request.user
    ):
        mail.send(
            TEMPLATES + "email/check_in.txt",
            membership.user,
            organisation,
            {
                "coordinator": request.user,
                "url": mail.link(organisation, reverse("recruitment:time_log")),
            },
        )
        messages.success(request, _("Message sent to %(name)s.") % {"name": name})
    else:
        messages.info(
            request, _("%(name)s has already received a message.") % {"name": name}
        )
    return redirect("recruitment:time_drifting")


def _save_departure(form, organisation, user, recorded_by):
    with transaction.atomic():
        departure = form.save(commit=False)
        departure.organisation = organisation
        departure.user = user
        departure.recorded_by = recorded_by
        departure.save()
        DepartureReason.objects.bulk_create(
            DepartureReason(departure=departure, reason=reason)
            for reason in form.cleaned_data["reasons"]
        )
        membership = Membership.objects.for_organisation(organisation).get(user=user)
        figures.deactivate(membership)
    return departure


@member_required
def leave(request):
    """A person says goodbye: their answers, then their membership ends."""
    organisation = request.organisation
    if request.membership is None:
        raise Http404  # a superuser without a membership has nothing to leave
    form = DepartureForm(request.POST or None)
    if request.method == "POST":
        if (
            Departure.objects.for_organisation(organisation)
            .filter(user=request.user)
            .exists()
        ):
            messages.info(request, _("Your departure is already recorded."))
            return redirect("recruitment:time_log")
        if form.is_valid():
            _save_departure(form, organisation, request.user, request.user)
            return render(request, TEMPLATES + "left.html")
        messages.error(request, _("Nothing was recorded: please correct the form."))
    return render(request, TEMPLATES + "leave.html", {"form": form, "own": True})


@manages_people
def record_departure(request, membership_id):
    organisation = request.organisation
    membership = get_object_or_404(
        Membership.objects.for_organisation(organisation).select_related("user"),
        pk=membership_id,
    )
    if membership.user_id == request.user.pk or (
        membership.role in PEOPLE_MANAGERS
        and not (request.user.is_superuser or request.membership.role == "admin")
    ):
        messages.error(
            request, _("Only an organisation admin can stand this person down.")
        )
        return redirect("recruitment:time_departures")
    form = DepartureForm(request.POST or None)
    if request.method == "POST":
        if (
            Departure.objects.for_organisation(organisation)
            .filter(user=membership.user)
            .exists()
        ):
            messages.info(request, _("This departure is already recorded."))
            return redirect("recruitment:time_departures")
        if form.is_valid():
            _save_departure(form, organisation, membership.user, request.user)
            messages.success(
                request, _("Departure recorded; the membership is closed.")
            )
            return redirect("recruitment:time_departures")
        messages.error(request, _("Nothing was recorded: please correct the form."))
    return render(
        request,
        TEMPLATES + "leave.html",
        {"form": form, "own": False, "member": membership},
    )


@manages_people
def departures(request):
    return render(
        request,
        TEMPLATES + "departures.html",
        {"summary": figures.departure_summary(request.organisation)},
    )


@manages_people
def retention(request):
    year = _year(request)
    return render(
        request,
        TEMPLATES + "retention.html",
        {
            "cohorts": figures.retention_cohorts(request.organisation),
            "milestones": figures.MILESTONES,
            "months": figures.hours_per_month(request.organisation, year),
            "year": year,
        },
    )
