"""Skills: frameworks (a tree of groups and skills with a proficiency scale), the
evidence of what people can do, and what each role needs.

A person's level is never typed in: it comes from ``Evidence`` (course completed,
quiz passed, mentor's confirmation, assessment, self-assessment, prior experience),
and ``Proficiency`` keeps the result of the framework's rule per person and skill,
validated and self-assessed side by side, so reports read one row per cell.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Site

from lms.models import Team
from lms.models.scoping import OrganisationQuerySet
from lms.private_files import private_storage

User = settings.AUTH_USER_MODEL
MAX_LEVELS = 6


def default_levels():
    return [
        str(_("notions")),
        str(_("autonomous")),
        str(_("confirmed")),
        str(_("can train others")),
    ]


class FrameworkQuerySet(OrganisationQuerySet):
    """``for_organisation``: the frameworks it owns (and edits);
    ``available_to``: those plus the federation's it adopted (what it uses)."""

    def available_to(self, organisation):
        return self.filter(
            Q(organisation=organisation) | Q(adoptions__organisation=organisation)
        ).distinct()

    def owned_by(self, organisation):
        return self.for_organisation(organisation)


class FrameworkPartQuerySet(models.QuerySet):
    """Groups and skills belong to an organisation through their framework."""

    def for_organisation(self, organisation):
        return self.filter(framework__organisation=organisation)


class Framework(models.Model):
    class Rule(models.TextChoices):
        HIGHEST = "highest", _("Highest validated level, expired evidence ignored")
        LATEST = "latest", _("Latest validated level, expired evidence ignored")

    organisation = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    levels = models.JSONField(
        _("level labels"),
        default=default_levels,
        help_text=_("From the lowest level to the highest; 2 to 6 levels."),
    )
    rule = models.CharField(
        _("current level"), max_length=20, choices=Rule.choices, default=Rule.HIGHEST
    )
    shared_with_members = models.BooleanField(
        _("member organisations can adopt it"), default=False
    )

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skills framework")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="skills_framework_unique_name"
            )
        ]

    def __str__(self):
        return self.name

    def level_label(self, level):
        if level and 1 <= level <= len(self.levels):
            return self.levels[level - 1]
        return ""

    def level_choices(self):
        return [(i, label) for i, label in enumerate(self.levels, start=1)]


class FrameworkAdoption(models.Model):
    """An organisation using a framework its federation shares."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="adoptions"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "framework"], name="skills_adopt_once"
            )
        ]

    def __str__(self):
        return f"{self.organisation} → {self.framework}"


class SkillGroup(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="groups"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    uri = models.CharField(_("ESCO URI"), max_length=200, blank=True)

    objects = FrameworkPartQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill group")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "uri"],
                condition=~Q(uri=""),
                name="skills_group_uri_once",
            )
        ]

    def __str__(self):
        return self.name


class Skill(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="skills"
    )
    group = models.ForeignKey(
        SkillGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="skills",
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    alt_labels = models.TextField(_("other names"), blank=True)
    uri = models.CharField(_("ESCO URI"), max_length=200, blank=True)
    valid_days = models.PositiveIntegerField(
        _("evidence valid for (days)"),
        null=True,
        blank=True,
        help_text=_("For certificates that expire (first aid: 730). Empty: no expiry."),
    )
    renewal_course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course that renews it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FrameworkPartQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "uri"],
                condition=~Q(uri=""),
                name="skills_skill_uri_once",
            )
        ]

    def __str__(self):
        return self.name


class RoleProfile(ClusterableModel):
    """What a role needs: the skills and the minimum level of each. People hold it
    through their team, or by being named."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("role"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("everyone in the team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    holders = models.ManyToManyField(
        User, blank=True, related_name="+", verbose_name=_("and these people")
    )

    objects = OrganisationQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("team"),
        FieldPanel("holders"),
        InlinePanel("requirements", label=_("Skills it needs"), min_num=1),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("role profile")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="skills_profile_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class Requirement(Orderable):
    profile = ParentalKey(
        RoleProfile, on_delete=models.CASCADE, related_name="requirements"
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        _("minimum level"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVELS)],
    )

    panels = [FieldPanel("skill"), FieldPanel("level")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill"], name="skills_requirement_once"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=MAX_LEVELS),
                name="skills_requirement_level_range",
            ),
        ]

    def __str__(self):
        return f"{self.skill} ≥ {self.level}"


