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
from .privacy import (
    AccessLogEntry,
    DataExport,
    ErasureRequest,
    PrivacySettings,
    RetentionRun,
)

__all__ = [
    "AccessLogEntry",
    "BackgroundJob",
    "DataExport",
    "Delivery",
    "ErasureRequest",
    "HomePage",
    "Invitation",
    "Kind",
    "Membership",
    "Notification",
    "NotificationDigest",
    "NotificationPreference",
    "OrganisationSettings",
    "PluginActivation",
    "PrivacySettings",
    "RetentionRun",
    "Role",
    "RoleGroup",
    "Team",
    "organisation_collection",
]
