"""Where discussions and recognition plug into the core: the questions panel under
courses and lessons, menu links, the staff's action list, notification kinds."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.plugins.dashboard import DashboardAction
from lms.plugins.menu import COORDINATION, MenuLink


@hooks.register("lms_register_lesson_panels")
def add_questions_panel(request, page, panels):
    from relais_community.talk_panels import QuestionsPanel

    panels.append(QuestionsPanel(request, page))


@hooks.register("lms_register_menu_items")
def add_talk_links(request):
    from relais_community import talk

    links = [
        MenuLink(_("Team spaces"), reverse("community:talk_teams")),
        MenuLink(_("Thank-you wall"), reverse("community:talk_wall")),
    ]
    if talk.is_moderator(request):
        links.append(
            MenuLink(
                _("Moderation"), reverse("community:talk_moderation"), COORDINATION
            )
        )
    return links


@hooks.register("lms_register_dashboard_actions")
def add_reports_to_look_at(request):
    """Coordinators: posts reported and not yet looked at, and since when."""
    from relais_community import talk
    from relais_community.talk_models import PostReport

    if not talk.is_moderator(request):
        return []
    waiting = (
        PostReport.objects.for_organisation(request.organisation)
        .filter(resolved_at__isnull=True)
        .aggregate(count=Count("pk"), since=Min("created_at"))
    )
    return [
        DashboardAction(
            _("Reported posts to look at"),
            waiting["count"],
            reverse("community:talk_moderation"),
            since=waiting["since"] and timezone.localdate(waiting["since"]),
            order=40,
        )
    ]


@hooks.register("lms_construct_demo")
def add_talk_demo(site, people):
    from relais_community.talk_demo import construct_demo

    construct_demo(site, people)
