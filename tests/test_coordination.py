"""Coordinators follow the onboarding paths; pages keep a constant number of queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses.learning import assign_path, enrol
from courses.models import OnboardingPath, PathStep, StepCompletion
from lms.models import Role
from tests.factories import TeamFactory, make_course, member


@pytest.fixture
def path(org_a):
    course = make_course(org_a, lessons=2)
    path = OnboardingPath.objects.create(
        organisation=org_a, title="Bienvenue à l'accueil"
    )
    PathStep.objects.create(
        path=path, kind="course", title="Découvrir", course=course, due_days=2
    )
    PathStep.objects.create(
        path=path, kind="checklist", title="Observer une permanence", due_days=7
    )
    return path


def newcomer(org_a, path, days_ago, **kwargs):
    user = member(org_a, **kwargs)
    assign_path(user, path, timezone.localdate() - timedelta(days=days_ago))
    return user


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_path_view_highlights_late_steps_and_confirms_tasks(
    client_a, org_a, coordinator_a, path
):
    late = newcomer(org_a, path, days_ago=10)
    newcomer(org_a, path, days_ago=0)
    client_a.force_login(coordinator_a)
    url = reverse("courses:path_people", args=[path.pk])
    page = client_a.get(url)
    rows = page.context["rows"]
    assert [row["overdue"] for row in rows] == [2, 0]
    assert "row--overdue" in page.content.decode()
    assignment = late.path_assignments.get()
    task = path.steps.get(kind="checklist")
    client_a.post(
        reverse("courses:confirm_task", args=[path.pk]),
        {"confirm": f"{assignment.pk}:{task.pk}"},
    )
    completion = StepCompletion.objects.get(assignment=assignment)
    assert completion.confirmed_by == coordinator_a


def test_the_path_view_filters_by_team_and_exports(
    client_a, org_a, coordinator_a, path
):
    team = TeamFactory(organisation=org_a, name="Accueil")
    lea = newcomer(org_a, path, days_ago=1, team=team)
    newcomer(org_a, path, days_ago=1)
    client_a.force_login(coordinator_a)
    url = reverse("courses:path_people", args=[path.pk])
    assert len(client_a.get(url, {"team": team.pk}).context["rows"]) == 1
    exported = client_a.get(url, {"export": "csv", "team": team.pk})
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(lines) == 2
    assert lines[1][1] == lea.email
    workbook = load_workbook(io.BytesIO(client_a.get(url, {"export": "xlsx"}).content))
    assert workbook.active.max_row == 3


def test_a_coordinator_of_another_organisation_cannot_see_or_confirm(
    client, org_a, org_b, path
):
    someone = newcomer(org_a, path, days_ago=1)
    client.force_login(member(org_b, Role.COORDINATOR))
    url = reverse("courses:path_people", args=[path.pk])
    assert client.get(url, HTTP_HOST="b.test").status_code == 404
    assert client.get(url, HTTP_HOST="a.test").status_code == 403
    assignment = someone.path_assignments.get()
    task = path.steps.get(kind="checklist")
    client.post(
        reverse("courses:confirm_task", args=[path.pk]),
        {"confirm": f"{assignment.pk}:{task.pk}"},
        HTTP_HOST="b.test",
    )
    assert not StepCompletion.objects.exists()


def test_the_path_view_costs_the_same_queries_for_1_or_30_people(
    client_a, org_a, coordinator_a, path
):
    client_a.force_login(coordinator_a)
    url = reverse("courses:path_people", args=[path.pk])
    newcomer(org_a, path, days_ago=3)
    queries(client_a, url)
    few = queries(client_a, url)
    for days in range(29):
        newcomer(org_a, path, days_ago=days)
    assert queries(client_a, url) == few


def test_the_learner_dashboard_costs_the_same_queries_for_1_or_50_enrolments(
    client_a, org_a, path
):
    learner = newcomer(org_a, path, days_ago=1)
    client_a.force_login(learner)
    queries(client_a, reverse("lms:dashboard"))
    few = queries(client_a, reverse("lms:dashboard"))
    for number in range(49):
        enrol(learner, make_course(org_a, title=f"Cours {number}", lessons=1), org_a)
        step_path = OnboardingPath.objects.create(
            organisation=org_a, title=f"P{number}"
        )
        PathStep.objects.create(path=step_path, kind="checklist", title="t")
        assign_path(learner, step_path)
    assert queries(client_a, reverse("lms:dashboard")) == few


def test_course_and_lesson_pages_cost_the_same_queries_for_2_or_20_lessons(
    client_a, org_a
):
    learner = member(org_a)
    client_a.force_login(learner)
    counts = []
    for size in (2, 20):
        course = make_course(org_a, title=f"Cours {size}", lessons=size)
        enrol(learner, course, org_a)
        lesson = list(course.get_lessons())[1]
        queries(client_a, course.learn_url())
        counts.append(
            (
                queries(client_a, course.learn_url()),
                queries(client_a, lesson.learn_url()),
            )
        )
    assert counts[0] == counts[1]


def test_a_coordinator_assigns_a_path_by_hand_from_the_persons_page(
    client_a, org_a, org_b, coordinator_a, path
):
    someone = member(org_a).memberships.get()
    client_a.force_login(coordinator_a)
    page = client_a.get(reverse("lms:person", args=[someone.pk])).content.decode()
    assert "Bienvenue à l&#x27;accueil" in page
    client_a.post(reverse("courses:assign_path", args=[someone.pk]), {"path": path.pk})
    assert someone.user.path_assignments.get().path == path
    other_path = OnboardingPath.objects.create(organisation=org_b, title="B")
    response = client_a.post(
        reverse("courses:assign_path", args=[someone.pk]), {"path": other_path.pk}
    )
    assert response.status_code == 404
    assert someone.user.path_assignments.count() == 1
