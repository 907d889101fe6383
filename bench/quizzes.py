"""Quizzes benchmark: 200 learners taking a quiz at once, and item analysis of a quiz
with 10,000 attempts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_bench \\
        .venv/bin/python -m bench.quizzes [--rounds 3] [--page-rounds 7]

Seeds, once, its own organisation (``quizzes.bench.test``): 2,000 learners, a trainer,
20 single-choice questions, the quiz the learners take, and a second quiz on the same
questions with 10,000 submitted attempts (200,000 answers).

1. Under load (gunicorn, 4 sync workers; 200 client threads, one per learner with
   its session), each round: every learner starts an attempt, autosaves its 20
   answers (a quarter change their mind on two, a quarter re-send three older
   revisions that must be ignored) in 4 phases, each after a phase of 5 GETs of
   the home page (the baseline: same clients, same concurrency, interleaved), then
   submits, the last answer in the same post as a form sends it; one in ten sends
   the submit twice at once. Barriers separate the phases, so requests/s is the
   requests of a kind over the time its phases took. Then the
   database is checked: every answer is the last one sent, every attempt submitted
   and scored on those answers, one passed/failed statement per attempt. A lost
   answer, a duplicate, or any status other than the expected one (a 5xx above
   all) exits non-zero.
2. In-process, as a trainer: the item analysis page of the 10,000-attempt quiz and
   the home page, interleaved, wall-clock median and queries; ``analysis.items()``
   alone.
"""

import argparse
import http.client
import itertools
import math
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from urllib.parse import urlencode

from bench.run import session_cookie, setup
from bench.server import gunicorn

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
HOST = "quizzes.bench.test"
PEOPLE, LEARNERS, QUESTIONS, ANALYSED = 2_000, 200, 20, 10_000
CHOICES = ("c0", "c1", "c2", "c3")  # c0 is right
WORKERS, BATCH = 4, 500
LOAD_QUIZ, ANALYSED_QUIZ = "Hygiène (charge)", "Hygiène (10 000 tentatives)"
CSRF = "quizbench" * 3 + "token"  # any 32 letters: the cookie and the header agree
EXPECTED = {"home": 200, "start": 302, "autosave": 200, "submit": 302}
CHUNKS = 4  # autosaves come in 4 phases, each after a phase of home page requests
PHASES = ["start", *["home", "autosave"] * CHUNKS, "submit"]


