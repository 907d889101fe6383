"""Completion only from authority, in one organisation (issue 15, findings 2 and 5).

A learner may report anything through the open xAPI endpoint: it is stored and
exported, and it completes nothing. Steps, activities, lessons, courses, paths,
badges and validated skill levels follow only what the platform itself checked and
recorded, and only in the organisation the statement belongs to.
"""

import io
import json
import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image

from courses.blocks import AcknowledgeBlock, ActivityBlock
from courses.learning import assign_path, enrol
from courses.models import (
    ActivityCompletion,
    BadgeAward,
    BadgeClass,
    Enrolment,
    LessonPage,
    LessonProgress,
    OnboardingPath,
    PathAssignment,
    PathStep,
    Statement,
    StepCompletion,
)
from courses.statements import VERBS, Authority, record_statement
from courses.steps import step_kind, step_kind_choices
from lms.models import OrganisationSettings, Role
from lms.plugins.activation import installed_plugins
from relais_mentoring import pairs
from relais_quizzes.attempts import save_answer, start, submit
from relais_skills.models import Evidence, Framework, Skill, SkillTag
from tests.factories import make_course, make_organisation, member
from tests.quiz_kit import make_quiz, single
from tests.test_mentoring import mentor_in

FULL_MARKS = {
    "score": {"scaled": 1.0, "raw": 10, "min": 0, "max": 10},
    "success": True,
    "completion": True,
}


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch):
    """Run what waits for a commit (signals, badges, evidence) at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def everything_on(org_a, enable_plugin):
    """Every installed plugin enabled, the test suite's own included."""
    for plugin in installed_plugins():
        enable_plugin(org_a, plugin.label)
    return org_a


def badge_image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (32, 32), "#1d4ed8").save(buffer, "PNG")
    return Image.objects.create(
        title="badge", file=ContentFile(buffer.getvalue(), "b.png")
    )


def badge(organisation, **rule):
    return BadgeClass.objects.create(
        organisation=organisation,
        name=f"Badge {organisation.hostname}",
        description="d",
        criteria="c",
        image=badge_image(),
        **rule,
    )


def activity_blocks():
    """(name, block) of every activity block a lesson can hold, core and plugins."""
    stream = LessonPage._meta.get_field("body").stream_block
    return [
        (name, block)
        for name, block in stream.child_blocks.items()
        if isinstance(block, ActivityBlock)
    ]


def lesson_with_every_activity(organisation):
    """A course whose first lesson holds one required activity of every kind (a
    pass threshold where the block has one) and whose second holds none."""
    course = make_course(organisation, lessons=2)
    lesson = course.get_lessons().first()
    body = []
    for name, block in activity_blocks():
        raw = {"required": True}
        if "pass_threshold" in block.child_blocks:
            raw["pass_threshold"] = 0.8
        body.append((name, block.to_python(raw)))
    lesson.body = body
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return course, lesson


def path_with_every_step_kind(organisation, course, quiz):
    path = OnboardingPath.objects.create(organisation=organisation, title="Accueil")
    for order, (name, _label) in enumerate(step_kind_choices()):
        PathStep.objects.create(
            path=path,
            kind=name,
            title=name,
            course=course if name == "course" else None,
            target=str(quiz.pk) if name == "quiz" else "",
            sort_order=order,
        )
    return path


def forged_object_ids(path, course, lesson, quiz):
    """Every IRI the platform completes things with, as a learner can read them."""
    ids = {f"urn:relais:course:{course.pk}", quiz.object_id, "urn:relais:quiz:999999"}
    ids |= {f"urn:relais:lesson:{each.pk}" for each in course.get_lessons()}
    ids |= {
        f"urn:relais:activity:{lesson.pk}:{block_id}"
        for block_id, _value, _required in lesson.activities()
    }
    ids.add(pairs.SESSION_ACTIVITY)
    for step in path.steps.all():
        ids.add(f"urn:relais:step:{step.pk}")
        if object_id := step_kind(step.kind).object_id(step):
            ids.add(object_id)
    return sorted(ids)


