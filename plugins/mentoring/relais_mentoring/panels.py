"""The dashboard panel: my mentor or my mentees, and proposals waiting for me."""

from wagtail.admin.ui.components import Component

from relais_mentoring.models import Pairing
from relais_mentoring.waiting import open_request


class MentoringPanel(Component):
    template_name = "relais_mentoring/panel.html"
    order = 15

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        current = list(
            Pairing.objects.for_organisation(self.request.organisation)
            .current()
            .of(user)
            .select_related("mentor", "mentee")
        )
        for pairing in current:
            pairing.partner_name = pairing.partner(user).get_full_name()
            pairing.my_side = pairing.side(user)
            pairing.waiting_for_me = (
                pairing.status == Pairing.Status.PROPOSED
                and getattr(pairing, f"{pairing.my_side}_accepted_at") is None
            )
        return {
            "current": current,
            "waiting": not current
            and open_request(self.request.organisation, user) is not None,
        }


class PersonMentoringPanel(Component):
    """On a person's page for coordinators: their pairs (dates and counts only),
    their offer to mentor, or how long they have waited for a mentor."""

    template_name = "relais_mentoring/person_panel.html"
    order = 30

    def __init__(self, request, membership):
        self.request, self.membership = request, membership

    def get_context_data(self, parent_context=None):
        from django.db.models import Count, Max, Q

        from relais_mentoring.models import MentorProfile

        organisation, user_id = self.request.organisation, self.membership.user_id
        pairs = (
            Pairing.objects.for_organisation(organisation)
            .filter(Q(mentor_id=user_id) | Q(mentee_id=user_id))
            .exclude(status=Pairing.Status.DECLINED)
            .select_related("mentor", "mentee")
            .annotate(
                held=Count("sessions", filter=Q(sessions__status="held")),
                last_met=Max("sessions__starts_at", filter=Q(sessions__status="held")),
            )
        )
        return {
            "pairs": pairs,
            "user_id": user_id,
            "offer": MentorProfile.objects.for_organisation(organisation)
            .filter(user_id=user_id)
            .first(),
            "request_open": open_request(organisation, self.membership.user),
        }
