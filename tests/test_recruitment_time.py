"""Volunteer time: logging hours, validating them, the valorisation, people
drifting away, departures and retention."""

import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.users.models import UserProfile

from courses.models import Statement
from lms.models import Membership, Role, Team
from relais_recruitment import volunteer_time as figures
from relais_recruitment.volunteer_time_models import (
    Activity,
    Departure,
    DriftNotice,
    HourEntry,
    TimeSettings,
    ValuationRate,
)
from relais_recruitment.volunteer_time_notices import run as send_drifting_notices
from tests.factories import member

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def recruitment(org_a, enable_plugin):
    """Only this plugin on: skills and mentoring stay off (acceptance 5)."""
    enable_plugin(org_a, "recruitment")
    return org_a


def at(day, hour=10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS), tick=False
    )


def entry(organisation, user, day, minutes, activity, status="validated", **fields):
    return HourEntry.objects.create(
        organisation=organisation,
        user=user,
        date=day,
        minutes=minutes,
        activity=activity,
        status=status,
        **fields,
    )


def rate(activity, day, value):
    made = ValuationRate.objects.create(
        activity=activity, valid_from=day, hourly_rate=Decimal(value)
    )
    ValuationRate.rechain(activity.pk)
    return made


# Valorisation (acceptance 4) -------------------------------------------------------


def test_the_valorisation_totals_equal_a_hand_computed_year(
    recruitment, org_b, django_assert_max_num_queries
):
    distribution = Activity.objects.create(
        organisation=recruitment, name="Distribution"
    )
    homework = Activity.objects.create(organisation=recruitment, name="Devoirs")
    collection = Activity.objects.create(organisation=recruitment, name="Collecte")
    team = Team.objects.create(organisation=recruitment, name="Distribution")
    # Set out of order: the July rate first, then the January one it ends.
    rate(distribution, datetime.date(2025, 7, 1), "18.00")
    rate(distribution, datetime.date(2025, 1, 1), "15.00")
    rate(homework, datetime.date(2025, 1, 1), "20.00")
    settings = TimeSettings.for_organisation(recruitment)
    assert settings.default_hourly_rate == Decimal("17.43")  # SMIC 2026 x 1.45
    lea = member(recruitment)
    d = datetime.date
    entry(
        recruitment, lea, d(2025, 3, 10), 120, distribution, team=team
    )  # 2 h x 15 = 30
    entry(
        recruitment, lea, d(2025, 6, 30), 60, distribution, team=team
    )  # 1 h x 15 = 15
    entry(
        recruitment, lea, d(2025, 7, 1), 90, distribution, team=team
    )  # 1.5 h x 18 = 27
    entry(recruitment, lea, d(2025, 11, 5), 30, distribution)  # 0.5 h x 18 = 9
    entry(recruitment, lea, d(2025, 2, 1), 180, homework)  # 3 h x 20 = 60
    entry(recruitment, lea, d(2025, 8, 1), 60, collection)  # 1 h x 17.43 (default)
    # Left out: not validated, another year, another organisation.
    entry(recruitment, lea, d(2025, 8, 2), 600, distribution, status="pending")
    entry(recruitment, lea, d(2024, 12, 31), 600, distribution)
    foreign = Activity.objects.create(organisation=org_b, name="Distribution")
    rate(foreign, d(2025, 1, 1), "99.00")
    entry(org_b, member(org_b), d(2025, 3, 10), 600, foreign)

    with django_assert_max_num_queries(4):
        rows, totals = figures.valorisation(recruitment, 2025)

    assert totals == {"hours": Decimal(9), "value": Decimal("158.43")}
    by_key = {
        (row["month"].month, row["team__name"], row["activity__name"]): (
            row["hours"],
            row["total_value"],
        )
        for row in rows
    }
    assert by_key == {
        (2, None, "Devoirs"): (Decimal(3), Decimal("60.00")),
        (3, "Distribution", "Distribution"): (Decimal(2), Decimal("30.00")),
        (6, "Distribution", "Distribution"): (Decimal(1), Decimal("15.00")),
        (7, "Distribution", "Distribution"): (Decimal("1.5"), Decimal("27.00")),
        (8, None, "Collecte"): (Decimal(1), Decimal("17.43")),
        (11, None, "Distribution"): (Decimal("0.5"), Decimal("9.00")),
    }


