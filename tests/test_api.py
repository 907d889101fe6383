"""The REST API: tokens, scopes, organisation walls, role rules, problem
details, cursor pages, rate limits and query counts."""

import hashlib
import json

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection

from courses.models import PathAssignment, Statement
from lms.api.models import ApiToken
from lms.models import Invitation, Membership, Role, Team
from tests.api_kit import seed, token
from tests.factories import member


@pytest.fixture
def api(client):
    """``api(method, path, secret, host="a.test", body=None)`` -> (status, json)."""

    def call(method, path, secret=None, host="a.test", body=None):
        headers = {"HTTP_HOST": host}
        if secret:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        if body is not None:
            headers["data"] = json.dumps(body)
            headers["content_type"] = "application/json"
        response = getattr(client, method)(f"/api/v1/{path}", **headers)
        return response, response.json() if response.content else None

    return call


@pytest.fixture
def two(org_a, org_b):
    return seed(org_a, tag="a"), seed(org_b, tag="b")


def ids(body):
    return {row["id"] for row in body["results"]}


def test_an_organisation_token_lists_its_people_and_never_another_organisations(
    api, org_a, org_b, two
):
    response, body = api("get", "people/", token(org_a))
    assert response.status_code == 200
    expected = set(
        Membership.objects.for_organisation(org_a).values_list("pk", flat=True)
    )
    assert ids(body) == expected
    assert {row["organisation"] for row in body["results"]} == {org_a.pk}
    b_member = Membership.objects.for_organisation(org_b).first()
    response, body = api("get", f"people/{b_member.pk}/", token(org_a))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "resource",
    [
        "people",
        "teams",
        "courses",
        "enrolments",
        "path-assignments",
        "badge-awards",
        "statements",
    ],
)
def test_no_resource_shows_another_organisations_rows(api, org_a, org_b, two, resource):
    _response, mine = api("get", f"{resource}/", token(org_a))
    _response, theirs = api("get", f"{resource}/", token(org_b), host="b.test")
    assert mine["results"] and theirs["results"]
    assert not ids(mine) & ids(theirs)


def test_a_token_on_another_organisations_host_is_refused(api, org_a, org_b, two):
    response, body = api("get", "people/", token(org_a), host="b.test")
    assert response.status_code == 401
    assert body["status"] == 401
    assert body["type"] == "urn:relais:api:problem:authentication-failed"


def test_a_missing_scope_is_forbidden_with_a_problem(api, org_a, two):
    secret = token(org_a, scopes=["learning:read"])
    response, body = api("get", "people/", secret)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert body["title"] == "Forbidden" and "people:read" in body["detail"]
    assert api("get", "courses/", secret)[0].status_code == 200


def test_a_read_scope_does_not_write(api, org_a, two):
    secret = token(org_a, scopes=["people:read"])
    response, body = api("post", "invitations/", secret, body={"email": "x@y.org"})
    assert response.status_code == 403 and "people:write" in body["detail"]
    assert not Invitation.objects.exists()


def test_a_revoked_token_is_unauthorised(api, org_a, two):
    secret = token(org_a)
    assert api("get", "people/", secret)[0].status_code == 200
    ApiToken.objects.get().revoke()
    response, body = api("get", "people/", secret)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert body["type"].startswith("urn:relais:api:problem:")


def test_no_token_or_a_forged_one_is_unauthorised(api, org_a):
    for secret in (None, "rls_forged"):
        response, body = api("get", "people/", secret)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert set(body) >= {"type", "title", "status", "detail"}


def test_a_learners_personal_token_sees_only_their_own_records(api, org_a, two):
    learner = two[0][0]
    secret = token(org_a, user=learner)
    _response, people = api("get", "people/", secret)
    assert [row["person"]["id"] for row in people["results"]] == [learner.pk]
    for resource in ("enrolments", "path-assignments", "badge-awards", "statements"):
        _response, body = api("get", f"{resource}/", secret)
        assert {row["person"] for row in body["results"]} == {learner.pk}, resource
    _response, invitations = api("get", "invitations/", secret)
    assert invitations["results"] == []


