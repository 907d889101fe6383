"""The demo volunteer takes the onboarding quiz on a phone, loses the connection half
way, comes back, submits and passes: the path step completes."""

import pytest
from django.contrib.auth import get_user_model

from courses.models import StepCompletion
from relais_quizzes.models import Attempt, Slot
from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    axe_violations,
    browser,
    demo,
    log_in,
)

User = get_user_model()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
]

# Functions, not bare expressions: Playwright evals those, which the platform's
# Content-Security-Policy (no 'unsafe-eval') refuses.
SAVED = "() => document.getElementById('save-status').textContent.includes('enregistr')"
OFFLINE = (
    "() => document.getElementById('save-status').textContent.includes('connexion')"
)


def answer_rightly(page, slot):
    """Fill in the right answer of a question, as a learner who knows it."""
    kind, spec, name = (
        slot.version.content["type"],
        slot.version.spec,
        f"q{slot.position}",
    )
    if kind in ("single", "multiple"):
        for choice in spec["choices"]:
            if choice["fraction"] > 0:
                page.locator(f"#{name}-{choice['id']}").check()
    elif kind == "truefalse":
        page.locator(f"#{name}-{'true' if spec['correct'] else 'false'}").check()
    elif kind == "short":
        page.locator(f"#{name}").fill(spec["answers"][0]["text"].upper())
    elif kind == "numeric":
        page.locator(f"#{name}").fill(
            str(spec["answers"][0]["value"]).replace(".", ",")
        )
    elif kind == "matching":
        for pair in spec["pairs"]:
            if pair["prompt"]:
                page.locator(f"#{name}-{pair['id']}").select_option(
                    label=pair["answer"]
                )
    elif kind == "ordering":
        for position, item in enumerate(spec["items"], start=1):
            page.locator(f"#{name}-{item['id']}").select_option(str(position))


def slots_of(attempt):
    return list(Slot.objects.filter(attempt=attempt).select_related("version"))


def saved(slot):
    return Slot.objects.get(pk=slot.pk).response is not None


def test_the_volunteer_takes_the_quiz_on_a_phone_through_a_lost_connection(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", has_touch=True
    )
    page = context.new_page()
    log_in(page, demo, "benevole")
    page.wait_for_url(f"{demo}/dashboard/")
    page.goto(f"{demo}/onboarding/")
    page.get_by_role("link", name="Quiz : hygiène et sécurité").click()
    page.get_by_role("button", name="Commencer le quiz").click()
    page.wait_for_url("**/quizzes/attempt/**")
    attempt = Attempt.objects.get(user__username="benevole")
    slots = slots_of(attempt)
    assert len(slots) == 10
    assert axe_violations(page) == []

    # Three answers online: each is saved on the server as it is given.
    for slot in slots[:3]:
        answer_rightly(page, slot)
        page.wait_for_function(SAVED)
        assert saved(slot)
        page.locator("button[value=next]").click()
        page.wait_for_url(f"**?q={slot.position + 1}")

    # The connection drops: the answer is kept on the phone, the page stays.
    context.set_offline(True)
    answer_rightly(page, slots[3])
    page.wait_for_function(OFFLINE)
    assert not saved(slots[3])
    page.locator("button[value=next]").click()
    assert page.url.endswith("?q=4")
    context.set_offline(False)
    page.wait_for_function(SAVED)
    assert saved(slots[3])

    # She closes the tab and comes back later: the quiz resumes where she was.
    page.close()
    page = context.new_page()
    page.goto(f"{demo}/onboarding/")
    page.get_by_role("link", name="Quiz : hygiène et sécurité").click()
    page.get_by_role("link", name="Reprendre le quiz").click()
    for slot in slots[4:]:  # from the first question left unanswered
        page.locator(f'fieldset[data-position="{slot.position}"]').wait_for()
        answer_rightly(page, slot)
        label = "next" if slot.position < len(slots) else "review"
        page.locator(f"button[value={label}]").click()
    page.wait_for_url("**review=1")
    assert axe_violations(page) == []
    page.locator("button[value=submit]").click()
    page.wait_for_url("**/result")
    assert "Réussi" in page.locator(".quiz-result").inner_text()
    assert axe_violations(page) == []

    attempt.refresh_from_db()
    assert attempt.passed and attempt.percent == 100
    assert StepCompletion.objects.filter(
        assignment__user__username="benevole", step__kind="quiz"
    ).exists()
    page.goto(f"{demo}/onboarding/")
    assert "Quiz : hygiène et sécurité" in page.locator(".step--done").inner_text()
    context.close()


