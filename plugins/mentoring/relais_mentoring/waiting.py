"""Newcomers waiting for a mentor: asked for when they join as learners, or by
asking themselves."""

from django.db import IntegrityError, transaction

from lms.models import Role
from relais_mentoring.models import MentoringRequest, Pairing


def open_request(organisation, user):
    return (
        MentoringRequest.objects.for_organisation(organisation)
        .filter(user=user, closed_at__isnull=True)
        .first()
    )


def ask(organisation, user, **preferences):
    """The open request of ``user`` there, created or updated (once, even when two
    submissions cross: the database allows one open request per person)."""
    request = open_request(organisation, user)
    if request is None:
        try:
            with transaction.atomic():
                return MentoringRequest.objects.create(
                    organisation=organisation, user=user, **preferences
                )
        except IntegrityError:
            request = open_request(organisation, user)
    for name, value in preferences.items():
        setattr(request, name, value)
    request.save()
    return request


def ask_on_join(sender, event, **kwargs):
    """Receiver of person_joined: every new learner waits for a mentor from day one."""
    from django.contrib.auth import get_user_model

    if event.role != Role.LEARNER:
        return
    user = get_user_model().objects.get(pk=event.user_id)
    ask(sender, user, languages=[organisation_language(sender)])


def organisation_language(organisation):
    from lms.models import OrganisationSettings

    return OrganisationSettings.for_site(organisation).language


def waiting_requests(organisation):
    """Open requests of newcomers with no proposed or active pairing."""
    current = Pairing.objects.for_organisation(organisation).current()
    return (
        MentoringRequest.objects.for_organisation(organisation)
        .filter(closed_at__isnull=True, user__is_active=True)
        .exclude(user__in=current.values("mentee"))
        .order_by("created_at")
    )
