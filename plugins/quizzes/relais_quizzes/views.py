"""Learners' pages: a quiz, an attempt (plain forms, autosaved by a small script
when it runs), its result. Everything works without JavaScript.

A quiz is found among those the organisation's learners may play (its own, and those
of its federation's shared courses: ``courses.sharing``); an attempt belongs to the
learner's organisation and is found only there."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.sharing import playable_by
from lms.limits import per_person
from lms.views.access import member_required
from relais_quizzes import attempts as taking
from relais_quizzes.blocks import activity_from_token
from relais_quizzes.models import Attempt, Quiz
from relais_quizzes.types import InvalidResponse


def _quiz(request, quiz_uuid):
    quiz = playable_by(request.organisation, Quiz.objects.filter(uuid=quiz_uuid))
    quiz = quiz.first()
    if quiz is None:
        raise Http404
    return quiz


def _attempt(request, attempt_uuid):
    attempt = (
        Attempt.objects.select_related("quiz")
        .filter(uuid=attempt_uuid, organisation=request.organisation)
        .first()
    )
    if attempt is None:
        raise Http404
    if attempt.user_id != request.user.pk:
        raise PermissionDenied(_("This attempt belongs to someone else."))
    return attempt


def summary(request, quiz):
    """The learner's standing on a quiz, for its page and its lesson block."""
    done = list(
        Attempt.objects.filter(
            quiz=quiz, user=request.user, state=Attempt.State.SUBMITTED
        ).order_by("-number")
    )
    scored = [attempt for attempt in done if attempt.percent is not None]
    return {
        "open": taking.open_attempt(quiz, request.user),
        "done": done,
        "passed": any(attempt.passed for attempt in done),
        "best": max(scored, key=lambda attempt: attempt.percent, default=None),
        "why_not": taking.why_not_start(quiz, request.user),
        "url": reverse("quizzes:quiz", args=[quiz.uuid]),
    }


@member_required
def quiz(request, quiz_uuid):
    quiz = _quiz(request, quiz_uuid)
    return render(
        request,
        "relais_quizzes/quiz.html",
        {
            "quiz": quiz,
            "summary": summary(request, quiz),
            "activity": request.GET.get("activity", ""),
            "count": quiz.question_count(),
        },
    )


@require_POST
@member_required
def start(request, quiz_uuid):
    quiz = _quiz(request, quiz_uuid)
    activity = activity_from_token(request.POST.get("activity", ""), quiz)
    try:
        attempt = taking.start(quiz, request.user, activity, request.organisation)
    except taking.Refused as refused:
        messages.error(request, refused.message)
        return redirect("quizzes:quiz", quiz_uuid=quiz.uuid)
    return redirect(attempt)


def _questions(attempt, slots, show_feedback=False, show_correct=False):
    questions = []
    for slot in slots:
        kind, spec = slot.version.kind, slot.version.spec
        question = {
            "slot": slot,
            "position": slot.position,
            "name": f"q{slot.position}",
            "prompt": slot.version.content["prompt"],
            "template": kind.template,
            "data": kind.present(spec, slot.order),
            "response": slot.response,
            "mark": slot.version.content["mark"],
            "answer_lines": kind.answer_lines(spec, slot.response),
            "graded": kind.graded,
            "inline_text": kind.inline_text,
        }
        if slot.checked or show_feedback:
            grade = kind.grade(spec, slot.response)
            question["feedback"] = grade.feedback
            question["explanation"] = slot.version.content["explanation"]
        if (slot.checked or not attempt.is_open) and show_correct:
            question["right_lines"] = kind.right_lines(spec)
        questions.append(question)
    return questions


def _answered(slots):
    """The slots, each knowing whether it is answered (a description always is)."""
    slots = list(slots)
    for slot in slots:
        slot.answered = slot.response is not None or not slot.version.kind.graded
    return slots


def _number(text, digits=4):
    """A small non-negative integer from a request, or None."""
    return int(text) if re.fullmatch(rf"[0-9]{{1,{digits}}}", text or "") else None


def _save_posted(attempt, request):
    """Answers a page posts (positions listed in ``positions``): all checked first,
    so one bad answer saves none and the page says which."""
    positions = [_number(p) for p in request.POST.getlist("positions")]
    slots = {s.position: s for s in attempt.slots.select_related("version")}
    if any(p not in slots for p in positions):
        raise taking.Refused(_("This attempt has no such question."))
    open_slots = [slots[p] for p in positions if not slots[p].checked]
    for slot in open_slots:
        try:
            slot.version.kind.read(slot.version.spec, request.POST, f"q{slot.position}")
        except InvalidResponse as error:
            raise taking.Refused(
                _("Question %(n)s: %(error)s") % {"n": slot.position, "error": error}
            ) from error
    for slot in open_slots:
        taking.save_answer(attempt, slot.position, request.POST)


