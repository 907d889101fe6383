from .badges import BadgeAward, BadgeClass
from .catalogue import CourseIndexPage, CoursePage, LessonPage, available_courses
from .credentials import BadgeCredential, SigningKey
from .paths import (
    DigestLog,
    OnboardingPath,
    PathAssignment,
    PathStep,
    ReminderLog,
    StepCompletion,
)
from .records import ActivityCompletion, Enrolment, LessonProgress, Statement

__all__ = [
    "ActivityCompletion",
    "BadgeAward",
    "BadgeClass",
    "BadgeCredential",
    "CourseIndexPage",
    "CoursePage",
    "DigestLog",
    "Enrolment",
    "LessonPage",
    "LessonProgress",
    "OnboardingPath",
    "PathAssignment",
    "PathStep",
    "ReminderLog",
    "SigningKey",
    "Statement",
    "StepCompletion",
    "available_courses",
]
