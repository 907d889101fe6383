"""The ways a person joins and leaves an organisation, with the events they send."""

from functools import partial

from django.db import transaction

from lms.models import Membership, Role
from lms.signals import PersonJoined, person_joined


def join_organisation(
    user, organisation, *, role=Role.LEARNER, **details
) -> Membership:
    """Make ``user`` a member of ``organisation`` and announce it once committed."""
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, **details
    )
    event = PersonJoined(
        membership_id=membership.pk,
        user_id=user.pk,
        organisation_id=organisation.pk,
        role=role,
    )
    transaction.on_commit(partial(person_joined.send, organisation, event))
    return membership
