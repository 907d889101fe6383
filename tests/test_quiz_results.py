"""A learner's result, question by question, in words: every type (the seven
classic ones, and essay, cloze, words in gaps, description) shows the answer
given and the right one as the learner saw the question, in the learner's language,
never ids, Python values or untranslated booleans."""

import html
import re

import pytest
from wagtail.users.models import UserProfile

from lms.models import Role
from relais_quizzes.attempts import save_answer, start, submit
from tests.factories import member
from tests.quiz_kit import make_quiz, one_of_each
from tests.test_quizzes import Data


@pytest.fixture
def quizzes_on(org_a, enable_plugin):
    enable_plugin(org_a, "quizzes")
    return org_a


def answered_quiz(organisation, learner, long_words=False):
    made = one_of_each(organisation, long_words)
    quiz = make_quiz(
        organisation,
        [item for item, _answer in made],
        shuffle_answers=False,
        show_correct_answers="after_submission",
    )
    attempt = start(quiz, learner)
    for position, (_item, answer) in enumerate(made, start=1):
        save_answer(attempt, position, Data(answer(position)))
    return submit(attempt)[0], made


def cards(page):
    """Each question's card as plain text, spaces (non-breaking too) collapsed."""
    found = re.findall(r'<section class="card quiz-question".*?</section>', page, re.S)
    return [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", card))).strip()
        for card in found
    ]


def result_cards(client, attempt, language):
    UserProfile.objects.update_or_create(
        user=attempt.user, defaults={"preferred_language": language}
    )
    client.force_login(attempt.user)
    response = client.get(f"/quizzes/attempt/{attempt.uuid}/result")
    assert response.status_code == 200
    return response.content.decode(), cards(response.content.decode())


FRENCH = [
    ("Votre réponse : Huit degrés", "La bonne réponse : Quatre degrés"),
    ("Votre réponse : En arrivant Jamais", "La bonne réponse : En arrivant Après"),
    ("Votre réponse : Faux", "La bonne réponse : Vrai"),
    ("Votre réponse : groupe", "La bonne réponse : équipe"),
    ("Votre réponse : 7,5 °C", "La bonne réponse : 3,5 °C"),
    (
        "Votre réponse : Yaourt → Cave Riz → Étagère",
        "La bonne réponse : Yaourt → Frigo Riz → Étagère",
    ),
    (
        "Votre réponse : 1. Couper 2. Laver Pas placé : Cuire",
        "La bonne réponse : 1. Laver 2. Couper 3. Cuire",
    ),
    ("Votre réponse : Bien accueilli", "Un formateur corrigera cette réponse."),
    ("Votre réponse : 1. 5 2. placard", "La bonne réponse : 1. 4 2. frigo"),
    ("Votre réponse : 1. au revoir", "La bonne réponse : 1. bonjour"),
    (None, "Deuxième partie."),
]
ENGLISH = [
    ("Your answer: Huit degrés", "The right answer: Quatre degrés"),
    ("Your answer: En arrivant Jamais", "The right answer: En arrivant Après"),
    ("Your answer: False", "The right answer: True"),
    ("Your answer: groupe", "The right answer: équipe"),
    ("Your answer: 7.5 °C", "The right answer: 3.5 °C"),
    (
        "Your answer: Yaourt → Cave Riz → Étagère",
        "The right answer: Yaourt → Frigo Riz → Étagère",
    ),
    (
        "Your answer: 1. Couper 2. Laver Not placed: Cuire",
        "The right answer: 1. Laver 2. Couper 3. Cuire",
    ),
    ("Your answer: Bien accueilli", "A trainer will review this answer."),
    ("Your answer: 1. 5 2. placard", "The right answer: 1. 4 2. frigo"),
    ("Your answer: 1. au revoir", "The right answer: 1. bonjour"),
    (None, "Deuxième partie."),
]


@pytest.mark.parametrize("language,expected", [("fr", FRENCH), ("en", ENGLISH)])
def test_each_question_type_shows_both_answers_in_words_of_the_learners_language(
    client_a, quizzes_on, language, expected
):
    learner = member(quizzes_on, Role.LEARNER)
    attempt, made = answered_quiz(quizzes_on, learner)
    page, found = result_cards(client_a, attempt, language)
    assert len(found) == len(made) == len(expected)
    for card, (given, right) in zip(found, expected, strict=True):
        assert right in card, card
        if given is None:  # a description: nothing to answer, no mark
            assert "Votre réponse" not in card and "Your answer" not in card, card
            assert "Question" not in card, card
        else:
            assert given in card, card
    ids = {
        value
        for item, _answer in made
        for value in re.findall(r"[0-9a-f]{32}", str(item.spec))
    }
    assert ids and not any(i in page for i in ids)  # no id reaches the page
    assert "{'" not in page
    if language == "fr":
        assert not any(word in card for card in found for word in ("True", "False"))


def test_a_result_without_an_answer_says_none(client_a, quizzes_on):
    learner = member(quizzes_on, Role.LEARNER)
    made = one_of_each(quizzes_on)
    quiz = make_quiz(quizzes_on, [item for item, _answer in made])
    attempt = submit(start(quiz, learner))[0]
    _page, found = result_cards(client_a, attempt, "fr")
    assert all("Votre réponse : (aucune)" in card for card in found[:-1])


def test_wide_tables_in_a_question_scroll_in_a_focusable_named_region(
    client_a, quizzes_on
):
    from tests.quiz_kit import question

    learner = member(quizzes_on, Role.LEARNER)
    table = "<table><tr><td>Lundi</td><td>Mardi</td></tr></table>"
    asked = question(
        quizzes_on,
        "truefalse",
        {"correct": True, "feedback_true": "", "feedback_false": ""},
        prompt=f"<p>Planning :</p>{table}",
    )
    attempt = submit(start(make_quiz(quizzes_on, [asked]), learner))[0]
    page, _found = result_cards(client_a, attempt, "fr")
    region = re.search(r'<div class="table-wrap"([^>]*)><table>', page)
    assert region, page
    assert 'role="region"' in region.group(1) and 'tabindex="0"' in region.group(1)
    assert "défiler" in region.group(1)
