"""Faults lose nothing (issue 22, acceptance 1 and 2): a worker killed during a
job, a package damaged in transit or on purpose, Redis stopped in the middle.

The worker tests start real ``rqworker`` processes on the test database and
SIGKILL them (the whole worker, or only its work horse) while a job runs; the
job is held running by a row lock the test takes on what the task writes. The
outage test runs its own ``redis-server`` on a free port: the machine's shared
Redis is never stopped.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse

from lms import jobs
from lms.models import BackgroundJob, Invitation, Role
from relais_h5p.models import H5PContent
from relais_h5p.tasks import process_package as process_h5p
from relais_scorm.models import ScormPackage
from relais_scorm.tasks import process_package as process_scorm
from relais_skills.csvframework import HEADER
from relais_skills.models import Framework, Job
from tests import damaged_zips, h5p_packages, scorm_kit
from tests.factories import make_course, member

ROOT = Path(__file__).resolve().parents[1]
State = BackgroundJob.State
CSV = (",".join(HEADER) + "\ngroup,,Accueil,,,,\nskill,,Écouter,Accueil,,,\n").encode()


def needs_redis(test):
    """Marked ``redis`` (the PostgreSQL + Redis leg of CI), skipped without it."""
    test = pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs REDIS_URL (a real Redis)"
    )(test)
    return pytest.mark.redis(test)


def wait_for(condition, what, timeout=90, every=0.2):
    """Poll ``condition`` until it holds; fail saying ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}")


# -- Damaged archives (any database) ------------------------------------------

H5P_DAMAGE = [
    (
        "crc",
        lambda data: damaged_zips.bad_crc(data, "content/content.json"),
        "endommagé",
    ),
    ("overlap", damaged_zips.overlapping, "chevauche"),
    ("encrypted", lambda data: damaged_zips.encrypted(data, "h5p.json"), "chiffré"),
]
SCORM_DAMAGE = [
    ("crc", lambda data: damaged_zips.bad_crc(data, "sco1.html"), "endommagé"),
    ("overlap", damaged_zips.overlapping, "chevauche"),
    ("encrypted", lambda data: damaged_zips.encrypted(data, "sco1.html"), "chiffré"),
]


@pytest.mark.parametrize(
    "damage, reason", [case[1:] for case in H5P_DAMAGE], ids=[c[0] for c in H5P_DAMAGE]
)
def test_a_damaged_h5p_package_ends_failed_with_its_reason(
    org_a, damage, reason, django_capture_on_commit_callbacks
):
    data = damage(h5p_packages.package())
    content = H5PContent.objects.create(
        organisation=org_a, title="Abîmé", package=ContentFile(data, name="a.h5p")
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(process_h5p, content.pk, organisation=org_a)
    content.refresh_from_db()
    job.refresh_from_db()
    assert content.status == H5PContent.Status.FAILED
    assert reason in content.error, content.error
    assert job.finished


@pytest.mark.parametrize(
    "damage, reason",
    [case[1:] for case in SCORM_DAMAGE],
    ids=[c[0] for c in SCORM_DAMAGE],
)
def test_a_damaged_scorm_package_ends_failed_with_its_reason(
    org_a, damage, reason, django_capture_on_commit_callbacks
):
    data = damage(scorm_kit.scorm12())
    package = ScormPackage.objects.create(
        organisation=org_a, title="Abîmé", package=ContentFile(data, name="m.zip")
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(process_scorm, package.pk, organisation=org_a)
    package.refresh_from_db()
    job.refresh_from_db()
    assert package.status == ScormPackage.Status.FAILED
    assert reason in package.error, package.error
    assert job.finished


def test_a_package_whose_task_crashes_ends_failed_not_processing(
    org_a, django_capture_on_commit_callbacks, monkeypatch
):
    """Any error the task did not foresee still ends the package, with a reason."""
    from relais_h5p import packages

    def crash(*args, **kwargs):
        raise KeyError("library")

    monkeypatch.setattr(packages, "inspect", crash)
    content = H5PContent.objects.create(
        organisation=org_a,
        title="Plante",
        package=ContentFile(h5p_packages.package(), name="a.h5p"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(process_h5p, content.pk, organisation=org_a)
    content.refresh_from_db()
    job.refresh_from_db()
    assert (job.state, content.status) == (State.FAILED, H5PContent.Status.FAILED)
    assert content.error == job.message != ""


# -- A real worker killed during a job (PostgreSQL + Redis) --------------------


def _database_url():
    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}"
        f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}"
    )


class Workers:
    """``manage.py rqworker`` processes on the test database, each in its own
    process group (worker and work horse), all killed at the end."""

    def __init__(self, redis_url):
        self.redis_url = redis_url
        self.started = []

    def start(self, *extra):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": self.redis_url,
            "LMS_JOB_HEARTBEAT": "0.5",
        }
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "rqworker",
                "--job-class",
                "django_tasks_rq.Job",
                *extra,
                "default",
                "high",
                "low",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.started.append(worker)
        return worker

    def kill(self, worker):
        """SIGKILL the worker and its work horse, as a host that goes down does
        (the horse has a session of its own: killing the worker's leaves it)."""
        horse = self.horse(worker)
        os.killpg(worker.pid, signal.SIGKILL)
        os.kill(horse, signal.SIGKILL)
        worker.wait(timeout=30)

    def kill_horse(self, worker):
        """SIGKILL only the work horse (the fork running the job)."""
        os.kill(self.horse(worker), signal.SIGKILL)

    def horse(self, worker):
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
        return int(wait_for(lambda: children.read_text().split(), "the horse")[0])

    def stop_all(self):
        for worker in self.started:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)


