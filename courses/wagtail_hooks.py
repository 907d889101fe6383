"""The learning core's panels, menu links and admin screens."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from courses.models import BadgeClass, OnboardingPath
from courses.panels import (
    BadgesPanel,
    CoursesPanel,
    ExpiringBadgesPanel,
    LatePeoplePanel,
    NextStepPanel,
    PersonPathsPanel,
    TrainerCoursesPanel,
    late_on_paths,
)
from lms.plugins.dashboard import DashboardAction
from lms.plugins.menu import COORDINATION, MenuLink
from lms.snippets import OrganisationSnippetViewSet


@hooks.register("lms_register_dashboard_panels")
def add_learning_panels(request, panels):
    panels.extend(
        [
            ExpiringBadgesPanel(request),
            NextStepPanel(request),
            CoursesPanel(request),
            BadgesPanel(request),
        ]
    )


def _manages_people(request):
    membership = getattr(request, "membership", None)
    return request.user.is_superuser or bool(membership and membership.manages_people)


def _authors_only(request):
    membership = getattr(request, "membership", None)
    return bool(membership and membership.authors_content) and not _manages_people(
        request
    )


@hooks.register("lms_register_dashboard_panels")
def add_staff_panels(request, panels):
    if _manages_people(request):
        panels.append(LatePeoplePanel(request))
    elif _authors_only(request):
        panels.append(TrainerCoursesPanel(request))


@hooks.register("lms_register_dashboard_actions")
def add_late_people(request):
    """Coordinators: people late on their onboarding path, late since when."""
    if not _manages_people(request):
        return []
    late = late_on_paths(request)
    return [
        DashboardAction(
            _("People late on their onboarding path"),
            len(late),
            reverse("courses:paths"),
            since=min((row["since"] for row in late), default=None),
            order=10,
        )
    ]


@hooks.register("lms_construct_role_help")
def add_role_paths(organisation, details):
    """Under each role of the invitation form: the paths people joining with it get."""
    for title, role in (
        OnboardingPath.objects.for_organisation(organisation)
        .filter(role__in=list(details))
        .order_by("title")
        .values_list("title", "role")
    ):
        details[role].append(
            _("Receives the onboarding path “%(path)s”.") % {"path": title}
        )


@hooks.register("lms_register_person_panels")
def add_person_paths(request, membership, panels):
    panels.append(PersonPathsPanel(request, membership))


@hooks.register("lms_construct_demo")
def add_learning_demo(site, people):
    from courses.demo import construct_demo

    construct_demo(site, people)


@hooks.register("lms_construct_new_organisation")
def add_starter_kit(site, languages):
    from courses.starter_kit import construct_starter_kit

    construct_starter_kit(site, languages)


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
        links.append(
            MenuLink(_("Path follow-up"), reverse("courses:paths"), COORDINATION)
        )
    if request.user.is_superuser or (
        membership and (membership.manages_people or membership.authors_content)
    ):
        links.append(
            MenuLink(_("Award badges"), reverse("courses:manage_badges"), COORDINATION)
        )
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
