"""The action list at the top of a staff dashboard: what waits for the trainer,
coordinator or admin looking at it, each with a count and a link.

Hook ``lms_register_dashboard_actions``: ``fn(request) -> [DashboardAction]``.
Called when a trainer, coordinator or organisation admin (or a superuser) opens
their dashboard, only for the core and the plugins enabled in the organisation
(``lms.plugins.activation.site_hooks``). The function decides from
``request.membership`` (and ``request.user.is_superuser``) whether the person may
see its items, counts in the request's organisation only, and runs a fixed number
of queries whatever the number of people: the dashboard asserts its query count.
"""

from dataclasses import dataclass
from datetime import date

from lms.plugins.activation import site_hooks


@dataclass(frozen=True)
class DashboardAction:
    """One line of the action list: ``count`` things (``label``) wait at ``url``;
    ``since`` is when the oldest of them started waiting, if it is known."""

    label: str
    count: int
    url: str
    since: date | None = None
    order: int = 100


def dashboard_actions(request) -> list[DashboardAction]:
    """The actions of the request's organisation: those waiting first, in order."""
    actions = []
    for hook in site_hooks("lms_register_dashboard_actions", request):
        actions.extend(hook(request) or [])
    return sorted(actions, key=lambda action: (action.count == 0, action.order))
