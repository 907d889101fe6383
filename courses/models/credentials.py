"""Open Badges 3.0: each organisation's signing keys, and the credential issued
for each badge award (a W3C Verifiable Credential secured as a VC-JWT)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site

from lms.models.scoping import OrganisationQuerySet


class SigningKeyQuerySet(OrganisationQuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)


class SigningKey(models.Model):
    """One key pair an organisation signs its credentials with.

    The private key is kept encrypted (``courses.credentials.seal``: Fernet with
    a key derived from ``SECRET_KEY``) and never leaves the server; the public
    half is published at the key's URL (its ``kid``) and in the organisation's
    JWKS. Rotating retires the active key (``retired_at``) and makes a new one:
    a retired key signs nothing more but stays published, so the credentials it
    signed still verify. At most one active key per organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    algorithm = models.CharField(max_length=10, default="ES256")
    public_jwk = models.JSONField()
    sealed_private_key = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = SigningKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(retired_at__isnull=True),
                name="courses_one_active_signing_key",
            )
        ]

    def __str__(self):
        return f"{self.algorithm} {self.uuid}"


class BadgeCredential(models.Model):
    """The Open Badges 3.0 ``OpenBadgeCredential`` of one award, as signed: the
    compact JWS is the credential a learner downloads, bakes or puts in a
    wallet. Issued once, with the key active then; never re-signed."""

    award = models.OneToOneField(
        "courses.BadgeAward", on_delete=models.CASCADE, related_name="credential"
    )
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    compact_jws = models.TextField()
    issued_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"credential {self.award_id}"
