"""Mentoring benchmark: batch matching of a cohort, and ranking mentors for one
newcomer, from the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_bench \\
        .venv/bin/python -m bench.mentoring [--rounds 7]

Seeds, once, two organisations of its own with the mentoring plugin enabled:

- ``mentoring.bench.test``: 200 approved mentors (capacities 1 to 5, some places
  already taken by 120 current pairings) beside 75 offers pending, paused, declined
  or from people who have left; 500 newcomers waiting, 40 more whose proposed
  pairing keeps their request open, 150 ended or declined pairings;
- ``mentoring-2000.bench.test``: 2,000 approved mentors, 300 other offers, 300
  current pairings, 100 newcomers waiting.

Each has 6 teams, 24 courses and 4 onboarding paths of 3 courses. Nearly everyone
speaks French, many another language too, and ticks a few of the 21 weekly slots
(Saturdays, Wednesday afternoons and evenings most). Newcomers follow their team's
path (some a second one) and have finished some of its courses; most mentors offer
help with courses, mostly those of their team's path.

Then, in-process, interleaved rounds, wall-clock medians (part of the time is
PostgreSQL's, which CPU time would hide):

1. what a coordinator waits for to see the cohort matched: ``newcomers_of`` of the
   waiting requests, ``mentors_of`` and ``assign``, next to the baseline, a plain
   ``values()`` read of the same mentor and request rows. The assignment is then
   checked against the database: no mentor over capacity, no newcomer twice, only
   approved mentors and waiting newcomers, nobody with themselves, nothing under
   the minimum score.
2. suggestions for one newcomer (another one each round) among 2,000 mentors:
   ``newcomers_of`` of their request, ``mentors_of`` and ``rank``, next to the same
   kind of baseline.

The two coordinator pages that show them (batch and match) are timed as well. A
wrong assignment or a missed target exits non-zero.
"""

import argparse
import gc
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta

from bench.run import setup

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
BATCH_HOST, RANK_HOST = "mentoring.bench.test", "mentoring-2000.bench.test"
# Offers that are not approved mentors, and pairings: how many of each.
ORGANISATIONS = {
    BATCH_HOST: {
        "mentors": 200,
        "offers": 75,
        "waiting": 500,
        "proposed": 40,
        "active": 80,
        "ended": 150,
    },
    RANK_HOST: {
        "mentors": 2_000,
        "offers": 300,
        "waiting": 100,
        "proposed": 100,
        "active": 200,
        "ended": 0,
    },
}
TEAMS = [
    "Accueil",
    "Distribution",
    "Aide aux devoirs",
    "Épicerie",
    "Vestiaire",
    "Maraudes",
]
PATH_OF_TEAM = [0, 1, 2, 1, 3, 3]  # the onboarding path of each team
COURSES, PATHS = 24, 4
CAPACITIES = {1: 15, 2: 25, 3: 25, 4: 20, 5: 15}  # capacity: weight
# Besides French (language: weight).
OTHER_LANGUAGES = {
    "en": 30,
    "ar": 20,
    "es": 12,
    "uk": 8,
    "pt": 8,
    "it": 6,
    "ru": 6,
    "de": 5,
    "tr": 5,
}
FIRST_NAMES = ["Amina", "Bruno", "Chloé", "Driss", "Élodie", "Fatou", "Gaël", "Hana"]
LAST_NAMES = ["Martin", "Benali", "Nguyen", "Diallo", "Rossi", "Kowalski", "Silva"]
TARGETS = {"batch": 5_000, "rank": 300}  # ms
BASELINE = "values() of the same rows (baseline)"


def seed():
    """Both organisations, once, in one transaction."""
    from django.db import connection, transaction
    from wagtail.models import Site

    if not Site.objects.filter(hostname=RANK_HOST).exists():
        rng = random.Random(42)  # noqa: S311 (fake people)
        with transaction.atomic():
            for host, sizes in ORGANISATIONS.items():
                _organisation(host, rng, **sizes)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Site.objects.get(hostname=BATCH_HOST)