def forged_statements(object_ids):
    """Every verb, with and without full marks, on every object id."""
    return [
        {
            "id": str(uuid.uuid4()),
            "verb": {"id": iri},
            "object": {"id": object_id},
            **({"result": result} if result else {}),
        }
        for object_id in object_ids
        for iri in VERBS.values()
        for result in (None, FULL_MARKS)
    ]


def post_statements(client, statements, host="a.test"):
    url = reverse("courses:xapi_statements")
    stored = []
    for start_at in range(0, len(statements), 100):
        batch = statements[start_at : start_at + 100]
        response = client.post(
            url, json.dumps(batch), content_type="application/json", HTTP_HOST=host
        )
        assert response.status_code == 200, response.content[:300]
        stored += response.json()
    return stored


def nothing_completed(user):
    assert not ActivityCompletion.objects.filter(user=user).exists()
    assert not LessonProgress.objects.filter(
        user=user, completed_at__isnull=False
    ).exists()
    assert not Enrolment.objects.filter(user=user, completed_at__isnull=False).exists()
    assert not Enrolment.objects.filter(user=user, progress__gt=0).exists()
    assert not StepCompletion.objects.filter(assignment__user=user).exists()
    assert not PathAssignment.objects.filter(
        user=user, completed_at__isnull=False
    ).exists()
    assert not BadgeAward.objects.filter(recipient=user).exists()
    assert not Evidence.objects.filter(user=user).exists()


@pytest.fixture
def stage(everything_on, client_a):
    """A learner enrolled in a course holding every activity kind, on a path with
    every step kind, badges on both, and every IRI tagged with a level-3 skill."""
    organisation = everything_on
    learner = member(organisation)
    quiz = make_quiz(organisation, [single(organisation)], layout="all")
    course, lesson = lesson_with_every_activity(organisation)
    path = path_with_every_step_kind(organisation, course, quiz)
    badge(organisation, course=course)
    badge(organisation, path=path)
    enrol(learner, course, organisation)
    assign_path(learner, path, timezone.localdate())
    skill = Skill.objects.create(
        framework=Framework.objects.create(organisation=organisation, name="F"),
        name="Accueil",
    )
    object_ids = forged_object_ids(path, course, lesson, quiz)
    for object_id in object_ids:
        SkillTag.objects.create(
            organisation=organisation, object_id=object_id, skill=skill, level=3
        )
    client_a.force_login(learner)
    return {
        "learner": learner,
        "course": course,
        "lesson": lesson,
        "path": path,
        "quiz": quiz,
        "object_ids": object_ids,
    }


def test_the_forgery_covers_every_step_kind_and_every_activity_block(stage):
    kinds = {step.kind for step in stage["path"].steps.all()}
    assert kinds == {name for name, _label in step_kind_choices()}
    assert {"course", "quiz", "mentor", "checklist", "acknowledge"} <= kinds
    names = {type(value.block).__name__ for value in stage["lesson"].body}
    assert {"AcknowledgeBlock", "QuizBlock", "H5PActivityBlock"} <= names
    assert len(stage["lesson"].activities()) == len(activity_blocks()) >= 4


def test_finding_2_learner_cannot_certify_themself_through_xapi(stage, client_a):
    learner = stage["learner"]
    statements = forged_statements(stage["object_ids"])

    stored = post_statements(client_a, statements)

    nothing_completed(learner)
    # Stored and exported all the same, as reported by the learner.
    assert len(stored) == len(statements)
    exported = client_a.get(reverse("courses:xapi_statements")).json()["statements"]
    assert {item["id"] for item in exported} >= set(stored)
    assert set(
        Statement.objects.filter(pk__in=stored).values_list("authority", flat=True)
    ) == {Authority.LEARNER}
    reported = next(item for item in exported if item["id"] == stored[0])
    assert reported["authority"]["account"]["name"] == str(learner.pk)


