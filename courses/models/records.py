"""The learning-record store and the progress it drives.

Statements are the only input: plugins record statements (``courses.statements``) and
never write the progress tables below, which the completion engine maintains from
the statements the platform vouches for (``Statement.authority``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from courses.statements import VERBS, Authority


class Statement(models.Model):
    """One learning event, in xAPI vocabulary. Its id makes recording idempotent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="statements"
    )
    verb = models.CharField(max_length=200)
    object_id = models.CharField(max_length=300)
    result = models.JSONField(null=True, blank=True)
    context = models.JSONField(null=True, blank=True)
    timestamp = models.DateTimeField()
    stored = models.DateTimeField(auto_now_add=True)
    # Who vouches for it: only the platform's statements count towards progress.
    authority = models.CharField(
        max_length=20, choices=Authority.choices, default=Authority.LEARNER
    )

    class Meta:
        ordering = ["timestamp"]
        indexes = [models.Index(fields=["actor", "object_id"])]
        constraints = [
            # A learner completes a course once: however many requests race to
            # finish it, the platform records one "completed" for it.
            models.UniqueConstraint(
                fields=["actor", "object_id"],
                condition=models.Q(
                    authority=Authority.PLATFORM,
                    verb=VERBS["completed"],
                    object_id__startswith="urn:relais:course:",
                ),
                name="courses_course_completed_once",
            )
        ]

    def __str__(self):
        return f"{self.actor_id} {self.verb.rsplit('/', 1)[-1]} {self.object_id}"


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="enrolments"
    )
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.LessonPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="courses_enrol_once"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="courses_progress_max_100"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.course_id}"


class LessonProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="courses_lesson_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id} in {self.lesson_id}"


class ActivityCompletion(models.Model):
    """A learner completed one activity block of a lesson (ticked, passed…)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE)
    block_id = models.CharField(max_length=64)
    completed_at = models.DateTimeField()
    score = models.FloatField(null=True, blank=True)
    statement = models.ForeignKey(Statement, null=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="courses_activity_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id} did {self.block_id}"
