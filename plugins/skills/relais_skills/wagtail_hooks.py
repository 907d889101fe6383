from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet

from lms.models.people import PEOPLE_MANAGERS
from lms.plugins.dashboard import DashboardAction
from lms.plugins.menu import REPORTS as REPORTS_GROUP
from lms.plugins.menu import MenuLink
from lms.skills import SkillChoice
from relais_skills import adoption, import_views
from relais_skills.admin import VIEWSETS
from relais_skills.models import Framework, Skill
from relais_skills.reports import (
    ExpiryReport,
    FunnelReport,
    GapReport,
    MatrixReport,
    ProgressReport,
)

for viewset in VIEWSETS:
    register_snippet(viewset)


@hooks.register("lms_register_admin_menu_items")
def add_skills_admin_menu(request):
    membership = getattr(request, "membership", None)
    if request.user.is_superuser or (membership and membership.role in PEOPLE_MANAGERS):
        shown = VIEWSETS
    elif request.user.has_perm("skills.add_skilltag"):
        shown = VIEWSETS[-1:]  # trainers say what their courses develop
    else:
        return []
    items = [
        MenuItem(viewset.menu_label, reverse(viewset.get_url_name("list")), order=i)
        for i, viewset in enumerate(shown)
    ]
    if shown is VIEWSETS:
        items += [
            MenuItem(_("Import and export"), reverse("skills_imports"), order=98),
            MenuItem(
                _("The federation's frameworks"),
                reverse("skills_adoption"),
                order=99,
            ),
        ]
    return [
        SubmenuMenuItem(_("Skills"), Menu(items=items), icon_name="pick", order=250)
    ]


@hooks.register("lms_register_menu_items")
def add_skills_link(request):
    if getattr(request, "membership", None) is None:
        return []
    links = [MenuLink(_("My skills"), reverse("skills:mine"))]
    if request.user.is_superuser or request.membership.role in PEOPLE_MANAGERS:
        links += [
            MenuLink(_("Skills matrix"), reverse("skills_matrix"), REPORTS_GROUP),
            MenuLink(_("Onboarding funnel"), reverse("skills_funnel"), REPORTS_GROUP),
        ]
    return links


@hooks.register("lms_register_dashboard_actions")
def add_expiring_certificates(request):
    """Coordinators: certificates expired or expiring soon, not renewed."""
    from relais_skills.reports import expiring_certificates

    membership = getattr(request, "membership", None)
    if not (request.user.is_superuser or (membership and membership.manages_people)):
        return []
    return [
        DashboardAction(
            _("Certificates expired or expiring within 90 days"),
            expiring_certificates(request.organisation).count(),
            reverse("skills_expiry"),
            order=50,
        )
    ]


# (URL name suffix, view): the Reports menu lists them in this order.
REPORTS = [
    ("matrix", MatrixReport),
    ("gaps", GapReport),
    ("expiry", ExpiryReport),
    ("progress", ProgressReport),
    ("funnel", FunnelReport),
]


@hooks.register("register_admin_urls")
def register_import_urls():
    return [*import_views.urlpatterns, *adoption.urlpatterns]


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = []
    for name, view in REPORTS:
        urls += [
            path(f"skills/{name}/", view.as_view(), name=f"skills_{name}"),
            path(
                f"skills/{name}/results/",
                view.as_view(results_only=True),
                name=f"skills_{name}_results",
            ),
        ]
    return urls


@hooks.register("lms_register_admin_reports")
def add_skills_reports(request):
    membership = getattr(request, "membership", None)
    if not (
        request.user.is_superuser or (membership and membership.role in PEOPLE_MANAGERS)
    ):
        return []
    return [
        MenuItem(
            view.page_title,
            reverse(f"skills_{name}"),
            icon_name=view.header_icon,
            order=order,
        )
        for order, (name, view) in enumerate(REPORTS, start=10)
    ]


@hooks.register("lms_register_dashboard_panels")
def add_my_skills(request, panels):
    from relais_skills.panels import MySkillsPanel

    if getattr(request, "membership", None) is not None:
        panels.append(MySkillsPanel(request))


@hooks.register("lms_register_person_panels")
def add_person_skills(request, membership, panels):
    from relais_skills.panels import PersonSkillsPanel

    panels.append(PersonSkillsPanel(request, membership))


@hooks.register("lms_skill_choices")
def skills_to_confirm(organisation, user):
    """The skills a mentor may confirm: those the person's roles need first, then
    the rest of the organisation's frameworks."""
    from relais_skills.profiles import required_skills

    required = required_skills(organisation, user)
    skills = Skill.objects.filter(
        framework__in=Framework.objects.available_to(organisation)
    ).select_related("framework")
    ordered = sorted(skills, key=lambda s: (s.pk not in required, s.name))
    return [
        SkillChoice(str(s.pk), s.name, tuple(s.framework.level_choices()))
        for s in ordered
    ]


@hooks.register("lms_construct_demo")
def add_skills_demo(site, people):
    from relais_skills.demo import construct_demo

    construct_demo(site, people)
