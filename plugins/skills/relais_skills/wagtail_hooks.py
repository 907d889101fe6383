from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.models.people import PEOPLE_MANAGERS
from lms.plugins.menu import MenuLink
from lms.skills import SkillChoice
from relais_skills.models import Framework, Skill
from relais_skills.reports import ExpiryReport, GapReport, MatrixReport


@hooks.register("lms_register_menu_items")
def add_skills_link(request):
    if getattr(request, "membership", None) is None:
        return []
    return [MenuLink(_("My skills"), reverse("skills:mine"))]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("skills/matrix/", MatrixReport.as_view(), name="skills_matrix"),
        path(
            "skills/matrix/results/",
            MatrixReport.as_view(results_only=True),
            name="skills_matrix_results",
        ),
        path("skills/gaps/", GapReport.as_view(), name="skills_gaps"),
        path(
            "skills/gaps/results/",
            GapReport.as_view(results_only=True),
            name="skills_gaps_results",
        ),
        path("skills/expiring/", ExpiryReport.as_view(), name="skills_expiry"),
        path(
            "skills/expiring/results/",
            ExpiryReport.as_view(results_only=True),
            name="skills_expiry_results",
        ),
    ]


@hooks.register("lms_register_admin_reports")
def add_skills_reports(request):
    membership = getattr(request, "membership", None)
    if not (
        request.user.is_superuser or (membership and membership.role in PEOPLE_MANAGERS)
    ):
        return []
    return [
        MenuItem(
            _("Skills matrix"), reverse("skills_matrix"), icon_name="table", order=10
        ),
        MenuItem(
            _("Gaps and coverage"),
            reverse("skills_gaps"),
            icon_name="warning",
            order=15,
        ),
        MenuItem(
            _("Expiring certifications"),
            reverse("skills_expiry"),
            icon_name="date",
            order=20,
        ),
    ]


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
        framework__in=Framework.objects.for_organisation(organisation)
    ).select_related("framework")
    ordered = sorted(skills, key=lambda s: (s.pk not in required, s.name))
    return [
        SkillChoice(str(s.pk), s.name, tuple(s.framework.level_choices()))
        for s in ordered
    ]
