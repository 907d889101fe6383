"""The demo's part of privacy: a volunteer who has left and asked for her data to
be erased, waiting for Sophie's decision (PRODUCT.md's coordinator)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from lms.models import Kind, Membership, Role, Team
from lms.models.privacy import ErasureRequest, ErasureStatus

LEAVER = {
    "username": "ancienne-benevole",
    "first_name": "Nadia",
    "last_name": "Petit",
    "email": "nadia.petit@entraide-quartier.example",
}


def construct_privacy_demo(site, people):
    now = timezone.now()
    leaver, _created = get_user_model().objects.update_or_create(
        username=LEAVER["username"],
        defaults={**LEAVER, "is_active": True, "last_login": now - timedelta(days=60)},
    )
    leaver.set_unusable_password()
    leaver.save()
    Membership.objects.update_or_create(
        user=leaver,
        organisation=site,
        defaults={
            "role": Role.LEARNER,
            "kind": Kind.VOLUNTEER,
            "team": Team.objects.filter(organisation=site, name="Distribution").first(),
            "start_date": timezone.localdate() - timedelta(days=700),
            "is_active": False,  # she left the association last month
        },
    )
    if not ErasureRequest.objects.filter(
        organisation=site, person=leaver, status=ErasureStatus.PENDING
    ).exists():
        ErasureRequest.objects.create(
            organisation=site,
            person=leaver,
            reason="J'ai déménagé à Grenoble et quitté l'association. "
            "Merci d'effacer mes données.",
            language="fr",
            requested_at=now - timedelta(days=3),
        )
    people[LEAVER["username"]] = leaver
