"""Enrolling in courses, assigning onboarding paths, and reading a path's state."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db import transaction
from django.utils import timezone

from courses.events import Enrolled, send_on_commit
from courses.models import (
    Enrolment,
    OnboardingPath,
    PathAssignment,
    PathStep,
    StepCompletion,
    available_courses,
)
from courses.steps import step_kind
from lms import signals
from lms.models import Membership


class NotAvailable(Exception):
    """The course is not offered to this organisation."""


def enrol(user, course, organisation):
    if not available_courses(organisation).filter(pk=course.pk).exists():
        raise NotAvailable
    enrolment, created = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"organisation": organisation}
    )
    if created:
        send_on_commit(signals.enrolled, organisation, Enrolled(user.pk, course.pk))
    return enrolment


@transaction.atomic
def assign_path(user, path, start_date=None):
    """Assign once; a later change to the path keeps the steps already done."""
    assignment, _created = PathAssignment.objects.get_or_create(
        user=user,
        path=path,
        defaults={"start_date": start_date or timezone.localdate()},
    )
    courses = PathStep.objects.filter(path=path, kind="course", course__isnull=False)
    for step in courses.select_related("course"):
        try:
            enrol(user, step.course, path.organisation)
        except NotAvailable:
            continue
    return assignment


def assign_paths_on_join(sender, event, **kwargs):
    """Receiver of person_joined: the onboarding paths of the newcomer's role."""
    membership = Membership.objects.select_related("user").get(pk=event.membership_id)
    for path in OnboardingPath.objects.for_organisation(sender).filter(role=event.role):
        assign_path(membership.user, path, membership.start_date)


@dataclass
class StepState:
    step: object
    due: date
    done_at: object
    open: bool
    today: date
    user_id: int | None = None

    @property
    def done(self):
        return self.done_at is not None

    @property
    def overdue(self):
        return not self.done and self.due < self.today

    @property
    def url(self):
        return step_kind(self.step.kind).url(self.step)

    @cached_property
    def waiting(self):
        """Open, not done, and for now in someone else's hands (a task the
        coordinator confirms, a mentor not found yet…): see
        ``StepKind.waits_on_others``."""
        return (
            self.open
            and not self.done
            and step_kind(self.step.kind).waits_on_others(self.step, self.user_id)
        )


def path_state(assignment, completions=None, today=None):
    """Every step of an assignment with its due date and status, in order."""
    if completions is None:
        completions = StepCompletion.objects.filter(assignment=assignment)
    done = {completion.step_id: completion.completed_at for completion in completions}
    return step_states(
        assignment.path.steps.all(),
        assignment.start_date,
        done,
        today,
        user_id=assignment.user_id,
    )


def step_states(steps, start_date, done, today=None, user_id=None):
    """The states of ``steps`` for someone (``user_id``) who started on
    ``start_date``; ``done`` maps step ids to completion times."""
    today = today or timezone.localdate()
    states, previous_done = [], True
    for step in steps:
        done_at = done.get(step.pk)
        states.append(
            StepState(
                step,
                step.due_date(start_date),
                done_at,
                open=previous_done or not step.after_previous,
                today=today,
                user_id=user_id,
            )
        )
        previous_done = done_at is not None
    return states


def next_step(states):
    """The first open step not done, whoever does it (what a coordinator follows)."""
    return next((state for state in states if not state.done and state.open), None)


def next_doable(states):
    """The first open step the learner can do now: a step waiting on someone
    else is skipped, so "what to do now" is never a dead end."""
    return next(
        (state for state in states if state.open and not (state.done or state.waiting)),
        None,
    )


def waiting_steps(states):
    """Open steps the learner waits on someone else for (a task the coordinator
    confirms, a mentor's answer…)."""
    return [state for state in states if state.waiting]


def percent(states):
    required = [state for state in states if state.step.required]
    if not required:
        return 100
    return int(100 * sum(state.done for state in required) / len(required))
