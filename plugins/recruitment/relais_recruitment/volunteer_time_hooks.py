"""Where volunteer time plugs into the core: menu links, the coordinator's action
list (people drifting away, hours to validate) and the demo."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.plugins.dashboard import DashboardAction
from lms.plugins.menu import COORDINATION, REPORTS, MenuLink


def _manages_people(request):
    membership = getattr(request, "membership", None)
    return request.user.is_superuser or bool(membership and membership.manages_people)


@hooks.register("lms_register_menu_items")
def add_time_links(request):
    links = [MenuLink(_("My volunteer hours"), reverse("recruitment:time_log"))]
    if _manages_people(request):
        links += [
            MenuLink(
                _("Hours to validate"), reverse("recruitment:time_review"), COORDINATION
            ),
            MenuLink(
                _("Log a team's hours"), reverse("recruitment:time_team"), COORDINATION
            ),
            MenuLink(
                _("Drifting away"), reverse("recruitment:time_drifting"), COORDINATION
            ),
            MenuLink(
                _("Valorisation of volunteering"),
                reverse("recruitment:time_valorisation"),
                REPORTS,
            ),
            MenuLink(_("Retention"), reverse("recruitment:time_retention"), REPORTS),
            MenuLink(_("Departures"), reverse("recruitment:time_departures"), REPORTS),
        ]
    return links


@hooks.register("lms_register_dashboard_actions")
def add_time_actions(request):
    """Coordinators: volunteers drifting away, and hours waiting for validation
    (two queries)."""
    from relais_recruitment import volunteer_time as figures
    from relais_recruitment.volunteer_time_models import HourEntry

    if not _manages_people(request):
        return []
    pending = (
        HourEntry.objects.for_organisation(request.organisation)
        .filter(status=HourEntry.Status.PENDING)
        .aggregate(count=Count("pk"), since=Min("date"))
    )
    return [
        DashboardAction(
            _("Volunteers drifting away"),
            figures.drifting(request.organisation).count(),
            reverse("recruitment:time_drifting"),
            order=40,
        ),
        DashboardAction(
            _("Volunteer hours to validate"),
            pending["count"],
            reverse("recruitment:time_review"),
            since=pending["since"],
            order=45,
        ),
    ]


# After the other demos: they add the people who log hours.
@hooks.register("lms_construct_demo", order=200)
def add_time_demo(site, people):
    from relais_recruitment.volunteer_time_demo import construct_demo

    construct_demo(site, people)
