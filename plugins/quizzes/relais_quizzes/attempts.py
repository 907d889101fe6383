"""Taking a quiz: starting an attempt, saving answers, submitting and grading.

Every rule that must hold under races is held by the database: one open attempt per
learner (a partial unique constraint), autosaves never going back in time (a
conditional update on the slot's revision), and a submission graded once (a
conditional update of the attempt's state, the first write of its transaction).
"""

import math
import random
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.statements import Authority, InvalidStatement, record_statement
from lms import jobs
from relais_quizzes.models import Attempt, Question, QuestionVersion, Slot
from relais_quizzes.types import InvalidResponse

# Answers sent this long after the deadline still count: the network is slow.
GRACE = timedelta(seconds=30)


class Refused(Exception):
    """A request that cannot be carried out; ``status`` is the HTTP answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def open_attempt(quiz, user):
    attempt = Attempt.objects.filter(
        quiz=quiz, user=user, state=Attempt.State.IN_PROGRESS
    ).first()
    if attempt is not None and close_if_expired(attempt):
        return None
    return attempt


def why_not_start(quiz, user, now=None):
    """None if the learner may start an attempt now, else the reason."""
    now = now or timezone.now()
    done = Attempt.objects.filter(quiz=quiz, user=user, state=Attempt.State.SUBMITTED)
    if quiz.max_attempts and done.count() >= quiz.max_attempts:
        return _("You have used all %(count)s attempts of this quiz.") % {
            "count": quiz.max_attempts
        }
    last = done.aggregate(last=Max("submitted_at"))["last"]
    if last and quiz.attempt_delay_minutes:
        wait_until = last + timedelta(minutes=quiz.attempt_delay_minutes)
        if wait_until > now:
            minutes = math.ceil((wait_until - now).total_seconds() / 60)
            return _("You can try again in %(minutes)s minutes.") % {"minutes": minutes}
    return None


def start(quiz, user, activity="", organisation=None):
    """The learner's open attempt, or a new one. Two clicks make one attempt.

    ``organisation`` is the learner's, where the attempt is taken (the quiz's own
    unless it comes from a federation's shared course)."""
    attempt = open_attempt(quiz, user)
    if attempt is not None:
        return attempt
    reason = why_not_start(quiz, user)
    if reason:
        raise Refused(reason, status=403)
    versions = _draw(quiz)
    if not versions:
        raise Refused(_("This quiz has no questions yet."), status=409)
    now = timezone.now()
    try:
        with transaction.atomic():
            number = (
                Attempt.objects.filter(quiz=quiz, user=user).aggregate(n=Max("number"))[
                    "n"
                ]
                or 0
            ) + 1
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                organisation=organisation or quiz.organisation,
                number=number,
                activity=activity,
                started_at=now,
                deadline=now + timedelta(minutes=quiz.time_limit_minutes)
                if quiz.time_limit_minutes
                else None,
                # Descriptions (text between questions) never count.
                max_score=sum(
                    Decimal(v.content["mark"]) for v in versions if v.kind.graded
                ),
            )
            Slot.objects.bulk_create(
                Slot(
                    attempt=attempt,
                    position=position,
                    version=version,
                    order=version.kind.order(version.spec, quiz.shuffle_answers),
                )
                for position, version in enumerate(versions, start=1)
            )
    except IntegrityError:  # a concurrent click started it first
        attempt = open_attempt(quiz, user)
        if attempt is None:
            raise
        return attempt
    if attempt.deadline:
        _schedule_close(attempt)
    return attempt


def _draw(quiz):
    """The versions this attempt asks: the fixed questions, then the draws."""
    fixed = [
        quiz_question.question
        for quiz_question in quiz.questions.select_related("question")
    ]
    chosen = {question.pk for question in fixed}
    drawn = []
    for draw in quiz.draws.select_related("category"):
        categories = (
            draw.category.with_descendants()
            if draw.include_subcategories
            else {draw.category_id}
        )
        pool = list(
            Question.objects.filter(category__in=categories)
            .exclude(pk__in=chosen)
            .values_list("pk", flat=True)
        )
        picked = random.sample(pool, min(draw.count, len(pool)))
        chosen.update(picked)
        drawn.extend(Question.objects.filter(pk__in=picked))
    questions = fixed + drawn
    if quiz.shuffle_questions:
        random.shuffle(questions)
    return QuestionVersion.current(questions)


def _schedule_close(attempt):
    from relais_quizzes.tasks import close_attempt

    if close_attempt.get_backend().supports_defer:
        run_after = attempt.deadline + GRACE + timedelta(seconds=5)
        jobs.submit(
            close_attempt,
            attempt.pk,
            organisation=attempt.organisation,
            run_after=run_after,
        )


def expired(attempt, now=None):
    return (
        attempt.deadline is not None
        and attempt.is_open
        and (now or timezone.now()) > attempt.deadline + GRACE
    )


def close_if_expired(attempt):
    """A timed attempt past its deadline is submitted with what was saved."""
    if expired(attempt):
        submit(attempt, auto=True)
        attempt.refresh_from_db()
        return True
    return False


def close_expired(quiz=None):
    """Submit every open attempt past its deadline; returns how many."""
    late = Attempt.objects.filter(
        state=Attempt.State.IN_PROGRESS, deadline__lt=timezone.now() - GRACE
    )
    if quiz is not None:
        late = late.filter(quiz=quiz)
    count = 0
    for attempt in late:
        count += submit(attempt, auto=True)[1]
    return count


