"""Trainers' view of each H5P activity: attempts, completion, scores per learner."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from courses.models import ActivityCompletion, Enrolment, LessonPage, Statement
from courses.sharing import shared_lessons
from courses.statements import VERBS

SCORED = {VERBS["answered"], VERBS["completed"]}


@dataclass
class ActivityResult:
    lesson: object
    block_id: str
    content: object
    attempts: int = 0
    enrolled: int = 0
    completed: int = 0
    best: dict = field(default_factory=dict)  # user id -> best scaled score

    @property
    def activity(self):
        return f"urn:relais:activity:{self.lesson.pk}:{self.block_id}"

    @property
    def completion_rate(self):
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0

    @property
    def average_best(self):
        scores = list(self.best.values())
        return round(100 * sum(scores) / len(scores)) if scores else None


def activities(organisation):
    """Every H5P activity in the lessons the organisation's learners follow (its
    own, and its federation's shared ones), with the figures of its own learners
    only: statements recorded in the organisation, enrolments made there."""
    own = LessonPage.objects.live().descendant_of(organisation.root_page)
    lessons = list(own) + list(shared_lessons(organisation))
    results = [
        ActivityResult(lesson, child.id, child.value.get("content"))
        for lesson in lessons
        for child in lesson.body
        if child.block_type == "h5p"
    ]
    if not results:
        return results
    by_activity = {result.activity: result for result in results}
    statements = Statement.objects.filter(
        organisation=organisation, object_id__in=by_activity, verb__in=SCORED
    ).values_list("object_id", "actor_id", "result")
    for object_id, actor_id, result in statements:
        entry = by_activity[object_id]
        entry.attempts += 1
        scaled = ((result or {}).get("score") or {}).get("scaled")
        if scaled is not None:
            entry.best[actor_id] = max(scaled, entry.best.get(actor_id, scaled))
    enrolments = Enrolment.objects.filter(
        organisation=organisation,
        course__path__in={r.lesson.parent_path for r in results},
    )
    completions = defaultdict(int)
    for lesson_id, block_id in ActivityCompletion.objects.filter(
        lesson__in=[result.lesson for result in results],
        user__in=enrolments.values("user"),
    ).values_list("lesson_id", "block_id"):
        completions[(lesson_id, block_id)] += 1
    enrolled = dict(
        enrolments.values("course__path")
        .annotate(count=Count("pk"))
        .values_list("course__path", "count")
    )
    for result in results:
        result.completed = completions[(result.lesson.pk, result.block_id)]
        result.enrolled = enrolled.get(result.lesson.parent_path, 0)
    return results
