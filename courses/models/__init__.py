from .badges import BadgeAward, BadgeClass
from .catalogue import CourseIndexPage, CoursePage, LessonPage, available_courses
from .paths import OnboardingPath, PathAssignment, PathStep, StepCompletion
from .records import ActivityCompletion, Enrolment, LessonProgress, Statement

__all__ = [
    "ActivityCompletion",
    "BadgeAward",
    "BadgeClass",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "LessonPage",
    "LessonProgress",
    "OnboardingPath",
    "PathAssignment",
    "PathStep",
    "Statement",
    "StepCompletion",
    "available_courses",
]
