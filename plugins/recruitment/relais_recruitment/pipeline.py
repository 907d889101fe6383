"""What happens to an application: sent, moved along the pipeline, answered,
accepted (= the core invitation, the newcomer onboarded on joining), declined or
withdrawn. Views and the demo call these; each e-mail leaves through a task
enqueued on commit."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.events import send_on_commit
from lms.models import Invitation, Membership
from relais_recruitment.models import Application, Message, Mission, MissionViews
from relais_recruitment.signals import ApplicationReceived, application_received


class NotAllowed(ValidationError):
    """A move the pipeline refuses, with a sentence for people."""


def _enqueue(task, *args):
    transaction.on_commit(partial(task.enqueue, *args))


def submit(mission, data, *, language, source=""):
    """Record an application (or find the one already sent from this address to
    this mission) and e-mail its confirmation. Returns (application, created)."""
    from relais_recruitment import tasks

    if not mission.takes_applications:
        raise NotAllowed(_("This mission is not taking applications any more."))
    if Membership.objects.filter(
        organisation=mission.organisation,
        user__email__iexact=data["email"],
        is_active=True,
    ).exists():
        raise NotAllowed(
            _(
                "You are already a volunteer here: ask your coordinator about this "
                "mission."
            )
        )
    existing = Application.objects.filter(
        mission=mission, email__iexact=data["email"]
    ).first()
    if existing:
        return existing, False
    application = Application(
        organisation=mission.organisation,
        mission=mission,
        name=data["name"],
        email=data["email"],
        phone=data.get("phone", ""),
        availability=data.get("availability", []),
        motivation=data.get("motivation", ""),
        language=language,
        source=source[:50],
        consent_at=timezone.now(),
    )
    application.renew_link()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # The same person, twice at once (a double tap): one application.
        return Application.objects.get(
            mission=mission, email__iexact=data["email"]
        ), False
    _enqueue(tasks.send_confirmation, application.pk)
    _enqueue(tasks.notify_coordinators, application.pk)
    send_on_commit(
        application_received,
        mission.organisation,
        ApplicationReceived(application_id=application.pk, mission_id=mission.pk),
    )
    return application, True


@transaction.atomic
def move(application, status, *, by=None):
    """Move along the pipeline; an invalid move is refused (NotAllowed)."""
    from relais_recruitment import tasks

    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status == status:
        return locked  # a double submission: already there
    if not locked.can_move_to(status):
        raise NotAllowed(
            _("An application that is “%(current)s” cannot become “%(new)s”.")
            % {
                "current": locked.get_status_display(),
                "new": Application.Status(status).label,
            }
        )
    now = timezone.now()
    locked.status = status
    locked.status_changed_at = now
    fields = ["status", "status_changed_at"]
    if by is not None and locked.first_answered_at is None:
        locked.first_answered_at = now
        fields.append("first_answered_at")
    locked.save(update_fields=fields)
    if status == Application.Status.DECLINED:
        _enqueue(tasks.send_declined, locked.pk)
    return locked


def write(application, body, *, by=None):
    """A message of the thread: from a coordinator (``by``) it is e-mailed to the
    candidate with their private link; from the candidate (``by=None``) it waits
    for the coordinators, who are told."""
    from relais_recruitment import tasks

    with transaction.atomic():
        message = Message.objects.create(application=application, author=by, body=body)
        if by is not None:
            application.renew_link()  # each e-mail brings a link valid again
            updates = {"link_expires_at": application.link_expires_at}
            if application.first_answered_at is None:
                updates["first_answered_at"] = message.created_at
            if application.status == Application.Status.NEW:
                updates["status"] = Application.Status.CONTACTED
                updates["status_changed_at"] = message.created_at
            Application.objects.filter(pk=application.pk).update(**updates)
            _enqueue(tasks.send_message, message.pk)
        else:
            _enqueue(tasks.notify_reply, message.pk)
    return message


def plan_meeting(application, meeting_at, place, *, by):
    from relais_recruitment import tasks

    with transaction.atomic():
        application.meeting_at = meeting_at
        application.meeting_place = place
        application.save(update_fields=["meeting_at", "meeting_place"])
        if application.status != Application.Status.MEETING:
            application = move(application, Application.Status.MEETING, by=by)
        _enqueue(tasks.send_meeting, application.pk)
    return application


def accept(application, *, by):
    """Accept = onboard: the core invitation with the mission's role, team and
    start date, e-mailed with a link that leads, once the password is set, to the
    first step of the mission's onboarding path (assigned on joining)."""
    from relais_recruitment import tasks

    mission = application.mission
    with transaction.atomic():
        application = move(application, Application.Status.ACCEPTED, by=by)
        first, _space, last = application.name.partition(" ")
        invitation = (
            Invitation.objects.for_organisation(application.organisation)
            .pending()
            .filter(email__iexact=application.email)
            .first()
        )
        if invitation is None:
            invitation = Invitation.objects.create(
                organisation=application.organisation,
                email=application.email,
                first_name=first[:150],
                last_name=last[:150],
                role=mission.role,
                team=mission.team,
                start_date=max(
                    mission.starts_on or timezone.localdate(), timezone.localdate()
                ),
                invited_by=by,
            )
        Application.objects.filter(pk=application.pk).update(invitation=invitation)
        application.invitation = invitation
        _enqueue(tasks.send_welcome, application.pk)
        _fill_up(mission)
    return application


def _fill_up(mission):
    """A mission whose places are all taken is full: the board stops offering it."""
    accepted = mission.applications.filter(status=Application.Status.ACCEPTED).count()
    if accepted >= mission.places:
        Mission.objects.filter(pk=mission.pk, status=Mission.Status.OPEN).update(
            status=Mission.Status.FULL
        )


def count_view(mission_id, day):
    """One more view of the mission's page that day (idempotent per call only in
    the sense that it adds one: views are counts, never people)."""
    updated = MissionViews.objects.filter(mission_id=mission_id, day=day).update(
        count=F("count") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                MissionViews.objects.create(mission_id=mission_id, day=day, count=1)
        except IntegrityError:
            MissionViews.objects.filter(mission_id=mission_id, day=day).update(
                count=F("count") + 1
            )
