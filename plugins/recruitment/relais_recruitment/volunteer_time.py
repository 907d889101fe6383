"""Figures of volunteer time, each computed by the database in a fixed number of
queries: the valorisation, who is drifting away, departures, retention cohorts."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from courses.models import Statement
from lms.models import Kind, Membership, Team
from relais_recruitment.volunteer_time_models import (
    Activity,
    Departure,
    DepartureReason,
    DriftNotice,
    HourEntry,
    TimeSettings,
    ValuationRate,
)


# ---------------------------------------------------------------- valorisation
def valorisation(organisation, year):
    """Rows (month, team, activity, hours, value) of ``year``'s validated hours,
    each valued at the rate of its activity in effect on its day (else the
    organisation's default rate), and the year's totals, added up from the rows'
    exact sums.

    Computed by the database in two levels: the entries are first summed per
    day, team and activity (a narrow grouping of the rows alone, a few thousand
    groups for a million entries), then each of those sums is joined to the rate
    in effect on its day (``valid_from <= day < valid_until``) and summed per
    month, team and activity. The same rate for every entry of a day and
    activity, so the result is the entry-by-entry valuation. Four queries with
    the settings' row and the names."""
    from django.db import connection

    default = TimeSettings.for_organisation(organisation).default_hourly_rate
    days = (
        HourEntry.objects.for_organisation(organisation)
        .validated()
        .filter(
            date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
        )
        .values("date", "team_id", "activity_id")
        .annotate(minutes_of_day=Sum("minutes"))
        .order_by()
    )
    inner, params = days.query.sql_with_params()
    rates = ValuationRate._meta.db_table
    # The month of a day, on the few day sums rather than on every entry.
    month = (
        "CAST(date_trunc('month', d.date) AS date)"
        if connection.vendor == "postgresql"
        else "strftime('%%Y-%%m-01', d.date)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {month}, d.team_id, d.activity_id, SUM(d.minutes_of_day),
                   SUM(d.minutes_of_day * COALESCE(r.hourly_rate, %s))
            FROM ({inner}) d
            LEFT JOIN {rates} r ON r.activity_id = d.activity_id
                 AND r.valid_from <= d.date AND r.valid_until > d.date
            GROUP BY {month}, d.team_id, d.activity_id
            """,  # noqa: S608 (the ORM's own SQL and a table name; values are params)
            [default, *params],
        )
        grouped = cursor.fetchall()
    teams = dict(Team.objects.for_organisation(organisation).values_list("pk", "name"))
    activities = dict(
        Activity.objects.for_organisation(organisation).values_list("pk", "name")
    )
    rows, minutes, exact = [], 0, Decimal(0)
    for month, team_id, activity_id, total_minutes, minute_value in grouped:
        value = Decimal(str(minute_value)) / 60
        minutes += total_minutes
        exact += value
        rows.append(
            {
                "month": datetime.date.fromisoformat(str(month)[:10]),
                "team__name": teams.get(team_id),
                "activity__name": activities[activity_id],
                "total_minutes": total_minutes,
                "hours": Decimal(total_minutes) / 60,
                "total_value": _cents(value),
            }
        )
    rows.sort(key=lambda r: (r["month"], r["team__name"] or "", r["activity__name"]))
    return rows, {"hours": Decimal(minutes) / 60, "value": _cents(exact)}


def _cents(value):
    return Decimal(value).quantize(Decimal("0.01"))


# ---------------------------------------------------------------- drifting away
def _volunteers(organisation):
    return (
        Membership.objects.for_organisation(organisation)
        .active()
        .filter(kind=Kind.VOLUNTEER, user__is_active=True)
    )


def drifting(organisation, today=None):
    """Active volunteers with no hours, no learning statement and no login in the
    organisation's N weeks (and who joined before then), with their history."""
    today = today or timezone.localdate()
    weeks = TimeSettings.for_organisation(organisation).drifting_after_weeks
    cutoff = today - datetime.timedelta(weeks=weeks)
    cutoff_moment = timezone.make_aware(
        datetime.datetime.combine(cutoff, datetime.time.min)
    )
    hours = HourEntry.objects.filter(organisation=organisation, user=OuterRef("user"))
    learning = Statement.objects.filter(
        organisation=organisation, actor=OuterRef("user")
    )
    return (
        _volunteers(organisation)
        .filter(start_date__lt=cutoff)
        .filter(
            Q(user__last_login__isnull=True) | Q(user__last_login__lt=cutoff_moment)
        )
        .exclude(Exists(hours.filter(date__gte=cutoff)))
        .exclude(Exists(learning.filter(timestamp__gte=cutoff_moment)))
        .annotate(
            last_hours=Subquery(hours.order_by("-date").values("date")[:1]),
            last_learning=Subquery(
                learning.order_by("-timestamp").values("timestamp")[:1]
            ),
        )
        .select_related("user", "team")
    )


def last_activity(membership):
    """The day a drifting person was last seen: the period their notices belong
    to (a new stretch of inactivity is a new period)."""
    days = [membership.start_date]
    if membership.last_hours:
        days.append(membership.last_hours)
    for moment in (membership.last_learning, membership.user.last_login):
        if moment:
            days.append(timezone.localdate(moment))
    return max(days)


def log_once(organisation, user, kind, period, sent_by=None):
    """Log a drifting-away message; False when it was already sent this period."""
    try:
        with transaction.atomic():
            DriftNotice.objects.create(
                organisation=organisation,
                user=user,
                kind=kind,
                period=period,
                sent_by=sent_by,
            )
        return True
    except IntegrityError:
        return False


# ---------------------------------------------------------------- departures
def departure_summary(organisation):
    """Counts per reason, would-come-back and would-recommend rates: no names."""
    departures = Departure.objects.for_organisation(organisation)
    totals = departures.aggregate(
        count=Count("pk"),
        back_yes=Count("pk", filter=Q(would_come_back="yes")),
        back_maybe=Count("pk", filter=Q(would_come_back="maybe")),
        recommend=Count("pk", filter=Q(would_recommend=True)),
    )
    reasons = dict(
        DepartureReason.objects.filter(departure__organisation=organisation)
        .values_list("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    count = totals["count"]

    def rate(n):
        return round(100 * n / count) if count else None

    return {
        "count": count,
        "reasons": [
            (value, label, reasons.get(value, 0))
            for value, label in DepartureReason.Reason.choices
        ],
        "come_back": rate(totals["back_yes"]),
        "maybe_back": rate(totals["back_maybe"]),
        "recommend": rate(totals["recommend"]),
    }


# ---------------------------------------------------------------- retention
MILESTONES = (1, 3, 6, 12)


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, 1)


def retention_cohorts(organisation, today=None):
    """Per month of arrival: volunteers who arrived, and the share still there
    (active membership, no departure before) after 1, 3, 6 and 12 months; a
    milestone not reached yet is None. One query."""
    today = today or timezone.localdate()
    left = Departure.objects.filter(
        organisation=organisation, user=OuterRef("user")
    ).values("left_on")[:1]
    people = (
        Membership.objects.for_organisation(organisation)
        .filter(kind=Kind.VOLUNTEER)
        .annotate(
            cohort=TruncMonth("start_date"),
            left_on=Subquery(left),
        )
    )
    rows = list(
        people.values("cohort").annotate(arrived=Count("pk")).order_by("cohort")
    )
    return _cohort_table(people, rows, today)


def _cohort_table(people, rows, today):
    cohorts = [row["cohort"] for row in rows]
    if not cohorts:
        return []
    conditions = {}
    for cohort in cohorts:
        for months in MILESTONES:
            reach = _add_months(cohort, months)
            conditions[f"c{cohort:%Y%m}_{months}"] = Count(
                "pk",
                filter=Q(cohort=cohort)
                & (Q(left_on__isnull=True, is_active=True) | Q(left_on__gte=reach)),
            )
    counts = people.aggregate(**conditions)
    table = []
    for row in rows:
        cohort, arrived = row["cohort"], row["arrived"]
        shares = []
        for months in MILESTONES:
            if _add_months(cohort, months) > today:
                shares.append(None)
            else:
                stayed = counts[f"c{cohort:%Y%m}_{months}"]
                shares.append(round(100 * stayed / arrived) if arrived else None)
        table.append({"cohort": cohort, "arrived": arrived, "shares": shares})
    return table


def hours_per_month(organisation, year):
    """Validated and pending hours per month of ``year``: one query."""
    rows = (
        HourEntry.objects.for_organisation(organisation)
        .filter(date__year=year)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(
            validated=Coalesce(
                Sum("minutes", filter=Q(status=HourEntry.Status.VALIDATED)), 0
            ),
            pending=Coalesce(
                Sum("minutes", filter=Q(status=HourEntry.Status.PENDING)), 0
            ),
            people=Count("user", distinct=True),
        )
        .order_by("month")
    )
    return [
        {
            "month": row["month"],
            "validated": Decimal(row["validated"]) / 60,
            "pending": Decimal(row["pending"]) / 60,
            "people": row["people"],
        }
        for row in rows
    ]


def deactivate(membership):
    """How the core stands a person down: their membership is no longer active
    (``MembershipForm``'s ``is_active``); the account and its history stay for the
    organisation's retention rules."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])


def people_of(organisation):
    return get_user_model().objects.filter(
        pk__in=_volunteers(organisation).values("user")
    )
