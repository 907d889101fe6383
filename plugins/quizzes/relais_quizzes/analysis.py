"""Figures for trainers: results per quiz and item analysis, aggregated by the
database (a quiz with 10,000 attempts is a handful of queries, whatever its size).

Item analysis, per question:
- facility: the mean credit learners got (1 = everyone right), answers a trainer
  has still to mark left out (an essay counts by its reviewed mark);
- discrimination: the facility among the best 27 % of attempts minus that among the
  worst 27 % (Kelley's classic groups). Near 0 or negative, the question does not
  tell stronger learners from weaker ones: often an ambiguous question or a wrong key.

Every figure is of one organisation's attempts (``Attempt.organisation``, the
learner's): a federation quiz played in its members' shared lessons shows each
organisation its own learners, never the others'.
"""

import math
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Floor, Least

from relais_quizzes.models import Attempt, Question, Slot

GROUP_SHARE = 0.27


def submitted(quiz, organisation):
    """The submitted attempts at ``quiz`` taken in ``organisation``."""
    return Attempt.objects.filter(
        quiz=quiz, organisation=organisation, state=Attempt.State.SUBMITTED
    )


def _percent():
    return ExpressionWrapper(
        F("score") * 100 / F("max_score"),
        output_field=DecimalField(max_digits=8, decimal_places=3),
    )


def overview(quiz, organisation):
    """Attempts, learners, pass rate, and the score distribution in tenths."""
    attempts = submitted(quiz, organisation)
    totals = attempts.aggregate(
        attempts=Count("pk"),
        learners=Count("user", distinct=True),
        passed_learners=Count("user", filter=Q(passed=True), distinct=True),
        to_review=Count("pk", filter=Q(needs_review=True)),
    )
    buckets = dict(
        attempts.filter(max_score__gt=0)
        .annotate(
            bucket=Least(Cast(Floor(_percent() / Value(10)), IntegerField()), Value(9))
        )
        .values("bucket")
        .annotate(count=Count("pk"))
        .values_list("bucket", "count")
    )
    distribution = [
        (f"{10 * tenth}-{10 * tenth + 9 if tenth < 9 else 100}", 0)
        for tenth in range(10)
    ]
    for bucket, count in buckets.items():
        label = distribution[int(bucket)][0]
        distribution[int(bucket)] = (label, count)
    learners = totals["learners"]
    totals["pass_rate"] = (
        round(100 * totals["passed_learners"] / learners) if learners else None
    )
    totals["distribution"] = distribution
    return totals


def learners(quiz, organisation):
    """Per learner: attempts, best and last score, passed; by name."""
    attempts = submitted(quiz, organisation).filter(max_score__gt=0)
    last = attempts.filter(user=OuterRef("user")).order_by("-number")
    return list(
        attempts.values("user", "user__first_name", "user__last_name", "user__email")
        .annotate(
            attempts=Count("pk"),
            best=Max(_percent()),
            last=Subquery(last.annotate(p=_percent()).values("p")[:1]),
            last_at=Max("submitted_at"),
            passed=Count("pk", filter=Q(passed=True)),  # attempts passed
        )
        .order_by("user__last_name", "user__first_name", "user")
    )


@dataclass
class Item:
    question: Question
    answered: int
    facility: float | None
    discrimination: float | None
    waiting: int = 0  # answers still to be marked by a trainer
    options: list = field(default_factory=list)  # (label, count, share, right)
    frequent: list = field(default_factory=list)  # free answers: (text, count)


def _group(attempts, count, descending):
    """The ``count`` lowest (or highest) attempts by score, ties broken by id."""
    order = ("-score", "-pk") if descending else ("score", "pk")
    edge = attempts.order_by(*order).values_list("score", "pk")[count - 1]
    if descending:
        return Q(attempt__score__gt=edge[0]) | Q(
            attempt__score=edge[0], attempt__pk__gte=edge[1]
        )
    return Q(attempt__score__lt=edge[0]) | Q(
        attempt__score=edge[0], attempt__pk__lte=edge[1]
    )


def items(quiz, organisation):
    attempts = submitted(quiz, organisation).filter(score__isnull=False)
    total = attempts.count()
    if not total:
        return []
    size = math.ceil(GROUP_SHARE * total)
    upper, lower = _group(attempts, size, True), _group(attempts, size, False)
    slots = Slot.objects.filter(attempt__in=attempts)
    # A mark still waiting for a trainer (an essay, a short answer left to review)
    # is no mark yet: facility and discrimination count reviewed answers only.
    marked = Q(needs_review=False)
    rows = (
        slots.values("version__question")
        .annotate(
            answered=Count("pk", filter=Q(response__isnull=False)),
            waiting=Count("pk", filter=Q(needs_review=True)),
            facility=Avg("fraction", filter=marked),
            upper=Avg("fraction", filter=marked & upper),
            lower=Avg("fraction", filter=marked & lower),
        )
        .order_by("version__question")
    )
    questions = Question.objects.in_bulk([row["version__question"] for row in rows])
    # How often each response was given: one row per distinct response, so the
    # Python work depends on the number of options, not of attempts.
    responses = (
        slots.filter(response__isnull=False)
        .values_list("version__question", "response")
        .annotate(count=Count("pk"))
    )
    given = {}
    for question_id, response, count in responses:
        given.setdefault(question_id, []).append((response, count))
    result = []
    for row in rows:
        question = questions[row["version__question"]]
        if not question.kind.graded:
            continue  # text between questions: nothing to analyse
        item = Item(
            question=question,
            answered=row["answered"],
            waiting=row["waiting"],
            facility=_round(row["facility"]),
            discrimination=_round(
                row["upper"] - row["lower"]
                if row["upper"] is not None and row["lower"] is not None
                else None
            ),
        )
        _describe(item, given.get(question.pk, []))
        result.append(item)
    return result


def _round(value):
    return None if value is None else round(float(value), 3)


def _describe(item, responses):
    kind, spec = item.question.kind, item.question.spec
    options = kind.options(spec)
    if options:
        counts = Counter()
        for response, count in responses:
            for option in kind.chosen(response):
                counts[option] += count
        item.options = [
            (
                label,
                counts[option],
                counts[option] / item.answered if item.answered else 0,
                kind.is_right(spec, option),
            )
            for option, label in options
        ]
    elif kind.tallies:  # an essay's text is never the same twice
        top = Counter()
        for response, count in responses:
            top[kind.summary(spec, response)] += count
        item.frequent = top.most_common(5)
