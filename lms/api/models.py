"""API tokens: hashed at rest, shown once, scoped to one organisation."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from lms.models import Role
from lms.models.scoping import OrganisationQuerySet

PREFIX = "rls_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(OrganisationQuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token. A personal token acts as its person, with the role that
    person holds in the organisation at each request; an organisation token acts
    for the organisation with the role chosen at creation. Either only within its
    scopes. Only the SHA-256 of the secret is kept, and a short prefix to tell
    tokens apart."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        ORGANISATION = "organisation", _("Organisation")

    organisation = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="relais_api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="relais_api_tokens",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="personal", user__isnull=False, role="")
                    | models.Q(
                        kind="organisation", user__isnull=True, role__in=Role.values
                    )
                ),
                name="api_token_personal_or_organisation",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, **fields):
        """Create a token; returns ``(token, secret)``. The secret exists only in
        this return value: show it once."""
        secret = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            prefix=secret[:10], key_hash=hash_secret(secret), **fields
        )
        return token, secret

    @classmethod
    def find(cls, secret):
        """The usable token holding ``secret``, or None."""
        return (
            cls.objects.usable()
            .select_related("organisation", "user")
            .filter(key_hash=hash_secret(secret))
            .first()
        )

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self):
        """Record the use, at most once a minute (no write per request)."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
