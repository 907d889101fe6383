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

    def waits_on_others(self, step, user_id):
        """The newcomer waits while the coordinator looks for a mentor, once she
        has accepted a proposal the mentor has not, and while a session is
        planned; she has something to do otherwise (accept, plan, ask)."""
        from relais_mentoring.models import MentoringRequest, Pairing, Session

        organisation_id = step.path.organisation_id
        pairing = (
            Pairing.objects.filter(
                organisation_id=organisation_id,
                mentee_id=user_id,
                status__in=Pairing.CURRENT,
            )
            .order_by("-pk")
            .first()
        )
        if pairing is None:
            return MentoringRequest.objects.filter(
                organisation_id=organisation_id, user_id=user_id, closed_at__isnull=True
            ).exists()
        if pairing.status == Pairing.Status.PROPOSED:
            return pairing.mentee_accepted_at is not None
        return pairing.sessions.filter(status=Session.Status.PLANNED).exists()


register_step_kind(MeetMentorStep("mentor", _("Meet your mentor")))