@member_required
def attempt(request, attempt_uuid):
    attempt = _attempt(request, attempt_uuid)
    if attempt.is_open and taking.close_if_expired(attempt):
        messages.warning(
            request, _("Time was up: the answers you had saved were submitted.")
        )
    if not attempt.is_open:
        return redirect("quizzes:result", attempt_uuid=attempt.uuid)
    slots = _answered(attempt.slots.select_related("version"))
    count = len(slots)
    one_per_page = attempt.quiz.layout == Quiz.Layout.ONE_PER_PAGE
    page = _number(request.GET.get("q", ""))
    if page is None or not 1 <= page <= count:
        # Reopened: back to the first question left unanswered.
        unanswered = [slot.position for slot in slots if not slot.answered]
        page = unanswered[0] if unanswered else 1
    status = 200
    immediate = attempt.quiz.feedback == Quiz.Feedback.IMMEDIATELY
    if request.method == "POST":
        try:
            _save_posted(attempt, request)
        except taking.Refused as refused:
            if refused.status == 409 and not Attempt.objects.get(pk=attempt.pk).is_open:
                # Submitted meanwhile (a double click, a second tab): its result.
                return redirect("quizzes:result", attempt_uuid=attempt.uuid)
            messages.error(request, refused.message)
            status = refused.status
        else:
            action = request.POST.get("action", "")
            if action == "submit":
                taking.submit(attempt)
                return redirect("quizzes:result", attempt_uuid=attempt.uuid)
            if action == "check" and one_per_page and immediate:
                taking.check(attempt, page)
            elif action == "next" and page < count:
                page += 1
            elif action == "previous" and page > 1:
                page -= 1
            elif action in ("review", "next"):
                return redirect(f"{attempt.get_absolute_url()}?review=1")
            return redirect(f"{attempt.get_absolute_url()}?q={page}")
        slots = _answered(attempt.slots.select_related("version"))
    quiz = attempt.quiz
    remaining = taking.remaining_seconds(attempt)
    shown = slots[page - 1 : page] if one_per_page else slots
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "questions": _questions(
            attempt,
            shown,
            show_correct=quiz.show_correct_answers == Quiz.Feedback.IMMEDIATELY,
        ),
        "immediate": immediate,
        "page": page,
        "count": count,
        "one_per_page": one_per_page,
        "remaining": remaining,
        "remaining_text": f"{remaining // 60}:{remaining % 60:02d}"
        if remaining
        else "",
        "answered": sum(1 for slot in slots if slot.answered),
        "slots": slots,
        "review": request.GET.get("review") == "1",
    }
    return render(request, "relais_quizzes/attempt.html", context, status=status)


@require_POST
@member_required
@per_person("LMS_AUTOSAVE_RATE")
def autosave(request, attempt_uuid):
    """One question's answer, saved as the learner goes (JSON answer)."""
    attempt = _attempt(request, attempt_uuid)
    position = _number(request.POST.get("position"))
    revision = _number(request.POST.get("rev"), digits=15)  # the browser's clock, ms
    if position is None or revision is None:
        return JsonResponse(
            {"error": _("The question or revision is missing.")}, status=400
        )
    try:
        saved = taking.save_answer(attempt, position, request.POST, revision)
    except taking.Refused as refused:
        return JsonResponse({"error": refused.message}, status=refused.status)
    # "saved": false when a newer answer was already there (this one came late).
    return JsonResponse({"saved": saved, "revision": int(revision)})


def _way_back(attempt):
    """Where the learner came from: the lesson holding the quiz, or their path."""
    parts = attempt.activity.split(":")
    if parts[:3] == ["urn", "relais", "activity"] and parts[3].isdigit():
        return reverse("courses:lesson", args=[int(parts[3])])
    return reverse("courses:my_path")


@member_required
def result(request, attempt_uuid):
    attempt = _attempt(request, attempt_uuid)
    if attempt.is_open:
        return redirect(attempt)
    quiz = attempt.quiz

    def allowed(setting):
        return setting in (
            Quiz.Feedback.IMMEDIATELY,
            Quiz.Feedback.AFTER_SUBMISSION,
        ) or (setting == Quiz.Feedback.AFTER_PASSING and attempt.passed)

    slots = list(attempt.slots.select_related("version"))
    return render(
        request,
        "relais_quizzes/result.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "questions": _questions(
                attempt,
                slots,
                show_feedback=allowed(quiz.feedback),
                show_correct=allowed(quiz.show_correct_answers),
            ),
            "details": allowed(quiz.feedback),
            "summary": summary(request, quiz),
            "back": _way_back(attempt),
        },
    )
