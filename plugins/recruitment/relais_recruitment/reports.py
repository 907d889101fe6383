"""Recruitment figures: how long candidates wait for a first answer, and the funnel
from a mission's page to a volunteer still active months later."""

from datetime import timedelta
from statistics import median

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relais_recruitment.models import Application, Mission, MissionViews


def reactivity(organisation, mission=None):
    """Median wait for a first answer (timedelta, None without answers) and how
    many candidates still wait."""
    applications = Application.objects.for_organisation(organisation)
    if mission is not None:
        applications = applications.filter(mission=mission)
    waits = [
        answered - sent
        for sent, answered in applications.filter(
            first_answered_at__isnull=False
        ).values_list("created_at", "first_answered_at")
    ]
    return {
        "median": median(waits) if waits else None,
        "median_days": round(median(waits).total_seconds() / 86400, 1)
        if waits
        else None,
        "waiting": applications.filter(status=Application.Status.NEW).count(),
    }


def _still_active(application, months, today):
    membership = application.membership
    if membership is None:
        return None
    if membership.joined_at.date() + timedelta(days=30 * months) > today:
        return None  # too early to say
    return membership.is_active


def funnel(organisation):
    """One row per (mission, source): viewed, applied, accepted, onboarded, still
    active at 3 and 6 months (of those who joined long enough ago)."""
    today = timezone.localdate()
    missions = Mission.objects.for_organisation(organisation).order_by("title")
    views = dict(
        MissionViews.objects.filter(mission__in=missions)
        .values("mission")
        .annotate(total=Sum("count"))
        .values_list("mission", "total")
    )
    applications = (
        Application.objects.for_organisation(organisation)
        .select_related("membership")
        .order_by("mission", "source")
    )
    rows = {}
    for mission in missions:
        rows[(mission.pk, "")] = _row(mission, "", views.get(mission.pk, 0))
    for application in applications:
        key = (application.mission_id, application.source)
        mission_row = rows.get((application.mission_id, ""))
        if mission_row is None:
            continue
        row = rows.setdefault(
            key, _row(mission_row["mission"], application.source, None)
        )
        for target in {id(row): row, id(mission_row): mission_row}.values():
            target["applied"] += 1
            if application.status == Application.Status.ACCEPTED:
                target["accepted"] += 1
            if application.membership_id:
                target["onboarded"] += 1
                for months in (3, 6):
                    active = _still_active(application, months, today)
                    if active:
                        target[f"active_{months}"] += 1
    return list(rows.values())


def _row(mission, source, viewed):
    return {
        "mission": mission,
        "source": source,
        "viewed": viewed,
        "applied": 0,
        "accepted": 0,
        "onboarded": 0,
        "active_3": 0,
        "active_6": 0,
    }


def funnel_table(organisation):
    header = [
        _("Mission"),
        _("Source"),
        _("Viewed"),
        _("Applied"),
        _("Accepted"),
        _("Onboarded"),
        _("Still active at 3 months"),
        _("Still active at 6 months"),
    ]
    rows = [
        [
            row["mission"].title,
            row["source"] or _("All sources"),
            "" if row["viewed"] is None else row["viewed"],
            row["applied"],
            row["accepted"],
            row["onboarded"],
            row["active_3"],
            row["active_6"],
        ]
        for row in funnel(organisation)
    ]
    return header, rows
