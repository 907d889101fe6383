"""People and invitations, always scoped to the request's organisation and role."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.models import Invitation, Membership, Role, Team
from lms.signals import person_joined
from tests.factories import InvitationFactory, TeamFactory, member


def person_urls(membership, invitation):
    return [
        ("get", reverse("lms:person", args=[membership.pk])),
        ("get", reverse("lms:person_edit", args=[membership.pk])),
        ("post", reverse("lms:person_edit", args=[membership.pk])),
        ("post", reverse("lms:invitation_resend", args=[invitation.pk])),
        ("post", reverse("lms:invitation_cancel", args=[invitation.pk])),
    ]


def test_a_coordinator_of_a_never_reaches_people_of_b(client, org_a, org_b):
    coordinator = member(org_a, Role.COORDINATOR)
    person_b = member(org_b).memberships.get()
    invitation_b = InvitationFactory(organisation=org_b)
    client.force_login(coordinator)
    # Through A's address: B's people are not found at all.
    for method, url in person_urls(person_b, invitation_b):
        response = getattr(client, method)(url, HTTP_HOST="a.test")
        assert response.status_code == 404, url
    # Through B's address: they hold no role there.
    for method, url in [
        *person_urls(person_b, invitation_b),
        ("get", reverse("lms:people")),
        ("get", reverse("lms:invite")),
        ("post", reverse("lms:invite")),
        ("get", reverse("lms:teams")),
        ("post", reverse("lms:teams")),
    ]:
        response = getattr(client, method)(url, HTTP_HOST="b.test")
        assert response.status_code == 403, url
    listing = client.get(reverse("lms:people"), HTTP_HOST="a.test").content.decode()
    assert person_b.user.email not in listing
    assert invitation_b.email not in listing
    invitation_b.refresh_from_db()
    assert invitation_b.cancelled_at is None


@pytest.mark.parametrize("role", [Role.LEARNER, Role.MENTOR, Role.TRAINER])
def test_people_pages_are_for_coordinators_and_admins_only(client_a, org_a, role):
    someone = member(org_a).memberships.get()
    client_a.force_login(member(org_a, role))
    for url in [
        reverse("lms:people"),
        reverse("lms:invite"),
        reverse("lms:person", args=[someone.pk]),
    ]:
        assert client_a.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client_a, org_a):
    response = client_a.get(reverse("lms:people"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("lms:login"))


def test_the_people_list_costs_the_same_queries_for_2_or_40_people(
    client_a, org_a, coordinator_a
):
    team = TeamFactory(organisation=org_a)
    client_a.force_login(coordinator_a)
    member(org_a, team=team)
    InvitationFactory(organisation=org_a, team=team)
    client_a.get(reverse("lms:people"))  # the first visit creates the settings row
    with CaptureQueriesContext(connection) as few:
        client_a.get(reverse("lms:people"))
    for _ in range(40):
        member(org_a, team=team)
        InvitationFactory(organisation=org_a, team=team)
    with CaptureQueriesContext(connection) as many:
        response = client_a.get(reverse("lms:people"))
    assert response.content.decode().count("/people/") >= 42
    assert len(many) == len(few) <= 12


def test_a_coordinator_invites_a_newcomer_who_gets_an_email(
    client_a, org_a, coordinator_a, django_capture_on_commit_callbacks
):
    team = TeamFactory(organisation=org_a, name="Accueil")
    client_a.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            reverse("lms:invite"),
            {
                "email": "Lea.Martin@Example.org",
                "first_name": "Léa",
                "last_name": "Martin",
                "role": Role.LEARNER,
                "kind": "volunteer",
                "team": team.pk,
                "start_date": "2026-11-30",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "lea.martin@example.org"
    assert invitation.organisation == org_a
    assert invitation.sent_at is not None
    (message,) = mail.outbox
    assert message.to == ["lea.martin@example.org"]
    assert "Entraide Quartier" in message.subject
    assert invitation.token in message.body


def test_an_invitation_form_refuses_a_team_of_another_organisation(
    client_a, org_a, org_b, coordinator_a
):
    foreign_team = TeamFactory(organisation=org_b)
    client_a.force_login(coordinator_a)
    response = client_a.post(
        reverse("lms:invite"),
        {
            "email": "x@example.org",
            "role": Role.LEARNER,
            "kind": "volunteer",
            "team": foreign_team.pk,
            "start_date": "2026-11-30",
        },
    )
    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_inviting_someone_twice_is_refused_with_a_clear_message(
    client_a, org_a, coordinator_a
):
    InvitationFactory(organisation=org_a, email="lea@example.org")
    client_a.force_login(coordinator_a)
    response = client_a.post(
        reverse("lms:invite"),
        {
            "email": "LEA@example.org",
            "role": Role.LEARNER,
            "kind": "volunteer",
            "start_date": "2026-11-30",
        },
    )
    assert "déjà en attente" in str(response.context["form"].errors["email"])
    assert Invitation.objects.count() == 1


def accept(client, invitation, password="un-mot-de-passe-solide-42", **extra):
    url = reverse("lms:accept_invitation", args=[invitation.token])
    data = {
        "first_name": "Léa",
        "last_name": "Martin",
        "password1": password,
        "password2": password,
        **extra,
    }
    return client.post(url, data)


def test_accepting_an_invitation_creates_the_account_and_lands_on_the_dashboard(
    client_a, org_a, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(organisation=org_a, email="lea@example.org")
    joined = []
    person_joined.connect(
        lambda sender, event, **kw: joined.append(event),
        weak=False,
        dispatch_uid="test-joined",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = accept(client_a, invitation)
    finally:
        person_joined.disconnect(dispatch_uid="test-joined")
    assert response.status_code == 302
    assert response.url == reverse("lms:dashboard")
    membership = Membership.objects.get(user__email="lea@example.org")
    assert membership.organisation == org_a
    assert membership.role == Role.LEARNER
    assert [event.membership_id for event in joined] == [membership.pk]
    assert client_a.get(reverse("lms:dashboard")).status_code == 200
    # The link is now spent; submitting again (a double tap) changes nothing.
    again = accept(client_a, invitation)
    assert again.status_code == 302
    assert get_user_model().objects.filter(email="lea@example.org").count() == 1


def test_a_weak_password_is_refused_and_nothing_is_created(client_a, org_a):
    invitation = InvitationFactory(organisation=org_a, email="lea@example.org")
    response = accept(client_a, invitation, password="123456")
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not get_user_model().objects.filter(email="lea@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_expired_invitation_says_so(client_a, org_a):
    invitation = InvitationFactory(
        organisation=org_a, expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client_a.get(reverse("lms:accept_invitation", args=[invitation.token]))
    assert response.status_code == 410
    assert "Cette invitation a expiré" in response.content.decode()
    assert accept(client_a, invitation).status_code == 410
    assert not Membership.objects.exists()


def test_a_used_invitation_says_so_to_someone_else(client, org_a):
    invitation = InvitationFactory(organisation=org_a, accepted_at=timezone.now())
    response = client.get(
        reverse("lms:accept_invitation", args=[invitation.token]), HTTP_HOST="a.test"
    )
    assert response.status_code == 410


def test_a_forged_invitation_link_is_not_found(client_a, org_a):
    invitation = InvitationFactory(organisation=org_a)
    forged = re.sub(r".$", "x", invitation.token)
    response = client_a.get(reverse("lms:accept_invitation", args=[forged]))
    assert response.status_code == 404


def test_someone_with_an_account_joins_a_second_organisation_after_logging_in(
    client, org_a, org_b
):
    user = member(org_a)
    invitation = InvitationFactory(
        organisation=org_b, email=user.email, role=Role.MENTOR
    )
    url = reverse("lms:accept_invitation", args=[invitation.token])
    response = client.get(url, HTTP_HOST="b.test")
    assert response.status_code == 302
    assert reverse("lms:login") in response.url
    client.force_login(user)
    assert client.post(url, HTTP_HOST="b.test").status_code == 302
    assert user.memberships.get(organisation=org_b).role == Role.MENTOR


def test_a_coordinator_withdraws_and_resends_invitations(
    client_a, org_a, coordinator_a, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        organisation=org_a,
        sent_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(days=6),
    )
    client_a.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("lms:invitation_resend", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert not invitation.is_expired
    assert len(mail.outbox) == 1
    client_a.post(reverse("lms:invitation_cancel", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    response = client_a.get(reverse("lms:accept_invitation", args=[invitation.token]))
    assert response.status_code == 410


def test_a_coordinator_changes_a_role_and_the_admin_groups_follow(
    client_a, org_a, coordinator_a
):
    someone = member(org_a).memberships.get()
    client_a.force_login(coordinator_a)
    response = client_a.post(
        reverse("lms:person_edit", args=[someone.pk]),
        {
            "role": Role.TRAINER,
            "kind": "volunteer",
            "start_date": "2026-01-05",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.role == Role.TRAINER
    from lms.models.scoping import acting_in

    with acting_in(org_a):
        assert someone.user.has_perm("wagtailadmin.access_admin")


def test_a_coordinator_creates_teams_and_a_duplicate_name_is_refused(
    client_a, org_a, coordinator_a
):
    client_a.force_login(coordinator_a)
    assert (
        client_a.post(reverse("lms:teams"), {"name": "  Accueil "}).status_code == 302
    )
    response = client_a.post(reverse("lms:teams"), {"name": "accueil"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert list(Team.objects.values_list("name", flat=True)) == ["Accueil"]


def test_deleting_a_team_keeps_its_members_and_stays_in_the_organisation(
    client, org_a, org_b
):
    team_b = TeamFactory(organisation=org_b)
    someone = member(org_b, team=team_b).memberships.get()
    client.force_login(member(org_a, Role.COORDINATOR))
    response = client.post(
        reverse("lms:team_delete", args=[team_b.pk]), HTTP_HOST="a.test"
    )
    assert response.status_code == 404
    client.force_login(member(org_b, Role.COORDINATOR))
    client.post(reverse("lms:team_delete", args=[team_b.pk]), HTTP_HOST="b.test")
    assert not Team.objects.exists()
    someone.refresh_from_db()
    assert someone.team is None