def test_a_new_rate_ends_the_previous_one_on_its_day(recruitment):
    activity = Activity.objects.create(organisation=recruitment, name="Accueil")
    january = rate(activity, datetime.date(2025, 1, 1), "15.00")
    july = rate(activity, datetime.date(2025, 7, 1), "18.00")
    january.refresh_from_db()
    july.refresh_from_db()
    assert january.valid_until == datetime.date(2025, 7, 1)
    assert july.valid_until == datetime.date(9999, 12, 31)


def test_the_valorisation_page_and_its_exports_neutralise_formulas(
    recruitment, client_a, django_assert_max_num_queries
):
    sophie = member(recruitment, Role.COORDINATOR)
    activity = Activity.objects.create(organisation=recruitment, name="=HYPERLINK(1)")
    entry(recruitment, member(recruitment), datetime.date.today(), 60, activity)
    client_a.force_login(sophie)
    year = timezone.localdate().year

    with django_assert_max_num_queries(20):
        page = client_a.get(reverse("recruitment:time_valorisation"), {"year": year})
    assert page.status_code == 200
    assert "@media print" in page.content.decode()
    csv = client_a.get(
        reverse("recruitment:time_valorisation_export", args=["csv"]), {"year": year}
    )
    text = csv.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert ",=HYPERLINK" not in text
    xlsx = client_a.get(
        reverse("recruitment:time_valorisation_export", args=["xlsx"]), {"year": year}
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_only_coordinators_see_the_valorisation(recruitment, client_a):
    client_a.force_login(member(recruitment, Role.LEARNER))
    assert client_a.get(reverse("recruitment:time_valorisation")).status_code == 403


# Logging hours --------------------------------------------------------------------


def _log(client, activity, **fields):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "date": timezone.localdate().isoformat(),
        "minutes": "120",
        "activity": str(activity.pk),
        "team": "",
        "comment": "",
        **fields,
    }
    return client.post(reverse("recruitment:time_log"), data)


def test_a_volunteer_logs_hours_with_todays_date_and_her_last_choices(
    recruitment, client_a
):
    lea = member(recruitment)
    desk = Activity.objects.create(organisation=recruitment, name="Accueil")
    client_a.force_login(lea)
    assert _log(client_a, desk, minutes="150").status_code == 302

    form = client_a.get(reverse("recruitment:time_log")).context["form"]

    assert form.initial["minutes"] == 150
    assert form.initial["activity"] == desk.pk
    assert form.initial["date"] == timezone.localdate()
    saved = HourEntry.objects.get()
    assert (saved.user, saved.status, saved.minutes) == (lea, "pending", 150)


def test_a_double_tap_logs_the_hours_once(recruitment, client_a):
    client_a.force_login(member(recruitment))
    desk = Activity.objects.create(organisation=recruitment, name="Accueil")
    key = str(uuid.uuid4())
    _log(client_a, desk, idempotency_key=key)
    _log(client_a, desk, idempotency_key=key)
    assert HourEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"minutes": "-30"}, "minutes"),
        ({"minutes": "0"}, "minutes"),
        ({"minutes": "1500"}, "minutes"),
        ({"minutes": "deux heures"}, "minutes"),
        ({"date": "2999-01-01"}, "date"),
    ],
)
def test_absurd_hours_are_refused_with_a_reason(recruitment, client_a, fields, field):
    client_a.force_login(member(recruitment))
    desk = Activity.objects.create(organisation=recruitment, name="Accueil")
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, tzinfo=PARIS)):
        response = _log(client_a, desk, **fields)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert (
        escape(response.context["form"].errors[field][0]) in response.content.decode()
    )
    assert not HourEntry.objects.exists()


def test_more_than_a_day_in_one_day_is_refused(recruitment, client_a):
    client_a.force_login(member(recruitment))
    desk = Activity.objects.create(organisation=recruitment, name="Accueil")
    _log(client_a, desk, minutes="1000")
    response = _log(client_a, desk, minutes="600")
    assert "24" in response.context["form"].errors["minutes"][0]
    assert HourEntry.objects.count() == 1


def test_another_organisations_activity_or_team_writes_nothing(
    recruitment, org_b, client_a
):
    client_a.force_login(member(recruitment))
    theirs = Activity.objects.create(organisation=org_b, name="Accueil")
    their_team = Team.objects.create(organisation=org_b, name="Accueil")
    ours = Activity.objects.create(organisation=recruitment, name="Accueil")
    assert _log(client_a, theirs).status_code == 200
    assert _log(client_a, ours, team=str(their_team.pk)).status_code == 200
    assert not HourEntry.objects.exists()


