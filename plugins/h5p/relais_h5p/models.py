"""H5P content of an organisation, its library versions, learners' saved state.

Packages and their files live in the private ``packages`` storage (no URL): the
content origin's views serve them to the holder of a player token.
"""

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
from lms.private_files import packages_storage


def validate_upload_size(upload):
    from relais_h5p.packages import max_upload_bytes

    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("This file is larger than the %(limit)s MB allowed."),
            params={"limit": max_upload_bytes() // (1024 * 1024)},
        )


class LibraryQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        """The organisation's own library versions, and the shared ones of before
        that its contents already use."""
        return self.filter(
            models.Q(organisation=organisation)
            | models.Q(organisation=None, contents__organisation=organisation)
        ).distinct()


class H5PLibrary(models.Model):
    """One library version as an organisation uploaded it (``H5P.MultiChoice-1.16``),
    stored by what it holds: the same files are written once, whoever uploads them;
    other files under the same version number are another row and another folder.
    Rows without an organisation (nor a digest) come from before libraries were
    kept per organisation: only the contents already using them still do."""

    organisation = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    digest = models.CharField(max_length=64, blank=True)  # SHA-256 of its files
    machine_name = models.CharField(max_length=127)
    major_version = models.PositiveIntegerField()
    minor_version = models.PositiveIntegerField()
    patch_version = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=255, blank=True)
    metadata = models.JSONField(default=dict)
    stored_at = models.DateTimeField(auto_now_add=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "machine_name",
                    "major_version",
                    "minor_version",
                    "digest",
                ],
                name="h5p_library_files_once",
            )
        ]

    def __str__(self):
        return self.folder

    @property
    def folder(self):
        """The name H5P knows it by (``librariesPath/<folder>/``)."""
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"

    @property
    def directory(self):
        """Where its files are, in the packages storage."""
        from relais_h5p.packages import library_dir

        return library_dir(self.folder, self.digest)


class H5PContent(index.Indexed, models.Model):
    """An uploaded package: its content, extracted in the background."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=255)
    package = models.FileField(
        _("H5P file"),
        upload_to="h5p/uploads/",
        storage=packages_storage,
        validators=[FileExtensionValidator(["h5p"]), validate_upload_size],
        help_text=_("An .h5p file exported from h5p.org, Lumi or Moodle."),
    )
    main_library = models.CharField(_("content type"), max_length=127, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    libraries = models.ManyToManyField(H5PLibrary, blank=True, related_name="contents")
    metadata = models.JSONField(default=dict, editable=False)  # h5p.json
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROCESSING
    )
    error = models.TextField(_("why it failed"), blank=True)
    warnings = models.JSONField(default=list, blank=True)
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
        verbose_name = _("H5P content")
        verbose_name_plural = _("H5P contents")

    def __str__(self):
        return self.title

    @property
    def usage_url(self):
        """Wagtail's page listing the lessons that use this content."""
        return reverse("wagtailsnippets_h5p_h5pcontent:usage", args=[self.pk])

    def library_list(self):
        return ", ".join(sorted(library.folder for library in self.libraries.all()))

    def warning_text(self):
        return " ".join(self.warnings)


class H5PUserData(models.Model):
    """What the player saves to resume (``contentUserData``), per learner, activity
    and content: a block given another content starts afresh (H5P's own rule: saved
    state is dropped when the content changes). Rows saved before the content was
    kept have none; they are read for their activity until the next save."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    activity = models.CharField(max_length=300)  # the activity URN of the lesson block
    content = models.ForeignKey(
        H5PContent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data_type = models.CharField(max_length=127)
    sub_content_id = models.CharField(max_length=127, default="0")
    data = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity", "content", "data_type", "sub_content_id"],
                name="h5p_user_data_once_per_content",
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.activity} {self.data_type}"
