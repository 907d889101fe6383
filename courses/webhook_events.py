"""The learning core's events offered to webhooks (``lms.webhooks.catalogue``)."""

from django.utils.translation import gettext_lazy as _

from courses.events import BadgeAwarded, CourseCompleted, Enrolled, PathCompleted
from lms import signals
from lms.webhooks.catalogue import WebhookEvent

WEBHOOK_EVENTS = [
    WebhookEvent(signals.enrolled, Enrolled, label=_("A person enrolled in a course")),
    WebhookEvent(
        signals.course_completed, CourseCompleted, label=_("A course was completed")
    ),
    WebhookEvent(
        signals.path_completed,
        PathCompleted,
        label=_("An onboarding path was completed"),
    ),
    WebhookEvent(signals.badge_awarded, BadgeAwarded, label=_("A badge was awarded")),
]
