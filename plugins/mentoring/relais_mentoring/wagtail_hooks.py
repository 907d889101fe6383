from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.plugins.dashboard import DashboardAction
from lms.plugins.menu import COORDINATION, MenuLink
from relais_mentoring.panels import MentoringPanel, PersonMentoringPanel


@hooks.register("lms_register_dashboard_panels")
def add_mentoring_panel(request, panels):
    panels.append(MentoringPanel(request))


@hooks.register("lms_register_person_panels")
def add_person_mentoring(request, membership, panels):
    panels.append(PersonMentoringPanel(request, membership))


@hooks.register("lms_register_menu_items")
def add_mentoring_links(request):
    links = [MenuLink(_("Mentoring"), reverse("mentoring:home"))]
    membership = getattr(request, "membership", None)
    if request.user.is_superuser or (membership and membership.manages_people):
        links.append(
            MenuLink(
                _("Mentoring programme"), reverse("mentoring:programme"), COORDINATION
            )
        )
    return links


@hooks.register("lms_register_dashboard_actions")
def add_waiting_for_a_mentor(request):
    """Coordinators: newcomers waiting for a mentor, and since when."""
    from django.db.models import Count, Min

    from relais_mentoring.waiting import waiting_requests

    membership = getattr(request, "membership", None)
    if not (request.user.is_superuser or (membership and membership.manages_people)):
        return []
    waiting = waiting_requests(request.organisation).aggregate(
        count=Count("pk"), since=Min("created_at")
    )
    return [
        DashboardAction(
            _("People waiting for a mentor"),
            waiting["count"],
            reverse("mentoring:programme"),
            since=waiting["since"] and timezone.localdate(waiting["since"]),
            order=30,
        )
    ]


@hooks.register("lms_construct_demo")
def add_mentoring_demo(site, people):
    from relais_mentoring.demo import construct_demo

    construct_demo(site, people)
