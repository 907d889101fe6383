"""The contract between a plugin that keeps skills and plugins that vouch for them.

A skills plugin answers the ``lms_skill_choices`` hook with what can be confirmed for a
person; a plugin that sees people at work (mentoring) offers those choices and sends
``lms.signals.skill_confirmed``. Without a skills plugin enabled there is nothing to
confirm, and the other side simply hides the feature.
"""

from dataclasses import dataclass

from wagtail import hooks

from lms.plugins.activation import enabled_labels, runs_here


@dataclass(frozen=True)
class SkillChoice:
    key: str  # stable: an ESCO URI or the skills plugin's own id
    label: str
    levels: tuple[tuple[int, str], ...]  # (level, label), lowest first


def skill_choices(organisation, user) -> list[SkillChoice]:
    """Skills that may be confirmed for ``user`` there, from enabled plugins."""
    enabled = enabled_labels(organisation)
    return [
        choice
        for fn in hooks.get_hooks("lms_skill_choices")
        if runs_here(fn, enabled)
        for choice in fn(organisation, user)
    ]
