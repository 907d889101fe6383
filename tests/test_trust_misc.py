"""Issue 15, the smaller trust boundaries: federation content played by member
organisations, the demo seeder on a production database, who grants the admin role,
and a login lock-out that holds whatever the spelling of the account."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import Site

from courses.models import Enrolment, LessonProgress, Statement
from lms.models import Invitation, Membership, OrganisationSettings, Role
from relais_quizzes.models import Attempt
from tests.factories import PASSWORD, make_course, make_organisation, member
from tests.quiz_kit import make_quiz, single

# Finding 6: a quiz in a federation's shared course --------------------------------


@pytest.fixture
def federation_course(org_a, org_b, enable_plugin):
    """The federation (fed.test) shares a course whose only lesson is a quiz;
    A is a member of the federation, B is not. Quizzes are on everywhere."""
    federation = make_organisation("Fédération", "fed.test")
    for organisation in (federation, org_a, org_b):
        enable_plugin(organisation, "quizzes")
    quiz = make_quiz(federation, [single(federation)], layout="all")
    course = make_course(federation, title="Hygiène", lessons=1)
    catalogue = course.get_parent().specific
    catalogue.shared_with_members = True
    catalogue.save_revision().publish()
    lesson = course.get_children().first().specific
    lesson.body = [("quiz", {"quiz": quiz, "required": True})]
    lesson.save_revision().publish()
    settings = OrganisationSettings.for_site(org_a)
    settings.federation = federation
    settings.save()
    return federation, course, lesson, quiz


def test_finding_6_federation_course_quiz_is_playable_by_member_learners(
    client, org_a, org_b, federation_course
):
    _federation, course, lesson, quiz = federation_course
    learner = member(org_a)
    client.defaults["HTTP_HOST"] = "a.test"
    client.force_login(learner)
    client.post(reverse("courses:course", args=[course.pk]))
    page = client.get(lesson.learn_url()).content.decode()
    link = page.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    quiz_page = client.get(link)
    assert quiz_page.status_code == 200
    token = quiz_page.content.decode().split('name="activity" value="')[1].split('"')[0]
    started = client.post(f"/quizzes/{quiz.uuid}/start", {"activity": token})
    assert started.status_code == 302
    result = client.post(
        started["Location"], {"positions": ["1"], "q1": "c0", "action": "submit"}
    )
    assert client.get(result["Location"]).status_code == 200

    attempt = Attempt.objects.get(user=learner)
    assert (attempt.passed, attempt.organisation) == (True, org_a)
    assert set(
        Statement.objects.filter(actor=learner).values_list("organisation", flat=True)
    ) == {org_a.pk}
    assert LessonProgress.objects.get(
        user=learner, lesson=lesson
    ).completed_at  # the lesson is done
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert (enrolment.progress, enrolment.organisation) == (100, org_a)
    assert enrolment.completed_at

    # Outside the federation, the quiz is simply not found.
    outsider = member(org_b)
    client.defaults["HTTP_HOST"] = "b.test"
    client.force_login(outsider)
    assert client.get(f"/quizzes/{quiz.uuid}/").status_code == 404
    assert client.post(f"/quizzes/{quiz.uuid}/start").status_code == 404
    assert client.get(attempt.get_absolute_url()).status_code == 404
    assert not Attempt.objects.filter(user=outsider).exists()


def test_a_federation_quiz_outside_its_shared_courses_stays_the_federations(
    client, org_a, federation_course
):
    federation, *_rest = federation_course
    private = make_quiz(federation, [single(federation)], title="Interne")
    client.defaults["HTTP_HOST"] = "a.test"
    client.force_login(member(org_a))
    assert client.get(f"/quizzes/{private.uuid}/").status_code == 404


# Finding 8: seed_demo on a production database ---------------------------------


def _state():
    return (
        list(Site.objects.values_list("pk", "hostname", "port", "site_name")),
        list(get_user_model().objects.values_list("username", "password", "email")),
        Membership.objects.count(),
    )


def test_finding_8_seed_demo_refuses_production(db, settings):
    settings.DEBUG = False
    get_user_model().objects.create_user(
        "admin", "admin@example.org", "a real password"
    )
    before = _state()
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", verbosity=0)
    assert _state() == before
    assert (
        get_user_model().objects.get(username="admin").check_password("a real password")
    )


def test_seed_demo_refuses_a_database_with_other_organisations_even_when_told(
    org_a, settings
):
    settings.DEBUG = True
    before = _state()
    with pytest.raises(CommandError, match="Entraide Quartier"):
        call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    assert _state() == before


def test_seed_demo_never_resets_the_password_of_an_account_that_is_not_the_demos(
    db, settings
):
    settings.DEBUG = True
    get_user_model().objects.create_user(
        "formateur", "karim@real-association.example", "a real password"
    )
    before = _state()
    with pytest.raises(CommandError, match="formateur"):
        call_command("seed_demo", verbosity=0)
    assert _state() == before


# Who grants the admin role -------------------------------------------------------


def _membership(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


def test_coordinator_cannot_promote_themself_or_invite_admins(client_a, org_a):
    coordinator = member(org_a, Role.COORDINATOR)
    learner = member(org_a)
    own, other = _membership(coordinator, org_a), _membership(learner, org_a)
    client_a.force_login(coordinator)

    # The forms do not offer the admin role.
    for url in (reverse("lms:invite"), reverse("lms:person_edit", args=[other.pk])):
        page = client_a.get(url).content.decode()
        assert 'value="coordinator"' in page
        assert 'value="admin"' not in page

    # Crafted posts change nothing.
    fields = {"kind": "volunteer", "start_date": "2026-01-05", "is_active": "on"}
    client_a.post(
        reverse("lms:person_edit", args=[own.pk]), {**fields, "role": Role.ADMIN}
    )
    client_a.post(
        reverse("lms:person_edit", args=[other.pk]), {**fields, "role": Role.ADMIN}
    )
    client_a.post(
        reverse("lms:invite"),
        {**fields, "email": "friend@example.org", "first_name": "Ami", "role": "admin"},
    )
    assert _membership(coordinator, org_a).role == Role.COORDINATOR
    assert _membership(learner, org_a).role == Role.LEARNER
    assert not Invitation.objects.exists()

    # Nobody changes their own role, not even to a lesser one.
    client_a.post(
        reverse("lms:person_edit", args=[own.pk]), {**fields, "role": Role.LEARNER}
    )
    assert _membership(coordinator, org_a).role == Role.COORDINATOR

    # A coordinator still manages the other roles.
    client_a.post(
        reverse("lms:person_edit", args=[other.pk]), {**fields, "role": Role.TRAINER}
    )
    assert _membership(learner, org_a).role == Role.TRAINER


def test_a_coordinator_cannot_demote_an_organisation_admin(client_a, org_a):
    coordinator, admin = member(org_a, Role.COORDINATOR), member(org_a, Role.ADMIN)
    client_a.force_login(coordinator)
    target = _membership(admin, org_a)
    client_a.post(
        reverse("lms:person_edit", args=[target.pk]),
        {"role": Role.LEARNER, "kind": "volunteer", "start_date": "2026-01-05"},
    )
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.ADMIN, True)


def test_an_organisation_admin_grants_and_invites_the_admin_role(client_a, org_a):
    admin, coordinator = member(org_a, Role.ADMIN), member(org_a, Role.COORDINATOR)
    client_a.force_login(admin)
    fields = {"kind": "volunteer", "start_date": "2026-01-05", "is_active": "on"}
    target = _membership(coordinator, org_a)
    assert 'value="admin"' in client_a.get(reverse("lms:invite")).content.decode()
    client_a.post(
        reverse("lms:person_edit", args=[target.pk]), {**fields, "role": Role.ADMIN}
    )
    client_a.post(
        reverse("lms:invite"),
        {**fields, "email": "friend@example.org", "first_name": "Ami", "role": "admin"},
    )
    assert _membership(coordinator, org_a).role == Role.ADMIN
    assert Invitation.objects.get().role == Role.ADMIN


# Login lock-out ------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["nAdIa", "NADIA", "Nadia@Example.ORG"])
def test_lockout_holds_for_case_and_email_variants(client_a, org_a, variant):
    nadia = member(org_a, user__username="nadia", user__email="nadia@example.org")
    login = reverse("lms:login")
    for _ in range(5):
        client_a.post(login, {"username": "nadia", "password": "wrong password"})
    response = client_a.post(login, {"username": variant, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client_a.session
    # Failures under the variants count against the same account too.
    other = member(org_a, user__username="omar", user__email="omar@example.org")
    for spelling in ["OMAR", "omar@EXAMPLE.org", "Omar", "oMaR", "omar"]:
        client_a.post(login, {"username": spelling, "password": "wrong password"})
    response = client_a.post(login, {"username": "omar", "password": PASSWORD})
    assert response.status_code == 429
    assert nadia.pk != other.pk


def test_login_is_case_insensitive_once_the_lock_out_is_over(client_a, org_a):
    member(org_a, user__username="nadia", user__email="nadia@example.org")
    response = client_a.post(
        reverse("lms:login"), {"username": "NaDiA", "password": PASSWORD}
    )
    assert response.status_code == 302
