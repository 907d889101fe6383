"""The question types Moodle banks use beyond the classic ones (essay, cloze,
description, words in the gaps of a text), from a Moodle XML file the project
makes: imported, exported again, taken on the learner's page, marked, analysed."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Statement
from lms.models import Role
from relais_quizzes import analysis
from relais_quizzes.attempts import Refused, save_answer, start, submit
from relais_quizzes.formats import parse_moodle_xml, without_ids
from relais_quizzes.imports import export, import_report
from relais_quizzes.models import Question, Slot
from tests.factories import member
from tests.quiz_kit import make_quiz, moodle_bank, moodle_new_types
from tests.test_quizzes import Data


@pytest.fixture
def quizzes_on(org_a, enable_plugin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    enable_plugin(org_a, "quizzes")
    return org_a


@pytest.fixture
def bank(quizzes_on):
    """The kit's Moodle file imported (the rest of it, without the unusable one)."""
    report = parse_moodle_xml(moodle_bank(*moodle_new_types()))
    import_report(report, quizzes_on)
    return {q.name: q for q in Question.objects.filter(organisation=quizzes_on)}


def test_a_file_with_an_svg_choice_and_a_cloze_imports_both_through_the_admin(
    client_a, quizzes_on
):
    client_a.force_login(member(quizzes_on, Role.TRAINER))
    upload = SimpleUploadedFile("banque.xml", moodle_bank(*moodle_new_types()))
    page = client_a.post("/admin/quizzes/import/", {"file": upload})
    token = re.search(r'name="held" value="([^"]+)"', page.content.decode()).group(1)
    client_a.post("/admin/quizzes/import/", {"held": token, "decision": "rest"})
    types = dict(Question.objects.values_list("name", "type"))
    assert types["Couleurs"] == "single" and types["Froid"] == "cloze"
    assert {types[n] for n in ("Permanence", "Partie 2", "Accueil", "Tri")} == {
        "essay",
        "description",
        "gapselect",
    }
    assert "Illisible" not in types


def _comparable(report):
    return [
        (q.type, q.name, q.prompt, q.explanation, q.mark, without_ids(q.spec))
        for q in report.questions
    ]


def test_every_new_type_survives_an_export_and_an_import_again(bank, quizzes_on):
    new = ["Permanence", "Froid", "Partie 2", "Accueil", "Tri"]
    first = export(Question.objects.filter(name__in=new).order_by("pk"))
    Question.objects.filter(name__in=new).delete()
    again = parse_moodle_xml(first)
    assert again.ok and [q.type for q in again.questions] == [
        "essay",
        "cloze",
        "description",
        "gapselect",
        "gapselect",
    ]
    import_report(again, quizzes_on)
    second = export(Question.objects.filter(name__in=new).order_by("pk"))
    assert _comparable(parse_moodle_xml(first)) == _comparable(parse_moodle_xml(second))
    assert b'type="ddwtos"' in second and b"{2:NUMERICAL:=4:1#Oui" in second


def _gap_ids(question):
    return [gap["id"] for gap in question.spec["gaps"]]


def test_a_cloze_is_graded_by_the_weighted_credit_of_its_gaps(bank, quizzes_on):
    froid = bank["Froid"]
    numeric, choice, short = _gap_ids(froid)
    choices = {a["text"]: a["id"] for a in froid.spec["gaps"][1]["answers"]}
    attempt = start(make_quiz(quizzes_on, [froid]), member(quizzes_on))
    # 6,5 °C: half credit (6 ± 1) on the gap of weight 2; the list right; "dates"
    # matches "date*" for half: (2 x 0.5 + 1 + 0.5) / 4 of 4 points.
    answers = {
        f"q1-{numeric}": "6,5",
        f"q1-{choice}": choices["frigo"],
        f"q1-{short}": "dates",
    }
    save_answer(attempt, 1, Data(answers))
    attempt = submit(attempt)[0]
    assert float(attempt.score) == 2.5 and float(attempt.max_score) == 4


def test_words_in_gaps_take_only_their_groups_words_and_score_per_gap(bank, quizzes_on):
    accueil = bank["Accueil"]
    words = {c["text"]: c["id"] for c in accueil.spec["choices"]}
    attempt = start(make_quiz(quizzes_on, [accueil]), member(quizzes_on))
    with pytest.raises(Refused):
        save_answer(attempt, 1, Data({"q1-1": words["prénom"]}))  # not group 1
    save_answer(attempt, 1, Data({"q1-1": words["bonjour"], "q1-2": words["âge"]}))
    attempt = submit(attempt)[0]
    assert attempt.percent == 50