def _organisation(host, rng, *, mentors, offers, waiting, proposed, active, ended):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from lms.models import Membership, PluginActivation, Role, Team
    from relais_mentoring.models import MentorProfile

    site, courses, path_courses = _catalogue(host)
    PluginActivation.objects.create(organisation=site, app_label="mentoring")
    teams = Team.objects.bulk_create(Team(organisation=site, name=n) for n in TEAMS)
    # (kind, team index or None); offers: pending, paused, declined, and approved
    # offers of people whose account is closed, in turn.
    people = [
        (kind, None if rng.random() < 0.1 else rng.randrange(len(TEAMS)))
        for kind, count in [
            ("mentor", mentors),
            ("offer", offers),
            ("waiting", waiting),
            ("proposed", proposed),
            ("active", active),
            ("ended", ended),
        ]
        for _n in range(count)
    ]
    prefix = host.split(".")[0]
    password = make_password(None)
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"{prefix}-{kind}-{n}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=f"{rng.choice(LAST_NAMES)} {n}",
            password=password,
            is_active=not (kind == "offer" and n % 4 == 3),
        )
        for n, (kind, _team) in enumerate(people)
    )
    today = timezone.localdate()
    Membership.objects.bulk_create(
        Membership(
            user=user,
            organisation=site,
            role=Role.MENTOR if kind in ("mentor", "offer") else Role.LEARNER,
            team=None if team is None else teams[team],
            start_date=today - timedelta(days=rng.randrange(700)),
        )
        for user, (kind, team) in zip(users, people, strict=True)
    )
    coordinator = get_user_model().objects.create(
        username=f"{prefix}-coordinator", password=password
    )
    Membership.objects.create(
        user=coordinator, organisation=site, role=Role.COORDINATOR
    )
    statuses = [
        MentorProfile.Status.PENDING,
        MentorProfile.Status.PAUSED,
        MentorProfile.Status.DECLINED,
        MentorProfile.Status.APPROVED,
    ]
    offered = [
        (user, team, MentorProfile.Status.APPROVED if kind == "mentor" else status)
        for n, (user, (kind, team)) in enumerate(zip(users, people, strict=True))
        if kind in ("mentor", "offer")
        for status in [statuses[n % 4]]
    ]
    profiles = MentorProfile.objects.bulk_create(
        MentorProfile(
            organisation=site,
            user=user,
            status=status,
            team=None if team is None or rng.random() < 0.1 else teams[team],
            languages=_languages(rng, french=0.95),
            availability=_slots(rng, rng.randint(2, 6)),
            capacity=rng.choices(list(CAPACITIES), list(CAPACITIES.values()))[0],
            reviewed_at=timezone.now(),
        )
        for user, team, status in offered
    )
    MentorProfile.courses.through.objects.bulk_create(
        MentorProfile.courses.through(mentorprofile_id=profile.pk, coursepage_id=c)
        for profile, (_user, team, _status) in zip(profiles, offered, strict=True)
        for c in _courses_offered(rng, courses, path_courses, team)
    )
    approved = [
        profile
        for profile in profiles
        if profile.status == MentorProfile.Status.APPROVED and profile.user.is_active
    ]
    newcomers = [
        (user, kind, team)
        for user, (kind, team) in zip(users, people, strict=True)
        if kind in ("waiting", "proposed", "active", "ended")
    ]
    _newcomers(site, rng, newcomers, approved, path_courses, coordinator)


