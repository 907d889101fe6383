"""The completion engine: turns statements into lesson, course, step and path progress.

Called by ``record_statement`` inside its transaction; every write here is guarded by
a unique constraint, so a replay or a race never counts anything twice.

Two rules hold everything else up:

* only statements the platform vouches for (``Authority.PLATFORM``) count; what a
  learner reported is kept and changes nothing;
* a statement belongs to one organisation: it completes that organisation's paths
  and awards that organisation's badges, never another's.
"""

from django.db.models import Prefetch
from django.utils import timezone

from courses.events import (
    CourseCompleted,
    LessonCompleted,
    PathCompleted,
    PathStepCompleted,
    send_on_commit,
)
from courses.models import (
    ActivityCompletion,
    Enrolment,
    LessonPage,
    LessonProgress,
    PathAssignment,
    PathStep,
    StepCompletion,
)
from courses.statements import VERBS, Authority, InvalidStatement
from courses.steps import step_kind
from lms import signals
from lms.plugins.activation import enabled_labels

SHORT_VERBS = {iri: name for name, iri in VERBS.items()}
COMPLETING = {"completed", "passed", "accepted", "attended"}


def apply(statement):
    verb = SHORT_VERBS.get(statement.verb, statement.verb)
    parts = statement.object_id.split(":")
    relais = parts[:2] == ["urn", "relais"] and len(parts) >= 4
    if relais and not all(parts[3:]):
        raise InvalidStatement("The object id is incomplete.")
    if statement.authority != Authority.PLATFORM:
        return  # the learner's own report: kept and exported, never counted
    if relais:
        kind, ids = parts[2], parts[3:]
        if kind == "lesson":
            _on_lesson(statement, verb, _lesson(ids[0]))
        elif kind == "activity" and len(ids) == 2:
            _on_activity(statement, verb, _lesson(ids[0]), ids[1])
    _complete_matching_steps(statement, verb)


def _lesson(lesson_id):
    lesson = LessonPage.objects.live().filter(
        pk=lesson_id if lesson_id.isdigit() else 0
    )
    lesson = lesson.first()
    if lesson is None:
        raise InvalidStatement("No such lesson.")
    return lesson


def _enrolment(statement, lesson):
    enrolment = (
        Enrolment.objects.filter(user=statement.actor, course__path=lesson.parent_path)
        .select_related("course")
        .first()
    )
    if enrolment is None:
        raise InvalidStatement("The learner is not enrolled in this course.")
    return enrolment


def _on_lesson(statement, verb, lesson):
    enrolment = _enrolment(statement, lesson)
    enrolment.last_lesson = lesson
    enrolment.last_activity_at = statement.timestamp
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])
    LessonProgress.objects.get_or_create(user=statement.actor, lesson=lesson)
    if verb == "completed":
        _check_lesson(statement, lesson, enrolment, marked_done=True)


def completes_activity(verb, result, block_value):
    """Does this statement complete the activity? ``result.success`` is optional
    (H5P often leaves it out). A block with a ``pass_threshold`` needs a scaled
    score at least that high, whatever the verb says."""
    result = result or {}
    if verb == "failed" or result.get("success") is False:
        return False
    threshold = (
        block_value.get("pass_threshold") if hasattr(block_value, "get") else None
    )
    scaled = (result.get("score") or {}).get("scaled")
    if threshold is not None:
        return scaled is not None and scaled >= threshold
    if verb == "answered":
        return result.get("success") is True or (
            threshold is None and scaled is not None
        )
    return verb in COMPLETING


def _on_activity(statement, verb, lesson, block_id):
    enrolment = _enrolment(statement, lesson)
    activities = {
        found_id: value
        for found_id, value, _req in lesson.activities(
            enabled_labels(statement.organisation)
        )
    }
    if block_id not in activities:
        raise InvalidStatement("No such activity in this lesson.")
    if not completes_activity(verb, statement.result, activities[block_id]):
        return
    scaled = ((statement.result or {}).get("score") or {}).get("scaled")
    ActivityCompletion.objects.get_or_create(
        user=statement.actor,
        lesson=lesson,
        block_id=block_id,
        defaults={
            "completed_at": statement.timestamp,
            "score": scaled,
            "statement": statement,
        },
    )
    LessonProgress.objects.get_or_create(user=statement.actor, lesson=lesson)
    _check_lesson(statement, lesson, enrolment, marked_done=False)