def test_finding_2_a_forged_statement_id_of_the_platform_is_refused(stage, client_a):
    """A learner re-posting a platform statement they can read gets a conflict, not
    a second completion."""
    learner = stage["learner"]
    own, _created = record_statement(
        actor=learner,
        organisation=stage["course"].get_site(),
        verb="experienced",
        object_id=f"urn:relais:lesson:{stage['lesson'].pk}",
        authority=Authority.PLATFORM,
    )
    response = client_a.post(
        reverse("courses:xapi_statements"),
        json.dumps(
            {
                "id": str(own.pk),
                "verb": {"id": VERBS["completed"]},
                "object": {"id": f"urn:relais:lesson:{stage['lesson'].pk}"},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 409
    own.refresh_from_db()
    assert own.verb == VERBS["experienced"]


def test_finding_2_the_charter_url_accepts_only_acknowledge_blocks(stage, client_a):
    learner, lesson = stage["learner"], stage["lesson"]
    for child in lesson.body:
        if isinstance(child.block, AcknowledgeBlock):
            continue
        url = reverse("courses:acknowledge", args=[lesson.pk, child.id])
        assert client_a.post(url, {"accept": "yes"}).status_code == 404, child
    for block_id in ("nope", str(uuid.uuid4())):
        url = reverse("courses:acknowledge", args=[lesson.pk, block_id])
        assert client_a.post(url, {"accept": "yes"}).status_code == 404
    nothing_completed(learner)


def test_finding_2_steps_done_elsewhere_cannot_be_accepted_on_the_step_page(
    stage, client_a
):
    for step in stage["path"].steps.exclude(kind="acknowledge"):
        client_a.post(reverse("courses:step", args=[step.pk]), {"accept": "yes"})
    nothing_completed(stage["learner"])


def test_finding_2_a_threshold_needs_a_score_even_from_the_platform(stage):
    learner, lesson = stage["learner"], stage["lesson"]
    organisation = stage["course"].get_site()
    scored = [
        block_id
        for block_id, value, _required in lesson.activities()
        if value.get("pass_threshold") is not None
    ]
    assert scored
    for block_id in scored:
        object_id = f"urn:relais:activity:{lesson.pk}:{block_id}"
        for verb, result in [
            ("completed", None),
            ("accepted", {"completion": True}),
            ("passed", {"success": True}),
            ("passed", {"score": {"scaled": 0.79}, "success": True}),
        ]:
            record_statement(
                actor=learner,
                organisation=organisation,
                verb=verb,
                object_id=object_id,
                result=result,
                authority=Authority.PLATFORM,
            )
        assert not ActivityCompletion.objects.filter(block_id=block_id).exists()
        record_statement(
            actor=learner,
            organisation=organisation,
            verb="passed",
            object_id=object_id,
            result={"score": {"scaled": 0.8}},
            authority=Authority.PLATFORM,
        )
        assert ActivityCompletion.objects.filter(block_id=block_id).exists()


def test_what_the_platform_checked_still_completes(stage, client_a):
    """A graded quiz, a coordinator's confirmation, the charter, a held mentoring
    session, the acknowledge step and a lesson marked done all still count."""
    learner, lesson, path = stage["learner"], stage["lesson"], stage["path"]
    organisation = stage["course"].get_site()
    steps = {step.kind: step for step in path.steps.all()}
    assignment = PathAssignment.objects.get(user=learner, path=path)

    attempt = start(stage["quiz"], learner)
    save_answer(attempt, 1, {"q1": "c0"})
    submit(attempt)
    assert StepCompletion.objects.filter(step=steps["quiz"]).exists()

    coordinator = member(organisation, Role.COORDINATOR)
    client_a.force_login(coordinator)
    client_a.post(
        reverse("courses:confirm_task", args=[path.pk]),
        {"confirm": f"{assignment.pk}:{steps['checklist'].pk}"},
    )
    assert StepCompletion.objects.get(step=steps["checklist"]).confirmed_by == (
        coordinator
    )

    client_a.force_login(learner)
    (charter,) = [c.id for c in lesson.body if isinstance(c.block, AcknowledgeBlock)]
    response = client_a.post(
        reverse("courses:acknowledge", args=[lesson.pk, charter]), {"accept": "yes"}
    )
    assert response.status_code == 302
    assert ActivityCompletion.objects.filter(user=learner, block_id=charter).exists()

    client_a.post(
        reverse("courses:step", args=[steps["acknowledge"].pk]), {"accept": "yes"}
    )
    assert StepCompletion.objects.filter(step=steps["acknowledge"]).exists()

    mentor = mentor_in(organisation)
    pairing = pairs.propose(organisation, mentor=mentor, mentee=learner, by=coordinator)
    pairs.accept(pairing, mentor)
    pairs.accept(pairing, learner)
    pairs.log_session(
        pairing,
        mentor,
        starts_at=timezone.now() - timedelta(hours=1),
        duration_minutes=30,
        format="in_person",
        topics="Premier contact",
    )
    assert StepCompletion.objects.filter(step=steps["mentor"]).exists()

    second = list(stage["course"].get_lessons())[1]
    client_a.post(reverse("courses:lesson_done", args=[second.pk]))
    assert LessonProgress.objects.get(user=learner, lesson=second).completed_at
    # Skills evidence from the graded quiz is validated evidence.
    assert Evidence.objects.filter(
        user=learner, reference=stage["quiz"].object_id
    ).exists()


def test_finding_2_a_mentors_session_completes_only_the_mentees_step(everything_on):
    organisation = everything_on
    coordinator = member(organisation, Role.COORDINATOR)
    mentor = mentor_in(organisation)
    mentee, bystander = member(organisation), member(organisation)
    path = OnboardingPath.objects.create(organisation=organisation, title="Accueil")
    step = PathStep.objects.create(path=path, kind="mentor", title="Rencontrer")
    for person in (mentee, bystander):
        assign_path(person, path, timezone.localdate())
    pairing = pairs.propose(organisation, mentor=mentor, mentee=mentee, by=coordinator)
    pairs.accept(pairing, mentor)
    pairs.accept(pairing, mentee)
    pairs.log_session(
        pairing,
        mentor,
        starts_at=timezone.now() - timedelta(hours=1),
        duration_minutes=30,
        format="in_person",
        topics="",
    )
    assert list(
        StepCompletion.objects.filter(step=step).values_list(
            "assignment__user", flat=True
        )
    ) == [mentee.pk]


# Finding 5: one organisation per statement ---------------------------------------


@pytest.fixture
def federation(org_a, org_b):
    """A federation sharing a course with its members A and B, each with a badge
    for that course (the federation too) and a path taking it."""
    federation = make_organisation("Fédération", "f.test")
    course = make_course(federation, title="Cours commun", lessons=1)
    catalogue = course.get_parent().specific
    catalogue.shared_with_members = True
    catalogue.save_revision().publish()
    for organisation in (org_a, org_b):
        settings = OrganisationSettings.for_site(organisation)
        settings.federation = federation
        settings.save()
    badges = {org: badge(org, course=course) for org in (org_a, org_b, federation)}
    paths = {}
    for organisation in (org_a, org_b):
        paths[organisation] = OnboardingPath.objects.create(
            organisation=organisation, title="Parcours"
        )
        PathStep.objects.create(
            path=paths[organisation], kind="course", title="Cours", course=course
        )
    return course, badges, paths


def test_finding_5_a_federation_course_awards_only_the_learners_organisations_badge(
    federation, org_a, org_b, client_a
):
    course, badges, _paths = federation
    learner = member(org_a)
    both = member(org_a)
    member(org_b, user=both)
    for person in (learner, both):
        client_a.force_login(person)
        client_a.post(reverse("courses:course", args=[course.pk]))
        lesson = course.get_lessons().first()
        client_a.post(reverse("courses:lesson_done", args=[lesson.pk]))
        assert Enrolment.objects.get(user=person).completed_at

    assert list(
        BadgeAward.objects.filter(recipient=learner).values_list("badge", flat=True)
    ) == [badges[org_a].pk]
    assert list(
        BadgeAward.objects.filter(recipient=both).values_list("badge", flat=True)
    ) == [badges[org_a].pk]


def test_finding_5_a_statement_completes_steps_only_in_its_organisation(
    federation, org_a, org_b
):
    course, _badges, paths = federation
    both = member(org_a)
    member(org_b, user=both)
    assignments = {
        org: assign_path(both, path, timezone.localdate())
        for org, path in paths.items()
    }
    enrol(both, course, org_a)
    lesson = course.get_lessons().first()
    record_statement(
        actor=both,
        organisation=org_a,
        verb="completed",
        object_id=f"urn:relais:lesson:{lesson.pk}",
        authority=Authority.PLATFORM,
    )
    assert StepCompletion.objects.filter(assignment=assignments[org_a]).exists()
    assert not StepCompletion.objects.filter(assignment=assignments[org_b]).exists()
    assignments[org_b].refresh_from_db()
    assert assignments[org_b].completed_at is None


def test_finding_5_no_badge_for_an_organisation_one_is_not_a_member_of(
    federation, org_a
):
    course, badges, _paths = federation
    outsider = member(org_a)
    federation_org = next(org for org in badges if org.hostname == "f.test")
    enrol(outsider, course, federation_org)
    record_statement(
        actor=outsider,
        organisation=federation_org,
        verb="completed",
        object_id=f"urn:relais:lesson:{course.get_lessons().first().pk}",
        authority=Authority.PLATFORM,
    )
    assert not BadgeAward.objects.filter(recipient=outsider).exists()


# The product bug: paths complete whatever other paths exist ----------------------


def test_path_completes_when_another_path_exists(org_a, org_b):
    learner = member(org_a)
    course = make_course(org_a, lessons=1)
    path = OnboardingPath.objects.create(organisation=org_a, title="Accueil")
    PathStep.objects.create(path=path, kind="course", title="Cours", course=course)
    path_badge = badge(org_a, path=path)
    for organisation in (org_a, org_b):
        other = OnboardingPath.objects.create(organisation=organisation, title="Autre")
        PathStep.objects.create(path=other, kind="checklist", title="Tâche")
    assignment = assign_path(learner, path, timezone.localdate())

    record_statement(
        actor=learner,
        organisation=org_a,
        verb="completed",
        object_id=f"urn:relais:lesson:{course.get_lessons().first().pk}",
        authority=Authority.PLATFORM,
    )

    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    assert BadgeAward.objects.get(recipient=learner).badge == path_badge


# SCORM statement ids ---------------------------------------------------------------


def test_scorm_statement_ids_cannot_be_claimed_by_another_learner(
    client, org_a, org_b, enable_plugin
):
    from relais_scorm.models import ScormAttempt
    from tests import scorm_kit
    from tests.test_scorm import _lesson_with, commit, navigate, play, upload

    enable_plugin(org_a, "scorm")
    package = upload(org_a, scorm_kit.scorm2004(scos=1, passing=0.7))
    victim, lesson, _package, launch = _lesson_with(org_a, package)
    attacker = member(org_b)
    # The ids the next attempts' statements would have had, claimed first.
    last = ScormAttempt.objects.order_by("-pk").values_list("pk", flat=True).first()
    claimed = [
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"relais:scorm:{pk}:{verb}")),
            "verb": {"id": VERBS[verb]},
            "object": {"id": "urn:relais:elsewhere"},
        }
        for pk in range((last or 0) + 1, (last or 0) + 6)
        for verb in ("passed", "completed", "failed")
    ]
    client.force_login(attacker)
    post_statements(client, claimed, host="b.test")
    client.logout()

    config = play(client, launch)
    navigate(client, config, "start")
    done = {"cmi.completion_status": "completed", "cmi.score.scaled": "0.9"}
    assert commit(client, config, "sco1", done, end=True).json()["completed"] is True

    assert LessonProgress.objects.get(user=victim, lesson=lesson).completed_at
    recorded = Statement.objects.get(actor=victim, verb=VERBS["passed"])
    assert recorded.authority == Authority.PLATFORM


