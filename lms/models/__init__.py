from .jobs import BackgroundJob
from .organisations import OrganisationSettings, Team, organisation_collection
from .pages import HomePage
from .people import Invitation, Kind, Membership, Role, RoleGroup
from .plugins import PluginActivation

__all__ = [
    "BackgroundJob",
    "HomePage",
    "Invitation",
    "Kind",
    "Membership",
    "OrganisationSettings",
    "PluginActivation",
    "Role",
    "RoleGroup",
    "Team",
    "organisation_collection",
]
