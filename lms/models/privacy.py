"""What a person and an organisation do about personal data: data exports, erasure
requests, retention rules and the log of who viewed whose data.

The declarations of what each app keeps, and the engines that export and erase it,
are ``lms.privacy``'s; these models are the requests, settings and logs around them
(``lms/personal_data.py`` declares them in turn).
"""

import hashlib
import hmac
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Site

from lms.private_files import private_storage

from .scoping import OrganisationQuerySet


class PrivacySettings(models.Model):
    """An organisation's data-protection contact and retention rules.

    The defaults follow the CNIL's guidance for associations: data of candidates
    who never joined kept six months after the last exchange (the CNIL allows up
    to two years with their consent), volunteers who stopped taking part
    anonymised three years after their last activity, exports and uploaded files
    kept a few days only.
    """

    organisation = models.OneToOneField(
        Site,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="privacy_settings",
    )
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("Printed on the register of processing."),
    )
    data_protection_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("data-protection contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The member who answers access and erasure requests with the "
            "coordinators and admins. Empty: the coordinators and admins."
        ),
    )
    candidate_retention_days = models.PositiveIntegerField(
        _("candidates never accepted: days kept after the last exchange"),
        default=183,
    )
    inactive_volunteer_years = models.PositiveIntegerField(
        _("inactive volunteers: years before their data is anonymised"),
        default=3,
    )
    export_retention_days = models.PositiveIntegerField(
        _("data exports: days before they are deleted"), default=7
    )
    upload_retention_days = models.PositiveIntegerField(
        _("uploaded import files: days before they are deleted"), default=30
    )
    # The daily job only reports what it would do until an admin has read that
    # report and confirmed the first real run.
    retention_confirmed_at = models.DateTimeField(null=True, blank=True)
    retention_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(export_retention_days__gte=1)
                & models.Q(upload_retention_days__gte=1)
                & models.Q(candidate_retention_days__gte=1)
                & models.Q(inactive_volunteer_years__gte=1),
                name="lms_privacy_retention_periods_positive",
            )
        ]

    def __str__(self):
        return str(self.organisation)

    @classmethod
    def for_organisation(cls, organisation):
        """The organisation's settings; the defaults, unsaved, until an admin saves
        them (reading a page never writes)."""
        return cls.objects.filter(organisation=organisation).first() or cls(
            organisation=organisation
        )


def export_path(instance, filename):
    # A random folder: the name says nothing about whose data it is.
    return f"privacy/exports/{instance.organisation_id}/{uuid.uuid4().hex}/{filename}"


class JobStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("job status", "Waiting")
    RUNNING = "running", pgettext_lazy("job status", "In progress")
    READY = "ready", pgettext_lazy("job status", "Ready")
    FAILED = "failed", pgettext_lazy("job status", "Failed")
    EXPIRED = "expired", pgettext_lazy("job status", "Expired")


class DataExport(models.Model):
    """Everything Relais holds about a person in one organisation, as a ZIP made in
    the background, downloadable by that person only, until ``expires_at``."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    failure = models.TextField(blank=True)
    file = models.FileField(
        upload_to=export_path, storage=private_storage, blank=True, max_length=255
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One export in the making per person: a double click makes one.
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status__in=["pending", "running"]),
                name="lms_one_export_in_progress",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="lms_export_progress_pct"
            ),
        ]

    def __str__(self):
        return f"export {self.pk} ({self.status})"

    @property
    def is_downloadable(self):
        return (
            self.status == JobStatus.READY
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )


class ErasureStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("erasure", "Waiting for a decision")
    APPROVED = "approved", pgettext_lazy("erasure", "Approved, erasing")
    PARTIAL = "partial", pgettext_lazy("erasure", "Approved, some data kept")
    REFUSED = "refused", pgettext_lazy("erasure", "Refused")
    DONE = "done", pgettext_lazy("erasure", "Erased")
    FAILED = "failed", pgettext_lazy("erasure", "Failed")


class ErasureOrigin(models.TextChoices):
    PERSON = "person", pgettext_lazy("erasure origin", "The person's request")
    RETENTION = "retention", pgettext_lazy("erasure origin", "Retention rule")


def pseudonym(user_id, organisation_id):
    """A stable reference to a person that names nobody: the log of an erasure
    keeps it, and only someone holding the server's secret and the user id can
    tell whose it was."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"relais-erasure:{organisation_id}:{user_id}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"P-{digest[:12].upper()}"


class ErasureRequest(models.Model):
    """A person's request that an organisation erase their data, its decision and
    its outcome. Once erased, the request keeps no personal data of that person:
    ``person`` is emptied, the reason blanked, ``reference`` remains."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reference = models.CharField(_("reference"), max_length=20)
    reason = models.TextField(_("reason"), blank=True)
    origin = models.CharField(
        max_length=16, choices=ErasureOrigin.choices, default=ErasureOrigin.PERSON
    )
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(
        max_length=16, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    kept_explanation = models.TextField(
        _("what must be kept, and why"),
        blank=True,
        help_text=_(
            "For instance: accounting records of donations are kept ten years "
            "(legal obligation)."
        ),
    )
    # Models ("app_label.Model") the decider chose to keep (legal obligation…).
    kept_models = models.JSONField(default=list, blank=True)
    report = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=models.Q(status="pending"),
                name="lms_one_pending_erasure_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ErasureStatus.values),
                name="lms_erasure_status_known",
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if not self.reference and self.person_id:
            self.reference = pseudonym(self.person_id, self.organisation_id)
        super().save(*args, **kwargs)


class AccessLogEntry(models.Model):
    """Someone of the organisation viewed a person's personal data (skills
    evidence, mentoring details, a data export): kept for the organisation's admin
    and given to the person in their export."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    what = models.CharField(max_length=200)
    path = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")

    def __str__(self):
        return f"{self.what} ({self.at:%Y-%m-%d})"


class RetentionRun(models.Model):
    """One run of the retention rules in an organisation: what it deleted (or,
    dry, would delete), as counts per rule; names nobody."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    ran_at = models.DateTimeField(default=timezone.now)
    dry_run = models.BooleanField(default=True)
    report = models.JSONField(default=list)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self):
        return f"retention {self.ran_at:%Y-%m-%d} ({'dry' if self.dry_run else 'run'})"