def test_platform_statement_ids_are_kept_apart_from_what_learners_posted(
    org_a, client_a
):
    """Whatever id a platform caller derives, a learner who posted it first cannot
    stand in for the platform's statement (quizzes, H5P, mentoring alike)."""
    victim, attacker = member(org_a), member(org_a)
    course = make_course(org_a, lessons=1)
    enrol(victim, course, org_a)
    lesson = course.get_lessons().first()
    key = uuid.uuid4()
    client_a.force_login(attacker)
    post_statements(
        client_a,
        [
            {
                "id": str(key),
                "verb": {"id": VERBS["completed"]},
                "object": {"id": f"urn:relais:lesson:{lesson.pk}"},
            }
        ],
    )
    statement, created = record_statement(
        actor=victim,
        organisation=org_a,
        verb="completed",
        object_id=f"urn:relais:lesson:{lesson.pk}",
        statement_id=key,
        authority=Authority.PLATFORM,
    )
    assert created and statement.actor == victim
    assert LessonProgress.objects.get(user=victim, lesson=lesson).completed_at
    # The same key again is a replay: stored once.
    _again, created_again = record_statement(
        actor=victim,
        organisation=org_a,
        verb="completed",
        object_id=f"urn:relais:lesson:{lesson.pk}",
        statement_id=key,
        authority=Authority.PLATFORM,
    )
    assert not created_again


