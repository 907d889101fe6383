"""Forwarding statements to an organisation's LRS: against Ralph, a real LRS run
on loopback (tests/ralph_kit.py), through the outbox and the background jobs."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from courses.learning import enrol
from courses.models import Statement
from courses.statements import Authority, platform_statement_id, record_statement
from lms.models import Role
from lms.models.jobs import BackgroundJob
from lms.xapi_forwarding import outbox
from lms.xapi_forwarding.models import ActorMode, LrsEndpoint, OutgoingStatement
from tests import ralph_kit
from tests.factories import make_course, member

State = OutgoingStatement.State

needs_ralph = pytest.mark.skipif(
    not ralph_kit.RALPH.exists(),
    reason="Ralph (the LRS) is not installed: `make ralph` puts it in var/ralph-venv",
)


@pytest.fixture
def ralph(tmp_path):
    """An empty LRS per test: the database's ids start over in each test, and
    platform statement ids derive from them."""
    server = ralph_kit.Ralph(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _lrs_on_loopback(settings):
    settings.LMS_XAPI_ALLOW_PRIVATE_ADDRESSES = True
    settings.LMS_XAPI_BACKOFF = 0  # the sweep may try again at once
    settings.LMS_XAPI_BATCH_SIZE = 3  # several batches with a few statements


def endpoint_for(organisation, url, **fields):
    return LrsEndpoint.objects.create(
        organisation=organisation,
        name=fields.pop("name", "Ralph"),
        url=url,
        key=ralph_kit.KEY,
        secret=ralph_kit.SECRET,
        **fields,
    )


def complete(user, organisation, lesson):
    """The lesson's "done" button."""
    statement, _created = record_statement(
        actor=user,
        organisation=organisation,
        verb="completed",
        object_id=f"urn:relais:lesson:{lesson.pk}",
        authority=Authority.PLATFORM,
    )
    return statement


def learning(organisation, lessons=3):
    learner = member(organisation, Role.LEARNER, user__email="fatou@example.org")
    course = make_course(organisation, lessons=lessons)
    enrol(learner, course, organisation)
    return learner, list(course.get_lessons())


def ids_of(learner):
    return {
        str(pk)
        for pk in Statement.objects.filter(actor=learner).values_list("pk", flat=True)
    }