def save_answer(attempt, position, data, revision=None):
    """Save one question's answer: the form fields named ``q<position>…``, from a
    page's form or an autosave alike."""
    if not attempt.is_open or close_if_expired(attempt):
        raise Refused(
            _("This attempt is already submitted; its answers can no longer change."),
            status=409,
        )
    slot = attempt.slots.select_related("version").filter(position=position).first()
    if slot is None:
        raise Refused(_("This attempt has no such question."))
    if slot.checked:
        raise Refused(_("This answer was checked and can no longer change."), 409)
    try:
        response = slot.version.kind.read(slot.version.spec, data, f"q{position}")
    except InvalidResponse as error:
        raise Refused(str(error)) from error
    now = timezone.now()
    with transaction.atomic():
        _hold_open(attempt, now)
        saved = Slot.objects.filter(pk=slot.pk, checked=False)
        if revision is None:
            saved = saved.update(
                response=response, revision=F("revision") + 1, saved_at=now
            )
        else:
            # Autosaves may arrive out of order: an older one never overwrites.
            saved = saved.filter(revision__lt=revision).update(
                response=response, revision=revision, saved_at=now
            )
    slot.response = response
    return bool(saved)


def _hold_open(attempt, now):
    """Lock the attempt while an answer is written, if it is still open: the first
    write of the transaction, so a submit either waits for this answer (and grades
    it) or has already happened (and the answer is refused). On PostgreSQL the row
    lock does it, on SQLite the database's write lock."""
    still_open = Attempt.objects.filter(
        pk=attempt.pk, state=Attempt.State.IN_PROGRESS
    ).update(last_saved_at=now)
    if not still_open:
        raise Refused(
            _("This attempt is already submitted; its answers can no longer change."),
            status=409,
        )


def check(attempt, position):
    """Immediate feedback: lock one answer and grade it now."""
    if attempt.quiz.feedback != "immediately":
        raise Refused(_("This quiz shows no feedback before it is submitted."))
    slot = attempt.slots.select_related("version").filter(position=position).first()
    if slot is None:
        raise Refused(_("This attempt has no such question."))
    with transaction.atomic():
        _hold_open(attempt, timezone.now())
        slot.refresh_from_db()
        grade = slot.version.kind.grade(slot.version.spec, slot.response)
        Slot.objects.filter(pk=slot.pk).update(
            checked=True, fraction=grade.fraction, needs_review=grade.needs_review
        )
    slot.refresh_from_db()
    return slot, grade


def submit(attempt, auto=False):
    """Grade the attempt once. Returns (attempt, whether this call graded it)."""
    now = timezone.now()
    with transaction.atomic():
        # The first write of the transaction, so SQLite takes its write lock here
        # and PostgreSQL's row lock makes a concurrent submit wait and find nothing.
        won = Attempt.objects.filter(
            pk=attempt.pk, state=Attempt.State.IN_PROGRESS
        ).update(state=Attempt.State.SUBMITTED, submitted_at=now, auto_submitted=auto)
        attempt = Attempt.objects.select_related("quiz", "organisation").get(
            pk=attempt.pk
        )
        if not won:
            return attempt, False
        grade_attempt(attempt)
        _record(attempt)
    return attempt, True


def grade_attempt(attempt):
    slots = list(attempt.slots.select_related("version"))
    for slot in slots:
        grade = slot.version.kind.grade(slot.version.spec, slot.response)
        if slot.reviewed_by_id is None:
            slot.fraction = grade.fraction
            slot.needs_review = grade.needs_review
    Slot.objects.bulk_update(slots, ["fraction", "needs_review"])
    _total(attempt, slots)


def _total(attempt, slots):
    attempt.score = sum(
        (Decimal(str(slot.fraction or 0)) * Decimal(slot.version.content["mark"]))
        for slot in slots
        if slot.version.kind.graded
    ).quantize(Decimal("0.001"))
    attempt.passed = attempt.percent is not None and (
        100 * attempt.score >= attempt.quiz.pass_mark * attempt.max_score
    )
    attempt.needs_review = any(slot.needs_review for slot in slots)
    attempt.save(update_fields=["score", "passed", "needs_review"])


def regrade(slot, fraction, reviewer):
    """A trainer's mark for an answer left to review; completion follows."""
    if not 0 <= fraction <= 1:
        raise Refused(_("The credit must be between 0 and 1."))
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=slot.attempt_id)
        if attempt.is_open:
            raise Refused(_("This attempt is not submitted yet."), 409)
        was_passed = attempt.passed
        Slot.objects.filter(pk=slot.pk).update(
            fraction=fraction, needs_review=False, reviewed_by=reviewer
        )
        _total(attempt, list(attempt.slots.select_related("version")))
        if attempt.passed and not was_passed:
            _record(attempt, regraded=True)
    return attempt


def _record(attempt, regraded=False):
    """The result, as statements about the quiz and where it was taken. Their ids
    come from the attempt, so recording twice stores them once."""
    result = {
        "score": {
            "scaled": round(float(attempt.score) / float(attempt.max_score), 4)
            if attempt.max_score
            else 0,
            "raw": float(attempt.score),
            "min": 0,
            "max": float(attempt.max_score),
        },
        "success": bool(attempt.passed),
        "completion": True,
    }
    verb = "passed" if attempt.passed else "failed"
    for object_id in filter(None, [attempt.quiz.object_id, attempt.activity]):
        statement_id = uuid.uuid5(attempt.uuid, f"{object_id} {verb} {regraded}")
        try:
            record_statement(
                actor=attempt.user,
                organisation=attempt.organisation,
                verb=verb,
                object_id=object_id,
                result=result,
                statement_id=statement_id,
                context={"extensions": {"urn:relais:attempt": str(attempt.uuid)}},
                authority=Authority.PLATFORM,  # graded here, on the server
            )
        except InvalidStatement:
            # Taken in a lesson the learner has since left: the quiz result stands.
            if object_id == attempt.quiz.object_id:
                raise


def remaining_seconds(attempt):
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - timezone.now()).total_seconds()))
