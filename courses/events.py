"""Payloads of the learning events (see lms.signals for the signals)."""

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from django.db import transaction


@dataclass(frozen=True)
class Enrolled:
    event_type: ClassVar[str] = "relais.course.enrolled.v1"
    user_id: int
    course_id: int


@dataclass(frozen=True)
class LessonCompleted:
    event_type: ClassVar[str] = "relais.lesson.completed.v1"
    user_id: int
    lesson_id: int
    course_id: int


@dataclass(frozen=True)
class CourseCompleted:
    event_type: ClassVar[str] = "relais.course.completed.v1"
    user_id: int
    course_id: int


@dataclass(frozen=True)
class PathStepCompleted:
    event_type: ClassVar[str] = "relais.path.step_completed.v1"
    user_id: int
    path_id: int
    step_id: int


@dataclass(frozen=True)
class PathCompleted:
    event_type: ClassVar[str] = "relais.path.completed.v1"
    user_id: int
    path_id: int


@dataclass(frozen=True)
class BadgeAwarded:
    event_type: ClassVar[str] = "relais.badge.awarded.v1"
    user_id: int
    badge_id: int
    award_id: int


def send_on_commit(signal, site, event):
    transaction.on_commit(partial(signal.send, site, event))
