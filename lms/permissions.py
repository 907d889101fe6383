"""Rights answered for the organisation being served.

A role's model permissions (``ROLE_PERMISSIONS``, including
``wagtailadmin.access_admin`` for the admin roles) hold only in the organisation
where the person has that role, and only for the plugins enabled there: a trainer
of A has none of them on B's host, and nobody holds a disabled plugin's. Outside a
request (no current organisation) nobody holds any.
"""

from django.contrib.auth.backends import BaseBackend

from lms.models.people import ROLE_PERMISSIONS, Membership
from lms.models.scoping import current_organisation
from lms.plugins.activation import enabled_labels, installed_plugins


def role_in(user, organisation):
    """The role of ``user``'s active membership in ``organisation``, or None;
    read once per user object and organisation."""
    if organisation is None or not user.is_active or user.is_anonymous:
        return None
    roles = user.__dict__.setdefault("_lms_roles", {})
    if organisation.pk not in roles:
        roles[organisation.pk] = (
            Membership.objects.active()
            .for_organisation(organisation)
            .filter(user=user)
            .values_list("role", flat=True)
            .first()
        )
    return roles[organisation.pk]


def organisation_permissions(user, organisation) -> set[str]:
    role = role_in(user, organisation)
    if role is None:
        return set()
    plugins = {plugin.label for plugin in installed_plugins()}
    disabled = plugins - enabled_labels(organisation)
    return {
        permission
        for permission in ROLE_PERMISSIONS.get(role, ())
        if permission.partition(".")[0] not in disabled
    }


class OrganisationRoleBackend(BaseBackend):
    """Answers model permissions from the person's role in the current
    organisation (``lms.models.scoping.current_organisation``)."""

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None:
            return set()  # object rights are Wagtail's (pages, collections)
        return organisation_permissions(user_obj, current_organisation.get())

    def has_module_perms(self, user_obj, app_label):
        return any(
            permission.startswith(f"{app_label}.")
            for permission in self.get_all_permissions(user_obj)
        )
