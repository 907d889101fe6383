"""Tracked background work: every job reaches a terminal state, and none is lost.

One mechanism for all of it (invitations, notices, imports, exports, packages…):

* ``submit(task, *ids)`` saves a ``BackgroundJob`` row in the caller's
  transaction and hands it to the task backend once that transaction commits
  (an outbox). If the queue (Redis) cannot be reached, the row stays
  ``pending`` and the request goes on; ``sweep()`` hands it over later.
* A worker runs ``run_background_job``: it claims the row (pending/queued →
  running, one more attempt, atomically, so a job queued twice runs once), calls
  the task, and records ``done``, or ``failed`` with a message the person
  understands. While it runs, a heartbeat thread stamps ``heartbeat_at``.
* ``sweep()`` (``manage.py sweep_jobs`` from cron, and a scheduled job of RQ's
  cron): a running job whose heartbeat stopped (its worker or work horse was
  killed) is queued again, at most ``max_attempts`` runs in all, then failed;
  pending rows, and queued ones that waited too long (a Redis that lost its
  queue), are handed to the backend again.
* ``retry(job)`` is the person's "try again" on a failed job.

Tasks stay django-tasks ``@task()`` functions taking ids, idempotent. A task
that knows why it cannot do its work raises ``JobFailed(message)``; any other
exception fails the job with a general message. ``tracked(task, on_failure=…,
on_retry=…)`` lets the owner of the work mirror the end on its own rows (the
package "failed", with the reason).
"""

import logging
import threading
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.db import close_old_connections, connections, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from lms.models.jobs import BackgroundJob

logger = logging.getLogger(__name__)

__all__ = [
    "BackgroundJob",
    "JobFailed",
    "current_job_id",
    "enqueue",
    "report_progress",
    "retry",
    "submit",
    "sweep",
    "tracked",
]

State = BackgroundJob.State

# The id of the job whose task is running in this thread, for report_progress().
current_job_id: ContextVar = ContextVar("lms_background_job", default=None)


class JobFailed(Exception):
    """Raised by a task that cannot do its work; the message is shown to the
    person as it is (write it in their language)."""


@dataclass(frozen=True)
class Tracking:
    """What the owner of a task does when its job fails or is tried again:
    ``on_failure(job)`` (``job.message`` says why) and ``on_retry(job)``."""

    on_failure: object = None
    on_retry: object = None


_tracking: dict[str, Tracking] = {}


def tracked(task_, *, on_failure=None, on_retry=None):
    """Register what happens to the owner's rows when a job of ``task_`` fails
    for good (``on_failure(job)``) or is tried again (``on_retry(job)``); called
    in the app's ``ready()``."""
    _tracking[task_.module_path] = Tracking(on_failure, on_retry)
    return task_


def submit(
    task_,
    *args,
    organisation=None,
    requested_by=None,
    run_after=None,
    max_attempts=None,
    request=None,
    waiting_note=None,
):
    """Save the job's row now and queue it once the caller's transaction commits.

    With ``request``, a person whose job could not be queued (Redis unreachable)
    reads ``waiting_note`` (or a general one): the work will run shortly."""
    if requested_by is None and request is not None and request.user.is_authenticated:
        requested_by = request.user
    job = BackgroundJob.objects.create(
        organisation=organisation,
        task=task_.module_path,
        args=list(args),
        requested_by=requested_by,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        run_after=run_after,
        max_attempts=max_attempts or settings.LMS_JOB_MAX_ATTEMPTS,
    )
    transaction.on_commit(partial(_enqueue_committed, job.pk, request, waiting_note))
    return job


def _enqueue_committed(job_id, request, waiting_note):
    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None or enqueue(job) or request is None:
        return
    messages.info(
        request,
        waiting_note
        or _("This will be done in a few minutes: it is waiting for its turn."),
    )


def _backend():
    return task_backends[settings.LMS_JOBS_BACKEND]


def enqueue(job):
    """Hand the job to the task backend; whether it could. A job that cannot be
    handed over stays pending for the sweep. Queueing a job twice is harmless:
    only one run claims it."""
    task_ = import_string(job.task)
    backend = _backend()
    immediate = isinstance(backend, ImmediateBackend)
    runner = run_background_job.using(
        backend=settings.LMS_JOBS_BACKEND,
        queue_name=task_.queue_name,
        priority=task_.priority,
        run_after=None if immediate else job.run_after,
    )
    if not immediate:
        # Marked queued first: the worker may claim it before enqueue() returns.
        BackgroundJob.objects.filter(
            pk=job.pk, state__in=[State.PENDING, State.QUEUED]
        ).update(state=State.QUEUED, enqueued_at=timezone.now())
    try:
        runner.enqueue(job.pk, not immediate)
    except _queue_errors() as error:
        logger.warning(
            "Job %s stays pending: the queue is unreachable (%s)", job, error
        )
        BackgroundJob.objects.filter(pk=job.pk, state=State.QUEUED).update(
            state=State.PENDING
        )
        return False
    return True