@pytest.fixture
def workers(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes need a shared database (PostgreSQL)")
    import django_rq

    settings.LMS_JOBS_BACKEND = "rq"
    settings.LMS_JOB_STALE_AFTER = 3
    for name in settings.TASK_QUEUES:
        django_rq.get_queue(name).empty()
    pool = Workers(settings.REDIS_URL)
    yield pool
    pool.stop_all()


def _sweep_until_finished(job):
    """What cron does every minute, here as often as needed: the job of the
    killed worker is queued again once its heartbeat is stale."""

    def finished():
        jobs.sweep()
        job.refresh_from_db()
        return job.finished

    wait_for(finished, f"{job} to finish", every=0.5)


def _running(job):
    def running():
        job.refresh_from_db()
        return job.state == State.RUNNING

    wait_for(running, f"{job} to run")


@pytest.fixture
def skills_org(org_a, enable_plugin):
    enable_plugin(org_a, "skills")
    return org_a


@needs_redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_skills_import_whose_worker_is_killed_is_retried_and_done_once(
    client_a, skills_org, workers
):
    client_a.force_login(member(skills_org, Role.COORDINATOR))
    response = client_a.post(
        reverse("skills_import_csv"),
        {"file": SimpleUploadedFile("f.csv", CSV), "new_name": "Accueil"},
    )
    assert response.status_code == 302
    job = Job.objects.get()
    background = BackgroundJob.objects.get()
    with transaction.atomic():
        # The task's first write on its job waits for this lock: it runs, held.
        Job.objects.select_for_update().get(pk=job.pk)
        worker = workers.start()
        _running(background)
        workers.kill(worker)
    workers.start()
    _sweep_until_finished(background)
    job.refresh_from_db()
    assert (background.state, background.attempts) == (State.DONE, 2)
    assert job.status == Job.Status.DONE, job.messages
    assert Framework.objects.filter(name="Accueil").count() == 1


@needs_redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_export_whose_work_horse_is_killed_is_retried_and_done(
    client_a, skills_org, workers, settings
):
    settings.LMS_SKILLS_EXPORT_INLINE_ROWS = 0
    client_a.force_login(member(skills_org, Role.COORDINATOR))
    response = client_a.get(reverse("skills_matrix"), {"export": "xlsx"})
    assert response.status_code == 302
    job = Job.objects.get()
    background = BackgroundJob.objects.get()
    with transaction.atomic():
        Job.objects.select_for_update().get(pk=job.pk)
        worker = workers.start()
        _running(background)
        workers.kill_horse(worker)  # the worker itself lives on
    _sweep_until_finished(background)
    job.refresh_from_db()
    assert (background.state, background.attempts) == (State.DONE, 2)
    assert job.status == Job.Status.DONE and job.result


@needs_redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_package_whose_worker_is_killed_is_retried_and_ready(org_a, workers):
    content = H5PContent.objects.create(
        organisation=org_a,
        title="Activité",
        package=ContentFile(h5p_packages.package(), name="a.h5p"),
    )
    background = jobs.submit(process_h5p, content.pk, organisation=org_a)
    with transaction.atomic():
        # The task's last write (the content ready) waits for this lock.
        H5PContent.objects.select_for_update().get(pk=content.pk)
        worker = workers.start()
        _running(background)
        workers.kill(worker)
    workers.start()
    _sweep_until_finished(background)
    content.refresh_from_db()
    assert (background.state, background.attempts) == (State.DONE, 2)
    assert content.status == H5PContent.Status.READY, content.error


@needs_redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_package_whose_worker_dies_at_every_attempt_ends_failed_with_a_reason(
    org_a, workers
):
    package = ScormPackage.objects.create(
        organisation=org_a,
        title="Module",
        package=ContentFile(scorm_kit.scorm12(), name="m.zip"),
    )
    background = jobs.submit(process_scorm, package.pk, max_attempts=1)
    with transaction.atomic():
        ScormPackage.objects.select_for_update().get(pk=package.pk)
        worker = workers.start()
        _running(background)
        workers.kill(worker)
    _sweep_until_finished(background)
    package.refresh_from_db()
    assert background.state == State.FAILED
    assert package.status == ScormPackage.Status.FAILED
    assert package.error == background.message != ""


# -- Redis stopped in the middle -----------------------------------------------


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of this test alone, on a free port, without persistence."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _answers(client), "redis-server to start", timeout=30)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def _answers(client):
    try:
        return client.ping()
    except Exception:  # not up yet, whatever the error
        return False


@needs_redis
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_stopped_pages_answer_and_work_waits_then_runs_once(
    client_a, skills_org, settings, tmp_path
):
    import django_rq
    from django_tasks_rq.backend import Job as RQJob
    from rq import SimpleWorker

    own = OwnRedis(tmp_path)
    own.start()
    settings.RQ_QUEUES = {name: {"URL": own.url} for name in settings.TASK_QUEUES}
    # The install's own cache, on this Redis: reading pages must live without it.
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": own.url,
            "KEY_PREFIX": "x",
        }
    }
    settings.LMS_JOBS_BACKEND = "rq"
    course = make_course(skills_org, lessons=1)
    lesson = course.get_lessons().first()
    coordinator = member(skills_org, Role.COORDINATOR)
    learner = member(skills_org, Role.LEARNER)
    try:
        own.stop()  # Redis goes away

        client_a.force_login(learner)
        assert client_a.get(reverse("lms:dashboard")).status_code == 200
        assert client_a.get(lesson.url, follow=True).status_code == 200

        client_a.force_login(coordinator)
        assert client_a.get(reverse("lms:dashboard")).status_code == 200
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
        response = client_a.post(
            reverse("skills_import_csv"),
            {"file": SimpleUploadedFile("f.csv", CSV), "new_name": "Accueil"},
        )
        assert response.status_code == 302
        assert set(BackgroundJob.objects.values_list("state", flat=True)) == {
            State.PENDING
        }
        assert jobs.sweep() == {"still pending": 2}  # cron, while Redis is away
        assert mail.outbox == []

        own.start()  # Redis is back, empty
        assert jobs.sweep() == {"queued": 2}
        assert jobs.sweep() == {}  # queued once, not again
        queues = [django_rq.get_queue(name) for name in settings.TASK_QUEUES]
        worker = SimpleWorker(queues, connection=queues[0].connection, job_class=RQJob)
        worker.work(burst=True)
        worker.work(burst=True)
    finally:
        if own.process.poll() is None:
            own.stop()

    assert [message.to for message in mail.outbox] == [["lea@example.org"]]
    assert Invitation.objects.get().sent_at is not None
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.messages
    assert Framework.objects.filter(name="Accueil").count() == 1
    assert list(BackgroundJob.objects.values_list("state", "attempts")) == [
        (State.DONE, 1),
        (State.DONE, 1),
    ]
