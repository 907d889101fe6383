"""Creating and revoking API tokens: the secret shown once, never stored."""

import re

from lms.api.models import ApiToken
from lms.models import Role
from tests.factories import member


def login(client, user):
    client.defaults["HTTP_HOST"] = "a.test"
    client.force_login(user)


def test_an_organisation_admin_creates_a_token_seen_once(client, org_a):
    login(client, member(org_a, Role.ADMIN))
    response = client.post(
        "/admin/api-tokens/",
        {"name": "Rapport", "role": "coordinator", "scopes": ["people:read"]},
    )
    assert response.status_code == 200
    secret = re.search(rb'value="(rls_[^"]+)"', response.content)[1].decode()
    token = ApiToken.objects.get()
    assert (token.kind, token.role, token.scopes) == (
        "organisation",
        "coordinator",
        ["people:read"],
    )
    assert ApiToken.find(secret) == token
    again = client.get("/admin/api-tokens/")
    assert secret.encode() not in again.content
    assert token.prefix.encode() in again.content


def test_an_admin_revokes_a_token(client, org_a):
    login(client, member(org_a, Role.ADMIN))
    token, secret = ApiToken.issue(
        organisation=org_a, kind="organisation", role="learner", name="x", scopes=[]
    )
    client.post(f"/admin/api-tokens/{token.pk}/revoke/")
    assert ApiToken.find(secret) is None


def test_a_coordinator_cannot_manage_organisation_tokens(client, org_a):
    login(client, member(org_a, Role.COORDINATOR))
    response = client.post(
        "/admin/api-tokens/", {"name": "x", "role": "admin", "scopes": ["people:write"]}
    )
    assert response.status_code in (302, 403)  # Wagtail sends refusals home
    assert not ApiToken.objects.exists()


def test_a_token_of_another_organisation_is_not_revoked_from_here(client, org_a, org_b):
    login(client, member(org_a, Role.ADMIN))
    token, secret = ApiToken.issue(
        organisation=org_b, kind="organisation", role="learner", name="x", scopes=[]
    )
    assert client.post(f"/admin/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.find(secret) == token


def test_a_member_creates_and_revokes_a_personal_token(client, org_a):
    learner = member(org_a)
    login(client, learner)
    response = client.post(
        "/account/api-tokens/", {"name": "Mon script", "scopes": ["learning:read"]}
    )
    secret = re.search(rb'value="(rls_[^"]+)"', response.content)[1].decode()
    token = ApiToken.find(secret)
    assert (token.kind, token.user, token.role) == ("personal", learner, "")
    client.post(f"/account/api-tokens/{token.pk}/revoke/")
    assert ApiToken.find(secret) is None


def test_nobody_revokes_someone_elses_personal_token(client, org_a):
    login(client, member(org_a))
    token, secret = ApiToken.issue(
        organisation=org_a, kind="personal", user=member(org_a), name="x", scopes=[]
    )
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.find(secret) == token


def test_a_token_without_a_name_or_scope_is_refused(client, org_a):
    login(client, member(org_a))
    response = client.post("/account/api-tokens/", {"name": "", "scopes": ["nope"]})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_the_account_menu_leads_to_the_personal_tokens(client, org_a):
    login(client, member(org_a))
    response = client.get("/dashboard/")
    assert b'href="/account/api-tokens/"' in response.content