def test_a_coordinator_logs_a_shift_for_several_people_once(
    recruitment, org_b, client_a
):
    sophie = member(recruitment, Role.COORDINATOR)
    lea, michel = member(recruitment), member(recruitment, Role.MENTOR)
    stranger = member(org_b)
    desk = Activity.objects.create(organisation=recruitment, name="Accueil")
    client_a.force_login(sophie)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "people": [lea.pk, michel.pk],
        "date": timezone.localdate().isoformat(),
        "minutes": "180",
        "activity": desk.pk,
    }
    client_a.post(reverse("recruitment:time_team"), data)
    client_a.post(reverse("recruitment:time_team"), data)  # sent twice
    refused = client_a.post(
        reverse("recruitment:time_team"),
        {**data, "idempotency_key": str(uuid.uuid4()), "people": [stranger.pk]},
    )

    assert refused.status_code == 200
    assert set(HourEntry.objects.values_list("user", "status")) == {
        (lea.pk, "validated"),
        (michel.pk, "validated"),
    }
    assert HourEntry.objects.count() == 2


def test_coordinators_validate_hours_together_and_only_their_own(
    recruitment, org_b, client_a, django_assert_max_num_queries
):
    sophie = member(recruitment, Role.COORDINATOR)
    desk = Activity.objects.create(organisation=recruitment, name="Accueil")
    today = timezone.localdate()
    ours = [
        entry(recruitment, member(recruitment), today, 60, desk, status="pending")
        for _ in range(5)
    ]
    theirs = entry(
        org_b,
        member(org_b),
        today,
        60,
        Activity.objects.create(organisation=org_b, name="X"),
        status="pending",
    )
    client_a.force_login(sophie)
    with django_assert_max_num_queries(20):
        assert client_a.get(reverse("recruitment:time_review")).status_code == 200

    client_a.post(
        reverse("recruitment:time_review"), {"entries": [theirs.pk, ours[0].pk]}
    )
    assert not HourEntry.objects.filter(status="validated").exists()

    client_a.post(reverse("recruitment:time_review"), {"entries": [e.pk for e in ours]})
    assert HourEntry.objects.filter(status="validated").count() == 5
    theirs.refresh_from_db()
    assert theirs.status == "pending"


# Drifting away (acceptance 3, second half) --------------------------------------


def test_one_drifting_away_notice_per_person_and_period(recruitment):
    today = datetime.date(2026, 3, 2)
    long_ago = today - datetime.timedelta(days=200)
    sophie = member(recruitment, Role.COORDINATOR)
    quiet = member(recruitment, start_date=long_ago)
    busy = member(recruitment, start_date=long_ago)
    learner = member(recruitment, start_date=long_ago)
    logged_in = member(recruitment, start_date=long_ago)
    member(recruitment, start_date=today - datetime.timedelta(days=10))  # newcomer
    desk = Activity.objects.create(organisation=recruitment, name="Accueil")
    entry(recruitment, busy, today - datetime.timedelta(days=3), 60, desk)
    entry(recruitment, quiet, today - datetime.timedelta(days=90), 60, desk)
    Statement.objects.create(
        organisation=recruitment,
        actor=learner,
        verb="completed",
        object_id="urn:x",
        timestamp=timezone.make_aware(datetime.datetime(2026, 2, 20)),
    )
    logged_in.last_login = timezone.make_aware(datetime.datetime(2026, 2, 25))
    logged_in.save()

    with at(today):
        assert send_drifting_notices() == 1
        assert send_drifting_notices() == 0  # the same day again
    with at(today + datetime.timedelta(days=1)):
        assert send_drifting_notices() == 0  # the next day: same period

    assert list(DriftNotice.objects.values_list("user", "kind", "period")) == [
        (quiet.pk, "notice", today - datetime.timedelta(days=90))
    ]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [sophie.email]
    assert quiet.get_full_name() in mail.outbox[0].body

    # Back for a day, then quiet again: a new period, a new notice.
    back = today + datetime.timedelta(days=2)
    entry(recruitment, quiet, back, 60, desk)
    with at(back + datetime.timedelta(weeks=7)):
        # everyone has drifted by then; the quiet one for a second period
        assert send_drifting_notices() == 5
    assert DriftNotice.objects.filter(user=quiet).count() == 2