def _catalogue(host):
    """The organisation's site, its 24 courses and the courses of its 4 paths."""
    from wagtail.models import Page, Site

    from courses.models import CourseIndexPage, CoursePage, OnboardingPath, PathStep
    from lms.models import HomePage, Role

    slug = host.split(".")[0]
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title=host, slug=slug)
    )
    site = Site.objects.create(hostname=host, port=80, root_page=home, site_name=slug)
    catalogue = home.add_child(
        instance=CourseIndexPage(title="Formations", slug="formations")
    )
    courses = [
        catalogue.add_child(
            instance=CoursePage(
                title=f"Formation {n}", slug=f"formation-{n}", summary="Bench."
            )
        ).pk
        for n in range(COURSES)
    ]
    # Every path starts with the welcome course, then two of its own.
    path_courses = [
        [courses[0], courses[1 + 2 * p], courses[2 + 2 * p]] for p in range(PATHS)
    ]
    for p, course_ids in enumerate(path_courses):
        path = OnboardingPath.objects.create(
            organisation=site, title=f"Parcours {p}", role=Role.LEARNER
        )
        PathStep.objects.bulk_create(
            [
                *(
                    PathStep(
                        path=path,
                        kind="course",
                        title=f"Formation {n}",
                        course_id=course_id,
                        due_days=7 * (n + 1),
                        sort_order=n,
                    )
                    for n, course_id in enumerate(course_ids)
                ),
                PathStep(path=path, kind="acknowledge", title="Charte", sort_order=3),
                PathStep(path=path, kind="checklist", title="Bilan", sort_order=4),
            ]
        )
    return site, courses, path_courses


def _newcomers(site, rng, newcomers, approved, path_courses, coordinator):
    """Their requests, paths and finished courses; pairings of those already
    paired, taking places of the approved mentors (never beyond capacity)."""
    from django.utils import timezone

    from courses.models import Enrolment, OnboardingPath, PathAssignment
    from relais_mentoring.models import MentoringRequest, Pairing

    now = timezone.now()
    requests = MentoringRequest.objects.bulk_create(
        MentoringRequest(
            organisation=site,
            user=user,
            languages=_languages(rng, french=0.8),
            availability=_slots(rng, rng.randint(1, 4)),
            closed_at=None if kind in ("waiting", "proposed") else now,
        )
        for user, kind, _team in newcomers
    )
    paths = list(OnboardingPath.objects.filter(organisation=site).order_by("pk"))
    assignments, enrolments = [], []
    for user, _kind, team in newcomers:
        if rng.random() < 0.08:
            continue  # asked for a mentor without an onboarding path
        chosen = {PATH_OF_TEAM[team] if team is not None else rng.randrange(PATHS)}
        if rng.random() < 0.3:
            chosen.add(rng.randrange(PATHS))
        for p in chosen:
            assignments.append(
                PathAssignment(user=user, path=paths[p], start_date=now.date())
            )
        for course_id in {c for p in chosen for c in path_courses[p]}:
            done = rng.random()
            if done < 0.5:  # finished a quarter of them, started another quarter
                enrolments.append(
                    Enrolment(
                        user=user,
                        course_id=course_id,
                        organisation=site,
                        progress=100 if done < 0.25 else 40,
                        completed_at=now if done < 0.25 else None,
                    )
                )
    PathAssignment.objects.bulk_create(assignments)
    Enrolment.objects.bulk_create(enrolments)
    load = Counter()
    pairings = []
    for (user, kind, _team), request in zip(newcomers, requests, strict=True):
        if kind == "waiting":
            continue
        if kind == "ended":
            mentor = rng.choice(approved)
            status = rng.choice([Pairing.Status.ENDED, Pairing.Status.DECLINED])
        else:
            mentor = rng.choice([m for m in approved if load[m.pk] < m.capacity])
            load[mentor.pk] += 1
            status = Pairing.Status(kind)
        pairings.append(
            Pairing(
                organisation=site,
                mentor_id=mentor.user_id,
                mentee=user,
                request=request,
                status=status,
                score=rng.randint(20, 90),
                proposed_by=coordinator,
                started_at=None if kind == "proposed" else now,
                ended_at=now if kind == "ended" else None,
            )
        )
    Pairing.objects.bulk_create(pairings)


def _languages(rng, french):
    spoken = ["fr"] if rng.random() < french else []
    extra = rng.choices([0, 1, 2], [45, 40, 15])[0] or (0 if spoken else 1)
    while len(spoken) < extra + (1 if "fr" in spoken else 0):
        language = rng.choices(list(OTHER_LANGUAGES), list(OTHER_LANGUAGES.values()))
        if language[0] not in spoken:
            spoken.append(language[0])
    return spoken


