"""What volunteers use: the catalogue, courses, lessons, their path and badges."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.blocks import AcknowledgeBlock
from courses.learning import (
    NotAvailable,
    enrol,
    next_doable,
    path_state,
    percent,
    waiting_steps,
)
from courses.models import (
    ActivityCompletion,
    BadgeAward,
    Enrolment,
    LessonPage,
    LessonProgress,
    PathAssignment,
    PathStep,
    available_courses,
)
from courses.statements import Authority, record_statement
from courses.steps import step_kind
from lms.plugins.activation import enabled_for_request, runs_here, site_hooks
from lms.views.access import member_required


def page_panels(request, page):
    """Panels plugins add under a course's or a lesson's page, through the hook
    ``lms_register_lesson_panels``: ``fn(request, page, panels)`` appends Wagtail
    ``Component``s (optional ``order``); ``page`` is the ``CoursePage`` or the
    ``LessonPage`` being shown (discussions, for instance)."""
    panels = []
    for hook in site_hooks("lms_register_lesson_panels", request):
        hook(request, page, panels)
    return sorted(panels, key=lambda panel: getattr(panel, "order", 100))


def _course(request, pk):
    return get_object_or_404(available_courses(request.organisation), pk=pk)


@member_required
def catalogue(request):
    courses = available_courses(request.organisation).order_by("title")
    enrolments = {
        enrolment.course_id: enrolment
        for enrolment in Enrolment.objects.filter(user=request.user)
    }
    rows = [(course, enrolments.get(course.pk)) for course in courses]
    return render(request, "courses/catalogue.html", {"rows": rows})


@member_required
def course(request, pk):
    course = _course(request, pk)
    if request.method == "POST":
        try:
            enrol(request.user, course, request.organisation)
        except NotAvailable as error:
            raise Http404 from error
        lessons = list(course.get_lessons())
        return redirect(lessons[0].learn_url() if lessons else course.learn_url())
    enrolment = Enrolment.objects.filter(user=request.user, course=course).first()
    lessons = list(course.get_lessons())
    completed = set(
        LessonProgress.objects.filter(
            user=request.user, lesson__in=lessons, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    resume = None
    if enrolment:
        # Back to the lesson left half-way; else the first one not done after it.
        last = enrolment.last_lesson_id
        if last and last not in completed:
            resume = next((lesson for lesson in lessons if lesson.pk == last), None)
        if resume is None:
            start = next((i for i, one in enumerate(lessons) if one.pk == last), 0)
            resume = next(
                (
                    lesson
                    for lesson in lessons[start:] + lessons[:start]
                    if lesson.pk not in completed
                ),
                None,
            )
    prerequisites = list(course.prerequisites.live())
    finished = set(
        Enrolment.objects.filter(
            user=request.user, course__in=prerequisites, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return render(
        request,
        "courses/course_page.html",
        {
            "then": what_next(request)
            if enrolment and enrolment.completed_at
            else None,
            "page": course,
            "prerequisites": [(p, p.pk in finished) for p in prerequisites],
            "enrolment": enrolment,
            "lessons": [(lesson, lesson.pk in completed) for lesson in lessons],
            "resume": resume,
            "panels": page_panels(request, course),
        },
    )


def _lesson_for_learner(request, pk):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=pk)
    course = get_object_or_404(
        available_courses(request.organisation), path=lesson.parent_path
    )
    enrolment = Enrolment.objects.filter(user=request.user, course=course).first()
    return lesson, course, enrolment


@member_required
def lesson(request, pk):
    lesson, course, enrolment = _lesson_for_learner(request, pk)
    if enrolment is None:
        messages.info(request, _("Start the course to open its lessons."))
        return redirect(course.learn_url())
    record_statement(
        actor=request.user,
        organisation=request.organisation,
        verb="experienced",
        object_id=f"urn:relais:lesson:{lesson.pk}",
        authority=Authority.PLATFORM,
    )
    enabled = enabled_for_request(request)
    blocks = [child for child in lesson.body if runs_here(child.block, enabled)]
    done = set(
        ActivityCompletion.objects.filter(user=request.user, lesson=lesson).values_list(
            "block_id", flat=True
        )
    )
    siblings = list(course.get_lessons())
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == lesson.pk)
    progress = LessonProgress.objects.get(user=request.user, lesson=lesson)
    missing = lesson.required_activity_ids(enabled) - done
    return render(
        request,
        "courses/lesson_page.html",
        {
            "page": lesson,
            "course": course,
            "blocks": blocks,
            "done_blocks": done,
            "missing": missing,
            "completed": progress.completed_at is not None,
            "previous": siblings[index - 1] if index else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            "position": index + 1,
            "count": len(siblings),
            "enrolment": enrolment,
            "panels": page_panels(request, lesson),
        },
    )


@require_POST
@member_required
def lesson_done(request, pk):
    lesson, course, enrolment = _lesson_for_learner(request, pk)
    if enrolment is None:
        return redirect(course.learn_url())
    record_statement(
        actor=request.user,
        organisation=request.organisation,
        verb="completed",
        object_id=f"urn:relais:lesson:{lesson.pk}",
        # The engine completes the lesson only if its required activities are done.
        authority=Authority.PLATFORM,
    )
    if LessonProgress.objects.filter(
        user=request.user, lesson=lesson, completed_at__isnull=True
    ).exists():
        messages.error(request, _("Complete the required activities first."))
        return redirect(lesson.learn_url())
    following = request.POST.get("next")
    target = (
        LessonPage.objects.live().filter(pk=following).first() if following else None
    )
    if target:
        return redirect(target.learn_url())
    enrolment.refresh_from_db(fields=["completed_at"])
    if enrolment.completed_at is None:  # a lesson left: the course page says which
        return redirect(course.learn_url())
    # The course is finished: on to the next step of the path, or the dashboard.
    messages.success(
        request,
        _("Well done, you have finished “%(title)s”!") % {"title": course.title},
    )
    then = what_next(request)
    return redirect(then["url"])


@require_POST
@member_required
def acknowledge(request, pk, block_id):
    """The learner ticks a "read and accept" block of the lesson; any other block
    (an activity checked elsewhere, a quiz…) or an unknown id is not found here."""
    lesson, course, enrolment = _lesson_for_learner(request, pk)
    if not any(
        child.id == block_id and isinstance(child.block, AcknowledgeBlock)
        for child in lesson.body
    ):
        raise Http404
    if enrolment is None:
        return redirect(course.learn_url())
    if request.POST.get("accept") != "yes":
        messages.error(request, _("Tick the box to accept."))
        return redirect(lesson.learn_url())
    record_statement(
        actor=request.user,
        organisation=request.organisation,
        verb="accepted",
        object_id=f"urn:relais:activity:{lesson.pk}:{block_id}",
        # Accepting is done once: a double click or a retried request replays it.
        statement_id=f"accepted:{lesson.pk}:{block_id}",
        authority=Authority.PLATFORM,
    )
    messages.success(request, _("Thank you, your acceptance is recorded."))
    return redirect(f"{lesson.learn_url()}#block-{block_id}")


def what_next(request):
    """Where the learner goes on from here: the next step she can do on her first
    unfinished path, else her dashboard (which celebrates a finished path).
    ``{"url", "title"}``; ``title`` is empty for the dashboard."""
    for assignment in _assignments(request).filter(completed_at__isnull=True):
        state = next_doable(path_state(assignment, assignment.completions.all()))
        if state is not None:
            return {"url": state.url, "title": state.step.title}
    return {"url": reverse("lms:dashboard"), "title": ""}


def _assignments(request):
    return (
        PathAssignment.objects.filter(
            user=request.user, path__organisation=request.organisation
        )
        .select_related("path")
        .prefetch_related(
            Prefetch("path__steps", queryset=PathStep.objects.select_related("course")),
            "completions",
        )
    )


@member_required
def my_path(request):
    paths = []
    for assignment in _assignments(request):
        states = path_state(assignment, assignment.completions.all())
        paths.append(
            {
                "assignment": assignment,
                "states": states,
                "next": next_doable(states),
                "waiting": waiting_steps(states),
                "percent": percent(states),
            }
        )
    return render(request, "courses/my_path.html", {"paths": paths})


@member_required
def step(request, pk):
    """A step done on its own page: read and accept a document, or see a task."""
    assignment = next(
        (
            a
            for a in _assignments(request)
            if any(s.pk == pk for s in a.path.steps.all())
        ),
        None,
    )
    if assignment is None:
        raise Http404
    state = next(
        s
        for s in path_state(assignment, assignment.completions.all())
        if s.step.pk == pk
    )
    kind = step_kind(state.step.kind)
    # Only a step the learner does on this page (the charter) is accepted here.
    if request.method == "POST" and kind.done_by_learner():
        if request.POST.get("accept") != "yes":
            messages.error(request, _("Tick the box to accept."))
        else:
            record_statement(
                actor=request.user,
                organisation=request.organisation,
                verb="accepted",
                object_id=kind.object_id(state.step),
                authority=Authority.PLATFORM,
            )
            messages.success(request, _("Thank you, your acceptance is recorded."))
            return redirect(what_next(request)["url"])
    return render(
        request,
        "courses/step.html",
        {
            "state": state,
            "assignment": assignment,
            # A step done, or waiting on a coordinator: the way on.
            "then": what_next(request) if state.done or state.waiting else None,
        },
    )


@member_required
def my_badges(request):
    awards = (
        BadgeAward.objects.filter(recipient=request.user, revoked_at__isnull=True)
        .select_related("badge__image", "badge__organisation", "credential")
        .order_by("-issued_on")
    )
    return render(request, "courses/my_badges.html", {"awards": awards})
