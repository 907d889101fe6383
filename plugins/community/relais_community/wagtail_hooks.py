"""Where the community plugin plugs into the core (dashboard, menu, demo)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.plugins.menu import LEARNING, MenuLink


@hooks.register("lms_register_dashboard_panels")
def add_news_panel(request, panels):
    from relais_community.panels import NewsPanel

    panels.append(NewsPanel(request))


@hooks.register("lms_register_menu_items")
def add_news_link(request):
    return [MenuLink(_("News"), reverse("community:announcements"), LEARNING)]


# Last: the news is read by the members the other parts of the demo bring.
@hooks.register("lms_construct_demo", order=1000)
def add_community_demo(site, people):
    from relais_community.demo import construct_demo

    construct_demo(site, people)
