"""The learning core's panels, menu links and admin screens."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from courses.models import BadgeClass, OnboardingPath
from courses.panels import BadgesPanel, CoursesPanel, NextStepPanel, PersonPathsPanel
from lms.plugins.menu import MenuLink
from lms.snippets import OrganisationSnippetViewSet


@hooks.register("lms_register_dashboard_panels")
def add_learning_panels(request, panels):
    panels.extend([NextStepPanel(request), CoursesPanel(request), BadgesPanel(request)])


@hooks.register("lms_register_person_panels")
def add_person_paths(request, membership, panels):
    panels.append(PersonPathsPanel(request, membership))


@hooks.register("lms_construct_demo")
def add_learning_demo(site, people):
    from courses.demo import construct_demo

    construct_demo(site, people)


# After every other demo (order 100): the cohort is made of the people they add.
@hooks.register("lms_construct_demo", order=100)
def add_onboarding_cohort(site, people):
    from courses.demo import construct_cohort

    construct_cohort(site, people)


@hooks.register("lms_register_menu_items")
def add_learning_links(request):
    links = [
        MenuLink(_("My onboarding"), reverse("courses:my_path")),
        MenuLink(_("Courses"), reverse("courses:catalogue")),
        MenuLink(_("My badges"), reverse("courses:my_badges")),
    ]
    membership = getattr(request, "membership", None)
    if request.user.is_superuser or (membership and membership.manages_people):
        links.append(MenuLink(_("Onboarding paths"), reverse("courses:paths")))
    if request.user.is_superuser or (
        membership and (membership.manages_people or membership.authors_content)
    ):
        links.append(MenuLink(_("Award badges"), reverse("courses:manage_badges")))
    return links


class OnboardingPathViewSet(OrganisationSnippetViewSet):
    model = OnboardingPath
    icon = "list-ol"
    menu_label = _("Onboarding paths")
    add_to_admin_menu = True
    menu_order = 210


class BadgeClassViewSet(OrganisationSnippetViewSet):
    model = BadgeClass
    icon = "pick"
    menu_label = _("Badges")
    add_to_admin_menu = True
    menu_order = 220


register_snippet(OnboardingPathViewSet)
register_snippet(BadgeClassViewSet)