class SkillTag(models.Model):
    """What completing an activity (a course, a quiz…) shows, named by its activity
    IRI (``urn:relais:course:12``), so any plugin's activity can be tagged."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(_("activity"), max_length=300)
    label = models.CharField(max_length=300, blank=True)
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="tags"
    )
    level = models.PositiveSmallIntegerField(
        _("level it develops"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVELS)],
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill tag")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "object_id", "skill"], name="skills_tag_once"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=MAX_LEVELS),
                name="skills_tag_level_range",
            ),
        ]

    def __str__(self):
        return f"{self.label or self.object_id}: {self.skill} {self.level}"


class Evidence(models.Model):
    class Source(models.TextChoices):
        COURSE = "course", _("Course completed")
        ACTIVITY = "activity", _("Activity passed")
        MENTOR = "mentor", _("Confirmed by a mentor")
        ASSESSMENT = "assessment", _("Assessed by a trainer or coordinator")
        SELF = "self", _("Self-assessment")
        PRIOR = "prior", _("Prior experience")

    VALIDATED = (Source.COURSE, Source.ACTIVITY, Source.MENTOR, Source.ASSESSMENT)

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="evidence")
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVELS)]
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    observed_on = models.DateField(_("date"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # The person's own reflection on a self-assessment or declared experience: only
    # they ever see it (never their coordinator, a trainer or a report).
    private_note = models.TextField(_("private note"), blank=True, max_length=2000)
    # A certificate or attestation: a person's own file, in the private storage
    # (no URL), downloaded only through ``evidence_file`` by the person and their
    # organisation's coordinators and admins.
    attachment = models.FileField(
        _("attachment"),
        upload_to="skills/evidence/%Y/%m/",
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    url = models.CharField(max_length=300, blank=True)
    # What the evidence came from (a statement, a mentoring page…): recording the
    # same thing twice adds nothing.
    reference = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_on", "-created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("pieces of evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "skill", "source", "reference"],
                condition=~Q(reference=""),
                name="skills_evidence_once",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=MAX_LEVELS),
                name="skills_evidence_level_range",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "expires_on"])]

    def __str__(self):
        return f"{self.skill}: {self.level} ({self.get_source_display()})"

    @property
    def validated(self):
        return self.source in self.VALIDATED

    @property
    def attachment_filename(self):
        return self.attachment.name.rpartition("/")[2] if self.attachment else ""


class Proficiency(models.Model):
    """One person's standing in one skill, recomputed from the evidence by the
    framework's rule (``relais_skills.proficiency``); never edited by hand."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="proficiencies"
    )
    level = models.PositiveSmallIntegerField(default=0)  # validated; 0: none
    self_level = models.PositiveSmallIntegerField(default=0)  # self-assessed
    # When the evidence behind ``level`` lapses (certificates).
    expires_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "skill"], name="skills_one_proficiency"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "skill", "level"]),
            models.Index(fields=["organisation", "expires_on"]),
        ]

    def __str__(self):
        return f"{self.user_id} {self.skill_id}: {self.level}/{self.self_level}"


class Notice(models.Model):
    """An expiry reminder already sent (logged first: a second run sends nothing)."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "user", "kind"], name="skills_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.evidence_id}"


class Job(models.Model):
    """A long import or export running in the background, with its progress for
    the page that polls it, and its file once done (exports)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("job status", "Failed")
        # Some rows cannot be imported: the coordinator imports the rest or nothing.
        CHOOSING = "choosing", _("Waiting for your choice")
        CANCELLED = "cancelled", _("Nothing imported, as chosen")

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)  # "esco-import", "csv-import", "export"…
    params = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # What went wrong, row by row ({"row": 12, "reason": "…"}), or the summary.
    messages = models.JSONField(default=list)
    # Exports hold people's data: private storage, downloaded by managers only.
    result = models.FileField(
        upload_to="skills/jobs/", storage=private_storage, blank=True
    )
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def percent(self):
        return int(100 * self.done / self.total) if self.total else 0
