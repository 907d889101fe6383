"""Models of the recruitment plugin: missions an organisation publishes, the
applications people send without an account, and what the coordinator's pipeline
keeps about each (messages, reminders sent, views counted for the funnel)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Site

from lms.models import Invitation, Membership, Role, Team
from lms.models.scoping import OrganisationQuerySet

MOTIVATION_MAX_LENGTH = 2000
# How long a candidate's private link stays valid (renewed by each e-mail we send).
PRIVATE_LINK_DAYS = 60


class MissionQuerySet(OrganisationQuerySet):
    def published(self):
        """What the public boards show: open missions (full ones stay readable by
        their link, but take no application)."""
        return self.filter(status=Mission.Status.OPEN)


class Mission(models.Model):
    """A volunteer mission an organisation publishes on its public board."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        FULL = "full", _("Full")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        Site, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    theme = models.CharField(
        _("theme"),
        max_length=100,
        blank=True,
        help_text=_("For example: food aid, education, welcoming the public."),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team it leads to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    role = models.CharField(
        _("role it leads to"), max_length=20, choices=Role.choices, default=Role.LEARNER
    )
    onboarding_path = models.ForeignKey(
        "courses.OnboardingPath",
        verbose_name=_("onboarding path that follows"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    remote = models.BooleanField(_("remote"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    starts_on = models.DateField(_("first day"), null=True, blank=True)
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    slots = models.JSONField(
        _("recurring slots"),
        default=list,
        blank=True,
        help_text=_("The parts of the week the mission takes place."),
    )
    commitment = models.CharField(
        _("commitment"),
        max_length=200,
        blank=True,
        help_text=_("For example: three hours a week for six months."),
    )
    places = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1)]
    )
    skills = models.JSONField(_("skills wanted"), default=list, blank=True)
    closes_on = models.DateField(_("applications close on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MissionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("mission")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "open", "full", "closed"]),
                name="recruitment_mission_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(places__gte=1), name="recruitment_mission_places"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "organisation"]),
            # The boards' order: the newest open missions first, one page at a time.
            models.Index(
                fields=["status", "-published_at", "-id"],
                name="recruitment_board_order",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.OPEN and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def takes_applications(self):
        return self.status == self.Status.OPEN and (
            self.closes_on is None or self.closes_on >= timezone.localdate()
        )

    @property
    def place_label(self):
        return ", ".join(p for p in (self.address, self.postal_code, self.city) if p)


class ApplicationQuerySet(OrganisationQuerySet):
    def waiting(self):
        return self.filter(status=Application.Status.NEW)


class Application(models.Model):
    """Someone's application to a mission, sent without an account."""

    class Status(models.TextChoices):
        # In context: French agrees with "candidature", and the core's "New" differs.
        NEW = "new", pgettext_lazy("application", "New")
        CONTACTED = "contacted", _("Contacted")
        MEETING = "meeting", _("Meeting planned")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The pipeline: which status may follow which. Accepted, declined and
    # withdrawn are final.
    MOVES = {
        Status.NEW: {Status.CONTACTED, Status.MEETING, Status.ACCEPTED},
        Status.CONTACTED: {Status.MEETING, Status.ACCEPTED},
        Status.MEETING: {Status.CONTACTED, Status.ACCEPTED},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }
    OPEN_STATUSES = (Status.NEW, Status.CONTACTED, Status.MEETING)
    TOKEN_SALT = "relais_recruitment.application"  # noqa: S105 (a namespace)

    organisation = models.ForeignKey(
        Site, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    mission = models.ForeignKey(
        Mission,
        verbose_name=_("mission"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    motivation = models.TextField(
        _("motivation"),
        blank=True,
        validators=[MaxLengthValidator(MOTIVATION_MAX_LENGTH)],
    )
    language = models.CharField(max_length=10, default="fr")
    source = models.CharField(_("source"), max_length=50, blank=True)
    consent_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    notes = models.TextField(_("notes"), blank=True)
    meeting_at = models.DateTimeField(_("meeting"), null=True, blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    invitation = models.ForeignKey(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    membership = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        constraints = [
            # A second application to the same mission from the same address is
            # the same application.
            models.UniqueConstraint(
                "mission", Lower("email"), name="recruitment_one_application_per_email"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "new",
                        "contacted",
                        "meeting",
                        "accepted",
                        "declined",
                        "withdrawn",
                    ]
                ),
                name="recruitment_application_status_known",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.name} — {self.mission}"

    def can_move_to(self, status):
        if status in (self.Status.DECLINED, self.Status.WITHDRAWN):
            return self.status in self.OPEN_STATUSES
        return status in self.MOVES[self.Status(self.status)]

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def token(self):
        return signing.dumps(self.pk, salt=self.TOKEN_SALT)

    @classmethod
    def from_token(cls, token):
        """The application a private link points at; DoesNotExist when forged."""
        try:
            pk = signing.loads(token, salt=cls.TOKEN_SALT)
        except signing.BadSignature as error:
            raise cls.DoesNotExist from error
        return cls.objects.select_related("mission", "organisation").get(pk=pk)

    @property
    def link_expired(self):
        return self.link_expires_at is not None and timezone.now() >= (
            self.link_expires_at
        )

    def renew_link(self):
        self.link_expires_at = timezone.now() + timedelta(days=PRIVATE_LINK_DAYS)


class Message(models.Model):
    """One message of the thread between the coordinator and a candidate."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="messages"
    )
    # Empty: the candidate wrote it (through their private link).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"), validators=[MaxLengthValidator(5000)])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.application} ({self.created_at:%Y-%m-%d})"

    @property
    def from_candidate(self):
        return self.author_id is None


class WaitingReminder(models.Model):
    """A reminder sent to coordinators about a waiting candidate, one per
    application and day: written before sending, so a second run sends nothing."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "day"], name="recruitment_one_reminder_a_day"
            )
        ]

    def __str__(self):
        return f"{self.application_id} {self.day}"


class MissionViews(models.Model):
    """How many times a mission's public page was opened, per day (the funnel's
    first line; no visitor is recorded)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "day"], name="recruitment_one_count_a_day"
            )
        ]

    def __str__(self):
        return f"{self.mission_id} {self.day}: {self.count}"


# Volunteer time, valorisation, drifting away and departures live in their own module.
from relais_recruitment.volunteer_time_models import (  # noqa: E402, F401
    Activity,
    Departure,
    DepartureReason,
    DriftNotice,
    HourEntry,
    TimeSettings,
    ValuationRate,
)
