"""Mentoring: who offers to mentor, who waits for a mentor, and the pairs.

Everything a pair writes hangs off its ``Pairing``. What the two of them write (notes,
check-in comments) is read only through ``relais_mentoring.privacy``; coordinators
read counts, dates and statuses, never content.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from lms import availability
from lms.models import Team
from lms.models.scoping import OrganisationQuerySet

User = settings.AUTH_USER_MODEL

LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("it", _("Italian")),
    ("de", _("German")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
]
# Availability is the core week grid (lms.availability): slots such as "tue-pm".
DAYS, PARTS, SLOTS = availability.DAYS, availability.PARTS, availability.SLOTS


class MentorProfile(models.Model):
    """Someone's offer to mentor in an organisation, approved by a coordinator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        PAUSED = "paused", _("Paused")
        DECLINED = "declined", _("Not approved")

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    courses = models.ManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="+",
        verbose_name=_("courses you can help with"),
    )
    areas = models.CharField(
        _("other things you can pass on"),
        max_length=300,
        blank=True,
        help_text=_("For example: welcoming families, the till, food drives."),
    )
    languages = models.JSONField(_("languages you speak"), default=list)
    availability = models.JSONField(_("when you are usually available"), default=list)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    location = models.CharField(_("where you can meet"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("how many newcomers at a time"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    bio = models.TextField(_("a few words about you"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="mentoring_one_offer_per_org"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=10),
                name="mentoring_capacity_range",
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class MentoringRequest(models.Model):
    """A newcomer waiting for a mentor (asked, or added when they joined)."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    languages = models.JSONField(_("languages you speak"), default=list)
    availability = models.JSONField(_("when you are usually available"), default=list)
    note = models.CharField(
        _("anything your mentor should know"), max_length=500, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a pairing starts or the newcomer no longer wants one.
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(closed_at__isnull=True),
                name="mentoring_one_open_request",
            )
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class PairingQuerySet(OrganisationQuerySet):
    def current(self):
        return self.filter(status__in=Pairing.CURRENT)

    def of(self, user):
        return self.filter(Q(mentor=user) | Q(mentee=user))


class Pairing(models.Model):
    """A mentor and a newcomer: proposed, accepted by both, then ended by either."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    CURRENT = (Status.PROPOSED, Status.ACTIVE)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(
        MentoringRequest, null=True, on_delete=models.SET_NULL, related_name="pairings"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    score = models.PositiveSmallIntegerField(null=True)
    proposed_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    mentor_accepted_at = models.DateTimeField(null=True)
    mentee_accepted_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(null=True)
    ended_at = models.DateTimeField(null=True)
    ended_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            # A newcomer has one mentor at a time, proposed or active.
            models.UniqueConstraint(
                fields=["organisation", "mentee"],
                condition=Q(status__in=["proposed", "active"]),
                name="mentoring_one_current_pairing",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentoring_not_oneself"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "active", "declined", "ended"]),
                name="mentoring_pairing_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"

    def get_absolute_url(self):
        return reverse("mentoring:pair", args=[self.uuid])

    def side(self, user):
        """ "mentor", "mentee" or None: the part ``user`` plays in this pair."""
        if user.pk == self.mentor_id:
            return "mentor"
        if user.pk == self.mentee_id:
            return "mentee"
        return None

    def partner(self, user):
        return self.mentee if user.pk == self.mentor_id else self.mentor


class Goal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        DONE = "done", _("Reached")
        DROPPED = "dropped", _("Dropped")

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "target_date", "pk"]

    def __str__(self):
        return self.title


class Session(models.Model):
    """A meeting of the pair: planned (with an invitation), then held or cancelled."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video call")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    place = models.CharField(_("place or link"), max_length=200, blank=True)
    topics = models.CharField(_("topics"), max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Incremented by every change, so a calendar application replaces the event.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="mentoring_session_duration_range",
            )
        ]

    def __str__(self):
        return f"{self.pairing} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Note(models.Model):
    """Private to its author, or shared with the other member of the pair."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    shared = models.BooleanField(_("share with my binôme"), default=False)
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        # Never the body: notes are private.
        return f"note {self.pk}"


class CheckIn(models.Model):
    """How useful a session was, for one of the two. Scores feed the programme's
    average; the comment stays its author's."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="check_ins"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    usefulness = models.PositiveSmallIntegerField(
        _("how useful was it?"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="mentoring_one_check_in"
            ),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5),
                name="mentoring_check_in_range",
            ),
        ]

    def __str__(self):
        return f"check-in {self.pk}"


class Feedback(models.Model):
    """End-of-mentoring feedback, read by coordinators (the form says so)."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="feedback"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10)
    rating = models.PositiveSmallIntegerField(
        _("overall, how was this mentoring?"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("what should we keep or change?"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "user"], name="mentoring_one_feedback"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="mentoring_feedback_range",
            ),
        ]

    def __str__(self):
        return f"feedback {self.pk}"


class Concern(models.Model):
    """A confidential report from the pair space, read by coordinators only."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="concerns"
    )
    raised_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("what is happening?"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True)
    handled_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        # Never the body: concerns are confidential.
        return f"concern {self.pk}"


class SkillConfirmation(models.Model):
    """A mentor vouching for the mentee's level in a skill (sent on to whichever
    plugin keeps skills, through the core's ``skill_confirmed`` signal)."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="skill_confirmations"
    )
    skill = models.CharField(max_length=300)
    skill_label = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField()
    level_label = models.CharField(max_length=100)
    note = models.CharField(_("what you saw"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.skill_label}: {self.level_label}"


class ProgrammeSettings(models.Model):
    organisation = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="+"
    )
    nudge_after_weeks = models.PositiveSmallIntegerField(
        _("nudge a pair after how many weeks without a session"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )

    def __str__(self):
        return f"mentoring settings of {self.organisation}"

    @classmethod
    def for_organisation(cls, organisation):
        return cls.objects.get_or_create(organisation=organisation)[0]


class Notice(models.Model):
    """A reminder already sent: logged before sending so a second run sends nothing."""

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=100)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "user"], name="mentoring_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"
