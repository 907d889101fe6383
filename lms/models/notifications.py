"""The notification centre's rows: what was said to whom, how each person wants
to hear of each kind, and which digests went out (the guard that makes the digest
job idempotent). The contract plugins use is ``lms.notifications``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from .scoping import OrganisationQuerySet


class Delivery(models.TextChoices):
    """How a person hears of a kind of notification, besides the bell."""

    AT_ONCE = "at_once", _("At once, by e-mail")
    DAILY = "daily", _("In a daily digest")
    WEEKLY = "weekly", _("In a weekly digest")
    OFF = "off", _("Only in the notifications page")


class NotificationQuerySet(OrganisationQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something said to one person in one organisation. It keeps the kind and its
    parameters, never translated text: the kind's sentence is rendered in the
    reader's language whenever it is shown or mailed."""

    organisation = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=100)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when the e-mail of an "at once" notification was claimed for sending, or
    # when a digest carried it: it is never mailed twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The bell and the list: one person's notifications in one organisation.
            models.Index(
                fields=["person", "organisation", "read_at"],
                name="lms_notif_bell",
            ),
            # The digest job: what is still to be mailed.
            models.Index(
                fields=["emailed_at", "read_at"],
                name="lms_notif_pending",
                condition=models.Q(emailed_at__isnull=True, read_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.person_id}"


class NotificationPreference(models.Model):
    """How one person wants to hear of one kind in one organisation; without a row,
    the kind's default applies."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=100)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "kind"],
                name="lms_one_notification_preference",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery__in=Delivery.values),
                name="lms_notification_delivery_known",
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.delivery}"


class NotificationDigest(models.Model):
    """One digest sent to one person of one organisation for one period (a day, or
    an ISO week). Its unique constraint is what keeps the daily job from sending a
    second one for the same period, however often it runs."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    period = models.CharField(max_length=10)  # "2026-12-03" or "2026-W49"
    count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "delivery", "period"],
                name="lms_one_digest_per_period",
            )
        ]

    def __str__(self):
        return f"{self.delivery} {self.period} → {self.person_id}"
