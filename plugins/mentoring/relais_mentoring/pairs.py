"""What happens to a pair, in one place: proposal, acceptance by both, sessions,
goals, notes, check-ins, concerns, skills, the end.

Each function checks who may do it and raises ``Refused`` with the sentence to show
before anything is written; views turn it into a message. E-mails leave on commit.
"""

import uuid
from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.statements import Authority, record_statement
from lms import jobs, signals
from lms.skills import skill_choices
from relais_mentoring import tasks
from relais_mentoring.models import (
    CheckIn,
    Concern,
    Feedback,
    Goal,
    MentoringRequest,
    MentorProfile,
    Note,
    Pairing,
    Session,
    SkillConfirmation,
)

# The activity a held session is recorded against (the "Meet your mentor" step
# completes on it); statement ids derive from the session, so replays are harmless.
SESSION_ACTIVITY = "urn:relais:mentoring:session"
STATEMENTS = uuid.UUID("6d0c6f1e-5d2b-4a54-9a43-6e1b5e2f7a01")


class Refused(Exception):
    """Not allowed or not possible; the message says why, for the person."""


def notify_later(kind, pk):
    """Send the e-mails of ``kind`` about object ``pk`` in the background, once the
    change is committed."""
    jobs.submit(tasks.send_notice, kind, pk)


# Proposals and their answers ----------------------------------------------------


@transaction.atomic
def propose(organisation, *, mentor, mentee, by, score=None):
    """Propose ``mentor`` to ``mentee``; both are asked to accept."""
    # The mentor's offer row is locked, so two coordinators proposing at once cannot
    # both take the last place.
    profile = (
        MentorProfile.objects.select_for_update()
        .for_organisation(organisation)
        .filter(user=mentor)
        .first()
    )
    if profile is None or profile.status != MentorProfile.Status.APPROVED:
        raise Refused(_("%(name)s is not an approved mentor.") % {"name": mentor})
    if mentor.pk == mentee.pk:
        raise Refused(_("Nobody can mentor themselves."))
    load = Pairing.objects.for_organisation(organisation).current()
    if load.filter(mentor=mentor).count() >= profile.capacity:
        raise Refused(
            _("%(name)s already mentors as many newcomers as they offered.")
            % {"name": profile}
        )
    if load.filter(mentee=mentee).exists():
        raise Refused(_("This newcomer already has a mentor or a proposal."))
    request = (
        MentoringRequest.objects.for_organisation(organisation)
        .filter(user=mentee, closed_at__isnull=True)
        .first()
    )
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(
                organisation=organisation,
                mentor=mentor,
                mentee=mentee,
                request=request,
                score=score,
                proposed_by=by,
            )
    except IntegrityError as error:  # the same newcomer proposed at the same time
        raise Refused(_("This newcomer already has a mentor or a proposal.")) from error
    notify_later("proposed", pairing.pk)
    return pairing


@transaction.atomic
def accept(pairing, user):
    side = pairing.side(user)
    if side is None or pairing.status != Pairing.Status.PROPOSED:
        raise Refused(_("This proposal is not waiting for your answer."))
    now = timezone.now()
    field = f"{side}_accepted_at"
    Pairing.objects.filter(pk=pairing.pk, **{f"{field}__isnull": True}).update(
        **{field: now}
    )
    # Whoever accepts second starts the pairing; the conditional update makes
    # that happen once even if both click at the same moment.
    started = Pairing.objects.filter(
        pk=pairing.pk,
        status=Pairing.Status.PROPOSED,
        mentor_accepted_at__isnull=False,
        mentee_accepted_at__isnull=False,
    ).update(status=Pairing.Status.ACTIVE, started_at=now)
    if started:
        MentoringRequest.objects.filter(
            pk=pairing.request_id, closed_at__isnull=True
        ).update(closed_at=now)
        notify_later("started", pairing.pk)
    pairing.refresh_from_db()
    return pairing


@transaction.atomic
def decline(pairing, user, reason=""):
    if pairing.side(user) is None or pairing.status != Pairing.Status.PROPOSED:
        raise Refused(_("This proposal is not waiting for your answer."))
    _close(pairing, user, Pairing.Status.DECLINED, reason)
    notify_later("declined", pairing.pk)


@transaction.atomic
def end(pairing, user, reason):
    if pairing.side(user) is None or pairing.status != Pairing.Status.ACTIVE:
        raise Refused(_("Only a member of an active pair can end it."))
    if not reason.strip():
        raise Refused(_("Please say in a few words why the mentoring ends."))
    _close(pairing, user, Pairing.Status.ENDED, reason)
    notify_later("ended", pairing.pk)


def _close(pairing, user, status, reason):
    changed = Pairing.objects.filter(pk=pairing.pk, status=pairing.status).update(
        status=status,
        ended_at=timezone.now(),
        ended_by=user,
        end_reason=reason.strip()[:500],
    )
    if not changed:
        raise Refused(_("This pair changed in the meantime; please look again."))
    pairing.refresh_from_db()


# Inside an active pair ------------------------------------------------------------


def _member(pairing, user, *, active=True):
    if pairing.side(user) is None:
        raise Refused(_("Only the two members of a pair can do this."))
    if active and pairing.status != Pairing.Status.ACTIVE:
        raise Refused(_("This pair is not active."))


@transaction.atomic
def plan_session(pairing, user, **fields):
    """A session to come: both receive the invitation (.ics) by e-mail."""
    _member(pairing, user)
    if fields["starts_at"] <= timezone.now():
        raise Refused(_("A session to plan must be in the future; log a past one."))
    session = Session.objects.create(pairing=pairing, created_by=user, **fields)
    notify_later("session", session.pk)
    return session


