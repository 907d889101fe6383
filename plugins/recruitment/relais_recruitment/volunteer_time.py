"""Figures of volunteer time, each computed by the database in a fixed number of
queries: the valorisation, who is drifting away, departures, retention cohorts."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from courses.models import Statement
from lms.models import Kind, Membership
from relais_recruitment.volunteer_time_models import (
    Departure,
    DepartureReason,
    DriftNotice,
    HourEntry,
    TimeSettings,
)

MONEY = DecimalField(max_digits=20, decimal_places=6)


# ---------------------------------------------------------------- valorisation
def valued_entries(organisation, start, end):
    """The organisation's validated entries from ``start`` to ``end`` (included),
    each joined to the rate of its category in effect on its date, and the
    expression of an entry's value: hours x that rate, or x the organisation's
    default rate where none applies."""
    default = TimeSettings.for_organisation(organisation).default_hourly_rate
    entries = (
        HourEntry.objects.for_organisation(organisation)
        .validated()
        .filter(date__gte=start, date__lte=end)
        .alias(
            rate_in_effect=FilteredRelation(
                "activity__rates",
                condition=Q(
                    activity__rates__valid_from__lte=F("date"),
                    activity__rates__valid_until__gt=F("date"),
                ),
            )
        )
    )
    rate = Coalesce(
        F("rate_in_effect__hourly_rate"), Value(default), output_field=MONEY
    )
    value = ExpressionWrapper(F("minutes") * rate / 60, output_field=MONEY)
    return entries, value


def valorisation(organisation, year):
    """Rows (month, team, activity, hours, value) of ``year``, and the year's
    totals, added up from the rows' exact sums (at most 12 x teams x activities
    of them): one grouped query, and the settings' row."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    entries, value = valued_entries(organisation, start, end)
    rows = list(
        entries.annotate(month=TruncMonth("date"))
        .values("month", "team__name", "activity__name")
        .annotate(total_minutes=Sum("minutes"), total_value=Sum(value))
        .order_by("month", "team__name", "activity__name")
    )
    minutes = sum(row["total_minutes"] for row in rows)
    exact = sum((Decimal(row["total_value"]) for row in rows), Decimal(0))
    for row in rows:
        row["hours"] = Decimal(row["total_minutes"]) / 60
        row["total_value"] = _cents(row["total_value"])
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
