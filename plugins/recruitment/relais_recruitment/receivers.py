"""An accepted candidate who joins is onboarded: the mission's path is assigned and
the application keeps the membership it led to."""

from django.dispatch import receiver

from courses.learning import assign_path
from lms.models import Membership
from lms.signals import person_joined
from relais_recruitment.models import Application


@receiver(person_joined)
def onboard_accepted_candidate(sender, event, **kwargs):
    membership = Membership.objects.select_related("user").get(pk=event.membership_id)
    applications = Application.objects.for_organisation(sender).filter(
        status=Application.Status.ACCEPTED,
        invitation__isnull=False,
        invitation__email__iexact=membership.user.email,
        membership__isnull=True,
    )
    for application in applications.select_related("mission__onboarding_path"):
        path = application.mission.onboarding_path
        if path is not None and path.organisation_id == sender.pk:
            assign_path(membership.user, path, membership.start_date)
    applications.update(membership=membership)
