"""The learning core: statements drive lesson, course, path and badge progress."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image

from courses.learning import assign_path, enrol
from courses.models import (
    ActivityCompletion,
    BadgeAward,
    BadgeClass,
    Enrolment,
    LessonProgress,
    OnboardingPath,
    PathStep,
    Statement,
    StepCompletion,
)
from courses.statements import Authority, InvalidStatement, record_statement
from lms.models import OrganisationSettings, Role
from lms.people import join_organisation
from tests.factories import UserFactory, make_course, member


def png():
    import io

    buffer = io.BytesIO()
    PILImage.new("RGB", (32, 32), "#1d4ed8").save(buffer, "PNG")
    return Image.objects.create(
        title="badge", file=ContentFile(buffer.getvalue(), "b.png")
    )


def lessons_of(course):
    return list(course.get_lessons())


def complete(user, organisation, lesson):
    """What the lesson's "done" button records (as the platform: only the
    platform's statements count)."""
    return record_statement(
        actor=user,
        organisation=organisation,
        verb="completed",
        object_id=f"urn:relais:lesson:{lesson.pk}",
        authority=Authority.PLATFORM,
    )


@pytest.fixture
def learner(org_a):
    return member(org_a)


def test_a_lesson_of_a_course_one_is_not_enrolled_in_cannot_be_completed(
    org_a, learner
):
    course = make_course(org_a)
    with pytest.raises(InvalidStatement):
        complete(learner, org_a, lessons_of(course)[0])
    assert not Statement.objects.exists()
    assert not LessonProgress.objects.exists()


def test_unknown_verbs_and_malformed_results_are_refused_and_nothing_is_written(
    org_a, learner
):
    course = make_course(org_a)
    enrol(learner, course, org_a)
    lesson = lessons_of(course)[0]
    for bad in [
        {"verb": "liked"},
        {"verb": "completed", "result": {"score": {"scaled": 7}}},
        {"verb": "completed", "result": {"success": "yes"}},
        {"verb": "completed", "result": "great"},
    ]:
        with pytest.raises(InvalidStatement):
            record_statement(
                actor=learner,
                organisation=org_a,
                object_id=f"urn:relais:lesson:{lesson.pk}",
                **bad,
            )
    assert not Statement.objects.exists()


def test_replaying_a_statement_id_changes_nothing(org_a, learner):
    course = make_course(org_a, lessons=1)
    enrol(learner, course, org_a)
    lesson = lessons_of(course)[0]
    statement_id = "0d7e5b1c-7f56-4a7d-9b8e-2f3a4b5c6d7e"
    first, created = record_statement(
        actor=learner,
        organisation=org_a,
        verb="completed",
        object_id=f"urn:relais:lesson:{lesson.pk}",
        statement_id=statement_id,
        authority=Authority.PLATFORM,
    )
    again, created_again = record_statement(
        actor=learner,
        organisation=org_a,
        verb="completed",
        object_id=f"urn:relais:lesson:{lesson.pk}",
        statement_id=statement_id,
        authority=Authority.PLATFORM,
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    # The course completion statement is the second one.
    assert Statement.objects.count() == 2


def test_a_lesson_with_a_required_charter_completes_only_once_accepted(org_a, learner):
    course = make_course(org_a, lessons=1, charter=True)
    enrol(learner, course, org_a)
    lesson = lessons_of(course)[0]
    complete(learner, org_a, lesson)
    assert LessonProgress.objects.get(lesson=lesson).completed_at is None
    (block_id,) = lesson.required_activity_ids()
    statement, _ = record_statement(
        actor=learner,
        organisation=org_a,
        verb="accepted",
        object_id=f"urn:relais:activity:{lesson.pk}:{block_id}",
        authority=Authority.PLATFORM,  # what the charter's own view records
    )
    accepted = ActivityCompletion.objects.get(lesson=lesson, block_id=block_id)
    assert accepted.completed_at == statement.timestamp
    assert LessonProgress.objects.get(lesson=lesson).completed_at is not None
    assert Enrolment.objects.get(user=learner).progress == 100


@pytest.mark.parametrize(
    ("result", "completes"),
    [
        ({"score": {"scaled": 0.8}}, True),  # no success field, as H5P often sends
        ({"score": {"scaled": 0.5}}, False),
        ({"score": {"scaled": 0.9}, "success": False}, False),
        ({"success": True}, False),  # a threshold needs a score
        ({"success": True, "score": {"scaled": 0.7}}, True),
    ],
)
def test_scored_activities_complete_against_the_blocks_threshold(result, completes):
    from courses.completion import completes_activity

    assert completes_activity("answered", result, {"pass_threshold": 0.7}) is completes


def test_progress_completion_path_and_badge_follow_the_statements(
    org_a, learner, django_capture_on_commit_callbacks
):
    course = make_course(org_a, lessons=2)
    path = OnboardingPath.objects.create(organisation=org_a, title="Bienvenue")
    course_step = PathStep.objects.create(
        path=path, kind="course", title="Cours", course=course, due_days=2
    )
    PathStep.objects.create(
        path=path, kind="checklist", title="Optionnel", required=False
    )
    badge = BadgeClass.objects.create(
        organisation=org_a,
        name="Bénévole accueil",
        description="d",
        criteria="c",
        image=png(),
        path=path,
    )
    assignment = assign_path(learner, path)
    first, second = lessons_of(course)
    complete(learner, org_a, first)
    assert Enrolment.objects.get(user=learner).progress == 50
    assert not StepCompletion.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, org_a, second)
    assert Enrolment.objects.get(user=learner).completed_at is not None
    assert StepCompletion.objects.get().step == course_step
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    assert BadgeAward.objects.get().badge == badge
    complete(learner, org_a, second)  # once more: still one badge
    assert BadgeAward.objects.count() == 1


