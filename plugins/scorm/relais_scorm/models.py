"""SCORM packages of an organisation, learners' attempts, each SCO's run-time data."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Site
from wagtail.search import index

from lms.models.scoping import OrganisationQuerySet


def validate_upload_size(upload):
    from relais_scorm.packages import max_upload_bytes

    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("This file is larger than the %(limit)s MB allowed."),
            params={"limit": max_upload_bytes() // (1024 * 1024)},
        )


def packages_storage():
    """The private storage of packages (``STORAGES["packages"]``), never MEDIA_URL."""
    from django.core.files.storage import storages

    return storages["packages"]


class ScormPackage(index.Indexed, models.Model):
    """An uploaded SCORM zip: checked, its manifest read and its files extracted to
    the private ``packages`` storage in the background."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=255)
    package = models.FileField(
        _("SCORM file"),
        upload_to="scorm/uploads/",
        storage=packages_storage,
        validators=[FileExtensionValidator(["zip"]), validate_upload_size],
        help_text=_(
            "A SCORM 1.2 or SCORM 2004 .zip, as exported by your authoring tool or "
            "sent by the training provider."
        ),
    )
    version = models.CharField(_("SCORM version"), max_length=30, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    manifest = models.JSONField(default=dict, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROCESSING
    )
    error = models.TextField(_("why it failed"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    panels = [FieldPanel("title"), FieldPanel("package")]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("organisation"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")

    def __str__(self):
        return self.title

    @property
    def folder(self):
        return f"scorm/{self.uuid}"

    def parsed(self):
        """The manifest as ``relais_scorm.manifest.Manifest``."""
        from relais_scorm.manifest import Manifest

        return Manifest.from_json(self.manifest)

    def item_count(self):
        return len(self.parsed().leaves()) if self.manifest else 0

    @property
    def usage_url(self):
        return reverse("wagtailsnippets_scorm_scormpackage:usage", args=[self.pk])


class ScormAttempt(models.Model):
    """One learner's attempt at one SCORM activity (a lesson block). It holds the
    sequencing state of the package (current item, global objectives) and its
    rolled-up result; each SCO's data is a ``ScoState``."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey(
        ScormPackage, on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # urn:relais:activity:<lesson>:<block>, or urn:relais:scorm-preview:<package>.
    activity = models.CharField(max_length=300)
    number = models.PositiveIntegerField(default=1)
    current = models.CharField(max_length=255, blank=True)  # the item being played
    suspended = models.BooleanField(default=False)
    ended = models.BooleanField(default=False)
    # Shared objectives of SCORM 2004 sequencing: {target id: {satisfied, measure}}.
    objectives = models.JSONField(default=dict)
    completion = models.CharField(max_length=20, default="unknown")
    success = models.CharField(max_length=20, default="unknown")
    score = models.FloatField(null=True, blank=True)  # scaled, 0 to 1
    total_seconds = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity", "number"], name="scorm_attempt_once"
            )
        ]
        indexes = [models.Index(fields=["organisation", "activity"])]

    def __str__(self):
        return f"{self.user_id} {self.activity} #{self.number}"

    @property
    def finished(self):
        return self.completion == "completed" or self.success in ("passed", "failed")


class ScoState(models.Model):
    """The CMI data model of one SCO in one attempt, kept element by element.

    ``cmi`` maps each element (``cmi.core.lesson_status``…) to its value and
    ``versions`` to the (runtime session, commit sequence) that wrote it: commits are
    merged element by element under a row lock, and a commit that arrives late never
    overwrites what a later one of the same session wrote. The columns below are
    derived from ``cmi`` after each merge, for the sequencer and the reports.
    """

    attempt = models.ForeignKey(
        ScormAttempt, on_delete=models.CASCADE, related_name="scos"
    )
    item = models.CharField(max_length=255)  # the manifest item's identifier
    cmi = models.JSONField(default=dict)
    versions = models.JSONField(default=dict)
    commits = models.PositiveIntegerField(default=0)
    launches = models.PositiveIntegerField(default=0)
    completion = models.CharField(max_length=20, default="unknown")
    success = models.CharField(max_length=20, default="unknown")
    score = models.FloatField(null=True, blank=True)  # scaled
    exit = models.CharField(max_length=20, blank=True)
    terminated = models.BooleanField(default=False)  # its session is over
    # Left without Terminate (tab closed, the learner moved on): resumed next time,
    # never taken as an attempt the SCO ended.
    abandoned = models.BooleanField(default=False)
    # Time: finished sessions, and the one running (its id and its latest time).
    total_seconds = models.PositiveIntegerField(default=0)
    session = models.CharField(max_length=64, blank=True)
    session_seconds = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "item"], name="scorm_sco_once")
        ]

    def __str__(self):
        return f"{self.attempt_id} {self.item}"


class GlobalObjective(models.Model):
    """A shared (global) objective of SCORM 2004 sequencing, for one learner in one
    organisation: what the activities that map to ``objective`` (its
    ``targetObjectiveID``) wrote, read by the others. Kept across SCOs, attempts
    and packages, as the spec's ``objectivesGlobalToSystem`` (the default) says;
    never across organisations. A package whose organisation says "false" keeps
    them on its attempt instead (``ScormAttempt.objectives``)."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    objective = models.CharField(max_length=1000)  # the target objective's id
    satisfied = models.BooleanField(null=True)
    measure = models.FloatField(null=True)  # normalized, -1 to 1
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "objective"],
                name="scorm_global_objective_once",
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.objective}"

    def as_shared(self):
        """As the sequencer reads it: {satisfied, measure}, the known ones."""
        values = {"satisfied": self.satisfied, "measure": self.measure}
        return {key: value for key, value in values.items() if value is not None}