def _slots(rng, count):
    from relais_mentoring.models import SLOTS

    def weight(slot):
        day, part = slot.split("-")
        if day == "sat" or slot == "wed-pm":
            return 6
        if day == "sun":
            return 1
        return 3 if part == "eve" else 2

    codes = [code for code, _label in SLOTS]
    weights = [weight(code) for code in codes]
    chosen = set()
    while len(chosen) < count:
        chosen.add(rng.choices(codes, weights)[0])
    return sorted(chosen)


def _courses_offered(rng, courses, path_courses, team):
    if rng.random() < 0.15:
        return set()  # helps with the rest ("areas"), no course in particular
    own = path_courses[PATH_OF_TEAM[team]] if team is not None else []
    offered = {c for c in own if rng.random() < 0.7}
    return offered | set(rng.sample(courses, rng.randint(0, 3)))


# Measuring --------------------------------------------------------------------


def interleaved(measures, rounds):
    """Run each measure in turn, ``rounds`` times (A/B interleaved with the
    baseline). A measure returns its phases as (name, seconds) pairs; the result
    holds, for each measure, the median total and phases in ms and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries = {}
    for name, measure in measures.items():
        measure(0)  # warm: imports, translations, PostgreSQL's caches
        with CaptureQueriesContext(connection) as captured:
            measure(0)
        queries[name] = len(captured)
    timings = {name: [] for name in measures}
    for number in range(rounds):
        for name, measure in measures.items():
            # From a clean heap: one measure's garbage is not collected on the
            # next one's time.
            gc.collect()
            timings[name].append(dict(measure(number)))
    return {
        name: {
            "queries": queries[name],
            "ms": statistics.median(1000 * sum(r.values()) for r in runs),
            "phases": {
                phase: statistics.median(1000 * r[phase] for r in runs)
                for phase in runs[0]
            },
        }
        for name, runs in timings.items()
    }


class Stopwatch:
    """Laps of a measure: [(name, seconds since the previous lap)]."""

    def __init__(self):
        self.laps, self.last = [], time.perf_counter()

    def lap(self, name):
        now = time.perf_counter()
        self.laps.append((name, now - self.last))
        self.last = now


def _mentor_rows(site):
    """The columns ``mentors_of`` reads, of the same rows: the baseline."""
    from relais_mentoring.models import MentorProfile

    return list(
        MentorProfile.objects.for_organisation(site)
        .filter(status=MentorProfile.Status.APPROVED, user__is_active=True)
        .values(
            "pk",
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "team_id",
            "languages",
            "availability",
            "capacity",
        )
    )


def batch_matching(site, rounds):
    from relais_mentoring import matching
    from relais_mentoring.waiting import waiting_requests

    outcome = {}

    def baseline(_round):
        watch = Stopwatch()
        _mentor_rows(site)
        watch.lap("mentor rows")
        list(waiting_requests(site).values("user_id", "languages", "availability"))
        watch.lap("request rows")
        return watch.laps

    def matched(_round):
        watch = Stopwatch()
        newcomers = matching.newcomers_of(site, waiting_requests(site))
        watch.lap("newcomers_of")
        mentors = matching.mentors_of(site)
        watch.lap("mentors_of")
        assignment = matching.assign(newcomers, mentors)
        watch.lap("assign")
        outcome.update(newcomers=newcomers, mentors=mentors, assignment=assignment)
        return watch.laps

    figures = interleaved({BASELINE: baseline, "batch matching": matched}, rounds)
    return figures, outcome


def check_assignment(site, outcome):
    """What is wrong with the assignment, counted against the database."""
    from relais_mentoring.matching import MINIMUM_SCORE
    from relais_mentoring.models import MentorProfile, Pairing
    from relais_mentoring.waiting import waiting_requests

    assignment = outcome["assignment"]
    capacity = dict(
        MentorProfile.objects.for_organisation(site)
        .filter(status=MentorProfile.Status.APPROVED, user__is_active=True)
        .values_list("user_id", "capacity")
    )
    load = Counter(
        Pairing.objects.for_organisation(site)
        .current()
        .values_list("mentor_id", flat=True)
    )
    waiting = set(waiting_requests(site).values_list("user_id", flat=True))
    given = Counter(fit.mentor.user_id for _newcomer, fit in assignment)
    matched = Counter(newcomer.user_id for newcomer, _fit in assignment)
    return {
        "mentors over capacity": sum(
            load[mentor] + n > capacity.get(mentor, 0) for mentor, n in given.items()
        ),
        "mentors not approved here": sum(mentor not in capacity for mentor in given),
        "newcomers matched twice": sum(n > 1 for n in matched.values()),
        "newcomers not waiting": sum(user not in waiting for user in matched),
        "newcomers with themselves": sum(
            newcomer.user_id == fit.mentor.user_id for newcomer, fit in assignment
        ),
        "pairings under the minimum score": sum(
            fit.score < MINIMUM_SCORE for _newcomer, fit in assignment
        ),
    }


def assignment_facts(outcome):
    """Sizes and scores, and what a greedy assignment (best pair first) totals."""
    from relais_mentoring.matching import MINIMUM_SCORE, fit

    newcomers, mentors = outcome["newcomers"], outcome["mentors"]
    assignment = outcome["assignment"]
    room = {mentor.user_id: mentor.room for mentor in mentors}
    pairs = sorted(
        (
            (f.score, newcomer.user_id, mentor.user_id)
            for newcomer in newcomers
            for mentor in mentors
            if mentor.room > 0 and mentor.user_id != newcomer.user_id
            for f in [fit(newcomer, mentor)]
            if f.score >= MINIMUM_SCORE
        ),
        reverse=True,
    )
    greedy, taken = 0, set()
    for score, newcomer, mentor in pairs:
        if newcomer not in taken and room[mentor] > 0:
            greedy += score
            taken.add(newcomer)
            room[mentor] -= 1
    scores = [f.score for _newcomer, f in assignment]
    return {
        "newcomers": len(newcomers),
        "mentors": len(mentors),
        "free places": sum(max(mentor.room, 0) for mentor in mentors),
        "full mentors": sum(mentor.room <= 0 for mentor in mentors),
        "matched": len(assignment),
        "total": sum(scores),
        "median score": statistics.median(scores) if scores else 0,
        "greedy total": greedy,
        "greedy matched": len(taken),
    }


def rank_suggestions(site, rounds):
    """Another waiting newcomer each round; returns the figures and, for each
    newcomer, the mentors considered and the suggestions."""
    from relais_mentoring import matching
    from relais_mentoring.waiting import waiting_requests

    users = list(waiting_requests(site).values_list("user_id", flat=True))
    suggestions = {}

    def baseline(number):
        watch = Stopwatch()
        _mentor_rows(site)
        watch.lap("mentor rows")
        list(
            waiting_requests(site)
            .filter(user_id=users[number % len(users)])
            .values("user_id", "languages", "availability")
        )
        watch.lap("request row")
        return watch.laps

    def ranked(number):
        user = users[number % len(users)]
        watch = Stopwatch()
        requests = waiting_requests(site).filter(user_id=user)
        (newcomer,) = matching.newcomers_of(site, requests)
        watch.lap("newcomers_of")
        mentors = matching.mentors_of(site)
        watch.lap("mentors_of")
        fits = matching.rank(newcomer, mentors)
        watch.lap("rank")
        suggestions[user] = (newcomer, len(mentors), fits)
        return watch.laps

    figures = interleaved({BASELINE: baseline, "suggestions": ranked}, rounds)
    return figures, suggestions


def check_suggestions(site, suggestions):
    from relais_mentoring.models import MentorProfile, Pairing

    room = {
        user_id: capacity
        for user_id, capacity in MentorProfile.objects.for_organisation(site)
        .filter(status=MentorProfile.Status.APPROVED, user__is_active=True)
        .values_list("user_id", "capacity")
    }
    for mentor in (
        Pairing.objects.for_organisation(site)
        .current()
        .values_list("mentor_id", flat=True)
    ):
        room[mentor] = room.get(mentor, 0) - 1
    lists = [(newcomer, ranked) for newcomer, _n, ranked in suggestions.values()]
    fits = [(newcomer, f) for newcomer, ranked in lists for f in ranked]
    return {
        "suggestions lists not of 10": sum(
            len(ranked) != 10 for _newcomer, ranked in lists
        ),
        "suggested mentors without room or approval": sum(
            room.get(f.mentor.user_id, 0) <= 0 for _newcomer, f in fits
        ),
        "newcomers suggested to themselves": sum(
            newcomer.user_id == f.mentor.user_id for newcomer, f in fits
        ),
        "lists not best first": sum(
            [f.score for f in ranked] != sorted((f.score for f in ranked), reverse=True)
            for _newcomer, ranked in lists
        ),
    }


def pages(batch_site, rank_site, user_id, rounds):
    """The coordinator pages showing the same: queries and wall-clock ms."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    def page(site, url):
        client = Client(HTTP_HOST=site.hostname)
        prefix = site.hostname.split(".")[0]
        client.force_login(
            get_user_model().objects.get(username=f"{prefix}-coordinator")
        )

        def get(_round):
            started = time.perf_counter()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return [("page", time.perf_counter() - started)]

        return get

    return interleaved(
        {
            "batch page": page(batch_site, "/mentoring/programme/batch/"),
            "match page": page(rank_site, f"/mentoring/programme/match/{user_id}/"),
        },
        rounds,
    )


