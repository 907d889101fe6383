"""The "Meet your mentor" onboarding step: completed by the first session held."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.steps import StepKind, register_step_kind


class MeetMentorStep(StepKind):
    def object_id(self, step):
        from relais_mentoring.pairs import SESSION_ACTIVITY

        return SESSION_ACTIVITY

    def url(self, step):
        return reverse("mentoring:home")


register_step_kind(MeetMentorStep("mentor", _("Meet your mentor")))