@transaction.atomic
def log_session(pairing, user, **fields):
    """A session that took place."""
    _member(pairing, user)
    if fields["starts_at"] > timezone.now():
        raise Refused(_("This session is in the future: plan it instead."))
    session = Session.objects.create(
        pairing=pairing, created_by=user, status=Session.Status.HELD, **fields
    )
    _record_held(session)
    return session


@transaction.atomic
def mark_held(session, user):
    _member(session.pairing, user)
    if session.starts_at > timezone.now():
        raise Refused(_("This session has not started yet."))
    if not Session.objects.filter(pk=session.pk, status=Session.Status.PLANNED).update(
        status=Session.Status.HELD, sequence=F("sequence") + 1
    ):
        raise Refused(_("This session is no longer planned."))
    session.refresh_from_db()
    _record_held(session)


@transaction.atomic
def cancel_session(session, user):
    _member(session.pairing, user)
    if not Session.objects.filter(pk=session.pk, status=Session.Status.PLANNED).update(
        status=Session.Status.CANCELLED, sequence=F("sequence") + 1
    ):
        raise Refused(_("This session is no longer planned."))
    notify_later("cancelled", session.pk)


def _record_held(session):
    """The newcomer attended a mentoring session: an xAPI statement through the core
    (it completes the "Meet your mentor" step)."""
    pairing = session.pairing
    record_statement(
        actor=pairing.mentee,
        organisation=pairing.organisation,
        verb="attended",
        object_id=SESSION_ACTIVITY,
        statement_id=uuid.uuid5(STATEMENTS, f"{session.uuid}:{pairing.mentee_id}"),
        timestamp=session.starts_at,
        authority=Authority.PLATFORM,  # logged by the pair, for the mentee
        context={
            "extensions": {
                "urn:relais:mentoring:session": str(session.uuid),
                "urn:relais:mentoring:format": session.format,
                "urn:relais:mentoring:minutes": session.duration_minutes,
            }
        },
    )


def check_in(session, user, usefulness, comment=""):
    _member(session.pairing, user, active=False)
    if session.status != Session.Status.HELD:
        raise Refused(_("You can check in once the session has taken place."))
    try:
        with transaction.atomic():
            return CheckIn.objects.create(
                session=session, user=user, usefulness=usefulness, comment=comment
            )
    except IntegrityError as error:
        raise Refused(_("You already checked in for this session.")) from error


def add_goal(pairing, user, **fields):
    _member(pairing, user)
    return Goal.objects.create(pairing=pairing, created_by=user, **fields)


def set_goal_status(goal, user, status):
    _member(goal.pairing, user)
    if status not in Goal.Status.values:
        raise Refused(_("Unknown goal status."))
    Goal.objects.filter(pk=goal.pk).update(status=status)


def add_note(pairing, user, body, shared):
    _member(pairing, user, active=False)
    if not body.strip():
        raise Refused(_("The note is empty."))
    return Note.objects.create(
        pairing=pairing, author=user, body=body.strip(), shared=shared
    )


def delete_note(note, user):
    if note.author_id != user.pk:
        raise Refused(_("Only its author can delete a note."))
    note.delete()


def raise_concern(pairing, user, body):
    _member(pairing, user, active=False)
    if not body.strip():
        raise Refused(_("Please describe what is happening."))
    concern = Concern.objects.create(pairing=pairing, raised_by=user, body=body.strip())
    notify_later("concern", concern.pk)
    return concern


def give_feedback(pairing, user, rating, comment=""):
    _member(pairing, user, active=False)
    if pairing.status != Pairing.Status.ENDED:
        raise Refused(_("Feedback is asked for once the mentoring has ended."))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                pairing=pairing,
                user=user,
                side=pairing.side(user),
                rating=rating,
                comment=comment,
            )
    except IntegrityError as error:
        raise Refused(_("You already gave your feedback.")) from error


@transaction.atomic
def confirm_skill(pairing, user, skill, level, note):
    """The mentor vouches for the mentee's level; the skills plugin (if enabled)
    records it as evidence through ``skill_confirmed``."""
    _member(pairing, user)
    if pairing.side(user) != "mentor":
        raise Refused(_("Only the mentor can confirm a skill."))
    choices = {c.key: c for c in skill_choices(pairing.organisation, pairing.mentee)}
    choice = choices.get(skill)
    levels = dict(choice.levels) if choice else {}
    if choice is None or level not in levels:
        raise Refused(_("Choose one of the skills and levels offered."))
    if not note.strip():
        raise Refused(_("Say in a sentence what you saw: it is the evidence."))
    confirmation = SkillConfirmation.objects.create(
        pairing=pairing,
        skill=skill,
        skill_label=choice.label,
        level=level,
        level_label=levels[level],
        note=note.strip(),
    )
    event = signals.SkillConfirmed(
        organisation_id=pairing.organisation_id,
        user_id=pairing.mentee_id,
        skill=skill,
        level=level,
        confirmed_by_id=user.pk,
        source="mentoring",
        note=confirmation.note,
        evidence_url=pairing.get_absolute_url(),
    )
    transaction.on_commit(
        partial(signals.skill_confirmed.send, pairing.organisation, event)
    )
    return confirmation


def last_activity(pairing):
    """When the pair last met (or started, if never)."""
    held = pairing.sessions.filter(status=Session.Status.HELD).order_by("-starts_at")
    last = held.values_list("starts_at", flat=True).first()
    return last or pairing.started_at


def is_quiet(pairing, weeks, now=None):
    now = now or timezone.now()
    last = last_activity(pairing)
    return last is not None and now - last > timedelta(weeks=weeks)