def test_a_check_in_message_goes_once_in_the_persons_language(
    recruitment, client_a, django_assert_max_num_queries
):
    sophie = member(recruitment, Role.COORDINATOR)
    quiet = member(
        recruitment, start_date=timezone.localdate() - datetime.timedelta(days=100)
    )
    for _ in range(5):
        member(
            recruitment, start_date=timezone.localdate() - datetime.timedelta(days=100)
        )
    membership = Membership.objects.get(user=quiet)
    profile = UserProfile.get_for_user(quiet)
    profile.preferred_language = "fr"  # she reads French, Sophie's site is in English
    profile.save()
    client_a.force_login(sophie)
    with django_assert_max_num_queries(20):
        page = client_a.get(reverse("recruitment:time_drifting"))
    assert quiet.get_full_name() in page.content.decode()

    url = reverse("recruitment:time_check_in", args=[membership.pk])
    client_a.post(url)
    client_a.post(url)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [quiet.email]
    assert "Bonjour" in mail.outbox[0].body
    assert DriftNotice.objects.filter(kind="check-in").count() == 1


def test_the_dashboard_lists_people_drifting_away(recruitment, client_a):
    sophie = member(recruitment, Role.COORDINATOR)
    member(recruitment, start_date=timezone.localdate() - datetime.timedelta(days=100))
    client_a.force_login(sophie)
    page = client_a.get("/")
    assert reverse("recruitment:time_drifting") in page.content.decode()


def test_a_check_in_for_another_organisations_member_is_404(
    recruitment, org_b, client_a
):
    client_a.force_login(member(recruitment, Role.COORDINATOR))
    theirs = Membership.objects.get(
        user=member(org_b, start_date=datetime.date(2020, 1, 1))
    )
    url = reverse("recruitment:time_check_in", args=[theirs.pk])
    assert client_a.post(url).status_code == 404
    assert not mail.outbox


# Leaving ------------------------------------------------------------------------

LEAVING = {
    "reasons": ["moved", "time"],
    "would_come_back": "yes",
    "would_recommend": "yes",
    "comment": "Merci pour tout",
    "left_on": "",
}


