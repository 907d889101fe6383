"""From evidence to levels, written once.

``record()`` is the one entrance for evidence (idempotent on its reference); it
recomputes that person's ``Proficiency`` in the skill by the framework's rule:

* validated evidence (course, activity, mentor, assessment) sets ``level``, by the
  framework's rule (highest, or latest), ignoring evidence past its expiry;
* self-assessment and declared prior experience set ``self_level``, shown beside it,
  never mixed in.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from relais_skills.models import Evidence, Framework, Proficiency

SELF_DECLARED = (Evidence.Source.SELF, Evidence.Source.PRIOR)


def record(*, organisation, user, skill, level, source, observed_on=None, **fields):
    """Store one piece of evidence and update the person's standing. Returns the
    evidence, or the one already recorded with the same reference."""
    observed_on = observed_on or timezone.localdate()
    if "expires_on" not in fields and skill.valid_days:
        fields["expires_on"] = observed_on + timedelta(days=skill.valid_days)
    level = min(max(int(level), 1), len(skill.framework.levels))
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                organisation=organisation,
                user=user,
                skill=skill,
                level=level,
                source=source,
                observed_on=observed_on,
                **fields,
            )
    except IntegrityError:
        return Evidence.objects.get(
            organisation=organisation,
            user=user,
            skill=skill,
            source=source,
            reference=fields.get("reference", ""),
        )
    recompute(organisation, user.pk, skill)
    return evidence


def standing(evidence, rule, today):
    """(level, expires_on, self_level) from one person's evidence in one skill."""
    valid = [
        e
        for e in evidence
        if e.source not in SELF_DECLARED
        and (e.expires_on is None or e.expires_on >= today)
    ]
    level, expires_on = 0, None
    if valid:
        if rule == Framework.Rule.LATEST:
            chosen = max(valid, key=lambda e: (e.observed_on, e.created_at))
            level, expires_on = chosen.level, chosen.expires_on
        else:
            level = max(e.level for e in valid)
            at_level = [e.expires_on for e in valid if e.level == level]
            # The level holds until the last of its evidence lapses.
            expires_on = None if None in at_level else max(at_level)
    declared = [e for e in evidence if e.source in SELF_DECLARED]
    self_level = (
        max(declared, key=lambda e: (e.observed_on, e.created_at)).level
        if declared
        else 0
    )
    return level, expires_on, self_level


def recompute(organisation, user_id, skill, today=None):
    today = today or timezone.localdate()
    evidence = list(
        Evidence.objects.filter(organisation=organisation, user_id=user_id, skill=skill)
    )
    level, expires_on, self_level = standing(evidence, skill.framework.rule, today)
    Proficiency.objects.update_or_create(
        organisation=organisation,
        user_id=user_id,
        skill=skill,
        defaults={"level": level, "expires_on": expires_on, "self_level": self_level},
    )


def lapse_expired(today=None):
    """Daily: standings whose evidence expired yesterday are recomputed (the level
    falls back to what other evidence still shows)."""
    today = today or timezone.localdate()
    stale = Proficiency.objects.filter(expires_on__lt=today).select_related(
        "skill__framework", "organisation"
    )
    count = 0
    for row in stale:
        recompute(row.organisation, row.user_id, row.skill, today)
        count += 1
    return count
