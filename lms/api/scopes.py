"""Scopes: ``<family>:read`` and ``<family>:write`` per resource family.

The core's families are below; an ``api.py`` module adds its own with
``SCOPE_FAMILIES`` (``lms.api.registry``)."""

from django.utils.translation import gettext_lazy as _

CORE_FAMILIES = {
    "people": _("People, memberships, invitations and teams"),
    "learning": _("Courses, enrolments and onboarding progress"),
    "badges": _("Badge awards"),
    "statements": _("Learning statements (xAPI)"),
}


def families():
    from .registry import plugin_families

    return {**CORE_FAMILIES, **plugin_families()}


def all_scopes():
    return [
        f"{family}:{access}" for family in families() for access in ("read", "write")
    ]
