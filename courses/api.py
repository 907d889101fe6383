"""The learning core's API resources (``lms.api.registry``): courses,
enrolments, onboarding progress, badge awards and statements, at
``/api/v1/<prefix>/``. Everyone reads the catalogue; people's records are seen
by coordinators and admins, and by anyone for their own."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers

from courses.learning import next_step, percent, step_states
from courses.models import (
    BadgeAward,
    CoursePage,
    Enrolment,
    PathAssignment,
    PathStep,
    Statement,
    StepCompletion,
    available_courses,
)
from courses.statements import VERBS
from lms.api.views import Filters, object_id
from lms.api.viewsets import ReadOnlyViewSet

SCOPE_FAMILIES = {}  # the core's own families: lms.api.scopes.CORE_FAMILIES


class CourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoursePage
        fields = ["id", "title", "slug", "summary", "duration_minutes", "level"]


@extend_schema(tags=["learning"])
class CourseViewSet(ReadOnlyViewSet):
    """The organisation's live catalogue (its own and its federation's shared)."""

    model = CoursePage
    scope_family = "learning"
    serializer_class = CourseSerializer

    def organisation_queryset(self):
        return available_courses(self.organisation)


class EnrolmentFilters(Filters):
    person = object_id()
    course = object_id()


class EnrolmentSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="user_id", read_only=True)
    course = serializers.IntegerField(source="course_id", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "organisation",
            "person",
            "course",
            "enrolled_at",
            "progress",
            "completed_at",
            "last_activity_at",
        ]


@extend_schema(tags=["learning"])
class EnrolmentViewSet(ReadOnlyViewSet):
    model = Enrolment
    scope_family = "learning"
    person_field = "user"
    serializer_class = EnrolmentSerializer

    def organisation_queryset(self):
        enrolments = Enrolment.objects.filter(organisation=self.organisation)
        if self.action == "list":
            filters = EnrolmentFilters.read(self.request)
            if "person" in filters:
                enrolments = enrolments.filter(user_id=filters["person"])
            if "course" in filters:
                enrolments = enrolments.filter(course_id=filters["course"])
        return enrolments

    @extend_schema(parameters=[EnrolmentFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


def late_assignments(assignments, today=None):
    """Ids of the assignments with a step past its due date and not done (the
    coordinators' path view's "late"), from three plain queries."""
    today = today or timezone.localdate()
    rows = list(assignments.values_list("pk", "path_id", "start_date"))
    steps = defaultdict(list)
    for path_id, step_id, due_days in PathStep.objects.filter(
        path_id__in={path_id for _pk, path_id, _start in rows}
    ).values_list("path_id", "pk", "due_days"):
        steps[path_id].append((step_id, due_days))
    done = defaultdict(set)
    for assignment_id, step_id in StepCompletion.objects.filter(
        assignment__in=assignments
    ).values_list("assignment_id", "step_id"):
        done[assignment_id].add(step_id)
    return {
        pk
        for pk, path_id, start in rows
        if any(
            step_id not in done[pk] and (start + timezone.timedelta(days=due)) < today
            for step_id, due in steps[path_id]
        )
    }


class ProgressFilters(Filters):
    person = object_id()
    path = object_id()
    late = serializers.BooleanField(required=False, allow_null=True, default=None)


class PathAssignmentSerializer(serializers.ModelSerializer):
    """One person on one onboarding path: steps done out of the total, how
    many are late, and the next one."""

    person = serializers.IntegerField(source="user_id")
    path = serializers.IntegerField(source="path_id")
    path_title = serializers.CharField(source="path.title")
    organisation = serializers.IntegerField(source="path.organisation_id")
    steps_done = serializers.SerializerMethodField()
    steps_total = serializers.SerializerMethodField()
    percent = serializers.SerializerMethodField()
    late_steps = serializers.SerializerMethodField()
    late = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()

    class Meta:
        model = PathAssignment
        fields = [
            "id",
            "organisation",
            "person",
            "path",
            "path_title",
            "start_date",
            "completed_at",
            "steps_done",
            "steps_total",
            "percent",
            "late_steps",
            "late",
            "next_step",
        ]

    def _states(self, assignment):
        if not hasattr(assignment, "_states"):
            done = {c.step_id: c.completed_at for c in assignment.completions.all()}
            assignment._states = step_states(
                assignment.path.steps.all(), assignment.start_date, done
            )
        return assignment._states

    def get_steps_done(self, assignment) -> int:
        return sum(state.done for state in self._states(assignment))

    def get_steps_total(self, assignment) -> int:
        return len(self._states(assignment))

    def get_percent(self, assignment) -> int:
        return percent(self._states(assignment))

    def get_late_steps(self, assignment) -> int:
        return sum(state.overdue for state in self._states(assignment))

    def get_late(self, assignment) -> bool:
        return self.get_late_steps(assignment) > 0

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_next_step(self, assignment):
        state = next_step(self._states(assignment))
        return state.step.title if state else None


@extend_schema(tags=["learning"])
class PathAssignmentViewSet(ReadOnlyViewSet):
    """Onboarding progress of the organisation's active members."""

    model = PathAssignment
    scope_family = "learning"
    person_field = "user"
    serializer_class = PathAssignmentSerializer

    def organisation_queryset(self):
        assignments = PathAssignment.objects.filter(
            path__organisation=self.organisation,
            user__memberships__organisation=self.organisation,
            user__memberships__is_active=True,
        )
        if self.action == "list":
            filters = ProgressFilters.read(self.request)
            if "person" in filters:
                assignments = assignments.filter(user_id=filters["person"])
            if "path" in filters:
                assignments = assignments.filter(path_id=filters["path"])
            if filters.get("late") is not None:
                late = late_assignments(assignments)
                assignments = (
                    assignments.filter(pk__in=late)
                    if filters["late"]
                    else assignments.exclude(pk__in=late)
                )
        return assignments.select_related("path").prefetch_related(
            "path__steps", "completions"
        )

    @extend_schema(parameters=[ProgressFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class BadgeAwardSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="recipient_id")
    organisation = serializers.IntegerField(source="badge.organisation_id")
    badge_name = serializers.CharField(source="badge.name")

    class Meta:
        model = BadgeAward
        fields = [
            "id",
            "uuid",
            "organisation",
            "person",
            "badge",
            "badge_name",
            "issued_on",
            "expires",
            "revoked_at",
        ]


class AwardFilters(Filters):
    person = object_id()
    badge = object_id()


@extend_schema(tags=["badges"])
class BadgeAwardViewSet(ReadOnlyViewSet):
    model = BadgeAward
    scope_family = "badges"
    person_field = "recipient"
    serializer_class = BadgeAwardSerializer

    def organisation_queryset(self):
        awards = BadgeAward.objects.filter(
            badge__organisation=self.organisation
        ).select_related("badge")
        if self.action == "list":
            filters = AwardFilters.read(self.request)
            if "person" in filters:
                awards = awards.filter(recipient_id=filters["person"])
            if "badge" in filters:
                awards = awards.filter(badge_id=filters["badge"])
        return awards

    @extend_schema(parameters=[AwardFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class StatementFilters(Filters):
    person = object_id()
    activity = serializers.CharField(required=False, max_length=300)
    verb = serializers.CharField(
        required=False,
        max_length=200,
        help_text=_("A verb's IRI or its short name (completed, passed…)"),
    )
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, data):
        if "since" in data and "until" in data and data["since"] > data["until"]:
            raise serializers.ValidationError({"until": _("Give a date after since.")})
        return data


class StatementSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="actor_id")
    activity = serializers.CharField(source="object_id")

    class Meta:
        model = Statement
        fields = [
            "id",
            "organisation",
            "person",
            "verb",
            "activity",
            "result",
            "timestamp",
            "stored",
            "authority",
        ]


@extend_schema(tags=["statements"])
class StatementViewSet(ReadOnlyViewSet):
    """Learning statements recorded in the organisation (read-only)."""

    model = Statement
    scope_family = "statements"
    person_field = "actor"
    serializer_class = StatementSerializer

    def organisation_queryset(self):
        statements = Statement.objects.filter(organisation=self.organisation)
        if self.action == "list":
            filters = StatementFilters.read(self.request)
            if "person" in filters:
                statements = statements.filter(actor_id=filters["person"])
            if "activity" in filters:
                statements = statements.filter(object_id=filters["activity"])
            if "verb" in filters:
                verb = filters["verb"]
                statements = statements.filter(verb=VERBS.get(verb, verb))
            if "since" in filters:
                statements = statements.filter(timestamp__gte=filters["since"])
            if "until" in filters:
                statements = statements.filter(timestamp__lt=filters["until"])
        return statements

    @extend_schema(parameters=[StatementFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


ROUTES = [
    ("courses", CourseViewSet),
    ("enrolments", EnrolmentViewSet),
    ("path-assignments", PathAssignmentViewSet),
    ("badge-awards", BadgeAwardViewSet),
    ("statements", StatementViewSet),
]