def test_a_volunteer_leaves_and_her_membership_ends(recruitment, client_a):
    lea = member(recruitment)
    client_a.force_login(lea)
    response = client_a.post(
        reverse("recruitment:time_leave"),
        {**LEAVING, "left_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert not Membership.objects.get(user=lea).is_active
    departure = Departure.objects.get()
    assert sorted(departure.reasons.values_list("reason", flat=True)) == [
        "moved",
        "time",
    ]


def test_a_departure_without_reason_writes_nothing(recruitment, client_a):
    lea = member(recruitment)
    client_a.force_login(lea)
    client_a.post(
        reverse("recruitment:time_leave"),
        {**LEAVING, "reasons": [], "left_on": timezone.localdate().isoformat()},
    )
    assert not Departure.objects.exists()
    assert Membership.objects.get(user=lea).is_active


def test_the_board_sees_departures_in_totals_without_names(
    recruitment, org_b, client_a
):
    sophie = member(recruitment, Role.COORDINATOR)
    client_a.force_login(sophie)
    today = timezone.localdate().isoformat()
    people = [member(recruitment) for _ in range(4)]
    answers = [
        (["moved"], "yes", "yes"),
        (["moved", "time"], "no", "yes"),
        (["support"], "maybe", "no"),
        (["time"], "yes", "yes"),
    ]
    for person, (reasons, back, recommend) in zip(people, answers, strict=True):
        membership = Membership.objects.get(user=person)
        client_a.post(
            reverse("recruitment:time_record_departure", args=[membership.pk]),
            {
                "reasons": reasons,
                "would_come_back": back,
                "would_recommend": recommend,
                "left_on": today,
            },
        )
    theirs = Membership.objects.get(user=member(org_b))
    foreign = client_a.post(
        reverse("recruitment:time_record_departure", args=[theirs.pk]),
        {**LEAVING, "left_on": today},
    )
    assert foreign.status_code == 404

    summary = figures.departure_summary(recruitment)
    counts = {value: n for value, _label, n in summary["reasons"]}
    assert summary["count"] == 4
    assert (counts["moved"], counts["time"], counts["support"], counts["other"]) == (
        2,
        2,
        1,
        0,
    )
    assert (summary["come_back"], summary["maybe_back"], summary["recommend"]) == (
        50,
        25,
        75,
    )
    page = client_a.get(reverse("recruitment:time_departures")).content.decode()
    assert not any(person.last_name in page for person in people)
    assert not Membership.objects.filter(user__in=people, is_active=True).exists()


# Retention -----------------------------------------------------------------------


def test_retention_cohorts_by_month_of_arrival(
    recruitment, client_a, django_assert_max_num_queries
):
    today = datetime.date(2026, 6, 15)
    january = [
        member(recruitment, start_date=datetime.date(2026, 1, 10)) for _ in range(4)
    ]
    member(recruitment, start_date=datetime.date(2026, 5, 3))
    # One left after three weeks, one after four months.
    for person, left in (
        (january[0], datetime.date(2026, 1, 31)),
        (january[1], datetime.date(2026, 5, 20)),
    ):
        Departure.objects.create(
            organisation=recruitment,
            user=person,
            left_on=left,
            would_come_back="maybe",
            would_recommend=True,
        )
        Membership.objects.filter(user=person).update(is_active=False)

    with django_assert_max_num_queries(2):
        table = figures.retention_cohorts(recruitment, today)

    assert table == [
        # after 1 month (1 Feb): 3 of 4; 3 months (1 Apr): 3 of 4; 6 and 12: not yet
        {
            "cohort": datetime.date(2026, 1, 1),
            "arrived": 4,
            "shares": [75, 75, None, None],
        },
        {
            "cohort": datetime.date(2026, 5, 1),
            "arrived": 1,
            "shares": [100, None, None, None],
        },
    ]
    client_a.force_login(member(recruitment, Role.COORDINATOR))
    with django_assert_max_num_queries(20):
        assert client_a.get(reverse("recruitment:time_retention")).status_code == 200


def test_hours_per_month(recruitment):
    desk = Activity.objects.create(organisation=recruitment, name="Accueil")
    lea = member(recruitment)
    entry(recruitment, lea, datetime.date(2026, 1, 5), 90, desk)
    entry(recruitment, lea, datetime.date(2026, 1, 6), 30, desk, status="pending")
    assert figures.hours_per_month(recruitment, 2026) == [
        {
            "month": datetime.date(2026, 1, 1),
            "validated": Decimal("1.5"),
            "pending": Decimal("0.5"),
            "people": 1,
        }
    ]


# Demo -------------------------------------------------------------------------------


def test_the_demo_has_a_year_of_hours_two_drifting_and_three_leavers(db):
    from django.core.management import call_command
    from wagtail.models import Site

    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    count = HourEntry.objects.count()
    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)

    assert HourEntry.objects.count() == count  # nothing doubles
    site = Site.objects.get(is_default_site=True)
    first = HourEntry.objects.order_by("date").values_list("date", flat=True).first()
    assert (timezone.localdate() - first).days >= 350
    assert {m.user.username for m in figures.drifting(site)} == {"mathieu", "julie"}
    assert figures.departure_summary(site)["count"] == 3
    _rows, totals = figures.valorisation(site, timezone.localdate().year)
    assert totals["value"] > 0
    assert HourEntry.objects.filter(status="pending").exists()


def test_rates_and_settings_refuse_bad_values_and_reading_writes_nothing(
    recruitment, client_a
):
    client_a.force_login(member(recruitment, Role.COORDINATOR))
    desk = Activity.objects.create(organisation=recruitment, name="Accueil")
    url = reverse("recruitment:time_rates")
    assert client_a.get(url).status_code == 200
    assert not TimeSettings.objects.exists()  # the defaults, unsaved

    client_a.post(
        url,
        {
            "form": "rate",
            "activity": desk.pk,
            "valid_from": "2026-01-01",
            "hourly_rate": "-3",
        },
    )
    client_a.post(
        url,
        {"form": "settings", "drifting_after_weeks": "0", "default_hourly_rate": "12"},
    )
    assert not ValuationRate.objects.exists()
    assert not TimeSettings.objects.exists()

    client_a.post(
        url,
        {
            "form": "rate",
            "activity": desk.pk,
            "valid_from": "2026-01-01",
            "hourly_rate": "16.50",
        },
    )
    client_a.post(
        url,
        {"form": "settings", "drifting_after_weeks": "4", "default_hourly_rate": "12"},
    )
    assert ValuationRate.objects.get().hourly_rate == Decimal("16.50")
    assert TimeSettings.for_organisation(recruitment).drifting_after_weeks == 4
