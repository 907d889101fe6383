"""Demo of volunteer time (PRODUCT.md): a year of weekly shifts for Entraide
Quartier's volunteers, Sophie's validations and the rates of each activity (the
distribution's rate changes on 1 July), two volunteers drifting away and three
who left, with their reasons. Runs after the other plugins' demos (they add
people), and again without duplicating anything."""

import datetime
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from lms.models import Kind, Membership, PluginActivation, Role, Team
from relais_recruitment.volunteer_time_models import (
    Activity,
    Departure,
    DepartureReason,
    HourEntry,
    ValuationRate,
)

DEMO_KEYS = uuid.UUID("6f1e9a52-2c1b-4d0e-9a43-7c0b1f5e0d11")
# activity, team, rates (months ago, € an hour)
ACTIVITIES = [
    ("Accueil du public", "Accueil", [(18, "17.43")]),
    ("Distribution alimentaire", "Distribution", [(18, "15.00"), (5, "17.43")]),
    ("Aide aux devoirs", "Aide aux devoirs", [(18, "20.00")]),
    ("Collecte", "Collecte", []),  # the default rate
    ("Formation des bénévoles", None, [(18, "25.00")]),
]
# username, first, last, team, activity, days since start, minutes a shift
VOLUNTEERS = [
    ("camille", "Camille", "Petit", "Distribution", 1, 700, 180),
    ("yanis", "Yanis", "Lefèvre", "Aide aux devoirs", 2, 500, 90),
    ("chloe", "Chloé", "Fontaine", "Collecte", 3, 420, 240),
    ("thomas", "Thomas", "Girard", "Accueil", 0, 380, 150),
    # drifting away: they stopped about three months ago
    ("mathieu", "Mathieu", "Blanc", "Distribution", 1, 600, 180),
    ("julie", "Julie", "Mercier", "Accueil", 0, 300, 120),
    # left, with their reasons
    ("antoine", "Antoine", "Faure", "Collecte", 3, 650, 240),
    ("sarah", "Sarah", "Andre", "Aide aux devoirs", 2, 400, 90),
    ("hugo", "Hugo", "Lambert", "Distribution", 1, 250, 180),
]
DRIFTING = {"mathieu", "julie"}
LEAVERS = {
    "antoine": (
        ["moved"],
        Departure.Again.YES,
        True,
        "Je déménage à Grenoble, merci pour tout !",
    ),
    "sarah": (["time", "mission"], Departure.Again.MAYBE, True, ""),
    "hugo": (["support", "atmosphere"], Departure.Again.NO, False, ""),
}
LEFT_DAYS_AGO = {"antoine": 45, "sarah": 120, "hugo": 200}
SKIPPED = {"benevole"}  # Léa starts on Monday


def _person(site, teams, username, first, last, team, days):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@entraide-quartier.example",
        },
    )
    if created:
        user.set_unusable_password()  # demo people without a login
        user.save()
    membership, _created = Membership.objects.get_or_create(
        user=user,
        organisation=site,
        defaults={
            "role": Role.LEARNER,
            "kind": Kind.VOLUNTEER,
            "team": teams.get(team),
            "start_date": timezone.localdate() - datetime.timedelta(days=days),
        },
    )
    return membership


def _shifts(site, user, activity, team, minutes, first, last, sophie, today):
    """One shift a week from ``first`` to ``last``; the last three weeks wait for
    validation."""
    day = max(first, today - datetime.timedelta(days=365))
    day += datetime.timedelta(days=(user.pk % 5))
    entries = []
    while day <= last:
        recent = (today - day).days < 21
        entries.append(
            HourEntry(
                organisation=site,
                user=user,
                logged_by=user,
                date=day,
                minutes=minutes,
                activity=activity,
                team=team,
                status=HourEntry.Status.PENDING
                if recent
                else HourEntry.Status.VALIDATED,
                validated_by=None if recent else sophie,
                validated_at=None if recent else timezone.now(),
                idempotency_key=uuid.uuid5(DEMO_KEYS, f"{site.pk}:{user.pk}:{day}"),
            )
        )
        day += datetime.timedelta(days=7)
    return entries


def construct_demo(site, people):
    PluginActivation.objects.get_or_create(organisation=site, app_label="recruitment")
    today = timezone.localdate()
    teams = {team.name: team for team in Team.objects.for_organisation(site)}
    activities = []
    for name, _team, rates in ACTIVITIES:
        activity, _created = Activity.objects.get_or_create(
            organisation=site, name=name
        )
        for months_ago, rate in rates:
            start = (
                today.replace(day=1) - datetime.timedelta(days=30 * months_ago)
            ).replace(day=1)
            ValuationRate.objects.get_or_create(
                activity=activity,
                valid_from=start,
                defaults={"hourly_rate": Decimal(rate)},
            )
        ValuationRate.rechain(activity.pk)
        activities.append(activity)
    sophie = people.get("coordinatrice")
    entries = []
    for username, first, last, team, activity, days, minutes in VOLUNTEERS:
        membership = _person(site, teams, username, first, last, team, days)
        end = today
        if username in DRIFTING:
            end = today - datetime.timedelta(days=95)
        if username in LEAVERS:
            end = today - datetime.timedelta(days=LEFT_DAYS_AGO[username])
        entries += _shifts(
            site,
            membership.user,
            activities[activity],
            teams.get(team),
            minutes,
            membership.start_date,
            end,
            sophie,
            today,
        )
        if (
            username in LEAVERS
            and not Departure.objects.filter(
                organisation=site, user=membership.user
            ).exists()
        ):
            reasons, again, recommend, comment = LEAVERS[username]
            departure = Departure.objects.create(
                organisation=site,
                user=membership.user,
                left_on=end,
                would_come_back=again,
                would_recommend=recommend,
                comment=comment,
                recorded_by=sophie,
            )
            DepartureReason.objects.bulk_create(
                DepartureReason(departure=departure, reason=reason)
                for reason in reasons
            )
            membership.is_active = False
            membership.save(update_fields=["is_active"])
    # Everyone else who volunteers (the core's and other plugins' demo people)
    # gives a shift a week too, so only the two above drift away.
    listed = {row[0] for row in VOLUNTEERS} | SKIPPED
    others = (
        Membership.objects.for_organisation(site)
        .active()
        .filter(kind=Kind.VOLUNTEER)
        .exclude(user__username__in=listed)
        .select_related("user", "team")
    )
    by_team = {
        activity_name[1]: index for index, activity_name in enumerate(ACTIVITIES)
    }
    for membership in others:
        index = by_team.get(membership.team.name if membership.team else None, 4)
        entries += _shifts(
            site,
            membership.user,
            activities[index],
            membership.team,
            120,
            membership.start_date,
            today,
            sophie,
            today,
        )
    HourEntry.objects.bulk_create(entries, ignore_conflicts=True, batch_size=1000)