def _table(title, figures, target=None):
    print(f"\n{title}")
    print("| measure | queries | ms (x baseline) | target |\n| --- | --- | --- | --- |")
    base = figures[BASELINE]["ms"]
    for name, figure in figures.items():
        met = ""
        if target and name != BASELINE:
            met = f"under {target:,} ms: {'met' if figure['ms'] < target else 'MISSED'}"
        print(
            f"| {name} | {figure['queries']} "
            f"| {figure['ms']:,.1f} ({figure['ms'] / base:,.0f}x) | {met} |"
        )
        if name != BASELINE:
            for phase, ms in figure["phases"].items():
                print(f"| - {phase} | | {ms:,.1f} | |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    batch_site = setup(seed)
    from wagtail.models import Site

    rank_site = Site.objects.get(hostname=RANK_HOST)

    batch, outcome = batch_matching(batch_site, options.rounds)
    batch_checks = check_assignment(batch_site, outcome)
    facts = assignment_facts(outcome)
    rank, suggestions = rank_suggestions(rank_site, options.rounds)
    rank_checks = check_suggestions(rank_site, suggestions)
    shown = pages(batch_site, rank_site, next(iter(suggestions)), options.rounds)

    _table(
        f"Batch: {facts['newcomers']} newcomers, {facts['mentors']} mentors, "
        f"{options.rounds} rounds, medians",
        batch,
        TARGETS["batch"],
    )
    print(
        f"{facts['free places']} free places ({facts['full mentors']} mentors full); "
        f"{facts['matched']} matched, total fit {facts['total']:,}, median "
        f"{facts['median score']}; greedy (best pair first): {facts['greedy matched']}"
        f" matched, total {facts['greedy total']:,}"
    )
    _table(
        f"Suggestions: one newcomer, {next(iter(suggestions.values()))[1]} mentors, "
        f"{options.rounds} rounds, medians",
        rank,
        TARGETS["rank"],
    )
    print("\n| page | queries | ms |\n| --- | --- | --- |")
    for name, figure in shown.items():
        print(f"| {name} | {figure['queries']} | {figure['ms']:,.0f} |")
    print("\n| check | count |\n| --- | --- |")
    for name, count in {**batch_checks, **rank_checks}.items():
        print(f"| {name} | {count} |")

    wrong = [name for name, count in {**batch_checks, **rank_checks}.items() if count]
    if batch["batch matching"]["ms"] >= TARGETS["batch"]:
        wrong.append("batch matching not under 5 s")
    if rank["suggestions"]["ms"] >= TARGETS["rank"]:
        wrong.append("suggestions not under 300 ms")
    if wrong:
        sys.exit("FAILED: " + "; ".join(wrong))


if __name__ == "__main__":
    main()