@needs_ralph
def test_a_learners_statements_arrive_at_the_lrs_with_their_ids_and_no_email(
    org_a, ralph, django_capture_on_commit_callbacks
):
    endpoint_for(org_a, ralph.url, actor_mode=ActorMode.ACCOUNT)
    learner, lessons = learning(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            complete(learner, org_a, lesson)

    sent = ids_of(learner)
    assert len(sent) >= len(lessons)  # the lessons, and the course completed
    for statement_id in sent:
        stored = ralph.statement(statement_id)
        assert stored["id"] == statement_id
        assert stored["actor"]["account"]["homePage"] == org_a.root_url
        assert "fatou" not in str(stored) and "mbox" not in stored["actor"]
    assert not OutgoingStatement.objects.exclude(state=State.DELIVERED).exists()


@needs_ralph
def test_nothing_is_lost_or_doubled_when_the_lrs_stops_and_comes_back(
    org_a, ralph, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(org_a, ralph.url)
    learner, lessons = learning(org_a, lessons=6)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[:2]:
            complete(learner, org_a, lesson)
    before = set(ralph.all_ids())
    assert ids_of(learner) <= before

    ralph.stop()
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[2:]:
            complete(learner, org_a, lesson)
    waiting = OutgoingStatement.objects.filter(endpoint=endpoint, state=State.PENDING)
    assert waiting.count() >= 4
    endpoint.refresh_from_db()
    assert endpoint.failures >= 1 and "could not be reached" in endpoint.last_error

    ralph.start()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("forward_xapi_statements")
    held = ralph.all_ids()
    mine = [statement_id for statement_id in held if statement_id in ids_of(learner)]
    assert sorted(mine) == sorted(ids_of(learner))  # every one, once
    assert not waiting.exists()
    # In her order: the LRS stored them as she recorded them.
    recorded = Statement.objects.filter(actor=learner).order_by("timestamp", "stored")
    stored = [
        ralph.statement(str(pk))["stored"]
        for pk in recorded.values_list("pk", flat=True)
    ]
    assert stored == sorted(stored)
    endpoint.refresh_from_db()
    assert endpoint.failures == 0 and endpoint.retry_at is None


@needs_ralph
def test_statements_recorded_while_redis_is_away_reach_the_lrs_once_it_is_back(
    org_a, ralph, settings, django_capture_on_commit_callbacks
):
    # The job queue's Redis: nothing listens on its port.
    settings.TASKS = {
        **settings.TASKS,
        "away": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    }
    settings.RQ_QUEUES = {
        "default": {"URL": f"redis://127.0.0.1:{ralph_kit.free_port()}/0"}
    }
    settings.LMS_JOBS_BACKEND = "away"
    endpoint_for(org_a, ralph.url)
    learner, lessons = learning(org_a, lessons=2)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            complete(learner, org_a, lesson)
    assert OutgoingStatement.objects.filter(state=State.PENDING).count() >= 2
    assert BackgroundJob.objects.get().state == BackgroundJob.State.PENDING

    settings.LMS_JOBS_BACKEND = "default"  # Redis is back
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_jobs")
    assert not OutgoingStatement.objects.exclude(state=State.DELIVERED).exists()
    held = ralph.all_ids()
    assert all(held.count(statement_id) == 1 for statement_id in ids_of(learner))


@needs_ralph
def test_a_statement_sent_again_after_a_lost_answer_is_delivered_once(
    org_a, ralph, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(org_a, ralph.url)
    learner, lessons = learning(org_a, lessons=2)
    with django_capture_on_commit_callbacks(execute=True):
        statement = complete(learner, org_a, lessons[0])
    # The worker died after the LRS took it, before it wrote "delivered".
    OutgoingStatement.objects.filter(statement=statement).update(state=State.PENDING)

    assert outbox.deliver(endpoint.pk) == 1
    assert ralph.all_ids().count(str(statement.pk)) == 1


@needs_ralph
def test_an_lrs_holding_another_statement_under_the_id_makes_it_a_dead_letter(
    org_a, ralph, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(org_a, ralph.url)
    learner, lessons = learning(org_a, lessons=2)
    taken = str(platform_statement_id(learner, "lesson-1"))
    ralph.post(
        [
            {
                "id": taken,
                "actor": {"account": {"homePage": "https://x.test", "name": "x"}},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": "urn:other:thing"},
            }
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_statement(
            actor=learner,
            organisation=org_a,
            verb="completed",
            object_id=f"urn:relais:lesson:{lessons[0].pk}",
            statement_id="lesson-1",
            authority=Authority.PLATFORM,
        )
        complete(learner, org_a, lessons[1])
    dead = OutgoingStatement.objects.get(endpoint=endpoint, statement_id=taken)
    assert dead.state == State.DEAD and "409" in dead.last_error
    # The other one, behind it in the same batch, went through.
    assert OutgoingStatement.objects.filter(
        endpoint=endpoint, state=State.DELIVERED
    ).exists()


@needs_ralph
def test_dead_letters_after_too_many_attempts_are_replayed_by_the_command(
    org_a, ralph, settings, django_capture_on_commit_callbacks
):
    settings.LMS_XAPI_MAX_ATTEMPTS = 2
    nowhere = f"http://127.0.0.1:{ralph_kit.free_port()}/xAPI/"
    endpoint = endpoint_for(org_a, nowhere)
    learner, lessons = learning(org_a, lessons=2)
    with django_capture_on_commit_callbacks(execute=True):
        statement = complete(learner, org_a, lessons[0])
    with django_capture_on_commit_callbacks(execute=True):
        outbox.sweep()  # the second attempt
    row = OutgoingStatement.objects.get(statement=statement)
    assert (row.state, row.attempts) == (State.DEAD, 2)

    LrsEndpoint.objects.filter(pk=endpoint.pk).update(url=ralph.url)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("replay_xapi_dead_letters", str(endpoint.pk))
    row.refresh_from_db()
    assert row.state == State.DELIVERED
    assert ralph.statement(str(statement.pk))["id"] == str(statement.pk)


def test_only_the_verbs_and_activity_types_chosen_are_queued(org_a):
    wanted = endpoint_for(
        org_a, "https://lrs.example/xAPI/", verbs="passed", activity_types="course"
    )
    everything = endpoint_for(org_a, "https://lrs.example/xAPI/", name="All")
    learner, lessons = learning(org_a, lessons=1)
    complete(learner, org_a, lessons[0])
    assert not OutgoingStatement.objects.filter(endpoint=wanted).exists()
    assert OutgoingStatement.objects.filter(endpoint=everything).exists()


def test_a_learners_own_report_and_another_organisations_statement_are_not_queued(
    org_a, org_b
):
    endpoint_for(org_b, "https://lrs.example/xAPI/")
    learner, lessons = learning(org_a, lessons=1)
    record_statement(
        actor=learner,
        organisation=org_a,
        verb="experienced",
        object_id=f"urn:relais:lesson:{lessons[0].pk}",
    )
    complete(learner, org_a, lessons[0])
    assert not OutgoingStatement.objects.exists()


def test_pseudonymous_ids_differ_between_endpoints_and_stay_stable(org_a):
    from lms.xapi_forwarding.statements import actor

    one = endpoint_for(org_a, "https://one.example/xAPI/", name="One")
    two = endpoint_for(org_a, "https://two.example/xAPI/", name="Two")
    learner, lessons = learning(org_a, lessons=1)
    statement = complete(learner, org_a, lessons[0])
    assert actor(one, statement) == actor(one, statement)
    assert actor(one, statement) != actor(two, statement)
    assert learner.email not in str(actor(one, statement))


def test_a_private_address_is_refused_unless_the_operator_allows_it(
    org_a, settings, django_capture_on_commit_callbacks
):
    settings.LMS_XAPI_ALLOW_PRIVATE_ADDRESSES = False
    endpoint = endpoint_for(org_a, "http://127.0.0.1:6379/xAPI/")
    learner, lessons = learning(org_a, lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, org_a, lessons[0])
    endpoint.refresh_from_db()
    assert "private address" in endpoint.last_error
    assert not OutgoingStatement.objects.filter(state=State.DELIVERED).exists()


def test_a_waiting_delivery_job_is_not_submitted_twice(org_a):
    endpoint = endpoint_for(org_a, "https://lrs.example/xAPI/")
    learner, lessons = learning(org_a, lessons=2)
    for lesson in lessons:  # no commit: the first job is still pending
        complete(learner, org_a, lesson)
    assert OutgoingStatement.objects.filter(endpoint=endpoint).count() >= 2
    assert BackgroundJob.objects.filter(args=[endpoint.pk]).count() == 1


# The admin: the organisation's admin only, in her organisation only.


def admin_client(client, organisation, role=Role.ADMIN):
    client.force_login(member(organisation, role))
    client.defaults["HTTP_HOST"] = organisation.hostname
    return client


def test_the_admin_adds_an_endpoint_and_never_sees_its_secret_again(org_a, client):
    client = admin_client(client, org_a)
    answer = client.post(
        reverse("wagtailsnippets_xapi_forwarding_lrsendpoint:add"),
        {
            "name": "Fédération",
            "url": "https://lrs.example/xAPI/",
            "key": "k",
            "secret": "very-secret",
            "actor_mode": "pseudonymous",
            "verbs": "completed",
            "activity_types": "lesson, course",
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    endpoint = LrsEndpoint.objects.get()
    assert (endpoint.organisation, endpoint.secret) == (org_a, "very-secret")
    page = client.get(
        reverse("wagtailsnippets_xapi_forwarding_lrsendpoint:edit", args=[endpoint.pk])
    )
    assert page.status_code == 200 and b"very-secret" not in page.content


def test_an_unknown_activity_type_is_refused_and_nothing_saved(org_a, client):
    client = admin_client(client, org_a)
    answer = client.post(
        reverse("wagtailsnippets_xapi_forwarding_lrsendpoint:add"),
        {
            "name": "F",
            "url": "https://lrs.example/xAPI/",
            "key": "k",
            "secret": "s",
            "actor_mode": "account",
            "activity_types": "lessons",
        },
    )
    assert answer.status_code == 200 and "lessons" in answer.content.decode()
    assert not LrsEndpoint.objects.exists()


def test_another_organisations_admin_cannot_see_or_replay_an_endpoint(
    org_a, org_b, client
):
    endpoint = endpoint_for(org_a, "https://lrs.example/xAPI/")
    client = admin_client(client, org_b)
    for name in ("edit", "replay"):
        url = reverse(
            f"wagtailsnippets_xapi_forwarding_lrsendpoint:{name}", args=[endpoint.pk]
        )
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    listing = client.get(reverse("wagtailsnippets_xapi_forwarding_lrsendpoint:list"))
    assert b"lrs.example" not in listing.content


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.COORDINATOR])
def test_only_the_organisation_admin_manages_endpoints(org_a, client, role):
    endpoint = endpoint_for(org_a, "https://lrs.example/xAPI/")
    client = admin_client(client, org_a, role)
    replay = reverse(
        "wagtailsnippets_xapi_forwarding_lrsendpoint:replay", args=[endpoint.pk]
    )
    assert client.post(replay).status_code in (302, 403)
    assert client.get(replay).status_code != 200


def test_the_admin_replays_dead_letters(
    org_a, client, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(org_a, "https://lrs.example/xAPI/", is_active=False)
    learner, lessons = learning(org_a, lessons=1)
    statement = complete(learner, org_a, lessons[0])
    OutgoingStatement.objects.create(
        endpoint=endpoint, statement=statement, state=State.DEAD, attempts=12
    )
    client = admin_client(client, org_a)
    replay = reverse(
        "wagtailsnippets_xapi_forwarding_lrsendpoint:replay", args=[endpoint.pk]
    )
    page = client.get(replay)
    assert page.status_code == 200 and str(statement.pk) in page.content.decode()
    assert client.post(replay).status_code == 302
    row = OutgoingStatement.objects.get()
    assert (row.state, row.attempts) == (State.PENDING, 0)


@needs_ralph
def test_the_statement_an_lrs_stores_is_recognised_as_the_one_sent(
    org_a, ralph, django_capture_on_commit_callbacks
):
    """What a 409 leads to: Relais compares its statement with the LRS's (which
    adds ``stored``, ``authority`` and rewrites the timestamp)."""
    from lms.xapi_forwarding.statements import as_xapi, same_statement

    endpoint = endpoint_for(org_a, ralph.url)
    learner, lessons = learning(org_a, lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        statement, _created = record_statement(
            actor=learner,
            organisation=org_a,
            verb="experienced",
            object_id=f"urn:relais:lesson:{lessons[0].pk}",
            result={"score": {"scaled": 0.8}, "success": True},
            context={"extensions": {"urn:relais:attempt": "7"}},
            authority=Authority.PLATFORM,
        )
    sent = as_xapi(endpoint, statement)
    stored = ralph.statement(str(statement.pk))
    assert stored["stored"] and same_statement(sent, stored)
    assert not same_statement({**sent, "result": {"success": False}}, stored)
    other = LrsEndpoint(organisation=org_a, salt="another")
    assert not same_statement(as_xapi(other, statement), stored)


@needs_ralph
def test_one_delivery_at_a_time_per_endpoint_and_a_dead_workers_lease_runs_out(
    org_a, ralph
):
    from datetime import timedelta

    from django.utils import timezone

    endpoint = endpoint_for(org_a, ralph.url)
    learner, lessons = learning(org_a, lessons=2)
    for lesson in lessons:  # no commit: their job has not run
        complete(learner, org_a, lesson)
    held_until = timezone.now() + timedelta(minutes=5)
    LrsEndpoint.objects.filter(pk=endpoint.pk).update(lease_until=held_until)
    assert outbox.deliver(endpoint.pk) == 0  # another delivery is sending
    assert not OutgoingStatement.objects.exclude(state=State.PENDING).exists()

    # That worker died: once its lease is over, the next delivery sends it all.
    assert outbox.deliver(endpoint.pk, now=held_until + timedelta(seconds=1)) >= 2
    assert not OutgoingStatement.objects.exclude(state=State.DELIVERED).exists()
    endpoint.refresh_from_db()
    assert endpoint.lease_until is None


def test_the_sweep_deletes_rows_delivered_long_ago_and_keeps_the_others(org_a):
    from datetime import timedelta

    from django.utils import timezone

    endpoint = endpoint_for(org_a, "https://lrs.example/xAPI/", is_active=False)
    learner, lessons = learning(org_a, lessons=2)
    old, recent = (complete(learner, org_a, lesson) for lesson in lessons)
    now = timezone.now()
    for statement, days in ((old, 31), (recent, 29)):
        OutgoingStatement.objects.create(
            endpoint=endpoint,
            statement=statement,
            state=State.DELIVERED,
            delivered_at=now - timedelta(days=days),
        )
    outbox.sweep(now=now)
    assert list(OutgoingStatement.objects.values_list("statement", flat=True)) == [
        recent.pk
    ]
