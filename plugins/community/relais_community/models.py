"""Models of the community plugin: announcements and their read receipts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from lms.models import Membership, OrganisationSettings, Role, Team
from lms.models.scoping import OrganisationQuerySet
from lms.private_files import private_storage


class Audience(models.TextChoices):
    ORGANISATION = "organisation", _("Everyone in the organisation")
    TEAM = "team", _("One team")
    ROLE = "role", _("Everyone with one role")


class AnnouncementQuerySet(OrganisationQuerySet):
    def published(self, now=None):
        return self.filter(publish_at__lte=now or timezone.now())

    def reaching(self, organisation):
        """Announcements shown in ``organisation``: its own and those its federation
        posted to every member organisation."""
        federation_id = OrganisationSettings.for_organisation(
            organisation
        ).federation_id
        reach = Q(organisation=organisation)
        if federation_id:
            reach |= Q(organisation_id=federation_id, to_federation=True)
        return self.filter(reach)

    def visible_to(self, membership):
        """Published announcements of ``membership``'s audience: the whole
        organisation, their team, their role, or their federation's."""
        organisation = membership.organisation
        federation_id = OrganisationSettings.for_organisation(
            organisation
        ).federation_id
        mine = Q(organisation=organisation) & (
            Q(audience=Audience.ORGANISATION)
            | Q(audience=Audience.TEAM, team_id=membership.team_id)
            | Q(audience=Audience.ROLE, role=membership.role)
        )
        if federation_id:
            mine |= Q(organisation_id=federation_id, to_federation=True)
        return self.published().filter(mine)

    def first_pinned(self):
        return self.order_by("-pinned", "-publish_at", "-pk")


class Announcement(models.Model):
    """News a coordinator posts to the whole organisation, a team or a role (a
    federation also to every member organisation). The body is HTML cleaned by nh3
    before it is stored."""

    organisation = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    image = models.ImageField(
        _("image"),
        upload_to="community/announcements/",
        storage=private_storage,
        blank=True,
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    attachment = models.FileField(
        _("attachment"),
        upload_to="community/attachments/",
        storage=private_storage,
        blank=True,
    )
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.ORGANISATION,
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("team"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    to_federation = models.BooleanField(
        _("to every member organisation"),
        default=False,
        help_text=_(
            "A federation's news, shown to everyone in its member organisations."
        ),
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    important = models.BooleanField(
        _("important"),
        default=False,
        help_text=_("Sent by e-mail at once, whatever people chose for news."),
    )
    requires_confirmation = models.BooleanField(
        _("ask people to confirm they have read it"), default=False
    )
    publish_at = models.DateTimeField(_("published on"), default=timezone.now)
    # Set once the audience has been notified (at publication): never twice.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-publish_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [
            models.Index(
                fields=["organisation", "publish_at"], name="community_ann_published"
            )
        ]
        constraints = [
            models.CheckConstraint(
                name="community_announcement_audience",
                condition=(
                    Q(audience="organisation", team__isnull=True, role="")
                    | Q(audience="team", team__isnull=False, role="")
                    | Q(
                        audience="role",
                        team__isnull=True,
                        role__in=Role.values,
                    )
                ),
            ),
            models.CheckConstraint(
                name="community_federation_to_all",
                condition=Q(to_federation=False) | Q(audience="organisation"),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.publish_at <= timezone.now()

    def audience_in(self, organisation):
        """The active memberships this announcement reaches in ``organisation``."""
        people = Membership.objects.for_organisation(organisation).active()
        if organisation.pk == self.organisation_id:
            if self.audience == Audience.TEAM:
                people = people.filter(team_id=self.team_id)
            elif self.audience == Audience.ROLE:
                people = people.filter(role=self.role)
            return people
        if self.to_federation and (
            OrganisationSettings.for_organisation(organisation).federation_id
            == self.organisation_id
        ):
            return people
        return people.none()

    def reached_organisations(self):
        """The organisation itself, and every member organisation for a
        federation's news to all."""
        organisations = [self.organisation]
        if self.to_federation:
            organisations += list(
                Site.objects.filter(
                    pk__in=OrganisationSettings.objects.filter(
                        federation=self.organisation_id
                    ).values("site")
                )
            )
        return organisations


class ConfirmationQuerySet(OrganisationQuerySet):
    pass


class AnnouncementConfirmation(models.Model):
    """A person confirmed having read an announcement that asks it, in the
    organisation where they read it."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="confirmations"
    )
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    objects = ConfirmationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "person"], name="community_confirm_once"
            )
        ]

    def __str__(self):
        return f"{self.announcement_id} ✓ {self.person_id}"


class AnnouncementReminder(models.Model):
    """A reminder sent to those who have not confirmed yet: at most one per
    announcement, organisation and day, whoever clicks."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="reminders"
    )
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded = models.PositiveIntegerField(default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "organisation", "day"],
                name="community_remind_once_a_day",
            )
        ]

    def __str__(self):
        return f"{self.announcement_id} {self.day}"