# Functions, as above: each card is no wider than its box at 390 px.
OVERFLOWING = """() => [...document.querySelectorAll('.quiz-question, .quiz-result')]
  .filter(el => el.scrollWidth > el.clientWidth)
  .map(el => el.className + ': ' + el.scrollWidth + ' > ' + el.clientWidth)"""
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_a_result_with_long_answers_fits_a_phone_and_passes_axe(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    from wagtail.models import Site

    from relais_quizzes.attempts import save_answer, start, submit
    from tests.quiz_kit import make_quiz, one_of_each
    from tests.test_quizzes import Data

    organisation = Site.objects.get(is_default_site=True)
    made = one_of_each(organisation, long_words=True)
    quiz = make_quiz(
        organisation,
        [item for item, _answer in made],
        shuffle_answers=False,
        show_correct_answers="after_submission",
    )
    learner = User.objects.get(username="benevole")
    attempt = start(quiz, learner)
    for position, (_item, answer) in enumerate(made, start=1):
        save_answer(attempt, position, Data(answer(position)))
    submit(attempt)

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", has_touch=True
    )
    page = context.new_page()
    log_in(page, demo, "benevole")
    page.wait_for_url(f"{demo}/dashboard/")
    page.goto(f"{demo}/quizzes/attempt/{attempt.uuid}/result")
    cards = page.locator(".quiz-question")
    assert cards.count() == len(made)
    assert "Faux" in cards.nth(2).inner_text()
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate(PAGE_WIDTH) <= 390
    assert axe_violations(page) == []
    context.close()


def test_gaps_and_an_essay_are_answered_on_a_phone_and_saved_as_they_go(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    from wagtail.models import Site

    from tests.quiz_kit import make_quiz, one_of_each

    organisation = Site.objects.get(is_default_site=True)
    made = {item.type: item for item, _answer in one_of_each(organisation, True)}
    quiz = make_quiz(
        organisation,
        [made["cloze"], made["gapselect"], made["essay"]],
        layout="all",
        shuffle_answers=False,
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", has_touch=True
    )
    page = context.new_page()
    log_in(page, demo, "benevole")
    page.wait_for_url(f"{demo}/dashboard/")
    page.goto(f"{demo}/quizzes/{quiz.uuid}/")
    page.get_by_role("button", name="Commencer le quiz").click()
    page.wait_for_url("**/quizzes/attempt/**")
    cloze = made["cloze"].spec
    page.get_by_label("Trou 1").first.fill("4")
    page.locator(f"#q1-{cloze['gaps'][1]['id']}").select_option(label="frigo")
    page.locator("#q2-1").select_option(label="bonjour")
    page.get_by_label("Votre réponse (un·e formateur·rice la corrige)").fill(
        "J'ai accueilli deux familles."
    )
    page.wait_for_function(SAVED)
    assert page.evaluate(PAGE_WIDTH) <= 390
    assert axe_violations(page) == []
    attempt = Attempt.objects.get(quiz=quiz)
    # "Saved" may still be the word of an earlier answer while the essay's own
    # save is on its way: the database is asked until it has it, for 10 s at most.
    for _ in range(100):
        saved_answers = [slot.response for slot in slots_of(attempt)]
        if saved_answers[2]:
            break
        page.wait_for_timeout(100)
    assert saved_answers[2] == "J'ai accueilli deux familles."
    page.locator("button[value=submit]").click()
    page.wait_for_url("**/result")
    assert "Un formateur corrigera cette réponse" in page.content()
    attempt.refresh_from_db()
    assert attempt.needs_review and float(attempt.score) == 2
    context.close()