def _check_lesson(statement, lesson, enrolment, *, marked_done):
    required = lesson.required_activity_ids(enabled_labels(statement.organisation))
    done = set(
        ActivityCompletion.objects.filter(
            user=statement.actor, lesson=lesson
        ).values_list("block_id", flat=True)
    )
    if required - done or not (required or marked_done):
        return
    updated = LessonProgress.objects.filter(
        user=statement.actor, lesson=lesson, completed_at__isnull=True
    ).update(completed_at=statement.timestamp)
    if updated:
        send_on_commit(
            signals.lesson_completed,
            statement.organisation,
            LessonCompleted(statement.actor_id, lesson.pk, enrolment.course_id),
        )
    update_course_progress(enrolment, statement)


def update_course_progress(enrolment, statement):
    course = enrolment.course
    lessons = list(course.get_lessons())
    user = enrolment.user
    if course.completion_rule == course.CompletionRule.REQUIRED_ACTIVITIES:
        enabled = enabled_labels(statement.organisation)
        required = {
            (lesson.pk, block)
            for lesson in lessons
            for block in lesson.required_activity_ids(enabled)
        }
        done = set(
            ActivityCompletion.objects.filter(
                user=user, lesson__in=lessons
            ).values_list("lesson_id", "block_id")
        )
        total, finished = len(required), len(required & done)
    else:
        counted = [lesson.pk for lesson in lessons if not lesson.optional]
        total = len(counted)
        finished = LessonProgress.objects.filter(
            user=user, lesson_id__in=counted, completed_at__isnull=False
        ).count()
    progress = 100 if total == 0 else int(100 * finished / total)
    Enrolment.objects.filter(pk=enrolment.pk).update(progress=progress)
    enrolment.progress = progress
    if progress < 100:
        return
    # A guarded update, not a save of what this request read: concurrent requests
    # wait on the row and only the first one finds it incomplete, so the course
    # completes, its statement is recorded and its badges awarded once.
    newly_complete = Enrolment.objects.filter(
        pk=enrolment.pk, completed_at__isnull=True
    ).update(completed_at=statement.timestamp)
    if newly_complete:
        enrolment.completed_at = statement.timestamp
        from courses.badges import award_for_rule
        from courses.statements import record_statement

        send_on_commit(
            signals.course_completed,
            statement.organisation,
            CourseCompleted(user.pk, course.pk),
        )
        # One key per course and learner: the constraint on platform course
        # completions (Statement.Meta) holds even where this guard would not.
        record_statement(
            actor=user,
            organisation=statement.organisation,
            verb="completed",
            object_id=f"urn:relais:course:{course.pk}",
            statement_id=f"course-completed:{course.pk}",
            authority=Authority.PLATFORM,
        )
        award_for_rule(user, statement.organisation, course=course)


def _complete_matching_steps(statement, verb):
    """The steps of the actor's paths in the statement's organisation whose kind
    names this object (a kind that names none is completed by a person)."""
    if verb not in COMPLETING:
        return
    assignments = (
        PathAssignment.objects.filter(
            user=statement.actor,
            completed_at__isnull=True,
            path__organisation=statement.organisation,
        )
        .select_related("path")
        .prefetch_related(
            Prefetch("path__steps", queryset=PathStep.objects.order_by("sort_order"))
        )
    )
    for assignment in assignments:
        for step in assignment.path.steps.all():
            object_id = step_kind(step.kind).object_id(step)
            if object_id is not None and object_id == statement.object_id:
                complete_step(
                    assignment, step, statement.organisation, statement.timestamp
                )


def complete_step(assignment, step, organisation, when=None, confirmed_by=None):
    """Complete one step of an assignment, in the path's own organisation."""
    if (
        assignment.path.organisation_id != organisation.pk
        or step.path_id != assignment.path_id
    ):
        raise ValueError("This step belongs to another path or organisation.")
    _completion, created = StepCompletion.objects.get_or_create(
        assignment=assignment,
        step=step,
        defaults={"completed_at": when or timezone.now(), "confirmed_by": confirmed_by},
    )
    if not created:
        return
    send_on_commit(
        signals.path_step_completed,
        organisation,
        PathStepCompleted(assignment.user_id, assignment.path_id, step.pk),
    )
    # Plain queries, not ``assignment.path.steps``: once the steps are prefetched
    # (as the engine does), modelcluster's manager filters the prefetch queryset,
    # which holds every path's steps, and a path never completed.
    required = set(
        PathStep.objects.filter(path_id=assignment.path_id, required=True).values_list(
            "pk", flat=True
        )
    )
    done = set(
        StepCompletion.objects.filter(assignment=assignment).values_list(
            "step_id", flat=True
        )
    )
    if required <= done and assignment.completed_at is None:
        assignment.completed_at = when or timezone.now()
        assignment.save(update_fields=["completed_at"])
        send_on_commit(
            signals.path_completed,
            organisation,
            PathCompleted(assignment.user_id, assignment.path_id),
        )
        from courses.badges import award_for_rule

        award_for_rule(assignment.user, organisation, path=assignment.path)