def test_a_newcomer_gets_the_path_of_their_role(
    org_a, django_capture_on_commit_callbacks
):
    path = OnboardingPath.objects.create(
        organisation=org_a, title="Accueil", role=Role.LEARNER
    )
    OnboardingPath.objects.create(
        organisation=org_a, title="Formateurs", role=Role.TRAINER
    )
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        join_organisation(user, org_a, role=Role.LEARNER)
    assert [a.path for a in user.path_assignments.all()] == [path]


def test_changing_a_path_keeps_the_steps_already_done(org_a, learner):
    path = OnboardingPath.objects.create(organisation=org_a, title="P")
    step = PathStep.objects.create(path=path, kind="checklist", title="Observer")
    assignment = assign_path(learner, path)
    from courses.completion import complete_step

    complete_step(assignment, step, org_a)
    PathStep.objects.create(path=path, kind="checklist", title="Nouveau")
    assert assign_path(learner, path) == assignment
    assert StepCompletion.objects.filter(assignment=assignment, step=step).exists()


def test_another_organisations_courses_are_not_found_unless_shared(
    client, org_a, org_b, learner
):
    course_b = make_course(org_b, title="Cours de B")
    client.force_login(learner)
    assert (
        client.get(
            reverse("courses:course", args=[course_b.pk]), HTTP_HOST="a.test"
        ).status_code
        == 404
    )
    catalogue = course_b.get_parent().specific
    catalogue.shared_with_members = True
    catalogue.save_revision().publish()
    settings = OrganisationSettings.for_site(org_a)
    settings.federation = org_b
    settings.save()
    assert (
        client.get(
            reverse("courses:course", args=[course_b.pk]), HTTP_HOST="a.test"
        ).status_code
        == 200
    )


def test_the_learner_resumes_on_the_lesson_they_left(client_a, org_a, learner):
    course = make_course(org_a, lessons=3)
    client_a.force_login(learner)
    client_a.post(reverse("courses:course", args=[course.pk]))
    second = lessons_of(course)[1]
    client_a.get(second.learn_url())
    page = client_a.get(course.learn_url()).content.decode()
    assert f'href="{second.learn_url()}">' in page
    assert "Continuer" in page or "Continue" in page


def test_the_xapi_endpoint_refuses_bad_statements_with_a_clear_400(
    client_a, org_a, learner
):
    course = make_course(org_a, lessons=1)
    enrol(learner, course, org_a)
    lesson = lessons_of(course)[0]
    client_a.force_login(learner)
    url = reverse("courses:xapi_statements")
    good = {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": f"urn:relais:lesson:{lesson.pk}"},
    }
    cases = [
        b"not json",
        json.dumps({**good, "verb": {"id": "http://example.org/liked"}}),
        json.dumps({**good, "actor": {"mbox": "mailto:someone@else.org"}}),
        json.dumps({**good, "result": {"score": {"scaled": "high"}}}),
        json.dumps([good, {**good, "verb": {"id": "nope"}}]),  # all or nothing
    ]
    for body in cases:
        response = client_a.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"]
    assert not Statement.objects.exists()
    response = client_a.post(url, json.dumps(good), content_type="application/json")
    assert response.status_code == 200
    exported = client_a.get(url).json()["statements"]
    assert exported[0]["verb"]["id"].endswith("completed")
    assert exported[0]["version"] == "1.0.3"


def test_a_trainer_previews_a_draft_lesson_with_its_content(client_a, org_a):
    course = make_course(org_a, lessons=1, charter=True)
    lesson = lessons_of(course)[0]
    lesson.body.append(("text", "<p>Brouillon secret</p>"))
    lesson.save_revision()  # a draft, not published
    draft = lesson.get_latest_revision_as_object()
    response = draft.make_preview_request()  # what the editor's preview panel shows
    assert response.status_code == 200
    page = response.content.decode()
    assert "Brouillon secret" in page
    assert "Charte" in page
    learner = member(org_a)
    enrol(learner, course, org_a)
    client_a.force_login(learner)
    assert "Brouillon secret" not in client_a.get(lesson.learn_url()).content.decode()


def test_trainers_author_only_in_their_organisations_catalogue(org_a, org_b):
    trainer = member(org_a, Role.TRAINER)
    own, other = make_course(org_a), make_course(org_b)
    assert own.permissions_for_user(trainer).can_edit()
    assert not other.permissions_for_user(trainer).can_edit()
