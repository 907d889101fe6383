"""Dashboard panels of the learning core: next step, courses, badges."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from wagtail.admin.ui.components import Component

from courses.learning import next_doable, path_state, percent, waiting_steps
from courses.models import BadgeAward, Enrolment, PathAssignment, PathStep
from lms.models import Role


class NextStepPanel(Component):
    """What to do now: the next step the learner can do (steps waiting on someone
    else are listed as waiting), or, once every path is done, the celebration, the
    path's badge and what comes next. Someone with no path whose role expects none
    (coordinator, trainer, admin) sees nothing of it; a mentor sees the courses."""

    template_name = "courses/panels/next_step.html"
    order = 10

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        assignments = list(
            PathAssignment.objects.filter(
                user=self.request.user,
                path__organisation=self.request.organisation,
            )
            .select_related("path")
            .prefetch_related(
                Prefetch(
                    "path__steps", queryset=PathStep.objects.select_related("course")
                ),
                "completions",
            )
            .order_by("assigned_at")
        )
        current = next((a for a in assignments if a.completed_at is None), None)
        if current is not None:
            states = path_state(current, current.completions.all())
            return {
                "assignment": current,
                "next": next_doable(states),
                "waiting": waiting_steps(states),
                "percent": percent(states),
                "overdue": sum(state.overdue for state in states),
            }
        if assignments:
            finished = max(assignments, key=lambda a: a.completed_at)
            return {
                "finished": finished,
                "awards": BadgeAward.objects.filter(
                    recipient=self.request.user,
                    badge__path=finished.path,
                    revoked_at__isnull=True,
                ).select_related("badge__image"),
            }
        membership = getattr(self.request, "membership", None)
        return {
            "expects_path": membership is not None and membership.role == Role.LEARNER,
            "mentor": membership is not None and membership.role == Role.MENTOR,
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


class ExpiringBadgesPanel(Component):
    """A certificate (first aid, food hygiene…) about to lapse, told as early as
    the reminder e-mail and before anything else: a mentor's own as much as a
    newcomer's."""

    template_name = "courses/panels/expiring_badges.html"
    order = 5

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        return {
            "expiring": BadgeAward.objects.filter(
                recipient=self.request.user,
                revoked_at__isnull=True,
                expires__gt=now,
                expires__lte=now
                + timedelta(days=settings.LMS_BADGE_EXPIRY_NOTICE_DAYS),
            )
            .select_related("badge__course")
            .order_by("expires")
        }


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


def late_on_paths(request):
    """Who is late on an onboarding path of the request's organisation, most
    overdue first: one dict per assignment with its overdue steps. Four queries
    whatever the number of people, read once per request (the action list and the
    panel both show it)."""
    if hasattr(request, "_courses_late"):
        return request._courses_late
    from lms.models import Membership

    members = {
        member["user_id"]: member
        for member in Membership.objects.for_organisation(request.organisation)
        .active()
        .values("pk", "user_id", "team__name")
    }
    assignments = (
        PathAssignment.objects.filter(
            path__organisation=request.organisation,
            completed_at__isnull=True,
            user_id__in=list(members),
        )
        .select_related("user", "path")
        .prefetch_related(
            Prefetch("path__steps", queryset=PathStep.objects.order_by("sort_order")),
            "completions",
        )
    )
    late = []
    for assignment in assignments:
        states = path_state(assignment, assignment.completions.all())
        overdue = [state for state in states if state.overdue]
        if overdue:
            user = assignment.user
            late.append(
                {
                    "assignment": assignment,
                    "name": user.get_full_name() or user.get_username(),
                    "member": members[assignment.user_id],
                    "overdue": overdue,
                    "since": overdue[0].due,
                    "to_confirm": [s for s in overdue if s.step.kind == "checklist"],
                }
            )
    late.sort(key=lambda row: (row["since"], row["name"]))
    request._courses_late = late
    return late


class LatePeoplePanel(Component):
    """For coordinators: who is late on their path, with a button confirming each
    task done away from the platform (``courses:confirm_task``)."""

    template_name = "courses/panels/late_people.html"
    order = 5
    shown = 10

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        late = late_on_paths(self.request)
        return {
            "late": late[: self.shown],
            "more": max(0, len(late) - self.shown),
            "request": self.request,
        }


class TrainerCoursesPanel(Component):
    """For trainers: the organisation's courses (theirs first) with how many
    learners are on their way through each and how many finished."""

    template_name = "courses/panels/trainer_courses.html"
    order = 5
    shown = 10

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        from django.db.models import Case, Count, IntegerField, Q, Value, When

        from courses.models import CoursePage
        from lms.models.scoping import scoped

        here = Q(enrolments__organisation=self.request.organisation)
        courses = (
            scoped(CoursePage.objects.all(), self.request.organisation)
            .annotate(
                in_progress=Count(
                    "enrolments", filter=here & Q(enrolments__completed_at__isnull=True)
                ),
                completed=Count(
                    "enrolments",
                    filter=here & Q(enrolments__completed_at__isnull=False),
                ),
                mine=Case(
                    When(owner=self.request.user, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
            )
            .order_by("mine", "-in_progress", "title")[: self.shown]
        )
        return {"courses": courses}
