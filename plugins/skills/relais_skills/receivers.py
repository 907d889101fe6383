"""Evidence from what happens elsewhere, with no import of the plugins it comes
from: completed or passed activities tagged with skills (statements), and skill
levels confirmed by someone who saw the person at work (``skill_confirmed``)."""

from django.contrib.auth import get_user_model
from django.dispatch import receiver

from courses.statements import VERBS
from lms.signals import skill_confirmed, statement_recorded
from relais_skills import proficiency
from relais_skills.models import Evidence, Framework, Skill, SkillTag

COMPLETING = {VERBS["completed"], VERBS["passed"]}


@receiver(statement_recorded, dispatch_uid="skills.from_statements")
def evidence_from_statement(sender, event, **kwargs):
    if event.verb not in COMPLETING:
        return
    tags = SkillTag.objects.for_organisation(sender).filter(object_id=event.object_id)
    tags = list(tags.select_related("skill__framework"))
    if not tags:
        return
    user = get_user_model().objects.get(pk=event.actor_id)
    source = (
        Evidence.Source.COURSE
        if event.object_id.startswith("urn:relais:course:")
        else Evidence.Source.ACTIVITY
    )
    for tag in tags:
        proficiency.record(
            organisation=sender,
            user=user,
            skill=tag.skill,
            level=tag.level,
            source=source,
            note=tag.label,
            reference=event.object_id,
        )


@receiver(skill_confirmed, dispatch_uid="skills.from_confirmations")
def evidence_from_confirmation(sender, event, **kwargs):
    skill = (
        Skill.objects.filter(
            pk=event.skill if str(event.skill).isdigit() else 0,
            framework__in=Framework.objects.available_to(sender),
        )
        .select_related("framework")
        .first()
    )
    if skill is None:
        return
    User = get_user_model()
    proficiency.record(
        organisation=sender,
        user=User.objects.get(pk=event.user_id),
        skill=skill,
        level=event.level,
        source=Evidence.Source.MENTOR
        if event.source == "mentoring"
        else Evidence.Source.ASSESSMENT,
        author=User.objects.filter(pk=event.confirmed_by_id).first(),
        note=event.note,
        url=event.evidence_url,
    )
