"""Valorisation benchmark: the yearly valorisation report over 1,000,000 hour
entries, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_bench \\
        .venv/bin/python -m bench.recruitment_time [--rounds 7]

Seeds, once, an organisation of its own (``time.bench.test``): 2,000 volunteers in
6 teams, 8 activity categories (six with a rate, three of which change on 1 July;
two valued at the default rate), and 1,000,000 hour entries spread over 2025
(30 to 480 minutes, 92 % validated, one in five without a team), written by
PostgreSQL's ``generate_series`` in one statement.

Then, in-process, interleaved rounds, wall-clock medians (most of the time is
PostgreSQL's): ``volunteer_time.valorisation(site, 2025)`` (the grouped rows per
month, team and activity with each entry's rate in effect, and the totals) next to
the baseline, one pass over the same rows adding up their minutes (the floor of
any report on them). A total that differs from a
plain SQL computation, or a report over 1 s, exits non-zero.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal

from bench.run import setup

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
HOST = "time.bench.test"
ENTRIES, PEOPLE = 1_000_000, 2_000
TEAMS = [
    "Accueil",
    "Distribution",
    "Aide aux devoirs",
    "Collecte",
    "Épicerie",
    "Vestiaire",
]
# activity: rates (from, € an hour); no rate: the default one
ACTIVITIES = {
    "Accueil du public": [("2025-01-01", "17.43")],
    "Distribution alimentaire": [("2025-01-01", "15.00"), ("2025-07-01", "17.43")],
    "Aide aux devoirs": [("2025-01-01", "20.00"), ("2025-07-01", "21.00")],
    "Collecte": [],
    "Épicerie solidaire": [("2024-01-01", "14.00"), ("2025-07-01", "16.00")],
    "Vestiaire": [("2025-01-01", "14.50")],
    "Formation": [("2025-01-01", "25.00")],
    "Maraudes": [],
}
TARGET_MS = 1_000
BASELINE = "one pass over the same rows: their minutes added up (baseline)"


def seed():
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from wagtail.models import Page, Site

    from lms.models import HomePage, Membership, PluginActivation, Team
    from relais_recruitment.volunteer_time_models import (
        Activity,
        HourEntry,
        ValuationRate,
    )

    site = Site.objects.filter(hostname=HOST).first()
    if site and HourEntry.objects.filter(organisation=site).count() == ENTRIES:
        return site
    with transaction.atomic():
        if site is None:
            home = Page.get_first_root_node().add_child(
                instance=HomePage(title="Bénévolat en nombre", slug="time-bench")
            )
            site = Site.objects.create(
                hostname=HOST, port=80, root_page=home, site_name="Time bench"
            )
        PluginActivation.objects.get_or_create(
            organisation=site, app_label="recruitment"
        )
        HourEntry.objects.filter(organisation=site).delete()
        teams = [
            Team.objects.get_or_create(organisation=site, name=name)[0]
            for name in TEAMS
        ]
        activities = []
        for name, rates in ACTIVITIES.items():
            activity = Activity.objects.get_or_create(organisation=site, name=name)[0]
            for day, rate in rates:
                ValuationRate.objects.get_or_create(
                    activity=activity, valid_from=day, defaults={"hourly_rate": rate}
                )
            ValuationRate.rechain(activity.pk)
            activities.append(activity)
        User = get_user_model()
        users = User.objects.bulk_create(
            User(username=f"time-bench-{n}", first_name="Bénévole", last_name=str(n))
            for n in range(PEOPLE)
            if not User.objects.filter(username=f"time-bench-{n}").exists()
        ) or list(User.objects.filter(username__startswith="time-bench-"))
        Membership.objects.bulk_create(
            [
                Membership(
                    user=user, organisation=site, role="learner", team=teams[n % 6]
                )
                for n, user in enumerate(users)
            ],
            ignore_conflicts=True,
        )
        user_ids = sorted(u.pk for u in users)
        team_ids = [t.pk for t in teams]
        activity_ids = [a.pk for a in activities]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {HourEntry._meta.db_table}
                    (organisation_id, user_id, date, minutes, activity_id, team_id,
                     comment, status, idempotency_key, created_at)
                SELECT %s,
                       (%s::bigint[])[(1 + (n * 7919) %% %s)::int],
                       DATE '2025-01-01' + ((n * 31) %% 365)::int,
                       (30 + 15 * ((n * 13) %% 31))::int,
                       (%s::bigint[])[(1 + (n * 17) %% %s)::int],
                       CASE WHEN n %% 5 = 0 THEN NULL
                            ELSE (%s::bigint[])[(1 + (n / 8) %% %s)::int] END,
                       '',
                       CASE WHEN n %% 25 < 2 THEN 'pending' ELSE 'validated' END,
                       md5(n::text || clock_timestamp()::text)::uuid,
                       now()
                FROM generate_series(0::bigint, %s - 1) AS n
                """,  # noqa: S608 (a model's table name, no input)
                [
                    site.pk,
                    user_ids,
                    len(user_ids),
                    activity_ids,
                    len(activity_ids),
                    team_ids,
                    len(team_ids),
                    ENTRIES,
                ],
            )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {HourEntry._meta.db_table}")
    return site