def seed():
    """The organisation and its quizzes, once."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from wagtail.models import Page, Site

    from lms.models import HomePage, Membership, PluginActivation, Role
    from tests.quiz_kit import choices, make_quiz, question

    site = Site.objects.filter(hostname=HOST).first()
    if site is not None:
        return site
    User = get_user_model()
    with transaction.atomic():
        home = Page.get_first_root_node().add_child(
            instance=HomePage(title="Quiz bench", slug="quiz-bench")
        )
        site = Site.objects.create(
            hostname=HOST, port=80, root_page=home, site_name="Quiz bench"
        )
        PluginActivation.objects.create(organisation=site, app_label="quizzes")
        users = User.objects.bulk_create(
            User(
                username=f"quizbench{n}", last_name=str(n), password=make_password(None)
            )
            for n in range(PEOPLE)
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=site, role=Role.LEARNER)
            for user in users
        )
        trainer = User.objects.create(
            username="quizbench-trainer", password=make_password(None)
        )
        Membership.objects.create(user=trainer, organisation=site, role=Role.TRAINER)
        spec = {
            "choices": choices(("Juste", 1), ("Faux", 0), ("Non", 0), ("Jamais", 0)),
            "shuffle": True,
        }
        questions = [
            question(site, "single", spec, name=f"Question {n:02}")
            for n in range(1, QUESTIONS + 1)
        ]
        make_quiz(site, questions, title=LOAD_QUIZ)
        _attempts(make_quiz(site, questions, title=ANALYSED_QUIZ), users)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return site


def _attempts(quiz, users):
    """10,000 submitted attempts, 5 per learner, answered as a simple item-response
    model would: abler learners and easier questions do better, and the last
    question's key is wrong (abler learners pick c1), so its discrimination is
    negative, as item analysis should show."""
    from django.utils import timezone

    from relais_quizzes.models import Attempt, Slot

    rng = random.Random(42)  # noqa: S311 (fake data)
    versions = [
        item.question.current_version()
        for item in quiz.questions.select_related("question").order_by("sort_order")
    ]
    difficulty = [-2 + 3.5 * n / (QUESTIONS - 1) for n in range(QUESTIONS)]
    ability = {user.pk: rng.gauss(0.8, 1) for user in users}
    plan = [(user, number) for number in range(1, 6) for user in users]
    plan = plan[:ANALYSED]
    now = timezone.now()

    def answer(user, number, position):
        if rng.random() < 0.03:
            return None  # left blank
        right = 1 / (1 + math.exp(difficulty[position] - ability[user.pk] - number / 5))
        if position == QUESTIONS - 1:  # the wrong key
            return "c1" if rng.random() < right else rng.choice(("c0", "c2", "c3"))
        return "c0" if rng.random() < right else rng.choice(("c1", "c1", "c2", "c3"))

    for start in range(0, len(plan), BATCH):
        answers = [
            [answer(user, number, position) for position in range(QUESTIONS)]
            for user, number in plan[start : start + BATCH]
        ]
        attempts = Attempt.objects.bulk_create(
            Attempt(
                quiz=quiz,
                user=user,
                organisation=quiz.organisation,
                number=number,
                state=Attempt.State.SUBMITTED,
                started_at=now,
                submitted_at=now,
                score=responses.count("c0"),
                max_score=QUESTIONS,
                passed=100 * responses.count("c0") >= quiz.pass_mark * QUESTIONS,
            )
            for (user, number), responses in zip(
                plan[start : start + BATCH], answers, strict=True
            )
        )
        Slot.objects.bulk_create(
            Slot(
                attempt=attempt,
                position=position,
                version=version,
                order=rng.sample(CHOICES, len(CHOICES)),
                response=response,
                revision=position,
                saved_at=now,
                fraction=float(response == "c0"),
            )
            for attempt, responses in zip(attempts, answers, strict=True)
            for position, (version, response) in enumerate(
                zip(versions, responses, strict=True), start=1
            )
        )


class Learner:
    """One learner's connection (reopened by http.client when gunicorn's sync
    workers close it); every request lands in ``tally``."""

    def __init__(self, port, cookie, tally):
        self.port, self.cookie, self.tally = port, cookie, tally
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.headers = {
            "Host": HOST,
            "Cookie": f"{cookie}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Content-Type": "application/x-www-form-urlencoded",
        }

    def twin(self):
        """The same learner on a second connection (a second tab, a double click)."""
        return Learner(self.port, self.cookie, self.tally)

    def send(self, kind, url, fields=None):
        started = time.perf_counter()
        body = None if fields is None else urlencode(fields)
        self.connection.request(
            "GET" if body is None else "POST", url, body, self.headers
        )
        response = self.connection.getresponse()
        response.read()
        self.tally.append((kind, response.status, time.perf_counter() - started))
        return response.getheader("Location", "")


def autosaves(rng, clock):
    """(position, revision, choice) in the order sent, and the answers that must be
    kept: each question once, changes of mind, and older revisions arriving late."""
    sends = [(position, rng.choice(CHOICES)) for position in range(1, QUESTIONS + 1)]
    profile = rng.random()
    if profile < 0.25:  # changes their mind on two questions
        sends += [(p, rng.choice(CHOICES)) for p in rng.sample(range(1, 21), 2)]
    sends = [(position, next(clock), choice) for position, choice in sends]
    kept = {position: choice for position, _revision, choice in sends}
    if profile > 0.75:  # three saves overtaken by newer ones, arriving late
        sends += [
            (position, revision - 1, rng.choice(CHOICES))
            for position, revision, _choice in rng.sample(sends, 3)
        ]
    return sends, kept


def take_quiz(learner, index, quiz_uuid, barrier, taken):
    rng = random.Random(index)  # noqa: S311 (fake answers)
    clock = iter(range(time.time_ns() // 1000, 2**62))  # revisions, as the browser's
    attempt = learner.send("start", f"/quizzes/{quiz_uuid}/start", {"activity": ""})
    barrier.wait()
    sends, kept = autosaves(rng, clock)
    for chunk in range(CHUNKS):  # A/B interleaved with the baseline
        for _ in range(QUESTIONS // CHUNKS):
            learner.send("home", "/")
        barrier.wait()
        for position, revision, choice in sends[
            len(sends) * chunk // CHUNKS : len(sends) * (chunk + 1) // CHUNKS
        ]:
            fields = {"position": position, "rev": revision, f"q{position}": choice}
            learner.send("autosave", f"{attempt}save", fields)
        barrier.wait()
    # A form post carries the answers on its page: here the last one.
    last = {"positions": QUESTIONS, f"q{QUESTIONS}": kept[QUESTIONS]}
    submit = ("submit", f"{attempt}?q={QUESTIONS}", {**last, "action": "submit"})
    submitters = [learner, learner.twin()] if index % 10 == 0 else [learner]
    threads = [threading.Thread(target=who.send, args=submit) for who in submitters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken[uuid.UUID(attempt.split("/")[-2])] = kept
    barrier.wait()


def load_round(port, cookies, quiz_uuid):
    """One round; returns the tally, the phases' durations and the answers kept."""
    marks, tally, taken, failures = [], [], {}, []
    barrier = threading.Barrier(
        len(cookies), action=lambda: marks.append(time.monotonic())
    )

    def learner(index, cookie):
        try:
            barrier.wait()
            take_quiz(Learner(port, cookie, tally), index, quiz_uuid, barrier, taken)
        except Exception as error:  # a dead client would hang the others
            failures.append(repr(error))
            barrier.abort()

    threads = [
        threading.Thread(target=learner, args=(index, cookie))
        for index, cookie in enumerate(cookies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} clients failed, e.g. {failures[0]}")
    phases = Counter()
    for kind, (start, end) in zip(PHASES, itertools.pairwise(marks), strict=True):
        phases[kind] += end - start
    return tally, phases, taken


def under_load(site, rounds):
    from django.contrib.auth import get_user_model

    from relais_quizzes.models import Quiz

    quiz = Quiz.objects.get(organisation=site, title=LOAD_QUIZ)
    users = get_user_model().objects.filter(
        username__in=[f"quizbench{n}" for n in range(LEARNERS)]
    )
    cookies = [session_cookie(user) for user in users]
    figures = {kind: {"rps": [], "p50": [], "p95": []} for kind in EXPECTED}
    statuses, taken = Counter(), {}
    started = time.time()
    with gunicorn(workers=WORKERS) as port:
        for number in range(1, rounds + 1):
            tally, phases, kept = load_round(port, cookies, quiz.uuid)
            print(f"round {number}: {sum(phases.values()):.0f} s", file=sys.stderr)
            taken.update(kept)
            for kind, figure in figures.items():
                latencies = sorted(ms for k, _s, ms in tally if k == kind)
                figure["rps"].append(len(latencies) / phases[kind])
                figure["p50"].append(1000 * latencies[len(latencies) // 2])
                figure["p95"].append(1000 * latencies[int(len(latencies) * 0.95)])
            statuses.update((kind, status) for kind, status, _ms in tally)
    medians = {
        kind: {key: statistics.median(values) for key, values in figure.items()}
        for kind, figure in figures.items()
    }
    return medians, statuses, check(quiz, taken, started)


def check(quiz, taken, started):
    """What the database holds after the load: counts of what went wrong."""
    from datetime import UTC, datetime

    from django.db.models import F

    from courses.models import Statement
    from courses.statements import VERBS
    from relais_quizzes.models import Attempt, Slot

    attempts = Attempt.objects.filter(uuid__in=taken)
    slots = Slot.objects.filter(attempt__in=attempts)
    kept = slots.values_list("attempt__uuid", "position", "response")
    scores = dict(attempts.values_list("uuid", "score"))
    results = Counter(
        uuid.UUID(context["extensions"]["urn:relais:attempt"])
        for context in Statement.objects.filter(
            object_id=quiz.object_id,
            verb__in=[VERBS["passed"], VERBS["failed"]],
            stored__gte=datetime.fromtimestamp(started, UTC),
        ).values_list("context", flat=True)
    )
    return {
        "attempts": len(taken),
        "answers": len(kept),
        "lost answers": sum(taken[a][p] != response for a, p, response in kept),
        "attempts not submitted": len(taken)
        - attempts.filter(state=Attempt.State.SUBMITTED).count(),
        "scores not from the kept answers": sum(
            scores[a] != list(answers.values()).count("c0")
            for a, answers in taken.items()
        ),
        "attempts without a result": sum(results[a] == 0 for a in taken),
        "duplicate results": sum(n - 1 for n in results.values() if n > 1),
        "answers saved after submission": slots.filter(
            saved_at__gt=F("attempt__submitted_at")
        ).count(),
    }


def item_analysis(site, rounds):
    """Wall-clock ms (median) and queries: the analysis page next to the home page,
    for a trainer, interleaved; and ``analysis.items()`` alone."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from relais_quizzes import analysis
    from relais_quizzes.models import Quiz

    quiz = Quiz.objects.get(organisation=site, title=ANALYSED_QUIZ)
    client = Client(HTTP_HOST=HOST)
    client.force_login(get_user_model().objects.get(username="quizbench-trainer"))
    targets = {
        "home page": lambda: client.get("/"),
        "item analysis page": lambda: client.get(f"/quizzes/results/{quiz.pk}/items/"),
        "analysis.items() alone": lambda: analysis.items(quiz, quiz.organisation),
    }
    queries = {}
    for name, measure in targets.items():
        measure()
        with CaptureQueriesContext(connection) as captured:
            outcome = measure()
        queries[name] = len(captured)
        if name.endswith("page"):
            assert outcome.status_code == 200, (name, outcome.status_code)
    timings = {name: [] for name in targets}
    for _round in range(rounds):
        for name, measure in targets.items():
            started = time.perf_counter()
            measure()
            timings[name].append(1000 * (time.perf_counter() - started))
    items = analysis.items(quiz, quiz.organisation)
    facts = {
        "attempts": analysis.submitted(quiz, quiz.organisation).count(),
        "facility": (min(i.facility for i in items), max(i.facility for i in items)),
        "flagged": [i.question.name for i in items if i.discrimination < 0.2],
    }
    return (
        {name: (queries[name], statistics.median(ms)) for name, ms in timings.items()},
        facts,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--page-rounds", type=int, default=7)
    options = parser.parse_args()
    site = setup(seed)
    pages, facts = item_analysis(site, options.page_rounds)
    load, statuses, checks = under_load(site, options.rounds)

    print(f"\n{LEARNERS} learners at once, gunicorn {WORKERS} workers, ", end="")
    print(f"{options.rounds} rounds, medians")
    print("| request | count | req/s (x home) | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- |")
    for kind, figure in load.items():
        count = sum(n for (k, _status), n in statuses.items() if k == kind)
        print(
            f"| {kind} | {count} | {figure['rps']:.0f} "
            f"({figure['rps'] / load['home']['rps']:.2f}x) "
            f"| {figure['p50']:.0f} | {figure['p95']:.0f} |"
        )
    print("\n| check | count |\n| --- | --- |")
    for name, count in checks.items():
        print(f"| {name} | {count} |")
    unexpected = {
        f"{kind} {status}": n
        for (kind, status), n in statuses.items()
        if status != EXPECTED[kind]
    }
    print(f"| unexpected statuses | {unexpected or 0} |")

    print(f"\nItem analysis, {facts['attempts']:,} attempts, {QUESTIONS} questions")
    print(
        f"facility {facts['facility'][0]:.2f}-{facts['facility'][1]:.2f}, "
        f"flagged: {', '.join(facts['flagged']) or 'none'}"
    )
    print("| measure | queries | ms (x home) |\n| --- | --- | --- |")
    home_ms = pages["home page"][1]
    for name, (queries, ms) in pages.items():
        print(f"| {name} | {queries} | {ms:.0f} ({ms / home_ms:.1f}x) |")

    wrong = [
        name
        for name in (
            "lost answers",
            "attempts not submitted",
            "scores not from the kept answers",
            "attempts without a result",
            "duplicate results",
            "answers saved after submission",
        )
        if checks[name]
    ]
    if unexpected:
        wrong.append(f"unexpected statuses {unexpected}")
    if pages["item analysis page"][1] >= 1000:
        wrong.append("item analysis page not under 1 s")
    if wrong:
        sys.exit("FAILED: " + "; ".join(wrong))


if __name__ == "__main__":
    main()