def _queue_errors():
    from redis.exceptions import RedisError

    return (RedisError, OSError)


@task()
def run_background_job(job_id: int, heartbeat: bool = False) -> str:
    """Run one tracked job once: claim it, call its task, record how it ended."""
    now = timezone.now()
    claimed = (
        BackgroundJob.objects.filter(pk=job_id, state__in=[State.PENDING, State.QUEUED])
        .filter(attempts__lt=F("max_attempts"))
        .update(
            state=State.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
        )
    )
    if not claimed:
        return "skipped"
    job = BackgroundJob.objects.get(pk=job_id)
    beat = _Heartbeat(job.pk) if heartbeat else None
    token = current_job_id.set(job.pk)
    try:
        if beat:
            beat.start()
        import_string(job.task).call(*job.args)
    except JobFailed as failure:
        fail(job, str(failure))
        return State.FAILED
    except Exception:
        logger.exception("Background job %s stopped on an error", job)
        with translation.override(job.language or None):
            fail(
                job,
                _(
                    "This stopped on an unexpected error and nothing was changed. "
                    "Try again; if it fails again, tell the people who run "
                    "the platform."
                ),
            )
        return State.FAILED
    finally:
        current_job_id.reset(token)
        if beat:
            beat.stop()
    BackgroundJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
        state=State.DONE, finished_at=timezone.now(), message=""
    )
    return State.DONE


class _Heartbeat(threading.Thread):
    """Stamps the running job's ``heartbeat_at``: it stops when the process dies,
    which is how the sweep tells a dead worker from a slow job."""

    def __init__(self, job_id):
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(settings.LMS_JOB_HEARTBEAT):
                close_old_connections()
                BackgroundJob.objects.filter(
                    pk=self.job_id, state=State.RUNNING
                ).update(heartbeat_at=timezone.now())
        finally:
            connections.close_all()

    def stop(self):
        self.stopped.set()
        self.join(timeout=settings.LMS_JOB_HEARTBEAT + 5)


def report_progress(done, total):
    """From inside a running task: how far it got (and a heartbeat)."""
    job_id = current_job_id.get()
    if job_id is not None:
        BackgroundJob.objects.filter(pk=job_id, state=State.RUNNING).update(
            done=done, total=total, heartbeat_at=timezone.now()
        )


def fail(job, message):
    """End a running job as failed with ``message``, then tell its owner."""
    ended = BackgroundJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
        state=State.FAILED, message=message, finished_at=timezone.now()
    )
    if not ended:
        return False
    job.refresh_from_db()
    hook = _tracking.get(job.task, Tracking()).on_failure
    if hook is not None:
        with translation.override(job.language or None):
            hook(job)
    return True


def retry(job):
    """Try a failed job again (the person's button): whether it was failed."""
    restarted = BackgroundJob.objects.filter(pk=job.pk, state=State.FAILED).update(
        state=State.PENDING,
        attempts=0,
        message="",
        done=0,
        total=0,
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
    )
    if not restarted:
        return False
    job.refresh_from_db()
    hook = _tracking.get(job.task, Tracking()).on_retry
    if hook is not None:
        hook(job)
    transaction.on_commit(partial(_enqueue_committed, job.pk, None, None))
    return True


def sweep(now=None):
    """Reclaim the jobs of dead workers and hand every waiting job to the queue.
    Safe to run at any time and from several hosts; returns what it did."""
    now = now or timezone.now()
    counts = Counter()
    stale = now - timedelta(seconds=settings.LMS_JOB_STALE_AFTER)
    for job in BackgroundJob.objects.filter(
        state=State.RUNNING, heartbeat_at__lt=stale
    ):
        if job.attempts < job.max_attempts:
            counts["retried"] += BackgroundJob.objects.filter(
                pk=job.pk, state=State.RUNNING, heartbeat_at=job.heartbeat_at
            ).update(state=State.PENDING, heartbeat_at=None)
        else:
            with translation.override(job.language or None):
                counts["failed"] += fail(
                    job,
                    _(
                        "This stopped %(count)s times before it could finish "
                        "(the server running it was interrupted). Try again; if it "
                        "stops again, tell the people who run the platform."
                    )
                    % {"count": job.attempts},
                )
    waited = now - timedelta(seconds=settings.LMS_JOB_REQUEUE_AFTER)
    waiting = BackgroundJob.objects.filter(
        Q(state=State.PENDING) | Q(state=State.QUEUED, enqueued_at__lt=waited)
    ).order_by("created_at")
    for job in waiting:
        counts["queued" if enqueue(job) else "still pending"] += 1
    return dict(counts)


@task()
def sweep_jobs() -> dict:
    """The sweep, as a task for RQ's cron (see ``lms/cron.py``)."""
    return sweep()
