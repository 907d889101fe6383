from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.plugins.menu import MenuLink
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
        links.append(MenuLink(_("Mentoring programme"), reverse("mentoring:programme")))
    return links


@hooks.register("lms_construct_demo")
def add_mentoring_demo(site, people):
    from relais_mentoring.demo import construct_demo

    construct_demo(site, people)