def test_finding_5_a_coordinator_confirms_only_the_tasks_of_their_path(
    org_a, org_b, client_a
):
    coordinator, learner = member(org_a, Role.COORDINATOR), member(org_a)
    path = OnboardingPath.objects.create(organisation=org_a, title="Accueil")
    PathStep.objects.create(path=path, kind="checklist", title="Visite")
    other = OnboardingPath.objects.create(organisation=org_b, title="Ailleurs")
    elsewhere = PathStep.objects.create(path=other, kind="checklist", title="Tâche")
    assignment = assign_path(learner, path, timezone.localdate())
    client_a.force_login(coordinator)

    response = client_a.post(
        reverse("courses:confirm_task", args=[path.pk]),
        {"confirm": f"{assignment.pk}:{elsewhere.pk}"},
    )

    assert response.status_code == 404
    assert not StepCompletion.objects.exists()


# The demo story, through the platform's own views ----------------------------------


def test_the_demo_story_still_completes_leas_path_and_earns_her_badges(db, client):
    """Léa (seed_demo) follows her path with the platform's own pages; Sophie
    confirms the offline task; the quiz and the mentoring session are recorded
    the way their plugins record them. Her path completes and both badges come."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from wagtail.models import Site

    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    host = {"HTTP_HOST": site.hostname}
    users = get_user_model().objects
    lea, sophie = users.get(username="benevole"), users.get(username="coordinatrice")
    path = OnboardingPath.objects.get(organisation=site, title="Bienvenue à l'accueil")
    assignment = PathAssignment.objects.get(user=lea, path=path)

    client.force_login(lea)
    for step in path.steps.all():
        if step.kind == "course":
            for lesson in step.course.get_lessons():
                client.get(lesson.learn_url(), **host)
                for child in lesson.body:
                    if isinstance(child.block, AcknowledgeBlock):
                        url = reverse("courses:acknowledge", args=[lesson.pk, child.id])
                        client.post(url, {"accept": "yes"}, **host)
                client.post(reverse("courses:lesson_done", args=[lesson.pk]), **host)
            assert Enrolment.objects.get(user=lea, course=step.course).completed_at
        elif step.kind == "acknowledge":
            url = reverse("courses:step", args=[step.pk])
            client.post(url, {"accept": "yes"}, **host)
        elif step.kind == "quiz":  # what grading a passed attempt records
            record_statement(
                actor=lea,
                organisation=site,
                verb="passed",
                object_id=f"urn:relais:quiz:{step.target}",
                result={"score": {"scaled": 1.0}, "success": True},
                authority=Authority.PLATFORM,
            )
        elif step.kind == "mentor":  # what logging a held session records
            record_statement(
                actor=lea,
                organisation=site,
                verb="attended",
                object_id=pairs.SESSION_ACTIVITY,
                authority=Authority.PLATFORM,
            )
    checklist = path.steps.get(kind="checklist")
    assert not StepCompletion.objects.filter(
        step=checklist, assignment=assignment
    ).exists()

    client.force_login(sophie)
    client.post(
        reverse("courses:confirm_task", args=[path.pk]),
        {"confirm": f"{assignment.pk}:{checklist.pk}"},
        **host,
    )

    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    earned = set(
        BadgeAward.objects.filter(recipient=lea).values_list("badge__name", flat=True)
    )
    assert {"Bénévole accueil", "Hygiène alimentaire"} <= earned
