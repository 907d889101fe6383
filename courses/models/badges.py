"""Open Badges 2.0: badge classes issued by an organisation, and their assertions."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Site

from lms.models.scoping import OrganisationQuerySet


def new_salt():
    """The salt hashed with the recipient's e-mail: 16 random bytes, 32 hex digits."""
    return secrets.token_hex(16)


class BadgeClass(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Site, verbose_name=_("issuer"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"))
    criteria = models.TextField(_("how to earn it"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image (PNG)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("awarded when this course is completed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    path = models.ForeignKey(
        "courses.OnboardingPath",
        verbose_name=_("awarded when this onboarding path is completed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="badges",
    )
    valid_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        help_text=_("For certifications that expire, such as first aid."),
    )

    objects = OrganisationQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("criteria"),
        FieldPanel("image"),
        FieldPanel("course"),
        FieldPanel("path"),
        FieldPanel("valid_days"),
    ]

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")

    def __str__(self):
        return self.name


class BadgeAward(models.Model):
    """An Open Badges assertion: one per person, badge and rule (idempotent)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, related_name="awards"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    rule = models.CharField(max_length=100)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)
    issued_on = models.DateTimeField()
    expires = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expiry_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "recipient", "rule"],
                name="courses_award_once_per_rule",
            )
        ]

    def __str__(self):
        return f"{self.badge} → {self.recipient_id}"
