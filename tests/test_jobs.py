"""Tracked background work (lms/jobs.py): every job ends done or failed, none is
lost when the queue is away, none runs twice."""

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lms import jobs
from lms.models import BackgroundJob, Invitation, Role
from tests import jobs_kit
from tests.factories import InvitationFactory

State = BackgroundJob.State


@pytest.fixture(autouse=True)
def _no_runs():
    jobs_kit.RUNS.clear()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def queue_away(settings):
    """An RQ backend whose Redis is not there (nothing listens on its port)."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.TASKS = {
        **settings.TASKS,
        "away": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    }
    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.LMS_JOBS_BACKEND = "away"
    return settings


def test_a_job_runs_once_its_transaction_commits(
    org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.submit(jobs_kit.record, 7, organisation=org_a)
        assert jobs_kit.RUNS == []  # nothing runs before the commit
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert (job.state, job.attempts, jobs_kit.RUNS) == (State.DONE, 1, [7])


def test_a_job_queued_twice_runs_once(org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(jobs_kit.record, 1, organisation=org_a)
    assert jobs.enqueue(job)  # a second hand-over, as a sweep racing the commit
    assert jobs_kit.RUNS == [1]


def test_a_task_that_refuses_fails_its_job_with_its_message(
    org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(jobs_kit.refuse, "The file is empty.", organisation=org_a)
    job.refresh_from_db()
    assert (job.state, job.message) == (State.FAILED, "The file is empty.")
    assert job.finished_at is not None


def test_a_task_that_crashes_fails_its_job_in_the_persons_language(
    org_a, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with (
        translation.override("fr"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = jobs.submit(jobs_kit.crash, 1, organisation=org_a)
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert job.message.startswith("Une erreur inattendue")


def test_a_job_whose_worker_died_is_run_again_by_the_sweep(org_a):
    job = BackgroundJob.objects.create(
        organisation=org_a,
        task=jobs_kit.record.module_path,
        args=[3],
        state=State.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    assert jobs.sweep() == {"retried": 1, "queued": 1}
    job.refresh_from_db()
    assert (job.state, job.attempts, jobs_kit.RUNS) == (State.DONE, 2, [3])


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(org_a):
    BackgroundJob.objects.create(
        organisation=org_a,
        task=jobs_kit.record.module_path,
        args=[3],
        state=State.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now(),
    )
    assert jobs.sweep() == {}
    assert jobs_kit.RUNS == []


def test_a_job_whose_worker_died_at_every_attempt_ends_failed(org_a):
    job = BackgroundJob.objects.create(
        organisation=org_a,
        task=jobs_kit.record.module_path,
        args=[3],
        state=State.RUNNING,
        attempts=3,
        max_attempts=3,
        language="en",
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    assert jobs.sweep() == {"failed": 1}
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert "stopped 3 times" in job.message
    assert jobs_kit.RUNS == []


def test_a_failed_job_tried_again_runs_and_ends_done(
    org_a, django_capture_on_commit_callbacks
):
    job = BackgroundJob.objects.create(
        organisation=org_a,
        task=jobs_kit.record.module_path,
        args=[5],
        state=State.FAILED,
        attempts=3,
        message="stopped",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.retry(job)
        assert not jobs.retry(job)  # a second click changes nothing
    job.refresh_from_db()
    assert (job.state, job.attempts, job.message) == (State.DONE, 1, "")
    assert jobs_kit.RUNS == [5]


def test_a_job_submitted_while_the_queue_is_away_stays_pending_then_runs_once(
    org_a, queue_away, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(jobs_kit.record, 9, organisation=org_a)
    job.refresh_from_db()
    assert job.state == State.PENDING
    assert jobs.sweep() == {"still pending": 1}
    queue_away.LMS_JOBS_BACKEND = "default"  # the queue is back
    call_command("sweep_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("sweep_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    job.refresh_from_db()
    assert (job.state, jobs_kit.RUNS) == (State.DONE, [9])


@pytest.mark.django_db(transaction=True)
def test_an_invitation_made_while_the_queue_is_away_is_sent_once_later(
    client_a, org_a, coordinator_a, queue_away
):
    client_a.force_login(coordinator_a)
    response = client_a.post(
        reverse("lms:invite"),
        {
            "email": "lea@example.org",
            "role": Role.LEARNER,
            "kind": "volunteer",
            "start_date": "2026-12-01",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "partira dans quelques minutes" in response.content.decode()
    invitation = Invitation.objects.get(email="lea@example.org")
    assert mail.outbox == []
    queue_away.LMS_JOBS_BACKEND = "default"
    jobs.sweep()
    jobs.sweep()
    assert [message.to for message in mail.outbox] == [["lea@example.org"]]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_inviting_again_sends_the_email_again_through_the_outbox(
    client_a, org_a, coordinator_a, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(organisation=org_a, sent_at=timezone.now())
    client_a.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("lms:invitation_resend", args=[invitation.pk]))
    assert len(mail.outbox) == 1
    assert BackgroundJob.objects.get().state == State.DONE
