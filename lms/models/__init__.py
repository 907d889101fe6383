from .jobs import BackgroundJob
from .notifications import (
    Delivery,
    Notification,
    NotificationDigest,
    NotificationPreference,
)
from .organisations import OrganisationSettings, Team, organisation_collection
from .pages import HomePage
from .people import Invitation, Kind, Membership, Role, RoleGroup
from .plugins import PluginActivation

__all__ = [
    "BackgroundJob",
    "Delivery",
    "HomePage",
    "Invitation",
    "Kind",
    "Membership",
    "Notification",
    "NotificationDigest",
    "NotificationPreference",
    "OrganisationSettings",
    "PluginActivation",
    "Role",
    "RoleGroup",
    "Team",
    "organisation_collection",
]