def test_an_essay_waits_for_a_trainer_and_the_result_follows_the_mark(
    client_a, bank, quizzes_on
):
    learner, trainer = member(quizzes_on), member(quizzes_on, Role.TRAINER)
    quiz = make_quiz(quizzes_on, [bank["Permanence"]], pass_mark=50)
    attempt = start(quiz, learner)
    save_answer(attempt, 1, Data(q1="J'ai accueilli Karim\net sa fille."))
    attempt = submit(attempt)[0]
    assert attempt.needs_review and not attempt.passed
    assert not Statement.objects.filter(verb__endswith="passed").exists()
    client_a.force_login(trainer)
    page = client_a.get(f"/quizzes/results/{quiz.pk}/review/").content.decode()
    assert "J&#x27;ai accueilli Karim" in page and "Au moins un exemple" in page
    slot = Slot.objects.get(attempt=attempt)
    client_a.post(
        f"/quizzes/results/{quiz.pk}/review/", {"slot": slot.pk, "credit": "0,5"}
    )
    attempt.refresh_from_db()
    assert attempt.passed and attempt.percent == 50 and not attempt.needs_review
    assert Statement.objects.filter(verb__endswith="passed").exists()


def test_an_essay_left_with_its_starting_text_only_is_not_an_answer(bank, quizzes_on):
    attempt = start(make_quiz(quizzes_on, [bank["Permanence"]]), member(quizzes_on))
    save_answer(attempt, 1, Data(q1="Ma première permanence…"))
    attempt = submit(attempt)[0]
    assert Slot.objects.get(attempt=attempt).response is None
    assert not attempt.needs_review and attempt.percent == 0


def test_a_description_is_shown_between_questions_and_never_counts(
    client_a, bank, quizzes_on
):
    learner = member(quizzes_on)
    quiz = make_quiz(
        quizzes_on, [bank["Partie 2"], bank["Recongeler"]], shuffle_answers=False
    )
    attempt = start(quiz, learner)
    save_answer(attempt, 2, Data(q2="false"))
    attempt = submit(attempt)[0]
    assert float(attempt.max_score) == 1 and attempt.percent == 100
    client_a.force_login(learner)
    page = client_a.get(f"/quizzes/attempt/{attempt.uuid}/result").content.decode()
    assert "Deuxième partie" in page and page.count("Votre réponse") == 1


def test_the_learners_page_puts_a_field_or_a_list_in_each_gap(
    client_a, bank, quizzes_on
):
    learner = member(quizzes_on)
    quiz = make_quiz(
        quizzes_on, [bank["Froid"], bank["Tri"], bank["Permanence"]], layout="all"
    )
    client_a.force_login(learner)
    page = client_a.post(f"/quizzes/{quiz.uuid}/start", follow=True)
    html = page.content.decode()
    numeric, choice, short = _gap_ids(bank["Froid"])
    assert re.search(rf'<input[^>]*inputmode="decimal"[^>]*q1-{numeric}', html)
    assert re.search(rf'<select[^>]*name="q1-{choice}"[^>]*aria-label="Trou 2"', html)
    assert re.search(r'<select[^>]*name="q2-2"[^>]*aria-label="Trou 2"', html)
    assert "<textarea" in html and "Ma première permanence…" in html
    assert "{#1}" not in html and "[[1]]" not in html and "DLC" not in html
    attempt = page.context["attempt"]
    form = {
        "positions": ["1", "2", "3"],
        f"q1-{short}": "dlc",
        "q2-1": bank["Tri"].spec["choices"][0]["id"],
        "q3": "Très bien.",
        "action": "submit",
    }
    client_a.post(attempt.get_absolute_url(), form)
    slots = {s.position: s for s in Slot.objects.filter(attempt=attempt)}
    assert slots[1].response == {short: "dlc"} and slots[1].fraction == 0.25
    assert slots[2].fraction == 0.5 and slots[3].needs_review


def test_item_analysis_takes_essays_by_their_reviewed_mark_and_skips_descriptions(
    client_a, bank, quizzes_on
):
    from relais_quizzes.attempts import regrade

    quiz = make_quiz(
        quizzes_on, [bank["Partie 2"], bank["Permanence"]], shuffle_answers=False
    )
    trainer = member(quizzes_on, Role.TRAINER)
    for text in ("Premier récit", "Second récit", "Troisième récit"):
        attempt = start(quiz, member(quizzes_on))
        save_answer(attempt, 2, Data(q2=text))
        submit(attempt)
    reviewed = Slot.objects.filter(position=2).order_by("pk")[:2]
    for slot, credit in zip(reviewed, (1, 0.5), strict=True):
        regrade(slot, credit, trainer)
    [essay] = analysis.items(quiz, quizzes_on)
    assert essay.question.name == "Permanence"
    assert (essay.answered, essay.waiting, essay.facility) == (3, 1, 0.75)
    assert essay.frequent == [] and essay.options == []
    client_a.force_login(trainer)
    page = client_a.get(f"/quizzes/results/{quiz.pk}/items/").content.decode()
    assert "À corriger: 1" in page and "Partie 2" not in page
