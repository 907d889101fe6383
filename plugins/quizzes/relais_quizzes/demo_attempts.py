"""Past attempts at the demo quiz (PRODUCT.md, step 6: Karim sees which question
most volunteers get wrong, and rewrites it).

Every volunteer of the demo association but Léa has taken the quiz once, through
the same functions as a learner's (``start``, then ``submit``, which grades and
records); most keep the fridge at 8 °C. Idempotent: nothing is added once the quiz
has attempts.
"""

import random

from lms.models import Membership, Role
from relais_quizzes.attempts import start, submit
from relais_quizzes.models import Attempt, Quiz, Slot

QUIZ = "Les bases de l'hygiène et de la sécurité"
HARD_QUESTION = "Température du réfrigérateur"
RIGHT_ON_THE_HARD_ONE = 0.2  # four in five answer 8 °C


def construct_attempts(site, people):
    quiz = Quiz.objects.filter(organisation=site, title=QUIZ).first()
    if quiz is None or Attempt.objects.filter(quiz=quiz).exists():
        return
    chance = random.Random(16)  # noqa: S311 (the same demo every time)
    volunteers = (
        Membership.objects.filter(organisation=site, role=Role.LEARNER, is_active=True)
        .exclude(user=people["benevole"])
        .select_related("user")
        .order_by("user__username")
    )
    for membership in volunteers:
        skill = chance.uniform(0.6, 0.95)
        attempt = start(quiz, membership.user, organisation=site)
        slots = list(attempt.slots.select_related("version__question"))
        for slot in slots:
            hard = slot.version.question.name == HARD_QUESTION
            right = chance.random() < (RIGHT_ON_THE_HARD_ONE if hard else skill)
            slot.response = answer(slot.version, right, chance, tempting=hard)
        Slot.objects.bulk_update(slots, ["response"])
        submit(attempt)


def answer(version, right, chance, tempting=False):
    """A response the question's own grading finds right (or not): the first wrong
    one when ``tempting`` (the distractor most people fall for), else any."""
    kind, spec = version.kind, version.spec
    graded = [
        (kind.grade(spec, response).fraction or 0, response)
        for response in _candidates(kind.name, spec)
    ]
    best = max(fraction for fraction, _ in graded)
    if right:
        return next(response for fraction, response in graded if fraction == best)
    wrong = [response for fraction, response in graded if fraction < best]
    if not wrong:
        return None
    return wrong[0] if tempting else chance.choice(wrong)


def _candidates(kind, spec):
    if kind == "single":
        return [choice["id"] for choice in spec["choices"]]
    if kind == "multiple":
        right = sorted(c["id"] for c in spec["choices"] if c["fraction"] > 0)
        return [right, *([c["id"]] for c in spec["choices"])]
    if kind == "truefalse":
        return [True, False]
    if kind == "short":
        return [a["text"] for a in spec["answers"]] + ["Je ne sais pas"]
    if kind == "numeric":
        return [str(a["value"]) for a in spec["answers"]] + ["60"]
    if kind == "matching":
        ids = [pair["id"] for pair in spec["pairs"]]
        shifted = ids[1:] + ids[:1]
        return [dict(zip(ids, ids, strict=True)), dict(zip(ids, shifted, strict=True))]
    if kind == "ordering":
        ids = [item["id"] for item in spec["items"]]
        in_order = {item: position for position, item in enumerate(ids, start=1)}
        backwards = {item: position for position, item in enumerate(ids[::-1], 1)}
        return [in_order, backwards]
    return [None]
