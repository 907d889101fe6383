"""Who holds which role profile, what it requires, and where people fall short."""

from dataclasses import dataclass

from django.db.models import Q

from lms.models import Membership
from relais_skills.models import Proficiency, Requirement, RoleProfile, SkillTag


def profiles_of(organisation, user):
    team_id = (
        Membership.objects.for_organisation(organisation)
        .filter(user=user)
        .values_list("team_id", flat=True)
        .first()
    )
    held = Q(holders=user)
    if team_id:
        held |= Q(team_id=team_id)
    return RoleProfile.objects.for_organisation(organisation).filter(held).distinct()


def required_skills(organisation, user):
    """{skill id: minimum level} over every profile ``user`` holds there."""
    required = {}
    for skill_id, level in Requirement.objects.filter(
        profile__in=profiles_of(organisation, user)
    ).values_list("skill_id", "level"):
        required[skill_id] = max(level, required.get(skill_id, 0))
    return required


@dataclass(frozen=True)
class Gap:
    requirement: Requirement
    level: int  # validated level now
    self_level: int
    courses: tuple  # (title, course id) of tagged courses that develop it enough

    @property
    def met(self):
        return self.level >= self.requirement.level

    @property
    def needed_label(self):
        return self.requirement.skill.framework.level_label(self.requirement.level)

    @property
    def level_label(self):
        return self.requirement.skill.framework.level_label(self.level)


def gaps(organisation, user):
    """Each requirement of the person's profiles with their level, and, for those
    not met, the courses tagged to reach it."""
    from courses.models import CoursePage

    requirements = list(
        Requirement.objects.filter(profile__in=profiles_of(organisation, user))
        .select_related("skill__framework", "profile")
        .order_by("profile__name", "skill__name")
    )
    standings = {
        skill_id: (level, self_level)
        for skill_id, level, self_level in Proficiency.objects.filter(
            organisation=organisation,
            user=user,
            skill__in=[r.skill_id for r in requirements],
        ).values_list("skill_id", "level", "self_level")
    }
    tags = {}
    for skill_id, object_id, level in (
        SkillTag.objects.for_organisation(organisation)
        .filter(
            skill__in=[r.skill_id for r in requirements],
            object_id__startswith="urn:relais:course:",
        )
        .values_list("skill_id", "object_id", "level")
    ):
        tags.setdefault(skill_id, []).append((int(object_id.rsplit(":", 1)[1]), level))
    titles = dict(
        CoursePage.objects.live()
        .filter(pk__in={c for pairs in tags.values() for c, _l in pairs})
        .values_list("pk", "title")
    )
    result = []
    for requirement in requirements:
        level, self_level = standings.get(requirement.skill_id, (0, 0))
        courses = ()
        if level < requirement.level:
            courses = tuple(
                (titles[course], course)
                for course, tag_level in tags.get(requirement.skill_id, ())
                if tag_level >= requirement.level and course in titles
            )
        result.append(Gap(requirement, level, self_level, courses))
    return result
