from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.plugins.menu import MenuLink
from lms.skills import SkillChoice
from relais_skills.models import Framework, Skill


@hooks.register("lms_register_menu_items")
def add_skills_link(request):
    if getattr(request, "membership", None) is None:
        return []
    return [MenuLink(_("My skills"), reverse("skills:mine"))]


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
