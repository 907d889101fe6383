"""Onboarding step kinds. Plugins add kinds with ``@register_step_kind``.

A kind says how a step is labelled, where the learner goes to do it, and which
activity completes it. Only a statement the platform recorded, in the path's
organisation, completes a step through its activity IRI (see ``courses.completion``);
a kind that names no activity is completed by a person (the coordinator's
confirmation), never by a statement.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

_kinds: dict[str, "StepKind"] = {}


@dataclass(frozen=True)
class StepKind:
    name: str
    label: str

    def object_id(self, step) -> str | None:
        """The activity IRI whose completion, recorded by the platform, completes
        the step; None (the default) when no statement may complete it."""
        return None

    def url(self, step) -> str:
        return reverse("courses:step", args=[step.pk])

    def done_by_learner(self) -> bool:
        """Whether the learner completes it themselves on the step page."""
        return False

    def waits_on_others(self, step, user_id) -> bool:
        """Whether the learner can, for now, only wait for someone else to move
        this open step on: it shows as waiting, and "what to do now" offers her
        next step instead. By default, a kind that names no activity (a person
        confirms it)."""
        return self.object_id(step) is None

    def target_choices(self, organisation) -> list[tuple[str, str]]:
        """(value, label) of what the step's ``target`` may hold (a plugin's
        activity, e.g. a quiz); [] if the kind needs no target."""
        return []

    def step_fields(self) -> tuple[str, ...]:
        """The step form's fields this kind uses besides those every step has (the
        admin shows only these): ``target`` for a kind offering targets."""
        if type(self).target_choices is not StepKind.target_choices:
            return ("target",)
        return ()


def all_target_choices(organisation):
    """Each kind's targets, grouped by kind label (for the step form)."""
    return [
        (kind.label, choices)
        for kind in _kinds.values()
        if (choices := kind.target_choices(organisation))
    ]


def register_step_kind(kind: StepKind) -> StepKind:
    _kinds[kind.name] = kind
    return kind


def step_kind(name: str) -> StepKind:
    return _kinds[name]


def kind_fields() -> dict[str, list[str]]:
    """{kind: its own fields} for every kind, and the fields some kind uses."""
    return {name: list(kind.step_fields()) for name, kind in _kinds.items()}


def step_kind_choices():
    return [(name, kind.label) for name, kind in _kinds.items()]


class CourseStep(StepKind):
    def object_id(self, step):
        return f"urn:relais:course:{step.course_id}"

    def url(self, step):
        return reverse("courses:course", args=[step.course_id])

    def step_fields(self):
        return ("course",)


class AcknowledgeStep(StepKind):
    """Accepted on the step's own page, which records the statement."""

    def object_id(self, step):
        return f"urn:relais:step:{step.pk}"

    def done_by_learner(self):
        return True

    def step_fields(self):
        return ("document",)


register_step_kind(CourseStep("course", _("Take a course")))
register_step_kind(AcknowledgeStep("acknowledge", _("Read and accept a document")))
# Completed only by the coordinator's confirmation (courses.views.coordination).
register_step_kind(StepKind("checklist", _("Task confirmed by the coordinator")))
