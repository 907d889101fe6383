"""The row of one piece of tracked background work: the truth about it.

``lms.jobs`` writes it (submit, run, sweep, retry); the pages of the work it does
(an import, a package, an export) read its state, message and progress.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Site

from .scoping import OrganisationQuerySet


class BackgroundJobQuerySet(OrganisationQuerySet):
    def unfinished(self):
        return self.exclude(state__in=BackgroundJob.FINISHED)


class BackgroundJob(models.Model):
    """One call of a django-tasks task (by its path, with ids as arguments), from
    the moment it is asked for to its end: pending (saved, not yet handed to the
    queue) → queued → running → done | failed. A worker that dies leaves it
    running with a stale ``heartbeat_at``: the sweep queues it again, at most
    ``max_attempts`` times in all, then fails it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Will start shortly")
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    FINISHED = (State.DONE, State.FAILED)

    organisation = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    task = models.CharField(max_length=200)  # the task's module path
    args = models.JSONField(default=list)  # ids, never objects
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    # Why it failed, written in the language of the person who asked for it.
    message = models.TextField(blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(max_length=10, blank=True)
    run_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attempts__lte=models.F("max_attempts")),
                name="lms_backgroundjob_attempts_bounded",
            )
        ]

    def __str__(self):
        return f"{self.task} {self.args} ({self.state})"

    @property
    def finished(self):
        return self.state in self.FINISHED

    @property
    def failed(self):
        return self.state == self.State.FAILED

    @property
    def percent(self):
        return int(100 * self.done / self.total) if self.total else 0
