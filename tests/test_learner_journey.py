"""Issue 16, the volunteer's side: at every moment of her journey Léa has something
she can do now, a finished course leads on, a finished path is celebrated, people
with no path are not told one is coming, and lesson documents open on a phone."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model

from courses.completion import complete_step
from courses.learning import assign_path, next_doable, path_state, waiting_steps
from courses.models import BadgeAward, BadgeClass, OnboardingPath, PathStep
from lms.models import Role
from tests.factories import make_course, member
from tests.test_learning import complete, lessons_of, png

COMING = "apparaîtra ici"  # "Your onboarding path will appear here…", in French


@pytest.fixture
def lea(org_a):
    return member(org_a, Role.LEARNER)


@pytest.fixture
def path_with_a_task(org_a):
    """A course, then a task the coordinator confirms, then a second course."""
    path = OnboardingPath.objects.create(organisation=org_a, title="Bienvenue")
    first = make_course(org_a, title="Découvrir", lessons=2)
    second = make_course(org_a, title="Hygiène", lessons=1)
    for order, (kind, title, course) in enumerate(
        [
            ("course", "Découvrir", first),
            ("checklist", "Observer une permanence", None),
            ("course", "Hygiène", second),
        ]
    ):
        PathStep.objects.create(
            path=path, kind=kind, title=title, course=course, sort_order=order
        )
    return path


def finish(user, organisation, course):
    for lesson in lessons_of(course):
        complete(user, organisation, lesson)


def steps(path):
    return list(path.steps.order_by("sort_order"))


def dashboard(client):
    return client.get(reverse("lms:dashboard")).content.decode()


def test_a_step_waiting_on_the_coordinator_is_skipped_for_the_next_doable_one(
    org_a, lea, path_with_a_task
):
    assignment = assign_path(lea, path_with_a_task)
    first, task, second = steps(path_with_a_task)
    finish(lea, org_a, first.course)

    states = path_state(assignment)
    assert next_doable(states).step == second
    assert [state.step for state in waiting_steps(states)] == [task]


def test_the_dashboard_shows_the_task_as_waiting_and_offers_the_next_course(
    client_a, org_a, lea, path_with_a_task
):
    assign_path(lea, path_with_a_task)
    first, _task, second = steps(path_with_a_task)
    finish(lea, org_a, first.course)
    client_a.force_login(lea)

    page = dashboard(client_a)
    assert "⏳</span> Observer une permanence" in page
    assert f'<a class="button" href="{second.course.learn_url()}">' in page


def test_finishing_a_course_leads_to_the_next_doable_step_of_the_path(
    client_a, org_a, lea, path_with_a_task
):
    assign_path(lea, path_with_a_task)
    first, _task, second = steps(path_with_a_task)
    *before, last = lessons_of(first.course)
    for lesson in before:
        complete(lea, org_a, lesson)
    client_a.force_login(lea)

    response = client_a.post(reverse("courses:lesson_done", args=[last.pk]))
    assert response.status_code == 302
    assert response.url == second.course.learn_url()


def test_finishing_the_last_course_of_the_path_leads_to_the_dashboard(
    client_a, org_a, lea
):
    path = OnboardingPath.objects.create(organisation=org_a, title="Court")
    course = make_course(org_a, lessons=1)
    PathStep.objects.create(path=path, kind="course", title="Cours", course=course)
    assign_path(lea, path)
    client_a.force_login(lea)

    (lesson,) = lessons_of(course)
    response = client_a.post(reverse("courses:lesson_done", args=[lesson.pk]))
    assert response.url == reverse("lms:dashboard")


def test_a_finished_course_page_offers_the_next_step_of_the_path(
    client_a, org_a, lea, path_with_a_task
):
    assign_path(lea, path_with_a_task)
    first, _task, second = steps(path_with_a_task)
    finish(lea, org_a, first.course)
    client_a.force_login(lea)

    page = client_a.get(first.course.learn_url()).content.decode()
    assert f'<a class="button" href="{second.course.learn_url()}">' in page


def test_the_page_of_a_task_waiting_on_the_coordinator_offers_the_next_doable_step(
    client_a, org_a, lea, path_with_a_task
):
    assign_path(lea, path_with_a_task)
    first, task, second = steps(path_with_a_task)
    finish(lea, org_a, first.course)
    client_a.force_login(lea)

    page = client_a.get(reverse("courses:step", args=[task.pk])).content.decode()
    assert "⏳" in page
    assert f'<a class="button" href="{second.course.learn_url()}">' in page


def test_a_finished_path_is_celebrated_with_its_badge_on_the_dashboard(
    client_a, org_a, lea, path_with_a_task
):
    BadgeClass.objects.create(
        organisation=org_a,
        name="Bénévole accueil",
        image=png(),
        path=path_with_a_task,
    )
    assignment = assign_path(lea, path_with_a_task)
    first, task, second = steps(path_with_a_task)
    finish(lea, org_a, first.course)
    finish(lea, org_a, second.course)
    complete_step(assignment, task, org_a)
    client_a.force_login(lea)

    page = dashboard(client_a)
    assert "Parcours terminé, bravo" in page
    assert "Bénévole accueil" in page
    assert f'href="{reverse("courses:my_badges")}"' in page
    assert COMING not in page


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINER, Role.MENTOR])
def test_someone_whose_role_has_no_path_is_not_told_a_path_is_coming(
    client_a, org_a, role
):
    client_a.force_login(member(org_a, role))
    assert COMING not in dashboard(client_a)
    assert COMING not in client_a.get(reverse("courses:my_path")).content.decode()


def test_a_volunteer_whose_path_is_not_ready_is_told_it_is_coming(client_a, org_a, lea):
    client_a.force_login(lea)
    assert COMING in dashboard(client_a)


def certificate(org_a, user, expires_in_days):
    badge = BadgeClass.objects.create(
        organisation=org_a, name="Premiers secours", image=png(), valid_days=365
    )
    now = timezone.now()
    return BadgeAward.objects.create(
        badge=badge,
        recipient=user,
        rule="manual",
        issued_on=now - timedelta(days=300),
        expires=now + timedelta(days=expires_in_days),
    )


def test_a_mentor_whose_certificate_expires_soon_is_told_on_his_dashboard(
    client_a, org_a
):
    michel = member(org_a, Role.MENTOR)
    certificate(org_a, michel, expires_in_days=20)
    client_a.force_login(michel)
    page = dashboard(client_a)
    assert "Un certificat expire bientôt" in page
    assert "Premiers secours" in page


def test_a_certificate_valid_for_months_raises_no_alarm(client_a, org_a):
    michel = member(org_a, Role.MENTOR)
    certificate(org_a, michel, expires_in_days=200)
    client_a.force_login(michel)
    assert "expire bientôt" not in dashboard(client_a)


def document(name, content):
    return get_document_model().objects.create(
        title=name, file=ContentFile(content, name=name)
    )


def test_a_plain_text_document_opens_in_the_browser_as_utf8(client_a, org_a, lea):
    rules = document("reglement.txt", "Règlement intérieur : sécurité".encode())
    client_a.force_login(lea)
    response = client_a.get(rules.url)
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == "Règlement intérieur : sécurité"


def test_a_pdf_document_opens_in_the_browser(client_a, org_a, lea):
    guide = document("guide.pdf", b"%PDF-1.4\n%%EOF\n")
    client_a.force_login(lea)
    assert client_a.get(guide.url)["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize(
    "name, content",
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
    ],
)
def test_an_active_document_stays_a_download(client_a, org_a, lea, name, content):
    active = document(name, content)
    client_a.force_login(lea)
    response = client_a.get(active.url)
    assert response["Content-Disposition"].startswith("attachment")
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_lesson_offers_to_open_a_document_the_browser_shows(client_a, org_a, lea):
    from courses.learning import enrol

    course = make_course(org_a, lessons=1)
    (lesson,) = lessons_of(course)
    rules = document("reglement.txt", "Règlement".encode())
    lesson.body = [("document", {"document": rules, "title": "Le règlement"})]
    lesson.save_revision().publish()
    enrol(lea, course, org_a)
    client_a.force_login(lea)

    page = client_a.get(lesson.learn_url()).content.decode()
    link = page[page.index(f'href="{rules.url}"') :].split(">", 1)[0]
    assert "download" not in link
    assert "Ouvrir : Le règlement" in page.replace("\xa0", " ")


@pytest.fixture
def mentor_then_course(org_a, enable_plugin):
    """A "meet your mentor" step, then a course, in an organisation with mentoring."""
    enable_plugin(org_a, "mentoring")
    path = OnboardingPath.objects.create(organisation=org_a, title="Bienvenue")
    PathStep.objects.create(path=path, kind="mentor", title="Mentor", sort_order=0)
    PathStep.objects.create(
        path=path,
        kind="course",
        title="Hygiène",
        course=make_course(org_a, title="Hygiène", lessons=1),
        sort_order=1,
    )
    return path


def michel_proposed_to(org_a, lea):
    from relais_mentoring import pairs
    from relais_mentoring.models import MentorProfile

    michel = member(org_a, Role.MENTOR)
    MentorProfile.objects.create(
        organisation=org_a,
        user=michel,
        status=MentorProfile.Status.APPROVED,
        capacity=2,
        languages=["fr"],
    )
    sophie = member(org_a, Role.COORDINATOR)
    return pairs.propose(org_a, mentor=michel, mentee=lea, by=sophie)


def next_title(lea, path):
    from courses.models import PathAssignment

    assignment = PathAssignment.objects.get(user=lea, path=path)
    state = next_doable(path_state(assignment))
    return state.step.title if state else None


def test_a_proposed_mentor_is_the_next_thing_to_do_until_she_accepts(
    org_a, lea, mentor_then_course
):
    assign_path(lea, mentor_then_course)
    michel_proposed_to(org_a, lea)
    assert next_title(lea, mentor_then_course) == "Mentor"


def test_once_she_accepted_her_mentor_she_is_offered_the_course_meanwhile(
    org_a, lea, mentor_then_course
):
    from relais_mentoring import pairs

    assign_path(lea, mentor_then_course)
    pairs.accept(michel_proposed_to(org_a, lea), lea)
    assert next_title(lea, mentor_then_course) == "Hygiène"


def test_while_the_coordinator_looks_for_a_mentor_the_course_comes_first(
    org_a, lea, mentor_then_course
):
    from relais_mentoring.models import MentoringRequest

    assign_path(lea, mentor_then_course)
    MentoringRequest.objects.create(organisation=org_a, user=lea, languages=["fr"])
    assert next_title(lea, mentor_then_course) == "Hygiène"