def baseline(site):
    """The floor: one pass over the same rows, their minutes added up."""
    from django.db.models import Sum

    from relais_recruitment.volunteer_time_models import HourEntry

    return (
        HourEntry.objects.for_organisation(site)
        .validated()
        .filter(date__year=2025)
        .aggregate(total=Sum("minutes"))
    )


def report(site):
    from relais_recruitment import volunteer_time

    return volunteer_time.valorisation(site, 2025)


def check(site, totals):
    """The total, computed another way: plain SQL with a correlated rate."""
    from django.db import connection

    from relais_recruitment.volunteer_time_models import (
        Activity,
        HourEntry,
        TimeSettings,
        ValuationRate,
    )

    default = TimeSettings.for_organisation(site).default_hourly_rate
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT SUM(e.minutes * COALESCE((
                SELECT r.hourly_rate FROM {ValuationRate._meta.db_table} r
                WHERE r.activity_id = e.activity_id AND r.valid_from <= e.date
                ORDER BY r.valid_from DESC LIMIT 1), %s) / 60.0)
            FROM {HourEntry._meta.db_table} e
            JOIN {Activity._meta.db_table} a ON a.id = e.activity_id
            WHERE e.organisation_id = %s AND e.status = 'validated'
              AND e.date BETWEEN '2025-01-01' AND '2025-12-31'
            """,  # noqa: S608 (models' table names, no input)
            [default, site.pk],
        )
        expected = Decimal(cursor.fetchone()[0]).quantize(Decimal("0.01"))
    return expected == totals["value"], expected


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    site = setup(seed)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    measures = {BASELINE: baseline, "valorisation report": report}
    times = {name: [] for name in measures}
    queries = {}
    for _ in range(args.rounds):
        for name, measure in measures.items():
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = measure(site)
                times[name].append(1000 * (time.perf_counter() - started))
            queries[name] = len(captured)
    rows, totals = report(site)
    right, expected = check(site, totals)
    base = statistics.median(times[BASELINE])
    print(f"{ENTRIES:,} hour entries, {len(rows)} rows (month x team x activity)")
    print(f"{'measure':<62} {'queries':>7} {'median ms':>10} {'x baseline':>10}")
    for name, runs in times.items():
        ms = statistics.median(runs)
        print(f"{name:<62} {queries[name]:>7} {ms:>10.0f} {ms / base:>9.2f}x")
    print(f"total {totals['hours']:.0f} h, {totals['value']} € (plain SQL: {expected})")
    del result
    if not right:
        sys.exit("The valorisation total differs from the plain SQL computation.")
    if statistics.median(times["valorisation report"]) > TARGET_MS:
        sys.exit(f"The valorisation report takes more than {TARGET_MS} ms.")


if __name__ == "__main__":
    main()
