"""Running on several hosts (issue 22, part B): health endpoints for load
balancers, pages that degrade when Redis is away, a 503 in the person's language
when the database is, and per-person limits with a clear 429."""

import json
import logging

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from courses.learning import enrol
from tests.factories import make_course, member

# Nothing listens on port 1 of the loopback: a Redis that is down.
REDIS_DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
}


def probe(path, **headers):
    """A load balancer's probe: by IP address, which ALLOWED_HOSTS does not hold."""
    return Client().get(path, HTTP_HOST="10.0.0.5:8000", **headers)


def test_liveness_answers_any_host_without_touching_anything(
    db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = probe("/health/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_checks_database_storages_and_migrations_and_names_no_host():
    response = probe("/ready/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert {
        "Database",
        "MigrationsApplied",
        "Storage[default]",
        "Storage[packages]",
        "Storage[private]",
    } <= set(body["checks"])
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_readiness_fails_with_503_when_redis_is_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = probe("/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["Redis"] == "failed"
    assert body["checks"]["Database"] == "ok"
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_readiness_fails_when_a_migration_is_not_applied(monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("one", False)]
    )
    response = probe("/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["MigrationsApplied"] == "failed"


def test_a_page_of_an_unknown_host_is_still_refused():
    """Only the probes skip the host check."""
    assert probe("/login/").status_code == 400


@pytest.fixture
def learner_in_a_lesson(org_a, client_a):
    learner = member(org_a)
    course = make_course(org_a, lessons=1)
    enrol(learner, course, org_a)
    client_a.force_login(learner)
    return client_a, course, course.get_lessons().get()


@override_settings(CACHES=REDIS_DOWN)
def test_with_redis_down_reading_pages_answer_and_the_cache_only_misses(
    learner_in_a_lesson,
):
    client, course, lesson = learner_in_a_lesson
    warnings = []
    handler = logging.Handler()
    handler.emit = warnings.append
    logging.getLogger("lms.cache").addHandler(handler)
    cache.set("anything", 1)  # dropped, not raised
    assert cache.get("anything") is None
    for url in (
        reverse("lms:dashboard"),
        reverse("courses:catalogue"),
        course.learn_url(),
        lesson.learn_url(),
    ):
        assert client.get(url).status_code == 200, url
    logging.getLogger("lms.cache").removeHandler(handler)
    assert warnings  # each dropped call is logged


def test_a_database_out_of_reach_answers_503_in_the_persons_language(
    client_a, monkeypatch
):
    from lms import middleware

    def unreachable(request):
        raise OperationalError("connection refused")

    monkeypatch.setattr(middleware.Site, "find_for_request", unreachable)
    client_a.raise_request_exception = False
    response = client_a.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Back in a moment" in response.content.decode()
    response = client_a.get("/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Nous revenons tout de suite" in response.content.decode()


def test_any_other_error_stays_a_500(client_a, monkeypatch):
    from lms import middleware

    def broken(request):
        raise ValueError("a bug")

    monkeypatch.setattr(middleware.Site, "find_for_request", broken)
    client_a.raise_request_exception = False
    assert client_a.get("/login/").status_code == 500


def test_statements_over_the_persons_rate_answer_429(org_a, client_a, settings):
    settings.LMS_STATEMENT_RATE = "3/m"
    cache.clear()
    learner = member(org_a)
    client_a.force_login(learner)
    statement = {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://example.org/page"},
    }

    def post():
        return client_a.post(
            reverse("courses:xapi_statements"),
            json.dumps(statement),
            content_type="application/json",
        )

    assert [post().status_code for _ in range(3)] == [200, 200, 200]
    refused = post()
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert refused.json()["error"]
    # Someone else is not limited by her.
    client_a.force_login(member(org_a))
    assert post().status_code == 200
    # Reading is not limited.
    client_a.force_login(learner)
    assert client_a.get(reverse("courses:xapi_statements")).status_code == 200


def test_the_429_is_in_french_for_a_french_speaker(org_a, client_a, settings):
    settings.LMS_STATEMENT_RATE = "1/m"
    cache.clear()
    client_a.force_login(member(org_a))
    url = reverse("courses:xapi_statements")
    client_a.post(url, "[]", content_type="application/json")
    refused = client_a.post(url, "[]", content_type="application/json")
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.json()["error"]


def test_a_body_over_the_limit_is_refused_and_changes_nothing(
    org_a, client_a, settings
):
    from courses.models import Statement

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client_a.force_login(member(org_a))
    client_a.raise_request_exception = False
    big = {"padding": "x" * 2000}
    response = client_a.post(
        reverse("courses:xapi_statements"),
        big,  # a form body, read into memory
    )
    assert response.status_code == 400
    assert not Statement.objects.exists()
