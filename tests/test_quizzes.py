"""Quizzes: grading by type, attempts that are never lost, one result per attempt,
results and item analysis for trainers, and every role seeing only its share."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from courses.learning import assign_path, enrol
from courses.models import (
    ActivityCompletion,
    OnboardingPath,
    PathStep,
    Statement,
    StepCompletion,
)
from lms.models import Role
from relais_quizzes import analysis
from relais_quizzes.attempts import Refused, save_answer, start, submit
from relais_quizzes.models import Attempt, Slot
from relais_quizzes.types import question_type
from tests.factories import UserFactory, make_course, member
from tests.quiz_kit import choices, make_quiz, question, short, single


@pytest.fixture
def quizzes_on(org_a, enable_plugin):
    enable_plugin(org_a, "quizzes")
    return org_a


class Data(dict):
    """A QueryDict stand-in: the form fields a page posts."""

    def getlist(self, key):
        value = self.get(key)
        return value if isinstance(value, list) else ([] if value is None else [value])


def grade(kind, spec, **fields):
    kind = question_type(kind)
    return kind.grade(spec, kind.read(spec, Data(fields), "q1")).fraction


# Grading, type by type ---------------------------------------------------------


def test_multiple_choice_gives_partial_credit_or_all_or_nothing():
    spec = {
        "choices": choices(("a", 0.5), ("b", 0.5), ("c", -1)),
        "scoring": "partial",
    }
    assert grade("multiple", spec, q1=["c0", "c1"]) == 1
    assert grade("multiple", spec, q1=["c0"]) == 0.5
    assert grade("multiple", spec, q1=["c0", "c2"]) == 0  # never below zero
    spec["scoring"] = "all_or_nothing"
    assert grade("multiple", spec, q1=["c0"]) == 0
    assert grade("multiple", spec, q1=["c1", "c0"]) == 1


def test_short_text_ignores_accents_case_and_spaces_and_knows_wildcards():
    spec = {
        "answers": [
            {"id": "a", "text": "équipe", "fraction": 1, "feedback": ""},
            {"id": "b", "text": "chef*", "fraction": 0.5, "feedback": ""},
        ],
        "case_sensitive": False,
    }
    assert grade("short", spec, q1="  EQUIPE ") == 1
    assert grade("short", spec, q1="Chef d'équipe") == 0.5
    assert grade("short", spec, q1="groupe") == 0


def test_numbers_are_read_as_people_type_them_within_the_tolerance():
    spec = {
        "answers": [
            {"id": "a", "value": 3.5, "tolerance": 0.1, "fraction": 1, "feedback": ""}
        ]
    }
    assert grade("numeric", spec, q1="3,45") == 1
    assert grade("numeric", spec, q1="3.7") == 0
    with pytest.raises(ValueError):
        grade("numeric", spec, q1="trois")


def test_matching_keeps_distractors_and_ordering_gives_credit_per_place():
    pairs = [
        {"id": "p1", "prompt": "<p>Yaourt</p>", "answer": "Frigo"},
        {"id": "p2", "prompt": "<p>Riz</p>", "answer": "Étagère"},
        {"id": "p3", "prompt": "", "answer": "Cave"},
    ]
    spec = {"pairs": pairs}
    shown = question_type("matching").present(spec, ["p3", "p1", "p2"])
    assert [answer["text"] for answer in shown["answers"]] == [
        "Cave",
        "Frigo",
        "Étagère",
    ]
    assert [prompt["id"] for prompt in shown["prompts"]] == ["p1", "p2"]
    assert grade("matching", spec, **{"q1-p1": "p1", "q1-p2": "p3"}) == 0.5
    items = {"items": [{"id": x, "text": x} for x in "abcd"]}
    assert grade("ordering", items, **{"q1-a": "1", "q1-b": "2", "q1-c": "4"}) == 0.5
    with pytest.raises(ValueError):
        grade("ordering", items, **{"q1-a": "9"})


# Taking a quiz --------------------------------------------------------------------


def test_the_page_never_carries_the_answer_key(client_a, quizzes_on):
    learner = member(quizzes_on, Role.LEARNER)
    quiz = make_quiz(quizzes_on, [single(quizzes_on)], layout="all")
    client_a.force_login(learner)
    response = client_a.post(f"/quizzes/{quiz.uuid}/start", follow=True)
    html = response.content.decode()
    assert "Juste" in html and "Faux" in html
    assert "SECRET-FEEDBACK" not in html
    assert "fraction" not in html and "Parce que" not in html


def test_autosaves_arriving_out_of_order_keep_the_newest_answer(quizzes_on):
    learner = member(quizzes_on, Role.LEARNER)
    attempt = start(make_quiz(quizzes_on, [single(quizzes_on)]), learner)
    save_answer(attempt, 1, Data(q1="c1"), revision=20)
    save_answer(attempt, 1, Data(q1="c0"), revision=10)  # late, older
    assert Slot.objects.get(attempt=attempt).response == "c1"


def test_bad_answers_are_refused_and_change_nothing(client_a, quizzes_on, org_b):
    learner, other = member(quizzes_on), member(quizzes_on)
    quiz = make_quiz(quizzes_on, [single(quizzes_on)])
    attempt = start(quiz, learner)
    save_answer(attempt, 1, Data(q1="c0"), revision=1)
    url = f"/quizzes/attempt/{attempt.uuid}/save"
    client_a.force_login(learner)
    refused = [
        ({"position": 1, "rev": 2, "q1": "not-an-option"}, 400),
        ({"position": 7, "rev": 2, "q1": "c0"}, 400),
        ({"position": "x", "rev": 2, "q1": "c0"}, 400),
    ]
    for data, status in refused:
        response = client_a.post(url, data)
        assert response.status_code == status
        assert response.json()["error"]
    client_a.force_login(other)  # someone else's attempt
    assert client_a.post(url, {"position": 1, "rev": 3, "q1": "c1"}).status_code == 403
    client_a.force_login(member(org_b))  # another organisation's
    response = client_a.post(url, {"position": 1, "rev": 3}, HTTP_HOST="b.test")
    assert response.status_code == 404
    submit(attempt)
    client_a.force_login(learner)
    response = client_a.post(url, {"position": 1, "rev": 4, "q1": "c1"})
    assert response.status_code == 409
    slot = Slot.objects.get(attempt=attempt)
    assert (slot.response, slot.revision) == ("c0", 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_grade_once_and_late_answers_change_nothing(
    django_db_serialized_rollback, org_a, enable_plugin
):
    enable_plugin(org_a, "quizzes")
    learner = member(org_a)
    quiz = make_quiz(org_a, [single(org_a)])
    attempt = start(quiz, learner)
    save_answer(attempt, 1, Data(q1="c0"))
    barrier, outcomes = threading.Barrier(4), []

    def submit_at_once():
        try:
            barrier.wait()
            outcomes.append(submit(Attempt.objects.get(pk=attempt.pk))[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit_at_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, False, False, True]
    assert Statement.objects.filter(object_id=quiz.object_id).count() == 1
    attempt.refresh_from_db()
    assert attempt.passed and attempt.percent == 100
    answers_racing_a_submission_are_graded_or_refused(org_a)


def test_a_double_click_on_submit_gives_one_result(client_a, quizzes_on):
    learner = member(quizzes_on)
    quiz = make_quiz(quizzes_on, [single(quizzes_on)], layout="all")
    attempt = start(quiz, learner)
    client_a.force_login(learner)
    for _ in range(2):
        response = client_a.post(
            attempt.get_absolute_url(),
            {"positions": ["1"], "q1": "c0", "action": "submit"},
        )
        assert response.status_code == 302
    assert Statement.objects.filter(object_id=quiz.object_id).count() == 1
    assert Attempt.objects.get().passed


def test_two_clicks_on_start_make_one_attempt(client_a, quizzes_on):
    client_a.force_login(member(quizzes_on))
    quiz = make_quiz(quizzes_on, [single(quizzes_on)])
    first = client_a.post(f"/quizzes/{quiz.uuid}/start")
    second = client_a.post(f"/quizzes/{quiz.uuid}/start")
    assert first["Location"] == second["Location"]
    assert Attempt.objects.count() == 1


def test_a_timed_attempt_is_submitted_with_what_was_saved_when_time_is_up(
    client_a, quizzes_on
):
    learner = member(quizzes_on)
    quiz = make_quiz(
        quizzes_on, [single(quizzes_on), single(quizzes_on)], time_limit_minutes=10
    )
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt = start(quiz, learner)
        save_answer(attempt, 1, Data(q1="c0"))
        clock.shift(timedelta(minutes=11))
        client_a.force_login(learner)
        response = client_a.post(
            f"/quizzes/attempt/{attempt.uuid}/save", {"position": 2, "rev": 1}
        )
        assert response.status_code == 409
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.auto_submitted
    assert attempt.percent == 50


def test_the_sweep_closes_attempts_nobody_came_back_to(quizzes_on):
    quiz = make_quiz(quizzes_on, [single(quizzes_on)], time_limit_minutes=5)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt = start(quiz, member(quizzes_on))
        call_command("close_quiz_attempts", verbosity=0)
        assert Attempt.objects.get(pk=attempt.pk).is_open
        clock.shift(timedelta(minutes=6))
        call_command("close_quiz_attempts", verbosity=0)
    assert not Attempt.objects.get(pk=attempt.pk).is_open


def test_attempt_limits_and_delays_are_kept(quizzes_on):
    learner = member(quizzes_on)
    quiz = make_quiz(
        quizzes_on, [single(quizzes_on)], max_attempts=2, attempt_delay_minutes=60
    )
    with time_machine.travel(timezone.now(), tick=False) as clock:
        submit(start(quiz, learner))  # empty: failed
        with pytest.raises(Refused, match="dans 60 minutes"):
            start(quiz, learner)
        clock.shift(timedelta(minutes=61))
        submit(start(quiz, learner))
        clock.shift(timedelta(minutes=61))
        with pytest.raises(Refused, match="les 2 tentatives"):
            start(quiz, learner)


def test_editing_a_question_never_changes_a_past_result(quizzes_on):
    learner = member(quizzes_on)
    asked = single(quizzes_on)
    quiz = make_quiz(quizzes_on, [asked])
    attempt = start(quiz, learner)
    save_answer(attempt, 1, Data(q1="c0"))
    attempt, _ = submit(attempt)
    from relais_quizzes.imports import answer_value

    spec = asked.spec
    spec["choices"][0]["fraction"], spec["choices"][1]["fraction"] = 0, 1
    asked.answer = answer_value("single", spec)
    asked.save()
    assert asked.versions.count() == 2
    from relais_quizzes.attempts import grade_attempt

    grade_attempt(attempt)  # regrading uses the version the attempt was given
    assert attempt.percent == 100


# Completion through the core ----------------------------------------------------


def test_passing_a_quiz_in_a_lesson_completes_the_activity_and_the_path_step(
    client_a, quizzes_on
):
    learner = member(quizzes_on)
    quiz = make_quiz(quizzes_on, [single(quizzes_on)], layout="all")
    course = make_course(quizzes_on, lessons=1)
    lesson = course.get_children().first().specific
    lesson.body = [("quiz", {"quiz": quiz, "required": True})]
    lesson.save_revision().publish()
    enrol(learner, course, quizzes_on)
    path = OnboardingPath.objects.create(organisation=quizzes_on, title="Accueil")
    step = PathStep.objects.create(path=path, kind="quiz", title="Quiz", target=quiz.pk)
    assign_path(learner, path, timezone.localdate())

    client_a.force_login(learner)
    page = client_a.get(lesson.learn_url()).content.decode()
    link = page.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    quiz_page = client_a.get(link)
    assert quiz_page.status_code == 200
    token = quiz_page.content.decode().split('name="activity" value="')[1].split('"')[0]
    started = client_a.post(f"/quizzes/{quiz.uuid}/start", {"activity": token})
    client_a.post(
        started["Location"], {"positions": ["1"], "q1": "c1", "action": "submit"}
    )
    assert not ActivityCompletion.objects.exists()  # failed: nothing completes
    started = client_a.post(f"/quizzes/{quiz.uuid}/start", {"activity": token})
    client_a.post(
        started["Location"], {"positions": ["1"], "q1": "c0", "action": "submit"}
    )
    block_id = lesson.body[0].id
    assert ActivityCompletion.objects.filter(
        user=learner, lesson=lesson, block_id=block_id
    ).exists()
    assert StepCompletion.objects.filter(step=step).exists()


def test_a_forged_activity_never_completes_another_block(client_a, quizzes_on):
    from relais_quizzes.blocks import activity_token

    learner = member(quizzes_on)
    quiz, other = (make_quiz(quizzes_on, [single(quizzes_on)]) for _ in range(2))
    client_a.force_login(learner)
    forged = activity_token(1, "block", other.pk)  # signed for the other quiz
    client_a.post(f"/quizzes/{quiz.uuid}/start", {"activity": forged})
    client_a.post(f"/quizzes/{quiz.uuid}/start", {"activity": "urn:relais:x"})
    assert Attempt.objects.get().activity == ""


def test_a_trainer_marks_an_answer_left_to_review_and_completion_follows(
    client_a, quizzes_on
):
    learner, trainer = member(quizzes_on), member(quizzes_on, Role.TRAINER)
    quiz = make_quiz(quizzes_on, [short(quizzes_on, review=True)], layout="all")
    path = OnboardingPath.objects.create(organisation=quizzes_on, title="Accueil")
    step = PathStep.objects.create(path=path, kind="quiz", title="Quiz", target=quiz.pk)
    assign_path(learner, path, timezone.localdate())
    attempt = start(quiz, learner)
    save_answer(attempt, 1, Data(q1="les bénévoles ensemble"))
    attempt, _ = submit(attempt)
    assert attempt.needs_review and not attempt.passed
    slot = Slot.objects.get(attempt=attempt)
    assert slot.needs_review

    client_a.force_login(learner)
    assert client_a.get(f"/quizzes/results/{quiz.pk}/review/").status_code == 403
    client_a.force_login(trainer)
    page = client_a.get(f"/quizzes/results/{quiz.pk}/review/")
    assert "les bénévoles ensemble" in page.content.decode()
    bad = client_a.post(
        f"/quizzes/results/{quiz.pk}/review/", {"slot": slot.pk, "credit": "2"}
    )
    assert bad.status_code == 400
    assert not StepCompletion.objects.exists()
    client_a.post(
        f"/quizzes/results/{quiz.pk}/review/", {"slot": slot.pk, "credit": "1"}
    )
    attempt.refresh_from_db()
    assert attempt.passed and not attempt.needs_review
    assert StepCompletion.objects.filter(step=step).exists()


# Trainers' figures ----------------------------------------------------------------


def _attempt_with(quiz, learner, answers):
    attempt = start(quiz, learner)
    for position, value in enumerate(answers, start=1):
        if value is not None:
            save_answer(attempt, position, Data({f"q{position}": value}))
    return submit(attempt)[0]


def test_item_analysis_matches_a_hand_computed_example(quizzes_on):
    """Four learners, two questions. Scores: A 2, B 1 (q1 only), C 1 (q2 only), D 0.
    Groups of ceil(0.27 x 4) = 2: upper = A and the higher-id of B/C tied at 1
    (C), lower = D and the lower-id one (B).
    q1: facility 2/4 = 0.5; upper (A 1, C 0) 0.5; lower (D 0, B 1) 0.5 → D = 0.
    q2: facility 0.5; upper (A 1, C 1) 1; lower (D 0, B 0) 0 → D = 1.
    """
    q1 = question(
        quizzes_on,
        "single",
        {"choices": choices(("Oui", 1), ("Non", 0), ("Peut-être", 0))},
        name="q1",
    )
    q2 = single(quizzes_on, name="q2")
    quiz = make_quiz(quizzes_on, [q1, q2], shuffle_answers=False)
    for answers in (["c0", "c0"], ["c0", "c1"], ["c1", "c0"], ["c2", None]):
        _attempt_with(quiz, member(quizzes_on), answers)
    items = {item.question.name: item for item in analysis.items(quiz, quizzes_on)}
    assert (items["q1"].facility, items["q1"].discrimination) == (0.5, 0.0)
    assert (items["q2"].facility, items["q2"].discrimination) == (0.5, 1.0)
    assert items["q2"].answered == 3
    assert [
        (label, count, right) for label, count, _, right in items["q1"].options
    ] == [
        ("Oui", 2, True),
        ("Non", 1, False),
        ("Peut-être", 1, False),
    ]
    overview = analysis.overview(quiz, quizzes_on)
    assert overview["attempts"] == 4 and overview["pass_rate"] == 25
    assert dict(overview["distribution"])["50-59"] == 2


def test_results_and_exports_show_best_and_last_scores(client_a, quizzes_on):
    from io import BytesIO

    from openpyxl import load_workbook

    quiz = make_quiz(quizzes_on, [single(quizzes_on), single(quizzes_on)])
    lea = member(quizzes_on, user=UserFactory(first_name="Léa", last_name="Martin"))
    _attempt_with(quiz, lea, ["c0", "c0"])
    _attempt_with(quiz, lea, ["c0", None])
    client_a.force_login(member(quizzes_on, Role.COORDINATOR))
    page = client_a.get(f"/quizzes/results/{quiz.pk}/").content.decode()
    assert "<svg" in page and "Léa Martin" in page
    sheet = load_workbook(
        BytesIO(client_a.get(f"/quizzes/results/{quiz.pk}/export.xlsx").content)
    ).active
    rows = list(sheet.values)
    assert rows[1][:7] == ("Martin", "Léa", lea.email, 2, 100, 50, "oui")
    csv = client_a.get(f"/quizzes/results/{quiz.pk}/export.csv").content.decode()
    assert "Martin,Léa" in csv
    assert client_a.get(f"/quizzes/results/{quiz.pk}/export.pdf").status_code == 404


def test_each_role_sees_only_its_share(client_a, quizzes_on, org_b, enable_plugin):
    quiz = make_quiz(quizzes_on, [single(quizzes_on)])
    learner = member(quizzes_on)
    attempt = _attempt_with(quiz, learner, ["c0"])
    pages = [
        f"/quizzes/results/{quiz.pk}/",
        f"/quizzes/results/{quiz.pk}/items/",
        f"/quizzes/results/{quiz.pk}/export.csv",
    ]
    client_a.force_login(learner)
    assert all(client_a.get(url).status_code == 403 for url in pages)
    assert client_a.get(f"/quizzes/attempt/{attempt.uuid}/result").status_code == 200
    client_a.force_login(member(quizzes_on))
    assert client_a.get(f"/quizzes/attempt/{attempt.uuid}/result").status_code == 403
    for role in (Role.TRAINER, Role.COORDINATOR, Role.ADMIN):
        client_a.force_login(member(quizzes_on, role))
        assert all(client_a.get(url).status_code == 200 for url in pages)
    # A coordinator of another association finds nothing of this one.
    enable_plugin(org_b, "quizzes")
    client_a.force_login(member(org_b, Role.COORDINATOR))
    for url in pages:
        assert client_a.get(url, HTTP_HOST="b.test").status_code == 404
    assert client_a.get(f"/quizzes/{quiz.uuid}/", HTTP_HOST="b.test").status_code == 404


def test_a_disabled_plugin_answers_nothing(client_a, org_a):
    quiz = make_quiz(org_a, [single(org_a)])
    client_a.force_login(member(org_a, Role.TRAINER))
    assert client_a.get(f"/quizzes/{quiz.uuid}/").status_code == 404
    assert client_a.get("/quizzes/results/").status_code == 404


def test_pages_make_a_fixed_number_of_queries(
    client_a, quizzes_on, django_assert_max_num_queries
):
    questions = [single(quizzes_on) for _ in range(12)]
    quiz = make_quiz(quizzes_on, questions, layout="all")
    for _ in range(6):
        _attempt_with(quiz, member(quizzes_on), ["c0"] * 12)
    learner = member(quizzes_on)
    attempt = start(quiz, learner)
    client_a.force_login(learner)
    with django_assert_max_num_queries(20):
        assert client_a.get(attempt.get_absolute_url()).status_code == 200
    client_a.force_login(member(quizzes_on, Role.TRAINER))
    for url in ("", "items/"):
        with django_assert_max_num_queries(20):
            assert client_a.get(f"/quizzes/results/{quiz.pk}/{url}").status_code == 200


def test_a_quiz_step_offers_only_the_organisations_quizzes(quizzes_on, org_b):
    from django.core.exceptions import ValidationError

    from courses.models.paths import StepTargetSelect
    from lms.models.scoping import current_organisation

    ours = make_quiz(quizzes_on, [single(quizzes_on)], title="Hygiène A")
    theirs = make_quiz(org_b, [single(org_b)], title="Hygiène B")
    token = current_organisation.set(quizzes_on)
    try:
        html = StepTargetSelect().render("target", "")
    finally:
        current_organisation.reset(token)
    assert "Hygiène A" in html and "Hygiène B" not in html
    path = OnboardingPath.objects.create(organisation=quizzes_on, title="Accueil")
    step = PathStep(path=path, kind="quiz", title="Quiz", target=str(theirs.pk))
    with pytest.raises(ValidationError):
        step.full_clean()
    step.target = str(ours.pk)
    step.full_clean()


def test_immediate_feedback_locks_the_checked_answer(client_a, quizzes_on):
    learner = member(quizzes_on)
    quiz = make_quiz(
        quizzes_on,
        [single(quizzes_on), single(quizzes_on)],
        feedback="immediately",
        show_correct_answers="immediately",
    )
    attempt = start(quiz, learner)
    client_a.force_login(learner)
    response = client_a.post(
        f"{attempt.get_absolute_url()}?q=1",
        {"positions": ["1"], "q1": "c1", "action": "check"},
        follow=True,
    )
    page = response.content.decode()
    assert "SECRET-FEEDBACK" in page and "Juste" in page  # feedback, right answer
    slot = Slot.objects.get(attempt=attempt, position=1)
    assert slot.checked and slot.fraction == 0
    late = client_a.post(
        f"/quizzes/attempt/{attempt.uuid}/save", {"position": 1, "rev": 1, "q1": "c0"}
    )
    assert late.status_code == 409
    assert Slot.objects.get(pk=slot.pk).response == "c1"
    # The next question's page still shows nothing of its key.
    assert (
        "SECRET-FEEDBACK"
        not in client_a.get(f"{attempt.get_absolute_url()}?q=2").content.decode()
    )


def test_a_trainer_writes_a_question_in_the_admin(client_a, quizzes_on, org_b):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    from relais_quizzes.models import Question, QuestionCategory

    ours = QuestionCategory.objects.create(organisation=quizzes_on, name="Froid")
    theirs = QuestionCategory.objects.create(organisation=org_b, name="Ailleurs")

    def choice(text, credit, order):
        return {
            "deleted": "",
            "order": order,
            "value": {
                "text": rich_text(text),
                "fraction": credit,
                "feedback": rich_text(""),
            },
        }

    def form(category):
        return nested_form_data(
            {
                "category": category.pk,
                "name": "Frigo",
                "prompt": rich_text("<p>Quelle température ?</p>"),
                "explanation": rich_text(""),
                "mark": "1",
                "tags": "froid",
                "answer": streamfield(
                    [
                        (
                            "single",
                            {
                                "choices": {
                                    "count": 2,
                                    "0": choice("<p>4 °C</p>", "1", 0),
                                    "1": choice("<p>12 °C</p>", "0", 1),
                                },
                                "shuffle": "on",
                            },
                        )
                    ]
                ),
            }
        )

    client_a.force_login(member(quizzes_on, Role.TRAINER))
    url = "/admin/snippets/quizzes/question/add/"
    refused = client_a.post(url, form(theirs))  # another association's category
    assert refused.status_code == 200 and not Question.objects.exists()
    response = client_a.post(url, form(ours))
    assert response.status_code == 302, response.content.decode()[-2000:]
    made = Question.objects.get()
    assert (made.organisation, made.type, made.category) == (quizzes_on, "single", ours)
    assert [c["fraction"] for c in made.spec["choices"]] == [1, 0]
    assert all(c["id"] for c in made.spec["choices"])
    assert made.versions.count() == 1


def test_what_results_depend_on_cannot_be_deleted(client_a, quizzes_on):
    from relais_quizzes.models import Question, Quiz

    asked = single(quizzes_on)
    quiz = make_quiz(quizzes_on, [asked])
    _attempt_with(quiz, member(quizzes_on), ["c0"])
    client_a.force_login(member(quizzes_on, Role.TRAINER))
    for url in (
        f"/admin/snippets/quizzes/question/delete/{asked.pk}/",
        f"/admin/snippets/quizzes/quiz/delete/{quiz.pk}/",
    ):
        response = client_a.post(url)
        assert response.status_code in (302, 403), url
    assert Question.objects.filter(pk=asked.pk).exists()
    assert Quiz.objects.filter(pk=quiz.pk).exists()
    assert Attempt.objects.count() == 1


def test_choosers_offer_only_the_organisations_questions_and_quizzes(
    client_a, quizzes_on, org_b
):
    single(quizzes_on, name="Notre question")
    single(org_b, name="Leur question")
    make_quiz(quizzes_on, [], title="Notre quiz")
    make_quiz(org_b, [], title="Leur quiz")
    client_a.force_login(member(quizzes_on, Role.TRAINER))
    for model, ours, theirs in (
        ("question", "Notre question", "Leur question"),
        ("quiz", "Notre quiz", "Leur quiz"),
    ):
        for view in ("", "results/?q=Leur"):
            page = client_a.get(f"/admin/snippets/choose/quizzes/{model}/{view}")
            text = page.content.decode()
            assert page.status_code == 200 and theirs not in text
            if not view:
                assert ours in text


def test_an_answer_arriving_after_the_submission_is_refused(quizzes_on):
    """The autosave loaded the attempt before the submit committed: it must not
    change an answer that was already graded."""
    learner = member(quizzes_on)
    attempt = start(make_quiz(quizzes_on, [single(quizzes_on)]), learner)
    save_answer(attempt, 1, Data(q1="c0"), revision=1)
    stale = Attempt.objects.get(pk=attempt.pk)  # loaded while still open
    submit(attempt)
    with pytest.raises(Refused) as refused:
        save_answer(stale, 1, Data(q1="c1"), revision=2)
    assert refused.value.status == 409
    slot = Slot.objects.get(attempt=attempt)
    assert (slot.response, slot.fraction) == ("c0", 1.0)


def answers_racing_a_submission_are_graded_or_refused(org_a):
    """An answer racing the submission: graded if it came first, else refused."""
    quiz = make_quiz(org_a, [single(org_a)])
    for _ in range(5):
        attempt = start(quiz, member(org_a))
        save_answer(attempt, 1, Data(q1="c1"), revision=1)
        barrier, refused = threading.Barrier(2), []

        def change_answer(attempt=attempt, barrier=barrier, refused=refused):
            stale = Attempt.objects.get(pk=attempt.pk)
            barrier.wait()
            try:
                save_answer(stale, 1, Data(q1="c0"), revision=2)
            except Refused:
                refused.append(True)
            finally:
                connection.close()

        def submit_now(attempt=attempt, barrier=barrier):
            stale = Attempt.objects.get(pk=attempt.pk)
            barrier.wait()
            try:
                submit(stale)
            finally:
                connection.close()

        threads = [threading.Thread(target=f) for f in (change_answer, submit_now)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        slot = Slot.objects.get(attempt=attempt)
        # Whatever won, the stored answer is the one that was graded.
        assert slot.fraction == (1.0 if slot.response == "c0" else 0.0)
        assert (slot.response == "c1") == bool(refused)


def test_review_findings_stay_fixed(client_a, quizzes_on):
    """Crafted input gets a clear answer, never a 500, and changes nothing."""
    import time

    from django.core.exceptions import ValidationError

    from lms.exports import cell
    from relais_quizzes.models import QuestionCategory

    # Wildcards match in linear time, and still match.
    spec = {"answers": [{"id": "a", "text": "*a*a*a*a*a*a*b", "fraction": 1}]}
    began = time.process_time()
    assert grade("short", spec, q1="a" * 400) == 0
    assert time.process_time() - began < 1
    assert grade("short", spec, q1="xaaaaaayb") == 1
    # Spreadsheet cells are data, never formulas.
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and cell("Léa\x07") == "Léa"
    # A category cannot be put inside itself.
    top = QuestionCategory.objects.create(organisation=quizzes_on, name="A")
    inner = QuestionCategory.objects.create(
        organisation=quizzes_on, name="B", parent=top
    )
    top.parent = inner
    with pytest.raises(ValidationError):
        top.full_clean()

    learner = member(quizzes_on)
    quiz = make_quiz(
        quizzes_on, [single(quizzes_on), question(quizzes_on, "numeric", {
            "answers": [{"id": "a", "value": 3, "tolerance": 0, "fraction": 1}]
        })], layout="all", feedback="never",
    )  # fmt: skip
    attempt = start(quiz, learner)
    client_a.force_login(learner)
    url = attempt.get_absolute_url()
    # One bad answer: none of the page's answers is saved, the page says which.
    bad = client_a.post(url, {"positions": ["1", "2"], "q1": "c0", "q2": "abc"})
    assert bad.status_code == 400 and "Question 2" in bad.content.decode()
    assert list(
        Slot.objects.filter(attempt=attempt).values_list("response", flat=True)
    ) == [None, None]
    # Odd numbers are refused, not crashed on.
    assert client_a.get(f"{url}?q=²").status_code == 200
    assert client_a.post(url, {"positions": ["²"]}).status_code == 400
    save = f"/quizzes/attempt/{attempt.uuid}/save"
    assert client_a.post(save, {"position": "²", "rev": 1}).status_code == 400
    assert client_a.post(save, {"position": 1, "rev": "9" * 25}).status_code == 400
    # No "check" (and no feedback) on a quiz that shows none before submission.
    checked = client_a.post(
        f"{url}?q=1", {"positions": ["1"], "q1": "c1", "action": "check"}
    )
    assert not Slot.objects.get(attempt=attempt, position=1).checked
    assert "SECRET-FEEDBACK" not in checked.content.decode()


def test_no_admin_screen_reaches_another_associations_objects(
    client_a, quizzes_on, org_b
):
    from courses.models import OnboardingPath
    from relais_quizzes.models import Question, QuestionCategory, Quiz

    theirs = {
        "quizzes/question": single(org_b),
        "quizzes/quiz": make_quiz(org_b, []),
        "quizzes/questioncategory": QuestionCategory.objects.create(
            organisation=org_b, name="Ailleurs"
        ),
        "courses/onboardingpath": OnboardingPath.objects.create(
            organisation=org_b, title="Leur parcours"
        ),
    }
    client_a.force_login(member(quizzes_on, Role.ADMIN))
    for model, obj in theirs.items():
        for view in ("edit", "copy", "delete", "history", "usage"):
            url = f"/admin/snippets/{model}/{view}/{obj.pk}/"
            assert client_a.get(url).status_code == 404, url
        delete = f"/admin/snippets/{model}/delete/{obj.pk}/"
        assert client_a.post(delete).status_code == 404
    assert Question.objects.filter(organisation=org_b).exists()
    assert Quiz.objects.filter(organisation=org_b).exists()
    assert OnboardingPath.objects.filter(organisation=org_b).exists()
    # The admin's own organisation still works.
    ours = single(quizzes_on)
    edit = client_a.get(f"/admin/snippets/quizzes/question/edit/{ours.pk}/")
    assert edit.status_code == 200