def test_a_learners_token_writes_nothing_whatever_its_scopes(api, org_a, two):
    learner = two[0][0]
    other = Membership.objects.get(organisation=org_a, user=two[0][1])
    secret = token(org_a, user=learner)
    response, _body = api(
        "patch", f"people/{other.pk}/", secret, body={"role": "admin"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.role == Role.LEARNER


def test_a_personal_token_stops_when_its_person_leaves(api, org_a, two):
    coordinator = member(org_a, Role.COORDINATOR)
    secret = token(org_a, user=coordinator)
    assert api("get", "people/", secret)[0].status_code == 200
    Membership.objects.filter(user=coordinator).update(is_active=False)
    assert api("get", "people/", secret)[0].status_code == 401


def test_the_secret_is_not_in_the_database_only_its_hash(org_a):
    secret = token(org_a)
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(stored.prefix) and len(stored.prefix) < 12
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        rows = cursor.fetchall()
    assert not any(secret in str(value) for row in rows for value in row)


def test_last_use_is_recorded(api, org_a):
    secret = token(org_a)
    assert ApiToken.objects.get().last_used_at is None
    api("get", "teams/", secret)
    assert ApiToken.objects.get().last_used_at is not None


def test_an_invitation_is_saved_and_mailed(
    api, org_a, two, django_capture_on_commit_callbacks
):
    team = Team.objects.get(organisation=org_a)
    with django_capture_on_commit_callbacks(execute=True):
        response, body = api(
            "post",
            "invitations/",
            token(org_a),
            body={"email": "Nouvelle@Example.org", "role": "learner", "team": team.pk},
        )
    assert response.status_code == 201, body
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.email) == (
        org_a,
        "nouvelle@example.org",
    )
    assert [message.to for message in mail.outbox] == [["nouvelle@example.org"]]


def test_a_bad_invitation_lists_each_problem_and_writes_nothing(api, org_a, org_b, two):
    b_team = Team.objects.get(organisation=org_b)
    response, body = api(
        "post",
        "invitations/",
        token(org_a),
        body={"email": "not an address", "role": "chief", "team": b_team.pk},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    pointers = {error["pointer"] for error in body["errors"]}
    assert pointers == {"#/email", "#/role", "#/team"}
    assert not Invitation.objects.exists() and not mail.outbox


def test_only_an_admin_token_grants_the_admin_role(api, org_a, two):
    body = {"email": "chef@example.org", "role": "admin"}
    response, problem = api("post", "invitations/", token(org_a), body=body)
    assert response.status_code == 400 and problem["errors"][0]["pointer"] == "#/role"
    admin_secret = token(org_a, role=Role.ADMIN)
    assert api("post", "invitations/", admin_secret, body=body)[0].status_code == 201


def test_a_coordinator_changes_a_role_and_a_team(api, org_a, two):
    person = Membership.objects.get(organisation=org_a, user=two[0][0])
    team = Team.objects.create(organisation=org_a, name="Distribution")
    response, body = api(
        "patch",
        f"people/{person.pk}/",
        token(org_a),
        body={"role": "mentor", "team": team.pk},
    )
    assert response.status_code == 200, body
    person.refresh_from_db()
    assert (person.role, person.team) == (Role.MENTOR, team)


def test_nobody_changes_their_own_role_through_the_api(api, org_a, two):
    coordinator = member(org_a, Role.COORDINATOR)
    mine = Membership.objects.get(user=coordinator)
    secret = token(org_a, user=coordinator)
    response, _body = api("patch", f"people/{mine.pk}/", secret, body={"role": "admin"})
    assert response.status_code == 400
    response, _body = api("post", f"people/{mine.pk}/deactivate/", secret)
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.role == Role.COORDINATOR and mine.is_active


def test_deactivating_someone_keeps_their_membership_inactive(api, org_a, two):
    person = Membership.objects.get(organisation=org_a, user=two[0][0])
    response, body = api("post", f"people/{person.pk}/deactivate/", token(org_a))
    assert response.status_code == 200 and body["is_active"] is False
    person.refresh_from_db()
    assert not person.is_active


def test_onboarding_progress_says_who_is_late(api, org_a, two):
    late_learner, on_time = two[0]
    _response, body = api("get", "path-assignments/?late=true", token(org_a))
    assert [row["person"] for row in body["results"]] == [late_learner.pk]
    row = body["results"][0]
    assert (row["steps_done"], row["steps_total"], row["late"]) == (0, 1, True)
    _response, body = api("get", "path-assignments/?late=false", token(org_a))
    assert [row["person"] for row in body["results"]] == [on_time.pk]


def test_statements_filter_by_person_verb_and_dates(api, org_a, two):
    learner = two[0][0]
    secret = token(org_a)
    _r, body = api("get", f"statements/?person={learner.pk}&verb=experienced", secret)
    assert len(body["results"]) == 1
    _r, body = api("get", "statements/?since=2100-01-01T00:00:00Z", secret)
    assert body["results"] == []
    response, body = api("get", "statements/?since=yesterday", secret)
    assert response.status_code == 400 and body["errors"][0]["pointer"] == "#/since"


def test_statements_are_read_only(api, org_a, two):
    before = Statement.objects.count()
    response, _body = api("post", "statements/", token(org_a), body={})
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert Statement.objects.count() == before


def test_pages_follow_a_cursor(api, org_a, two):
    secret = token(org_a)
    _response, first = api("get", "people/?page_size=1", secret)
    assert len(first["results"]) == 1 and first["next"]
    _response, second = api("get", first["next"].split("/api/v1/")[1], secret)
    assert not ids(first) & ids(second)


def test_a_plugins_resources_answer_only_where_it_is_enabled(
    api, org_a, two, enable_plugin
):
    secret = token(org_a)
    response, _body = api("get", "skills/levels/", secret)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    enable_plugin(org_a, "skills")
    assert api("get", "skills/levels/", secret)[0].status_code == 200


def test_a_plugin_scope_is_needed_too(api, org_a, enable_plugin):
    enable_plugin(org_a, "quizzes")
    secret = token(org_a, scopes=["learning:read"])
    response, body = api("get", "quizzes/results/", secret)
    assert response.status_code == 403 and "quizzes:read" in body["detail"]


def test_too_many_requests_get_a_429_problem(api, org_a, settings):
    settings.LMS_API_RATE_LIMIT = "2/minute"
    cache.clear()
    secret = token(org_a)
    statuses = [api("get", "teams/", secret)[0] for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[-1]["Content-Type"] == "application/problem+json"
    assert "Retry-After" in statuses[-1]


def test_an_unknown_api_url_is_a_problem_too(api, org_a):
    response, body = api("get", "nothing-here/", token(org_a))
    assert response.status_code == 404
    assert body == {**body, "status": 404, "title": "Not Found"}


@pytest.mark.parametrize(
    "resource",
    [
        "people",
        "invitations",
        "teams",
        "courses",
        "enrolments",
        "path-assignments",
        "badge-awards",
        "statements",
    ],
)
def test_lists_take_the_same_queries_for_two_or_twelve_rows(
    api, org_a, resource, django_assert_max_num_queries
):
    secret = token(org_a)
    seed(org_a, learners=2, tag="few")
    with django_assert_max_num_queries(12) as few:
        api("get", f"{resource}/", secret)
    seed(org_a, learners=12, tag="many")
    with django_assert_max_num_queries(len(few)) as many:
        response, _body = api("get", f"{resource}/", secret)
    assert response.status_code == 200
    assert len(many) <= len(few)


def test_the_schema_and_its_docs_are_served_without_a_cdn(client, org_a):
    schema = client.get("/api/v1/schema/?format=json", HTTP_HOST="a.test")
    assert schema.status_code == 200
    document = json.loads(schema.content)
    assert "/api/v1/people/" in document["paths"]
    assert "/api/v1/skills/levels/" in document["paths"]
    docs = client.get("/api/v1/docs/", HTTP_HOST="a.test")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower() and b"https://" not in docs.content


def test_assignments_of_people_who_left_are_not_listed(api, org_a, two):
    leaver = two[0][0]
    Membership.objects.filter(user=leaver).update(is_active=False)
    _response, body = api("get", "path-assignments/", token(org_a))
    assert leaver.pk not in {row["person"] for row in body["results"]}
    assert PathAssignment.objects.filter(user=leaver).exists()


def test_a_server_error_under_the_api_is_a_problem_too(rf):
    from django.http import HttpResponseServerError

    from lms.api.problems import ProblemDetailsMiddleware

    middleware = ProblemDetailsMiddleware(lambda request: HttpResponseServerError())
    response = middleware(rf.get("/api/v1/people/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["title"] == "Internal Server Error"
    elsewhere = middleware(rf.get("/people/"))
    assert elsewhere["Content-Type"] != "application/problem+json"
