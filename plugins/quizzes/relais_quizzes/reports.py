"""Trainers' and coordinators' pages: results per quiz, item analysis, exports, and
the review of answers left to a trainer.

The quizzes are those the organisation's learners may play (its own, and a
federation's used in its shared lessons: ``courses.sharing``); the attempts, always,
those taken in the organisation (``Attempt.organisation``), never another's."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from courses.sharing import playable_by
from lms.charts import bar_chart
from lms.exports import spreadsheet_response
from lms.models.people import AUTHORS, PEOPLE_MANAGERS
from lms.views.access import role_required
from relais_quizzes import analysis
from relais_quizzes.attempts import Refused, close_expired, regrade
from relais_quizzes.models import Attempt, Quiz, Slot

sees_results = role_required(*(AUTHORS | PEOPLE_MANAGERS))
grades = role_required(*AUTHORS)


def _quiz(request, pk):
    return get_object_or_404(
        playable_by(request.organisation, Quiz.objects.all()), pk=pk
    )


@sees_results
def index(request):
    ours = Q(attempts__organisation=request.organisation)
    quizzes = (
        playable_by(request.organisation, Quiz.objects.all())
        .annotate(
            attempt_count=Count(
                "attempts", filter=ours & Q(attempts__state=Attempt.State.SUBMITTED)
            ),
            to_review=Count("attempts", filter=ours & Q(attempts__needs_review=True)),
        )
        .order_by("title")
    )
    return render(request, "relais_quizzes/results_index.html", {"quizzes": quizzes})


@sees_results
def results(request, pk):
    quiz = _quiz(request, pk)
    close_expired(quiz)  # timed attempts left open count with what was saved
    overview = analysis.overview(quiz, request.organisation)
    labels = [label for label, _count in overview["distribution"]]
    counts = [count for _label, count in overview["distribution"]]
    return render(
        request,
        "relais_quizzes/results.html",
        {
            "quiz": quiz,
            "overview": overview,
            "chart": bar_chart(
                _("Attempts by score"),
                labels,
                counts,
                x_title=_("Score (%)"),
                y_title=_("Attempts"),
            )
            if overview["attempts"]
            else None,
            "learners": analysis.learners(quiz, request.organisation),
        },
    )


def _learner_table(quiz, organisation):
    header = [
        _("Last name"),
        _("First name"),
        _("E-mail"),
        _("Attempts"),
        _("Best score (%)"),
        _("Last score (%)"),
        _("Passed"),
        _("Last attempt"),
    ]
    rows = [
        [
            row["user__last_name"],
            row["user__first_name"],
            row["user__email"],
            row["attempts"],
            round(float(row["best"])),
            round(float(row["last"])),
            _("yes") if row["passed"] else _("no"),
            row["last_at"].date().isoformat(),
        ]
        for row in analysis.learners(quiz, organisation)
    ]
    return header, rows


@sees_results
def export(request, pk, kind):
    quiz = _quiz(request, pk)
    if kind not in ("csv", "xlsx"):
        raise Http404
    header, rows = _learner_table(quiz, request.organisation)
    return spreadsheet_response(header, rows, f"quiz-{quiz.pk}", kind, quiz.title)


@sees_results
def items(request, pk):
    quiz = _quiz(request, pk)
    return render(
        request,
        "relais_quizzes/items.html",
        {"quiz": quiz, "items": analysis.items(quiz, request.organisation)},
    )


def _to_review(quiz, organisation):
    return (
        Slot.objects.filter(
            attempt__quiz=quiz,
            attempt__organisation=organisation,
            attempt__state=Attempt.State.SUBMITTED,
            needs_review=True,
        )
        .select_related("attempt__user", "version")
        .order_by("attempt__submitted_at", "position")
    )


@grades
def review(request, pk):
    quiz = _quiz(request, pk)
    status = 200
    if request.method == "POST":
        slot_id = request.POST.get("slot", "")
        slot = (
            _to_review(quiz, request.organisation).filter(pk=slot_id).first()
            if slot_id.isdecimal()
            else None
        )
        credit = request.POST.get("credit", "")
        try:
            if slot is None:
                raise Refused(_("This answer is not waiting for a review."), 404)
            try:
                credit = float(credit.replace(",", "."))
            except ValueError as error:
                raise Refused(_("Give a credit between 0 and 1.")) from error
            attempt = regrade(slot, credit, request.user)
        except Refused as refused:
            messages.error(request, refused.message)
            status = refused.status
        else:
            messages.success(
                request,
                _("Marked. The attempt now scores %(percent)s %%.")
                % {"percent": attempt.percent},
            )
            return redirect("quizzes:review", pk=quiz.pk)
    pending = [
        {
            "slot": slot,
            "prompt": slot.version.content["prompt"],
            "answer": slot.version.kind.summary(slot.version.spec, slot.response),
            "accepted": slot.version.kind.right_answer(slot.version.spec),
            "guidance": slot.version.kind.guidance(slot.version.spec),
        }
        for slot in _to_review(quiz, request.organisation)
    ]
    return render(
        request,
        "relais_quizzes/review.html",
        {"quiz": quiz, "pending": pending},
        status=status,
    )
