"""People: a Django user belongs to organisations through memberships, one role each.

Organisation scoping is written once, here: ``Membership.objects.for_organisation()``
and ``Invitation.objects.for_organisation()``. Views never filter by site themselves.

Rights follow the role a person holds *in the organisation being served*: model
permissions are never granted to groups, they are answered per request by
``lms.permissions.OrganisationRoleBackend`` from ``ROLE_PERMISSIONS``. Groups carry
only what Wagtail scopes by object itself (pages, image and document collections).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Site

from .organisations import Team, organisation_collection
from .scoping import OrganisationQuerySet, register_scope


class Role(models.TextChoices):
    # Names people use for themselves ("Bénévole ou salarié·e", not "Apprenant"):
    # in their own context, so a results table's "Learner" column keeps its word.
    LEARNER = "learner", pgettext_lazy("membership role", "Learner")
    TRAINER = "trainer", pgettext_lazy("membership role", "Trainer")
    MENTOR = "mentor", pgettext_lazy("membership role", "Mentor")
    COORDINATOR = "coordinator", pgettext_lazy("membership role", "Coordinator / HR")
    ADMIN = "admin", pgettext_lazy("membership role", "Organisation admin")


class Kind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    STAFF = "staff", pgettext_lazy("volunteer or staff", "Staff")


# Roles that manage people, and roles that author content, in their organisation.
PEOPLE_MANAGERS = frozenset({Role.COORDINATOR, Role.ADMIN})
AUTHORS = frozenset({Role.TRAINER, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.TRAINER, Role.COORDINATOR, Role.ADMIN})


class Placement(models.Model):
    """Where a person stands in an organisation: shared by members and invitations."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    kind = models.CharField(
        _("volunteer or staff"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.VOLUNTEER,
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)

    class Meta:
        abstract = True


# Permissions each role holds in its organisation ("app_label.codename"), answered
# only there (never granted to a group). The learning core and plugins add theirs
# from AppConfig.ready() with grant_to_roles().
ROLE_PERMISSIONS: dict[str, set[str]] = {
    role: {"wagtailadmin.access_admin"} for role in ADMIN_ROLES
}


def grant_to_roles(
    roles, app_label, model, actions=("add", "change", "delete", "view")
):
    """Give ``roles`` the admin rights on ``model`` within their organisation."""
    for role in roles:
        ROLE_PERMISSIONS.setdefault(role, set()).update(
            f"{app_label}.{action}_{model}" for action in actions
        )


class MembershipQuerySet(OrganisationQuerySet):
    def active(self):
        return self.filter(is_active=True)


@register_scope(AbstractBaseUser)
def organisation_members(queryset, organisation):
    """People of an organisation: those with an active membership there."""
    return queryset.filter(
        pk__in=Membership.objects.active().for_organisation(organisation).values("user")
    )


class Membership(Placement):
    """A person in an organisation: their role, team and onboarding start date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Site,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="lms_one_membership_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="lms_membership_role_known",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values),
                name="lms_membership_kind_known",
            ),
        ]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.role})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        RoleGroup.sync(self)

    @property
    def manages_people(self):
        return self.role in PEOPLE_MANAGERS

    @property
    def authors_content(self):
        return self.role in AUTHORS


class RoleGroup(models.Model):
    """The Django group that carries one role's permissions in one organisation.

    Wagtail grants page and collection permissions to groups, so each organisation
    gets its own groups: a trainer of A can edit A's pages and never B's.
    """

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=Role.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role"], name="lms_one_group_per_role"
            )
        ]

    def __str__(self):
        return self.group.name

    @classmethod
    def for_role(cls, organisation, role):
        existing = cls.objects.filter(organisation=organisation, role=role).first()
        if existing:
            # Rights added since (a plugin installed later) reach existing groups too.
            cls._grant(existing.group, organisation, role)
            return existing
        label = organisation.site_name or organisation.hostname
        name = f"{label} ({organisation.pk}): {role}"
        group, _created = Group.objects.get_or_create(name=name)
        cls._grant(group, organisation, role)
        return cls.objects.create(organisation=organisation, role=role, group=group)

    @staticmethod
    def _grant(group, organisation, role):
        """Object-scoped rights only: the organisation's pages and collection.
        Model permissions are answered per organisation, never granted here."""
        if role in AUTHORS:
            for action in ("add_page", "change_page", "publish_page"):
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=organisation.root_page,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=action
                    ),
                )
            collection = organisation_collection(organisation)
            for app, codename in [
                ("wagtailimages", "add_image"),
                ("wagtailimages", "change_image"),
                ("wagtailimages", "choose_image"),
                ("wagtaildocs", "add_document"),
                ("wagtaildocs", "change_document"),
                ("wagtaildocs", "choose_document"),
            ]:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=collection,
                    permission=Permission.objects.get(
                        content_type__app_label=app, codename=codename
                    ),
                )

    @classmethod
    def sync(cls, membership):
        """Put the user in exactly the group of their current role there."""
        groups = membership.user.groups
        org_groups = cls.objects.filter(organisation=membership.organisation)
        groups.remove(*Group.objects.filter(pk__in=org_groups.values("group")))
        if membership.is_active:
            groups.add(cls.for_role(membership.organisation, membership.role).group)


class InvitationQuerySet(OrganisationQuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)


class Invitation(Placement):
    """An e-mailed link that lets a newcomer set a password and join with a role."""

    TOKEN_SALT = "lms.invitation"  # noqa: S105 (a signing namespace, not a secret)

    organisation = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="lms_one_pending_invitation_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="lms_invitation_role_known",
            ),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        if not self.expires_at:
            self.expires_at = timezone.now() + timedelta(
                days=settings.LMS_INVITATION_VALID_DAYS
            )
        super().save(*args, **kwargs)

    @property
    def token(self):
        return signing.dumps(self.pk, salt=self.TOKEN_SALT)

    @classmethod
    def from_token(cls, token):
        """The invitation a link points at, or DoesNotExist for a forged link."""
        try:
            pk = signing.loads(token, salt=cls.TOKEN_SALT)
        except signing.BadSignature as error:
            raise cls.DoesNotExist from error
        return cls.objects.select_related("organisation").get(pk=pk)

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    def renew(self):
        self.expires_at = timezone.now() + timedelta(
            days=settings.LMS_INVITATION_VALID_DAYS
        )
        self.sent_at = None
        self.save(update_fields=["expires_at", "sent_at"])
