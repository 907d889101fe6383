"""A federation's shared course played by its member organisations' learners: SCORM
packages and H5P contents record in the learner's organisation (where the lesson was
shown), complete the lesson for them and stay closed to other organisations; quiz
results of a federation quiz show each organisation its own learners only."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from courses.models import LessonProgress, Statement
from lms.models import Membership, OrganisationSettings, Role
from lms.private_files import packages_storage
from relais_h5p.models import H5PContent
from relais_h5p.player import Grant
from relais_h5p.tasks import process_package as process_h5p
from relais_quizzes.models import Attempt
from relais_scorm.launch import Launch
from relais_scorm.models import ScormAttempt, ScormPackage
from relais_scorm.tasks import process_package as process_scorm
from tests import h5p_packages, scorm_kit
from tests.factories import make_course, make_organisation, member
from tests.quiz_kit import make_quiz, single

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


@pytest.fixture(autouse=True)
def packages(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with h5p_packages.storage_in(packages_storage(), tmp_path / "packages") as root:
        yield root


@pytest.fixture
def federation(org_a, org_b, enable_plugin):
    """The federation (fed.test); A is a member of it, B is not. SCORM, H5P and
    quizzes are on everywhere."""
    federation = make_organisation("Fédération", "fed.test")
    for organisation in (federation, org_a, org_b):
        for label in ("scorm", "h5p", "quizzes"):
            enable_plugin(organisation, label)
    settings = OrganisationSettings.for_site(org_a)
    settings.federation = federation
    settings.save()
    return federation


def shared_lesson(federation, block):
    """A course of the federation, shared with its members, whose one lesson holds
    ``block``: (course, lesson)."""
    course = make_course(federation, title="Hygiène", lessons=1)
    catalogue = course.get_parent().specific
    catalogue.shared_with_members = True
    catalogue.save_revision().publish()
    lesson = course.get_children().first().specific
    lesson.body = [block]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return course, lesson


def lesson_page(client, host, learner, course, lesson):
    """The learner starts the course on ``host`` and opens the lesson."""
    client.defaults["HTTP_HOST"] = host
    client.force_login(learner)
    client.post(reverse("courses:course", args=[course.pk]))
    return client.get(lesson.learn_url())


def statement_organisations(learner):
    return set(
        Statement.objects.filter(actor=learner).values_list("organisation", flat=True)
    )


# SCORM ------------------------------------------------------------------------


def upload_scorm(organisation):
    package = ScormPackage.objects.create(
        organisation=organisation,
        title="Module fédéral",
        package=ContentFile(scorm_kit.scorm12(), name="module.zip"),
    )
    process_scorm.call(package.pk)
    package.refresh_from_db()
    assert package.status == "ready", package.error
    return package


def scorm_post(client, url, body, host="content.a.test"):
    return client.post(url, json.dumps(body), content_type="text/plain", HTTP_HOST=host)


def pass_scorm(client, token, host="content.a.test"):
    """The player opened on the content origin; its one SCO reports "passed"."""
    player = client.get(f"/scorm/play/{token}/", HTTP_HOST=host)
    assert player.status_code == 200
    page = player.content.decode()
    start = page.index(">", page.index('id="scorm-config"')) + 1
    config = json.loads(page[start : page.index("</script>", start)])
    scorm_post(client, config["navigateUrl"], {"request": "start"}, host)
    reply = scorm_post(
        client,
        config["commitUrl"] + "sco1",
        {
            "session": "s1",
            "sequence": 1,
            "values": {"cmi.core.lesson_status": "passed"},
            "terminated": True,
        },
        host,
    )
    assert reply.status_code == 200, reply.content
    return reply.json()


def test_a_member_learner_plays_a_federation_scorm_package_in_their_organisation(
    client, org_a, org_b, federation
):
    package = upload_scorm(federation)
    course, lesson = shared_lesson(
        federation, ("scorm", {"package": package, "required": True, "attempts": 2})
    )
    learner = member(org_a)
    page = lesson_page(client, "a.test", learner, course, lesson).content.decode()
    token = page.split("/scorm/play/")[1].split("/")[0]

    assert pass_scorm(client, token)["completed"] is True
    attempt = ScormAttempt.objects.get(user=learner)
    assert attempt.organisation == org_a
    assert statement_organisations(learner) == {org_a.pk}
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at

    # A new attempt at the finished one, on the member organisation's host.
    new_attempt = f"/scorm/lessons/{lesson.pk}/{lesson.body[0].id}/new-attempt"
    assert client.post(new_attempt).status_code == 302
    assert list(
        ScormAttempt.objects.filter(user=learner).values_list("number", "organisation")
    ) == [(2, org_a.pk), (1, org_a.pk)]


def test_a_person_of_two_organisations_has_separate_scorm_attempts_in_each(
    client, org_a, federation
):
    package = upload_scorm(federation)
    course, lesson = shared_lesson(
        federation, ("scorm", {"package": package, "required": True})
    )
    learner = member(org_a)
    Membership.objects.create(user=learner, organisation=federation, role=Role.LEARNER)
    page = lesson_page(client, "a.test", learner, course, lesson).content.decode()
    pass_scorm(client, page.split("/scorm/play/")[1].split("/")[0])
    # On the federation's own host, the attempt made in A is not resumed: a new
    # one, recorded in the federation, completes the lesson there too.
    page = lesson_page(client, "fed.test", learner, course, lesson).content.decode()
    assert "Commencer une nouvelle tentative" not in page
    token = page.split("/scorm/play/")[1].split("/")[0]
    assert pass_scorm(client, token, host="content.fed.test")["completed"] is True
    assert list(
        ScormAttempt.objects.values_list("number", "organisation", "success")
    ) == [(2, federation.pk, "passed"), (1, org_a.pk, "passed")]
    assert statement_organisations(learner) == {org_a.pk, federation.pk}


def test_a_federation_scorm_package_is_not_found_outside_the_federation(
    client, org_a, org_b, federation
):
    package = upload_scorm(federation)
    course, lesson = shared_lesson(
        federation, ("scorm", {"package": package, "required": True})
    )
    outsider = member(org_b)
    assert lesson_page(client, "b.test", outsider, course, lesson).status_code == 404
    new_attempt = f"/scorm/lessons/{lesson.pk}/{lesson.body[0].id}/new-attempt"
    assert client.post(new_attempt).status_code == 404
    # Even a launch naming B (as B's own lesson page would) opens nothing.
    launch = Launch(
        outsider.pk,
        org_b.pk,
        package.pk,
        f"urn:relais:activity:{lesson.pk}:{lesson.body[0].id}",
        "http://b.test",
    )
    assert (
        client.get(
            f"/scorm/play/{launch.token()}/", HTTP_HOST="content.b.test"
        ).status_code
        == 404
    )
    assert not ScormAttempt.objects.filter(user=outsider).exists()


# H5P ----------------------------------------------------------------------------


def upload_h5p(organisation):
    content = H5PContent.objects.create(
        organisation=organisation,
        title="Activité fédérale",
        package=ContentFile(h5p_packages.package(), name="activity.h5p"),
    )
    process_h5p.call(content.pk)
    content.refresh_from_db()
    assert content.status == "ready", content.error
    return content


def post_statements(client, token, host, statements):
    return client.post(
        f"/h5p/play/{token}/xapi",
        json.dumps(statements),
        content_type="text/plain",
        HTTP_HOST=host,
    )


SCORED = {
    "id": "6f1c2a4e-0000-4000-8000-00000000f001",
    "verb": {"id": ANSWERED},
    "object": {"id": "http://h5p.example/1"},
    "result": {"score": {"scaled": 0.9}},
}


def test_a_member_learner_plays_a_federation_h5p_content_in_their_organisation(
    client, org_a, federation
):
    content = upload_h5p(federation)
    course, lesson = shared_lesson(
        federation,
        ("h5p", {"content": content, "required": True, "pass_threshold": 0.7}),
    )
    learner = member(org_a)
    page = lesson_page(client, "a.test", learner, course, lesson).content.decode()
    token = page.split("/h5p/play/")[1].split("/")[0]
    assert client.get(f"/h5p/play/{token}/", HTTP_HOST="content.a.test").status_code
    reply = post_statements(client, token, "content.a.test", [SCORED])
    assert reply.json() == {"recorded": 1, "ignored": 0, "completed": True}
    assert statement_organisations(learner) == {org_a.pk}
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at


def test_a_federation_h5p_content_is_not_found_outside_the_federation(
    client, org_b, federation
):
    content = upload_h5p(federation)
    course, lesson = shared_lesson(
        federation, ("h5p", {"content": content, "required": True})
    )
    outsider = member(org_b)
    assert lesson_page(client, "b.test", outsider, course, lesson).status_code == 404
    # A grant naming B (as B's own lesson page would) opens nothing either.
    token = Grant(
        outsider.pk,
        lesson.pk,
        lesson.body[0].id,
        str(content.uuid),
        org_b.pk,
        "http://b.test",
    ).token()
    host = "content.b.test"
    assert client.get(f"/h5p/play/{token}/", HTTP_HOST=host).status_code == 404
    assert (
        client.get(
            f"/h5p/play/{token}/files/content/content.json", HTTP_HOST=host
        ).status_code
        == 404
    )
    assert post_statements(client, token, host, [SCORED]).status_code == 404
    assert not Statement.objects.filter(actor=outsider).exists()


def test_h5p_results_of_a_federation_content_show_each_organisation_its_learners(
    client, org_a, federation
):
    content = upload_h5p(federation)
    course, lesson = shared_lesson(
        federation, ("h5p", {"content": content, "required": True})
    )
    learner = member(org_a, user__first_name="Lina", user__last_name="Membre")
    page = lesson_page(client, "a.test", learner, course, lesson).content.decode()
    token = page.split("/h5p/play/")[1].split("/")[0]
    post_statements(client, token, "content.a.test", [SCORED])

    client.defaults["HTTP_HOST"] = "fed.test"
    client.force_login(member(federation, Role.TRAINER))
    theirs = client.get("/h5p/results/").content.decode()
    assert content.title in theirs and "Membre" not in theirs

    client.defaults["HTTP_HOST"] = "a.test"
    client.force_login(member(org_a, Role.TRAINER))
    ours = client.get("/h5p/results/").content.decode()
    assert content.title in ours and "Lina Membre" in ours


# Quiz results ---------------------------------------------------------------------


def take_quiz(client, host, learner, course, lesson, quiz, right=True):
    page = lesson_page(client, host, learner, course, lesson).content.decode()
    link = page.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    quiz_page = client.get(link).content.decode()
    token = quiz_page.split('name="activity" value="')[1].split('"')[0]
    started = client.post(f"/quizzes/{quiz.uuid}/start", {"activity": token})
    answer = "c0" if right else "c1"
    client.post(
        started["Location"], {"positions": ["1"], "q1": answer, "action": "submit"}
    )


def test_quiz_results_of_a_federation_quiz_show_each_organisation_its_own_learners(
    client, org_a, federation
):
    quiz = make_quiz(
        federation, [single(federation)], layout="all", title="Quiz fédéral"
    )
    course, lesson = shared_lesson(
        federation, ("quiz", {"quiz": quiz, "required": True})
    )
    theirs = member(org_a, user__first_name="Lina", user__last_name="Membre")
    ours = member(federation, user__first_name="Fanny", user__last_name="Fédérale")
    take_quiz(client, "a.test", theirs, course, lesson, quiz)
    take_quiz(client, "fed.test", ours, course, lesson, quiz, right=False)
    assert set(Attempt.objects.values_list("organisation", flat=True)) == {
        org_a.pk,
        federation.pk,
    }
    screens = (
        reverse("quizzes:results_index"),
        reverse("quizzes:results", args=[quiz.pk]),
        reverse("quizzes:export", args=[quiz.pk, "csv"]),
        reverse("quizzes:items", args=[quiz.pk]),
        reverse("quizzes:review", args=[quiz.pk]),
    )

    # The federation's trainer: their own learner only.
    client.defaults["HTTP_HOST"] = "fed.test"
    client.force_login(member(federation, Role.TRAINER))
    for url in screens:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Membre" not in text, url
    assert "Fédérale" in client.get(screens[1]).content.decode()
    export = client.get(screens[2]).content.decode()
    assert "Fédérale" in export and "Membre" not in export

    # The member organisation's trainer: the federation quiz of their shared
    # lesson, with their own learner only.
    client.defaults["HTTP_HOST"] = "a.test"
    client.force_login(member(org_a, Role.TRAINER))
    assert quiz.title in client.get(screens[0]).content.decode()
    for url in screens:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Fédérale" not in response.content.decode(), url
    results = client.get(screens[1]).content.decode()
    assert "Membre" in results
    export = client.get(screens[2]).content.decode()
    assert "Membre" in export and "Fédérale" not in export
