"""Volunteer time, its valuation, drifting away and leaving.

Hours are logged per person and day (``HourEntry``) under an activity category of
the organisation (``Activity``); coordinators validate them. The yearly
"valorisation du bénévolat" multiplies validated hours by the rate of the entry's
category in effect on the entry's date (``ValuationRate``: a rate applies from its
``valid_from`` until the next rate of the same category), else by the
organisation's default rate (``TimeSettings.default_hourly_rate``).
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from lms.models import Team
from lms.models.scoping import OrganisationQuerySet

User = settings.AUTH_USER_MODEL
MINUTES_IN_A_DAY = 24 * 60
# Open-ended rates end on the last representable day, so "in effect" is one
# range test (valid_from <= date < valid_until) that the database joins on.
OPEN_END = datetime.date(9999, 12, 31)

# The default valuation of one volunteer hour when the organisation set no rate:
# the SMIC horaire brut of 1 January 2026 (12.02 EUR, decree of December 2025,
# service-public.fr "Montant du Smic") times 1.45, the usual estimate of the
# employer's contributions on a wage without the general reduction (the method
# the Compte d'Emploi / ANC 2018-06 guidance accepts: "coût pour l'employeur").
# 12.02 x 1.45 = 17.43 EUR. Configurable per organisation (TimeSettings) and per
# install (LMS_RECRUITMENT_DEFAULT_HOURLY_RATE).
DEFAULT_HOURLY_RATE = Decimal("17.43")


def default_hourly_rate():
    return Decimal(
        str(
            getattr(
                settings, "LMS_RECRUITMENT_DEFAULT_HOURLY_RATE", DEFAULT_HOURLY_RATE
            )
        )
    )


class Activity(models.Model):
    """A category of volunteer activity (front desk, distribution…), valued by its
    rates."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("activity category")
        verbose_name_plural = _("activity categories")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="recruitment_activity_unique"
            )
        ]

    def __str__(self):
        return self.name


class ValuationRate(models.Model):
    """The value of one hour of ``activity`` from ``valid_from``; the next rate of
    the same activity ends it (``valid_until`` is kept by ``rechain``)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="rates"
    )
    valid_from = models.DateField(_("applies from"))
    valid_until = models.DateField(default=OPEN_END, editable=False)
    hourly_rate = models.DecimalField(
        _("value of one hour (€)"), max_digits=8, decimal_places=2
    )

    class Meta:
        ordering = ["activity", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "valid_from"], name="recruitment_rate_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0), name="recruitment_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")),
                name="recruitment_rate_period",
            ),
        ]

    def __str__(self):
        return f"{self.activity} {self.hourly_rate} ({self.valid_from})"

    @staticmethod
    def rechain(activity_id):
        """Each rate of the activity ends where the next one starts."""
        with transaction.atomic():
            rates = list(
                ValuationRate.objects.select_for_update()
                .filter(activity_id=activity_id)
                .order_by("valid_from")
            )
            for rate, following in zip(rates, [*rates[1:], None], strict=False):
                end = following.valid_from if following else OPEN_END
                if rate.valid_until != end:
                    ValuationRate.objects.filter(pk=rate.pk).update(valid_until=end)


class HourEntryQuerySet(OrganisationQuerySet):
    def validated(self):
        return self.filter(status=HourEntry.Status.VALIDATED)


class HourEntry(models.Model):
    """Time a person gave on a day. A double submission is one entry: the form's
    ``idempotency_key`` is unique."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To validate")
        VALIDATED = "validated", _("Validated")

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("duration (minutes)"))
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    logged_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HourEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("hours")
        verbose_name_plural = _("hours")
        indexes = [
            models.Index(fields=["organisation", "date"], name="recruitment_hours_day"),
            models.Index(
                fields=["organisation", "user", "date"], name="recruitment_hours_person"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], name="recruitment_hours_submitted_once"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gt=0, minutes__lte=MINUTES_IN_A_DAY),
                name="recruitment_hours_within_a_day",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "validated"]),
                name="recruitment_hours_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.date} {self.minutes} min"

    @property
    def hours(self):
        return Decimal(self.minutes) / 60


class TimeSettings(models.Model):
    """The organisation's choices for volunteer time and retention."""

    organisation = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="+"
    )
    drifting_after_weeks = models.PositiveSmallIntegerField(
        _("a volunteer is drifting away after how many weeks without activity"),
        default=6,
    )
    default_hourly_rate = models.DecimalField(
        _("value of one hour when its category has no rate (€)"),
        max_digits=8,
        decimal_places=2,
        default=default_hourly_rate,
        help_text=_(
            "By default the SMIC horaire brut 2026 (12.02 €) with employer "
            "contributions (x 1.45): 17.43 €."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(drifting_after_weeks__gte=1, drifting_after_weeks__lte=52),
                name="recruitment_drifting_weeks_range",
            ),
            models.CheckConstraint(
                condition=Q(default_hourly_rate__gte=0),
                name="recruitment_default_rate_not_negative",
            ),
        ]

    def __str__(self):
        return f"time settings of {self.organisation_id}"

    @classmethod
    def for_organisation(cls, organisation):
        """The organisation's settings, or the defaults (unsaved: reading a page
        writes nothing; saving the settings form stores them)."""
        return cls.objects.filter(organisation=organisation).first() or cls(
            organisation=organisation
        )


class DriftNotice(models.Model):
    """A message about a volunteer drifting away, logged before it is sent so it
    goes once per stretch of inactivity (``period``: the day of their last
    activity)."""

    class Kind(models.TextChoices):
        CHECK_IN = "check-in", _("Check-in message to the volunteer")
        COORDINATORS = "notice", _("Notice to the coordinators")

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    period = models.DateField()
    sent_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "kind", "period"],
                name="recruitment_drift_notice_once",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.user_id} {self.period}"


class Departure(models.Model):
    """The end of a volunteer's engagement, told by them or recorded by a
    coordinator. One per person and organisation."""

    class Again(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    left_on = models.DateField(_("last day"))
    comment = models.TextField(
        _("anything else you would like to tell us"), blank=True, max_length=2000
    )
    would_come_back = models.CharField(
        _("would you come back one day?"), max_length=5, choices=Again.choices
    )
    would_recommend = models.BooleanField(
        _("would you recommend volunteering with us to a friend?")
    )
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="recruitment_departure_once"
            ),
            models.CheckConstraint(
                condition=Q(would_come_back__in=["yes", "maybe", "no"]),
                name="recruitment_departure_again_known",
            ),
        ]

    def __str__(self):
        return f"departure {self.user_id} {self.left_on}"


class DepartureReason(models.Model):
    """One of the reasons ticked on a departure (several may be)."""

    class Reason(models.TextChoices):
        TIME = "time", _("Less time available (work, studies, family)")
        MOVED = "moved", _("Moving away")
        HEALTH = "health", _("Health or personal reasons")
        MISSION = "mission", _("The missions did not suit me")
        SUPPORT = "support", _("Not enough support or recognition")
        ATMOSPHERE = "atmosphere", _("The atmosphere in the team")
        ELSEWHERE = "elsewhere", _("Volunteering elsewhere")
        OTHER = "other", _("Another reason")

    departure = models.ForeignKey(
        Departure, on_delete=models.CASCADE, related_name="reasons"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["departure", "reason"], name="recruitment_reason_once"
            )
        ]

    def __str__(self):
        return self.reason
