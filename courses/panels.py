"""Dashboard panels of the learning core: next step, courses, badges."""

from django.db.models import Prefetch
from wagtail.admin.ui.components import Component

from courses.learning import next_step, path_state, percent
from courses.models import BadgeAward, Enrolment, PathAssignment, PathStep


class NextStepPanel(Component):
    template_name = "courses/panels/next_step.html"
    order = 10

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        assignment = (
            PathAssignment.objects.filter(
                user=self.request.user,
                path__organisation=self.request.organisation,
                completed_at__isnull=True,
            )
            .select_related("path")
            .prefetch_related(
                Prefetch(
                    "path__steps", queryset=PathStep.objects.select_related("course")
                ),
                "completions",
            )
            .order_by("assigned_at")
            .first()
        )
        if assignment is None:
            return {"assignment": None}
        states = path_state(assignment, assignment.completions.all())
        return {
            "assignment": assignment,
            "next": next_step(states),
            "percent": percent(states),
            "overdue": sum(state.overdue for state in states),
        }


class CoursesPanel(Component):
    template_name = "courses/panels/courses.html"
    order = 20

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        enrolments = (
            Enrolment.objects.filter(
                user=self.request.user,
                organisation=self.request.organisation,
                completed_at__isnull=True,
            )
            .select_related("course", "last_lesson")
            .order_by("-last_activity_at", "-enrolled_at")[:5]
        )
        return {"enrolments": enrolments}


class BadgesPanel(Component):
    template_name = "courses/panels/badges.html"
    order = 30

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        awards = (
            BadgeAward.objects.filter(
                recipient=self.request.user, revoked_at__isnull=True
            )
            .select_related("badge__image")
            .order_by("-issued_on")[:3]
        )
        return {"awards": awards}


class PersonPathsPanel(Component):
    """On a person's page for coordinators: their paths, and assigning one by hand."""

    template_name = "courses/panels/person_paths.html"
    order = 10

    def __init__(self, request, membership):
        self.request, self.membership = request, membership

    def get_context_data(self, parent_context=None):
        from courses.models import OnboardingPath

        assignments = (
            PathAssignment.objects.filter(
                user_id=self.membership.user_id,
                path__organisation=self.request.organisation,
            )
            .select_related("path")
            .prefetch_related("path__steps", "completions")
        )
        rows = []
        for assignment in assignments:
            states = path_state(assignment, assignment.completions.all())
            rows.append((assignment, percent(states), sum(s.overdue for s in states)))
        assigned = {assignment.path_id for assignment in assignments}
        return {
            "membership": self.membership,
            "rows": rows,
            "available": OnboardingPath.objects.for_organisation(
                self.request.organisation
            ).exclude(pk__in=assigned),
            "request": self.request,
        }
