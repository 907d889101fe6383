"""Where the recruitment plugin plugs into the core (dashboard, menu, admin, demo)."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from lms.plugins.dashboard import DashboardAction
from lms.plugins.menu import COORDINATION, REPORTS, MenuLink
from relais_recruitment.admin import missions

register_snippet(missions)


def _manages_people(request):
    membership = getattr(request, "membership", None)
    return request.user.is_superuser or (membership and membership.manages_people)


@hooks.register("lms_register_menu_items")
def add_recruitment_links(request):
    links = [MenuLink(_("Volunteer missions"), reverse("recruitment:board"))]
    if _manages_people(request):
        links += [
            MenuLink(_("Applications"), reverse("recruitment:pipeline"), COORDINATION),
            MenuLink(_("Recruitment funnel"), reverse("recruitment:funnel"), REPORTS),
        ]
    return links


@hooks.register("lms_register_admin_menu_items")
def add_missions_admin_menu(request):
    if not _manages_people(request):
        return []
    return [
        MenuItem(
            missions.menu_label,
            reverse(missions.get_url_name("list")),
            icon_name="group",
            order=260,
        )
    ]


@hooks.register("lms_register_dashboard_actions")
def add_waiting_candidates(request):
    """Coordinators: candidates waiting for a first answer, and since when."""
    from relais_recruitment.models import Application

    if not _manages_people(request):
        return []
    waiting = (
        Application.objects.for_organisation(request.organisation)
        .waiting()
        .aggregate(count=Count("pk"), since=Min("created_at"))
    )
    return [
        DashboardAction(
            _("Candidates waiting for an answer"),
            waiting["count"],
            reverse("recruitment:pipeline"),
            since=waiting["since"] and timezone.localdate(waiting["since"]),
            order=25,
        )
    ]


@hooks.register("lms_construct_demo")
def add_recruitment_demo(site, people):
    from relais_recruitment.demo import construct_demo

    construct_demo(site, people)


from relais_recruitment import volunteer_time_hooks  # noqa: E402, F401  (volunteer time)
