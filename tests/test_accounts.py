"""Logging in: by e-mail or username, locked after failures, landing by role."""

import pytest
from django.urls import reverse

from lms.models import Role
from tests.factories import PASSWORD, member


def log_in(client, username, password):
    return client.post(
        reverse("lms:login"), {"username": username, "password": password}
    )


def test_a_volunteer_logs_in_with_their_email_in_any_case(client_a, org_a):
    user = member(org_a)
    response = log_in(client_a, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("lms:dashboard")


def test_a_wrong_password_is_refused_with_a_clear_message(client_a, org_a):
    user = member(org_a)
    response = log_in(client_a, user.username, "nope")
    assert response.status_code == 200
    assert "ne correspondent pas" in response.content.decode()


def test_five_failures_lock_the_account_even_against_the_right_password(
    client_a, org_a
):
    user = member(org_a)
    for _ in range(5):
        log_in(client_a, user.username, "wrong password")
    response = log_in(client_a, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Réessayez dans 15" in response.content.decode()
    assert "_auth_user_id" not in client_a.session


@pytest.mark.parametrize(
    ("role", "french_text"),
    [
        (Role.LEARNER, "Votre date d'arrivée"),
        (Role.TRAINER, "Espace de création"),
        (Role.COORDINATOR, "Ce qui vous attend"),
    ],
)
def test_each_role_lands_on_its_own_dashboard_in_french(
    client_a, org_a, role, french_text
):
    user = member(org_a, role)
    response = log_in(client_a, user.username, PASSWORD)
    page = client_a.get(response.url)
    assert page.status_code == 200
    assert page["Content-Language"] == "fr"
    assert french_text in page.content.decode()


def test_the_dashboard_is_for_members_of_this_organisation(client, org_a, org_b):
    user = member(org_b)
    client.force_login(user)
    assert client.get(reverse("lms:dashboard"), HTTP_HOST="a.test").status_code == 403
    assert client.get(reverse("lms:dashboard"), HTTP_HOST="b.test").status_code == 200
