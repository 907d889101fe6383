from .badges import BadgeAward, BadgeClass
from .catalogue import CourseIndexPage, CoursePage, LessonPage, available_courses
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
    "Statement",
    "StepCompletion",
    "available_courses",
]
