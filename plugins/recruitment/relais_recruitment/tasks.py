"""Background work of the recruitment plugin: django-tasks ``@task()`` functions
taking ids, enqueued on commit. E-mails to candidates go in the language they
applied in (they have no account); e-mails to coordinators in theirs."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from lms import mail
from lms.models import PluginActivation
from relais_recruitment.models import Application, Message, WaitingReminder


def _candidate_mail(template, application, context=None, attachment=None):
    """Render ``template`` (subject on the first line) in the candidate's language
    and send it to them, with their private link."""
    organisation = application.organisation
    with translation.override(application.language):
        text = render_to_string(
            template,
            {
                "application": application,
                "mission": application.mission,
                "organisation": organisation,
                "link": private_link(application),
                **(context or {}),
            },
        )
    subject, _newline, body = text.strip().partition("\n")
    message = EmailMessage(subject.strip(), body.strip() + "\n", to=[application.email])
    if attachment:
        message.attach(*attachment)
    return message.send()


def private_link(application):
    return mail.link(
        application.organisation,
        reverse("recruitment:follow", args=[application.token]),
    )


def _application(application_id):
    return (
        Application.objects.select_related("mission", "organisation")
        .filter(pk=application_id)
        .first()
    )


@task()
def send_confirmation(application_id: int) -> int:
    application = _application(application_id)
    if application is None:
        return 0
    return _candidate_mail("relais_recruitment/email/confirmation.txt", application)


@task()
def notify_coordinators(application_id: int) -> int:
    application = _application(application_id)
    if application is None:
        return 0
    link = mail.link(
        application.organisation,
        reverse("recruitment:application", args=[application.pk]),
    )
    return sum(
        mail.send(
            "relais_recruitment/email/new_application.txt",
            user,
            application.organisation,
            {"application": application, "link": link},
        )
        for user in mail.coordinators(application.organisation)
    )


@task()
def send_message(message_id: int) -> int:
    message = (
        Message.objects.select_related("application__mission", "author")
        .filter(pk=message_id, author__isnull=False)
        .first()
    )
    if message is None:
        return 0
    return _candidate_mail(
        "relais_recruitment/email/message.txt",
        message.application,
        {"message": message},
    )


@task()
def notify_reply(message_id: int) -> int:
    message = (
        Message.objects.select_related("application__mission")
        .filter(pk=message_id, author__isnull=True)
        .first()
    )
    if message is None:
        return 0
    application = message.application
    link = mail.link(
        application.organisation,
        reverse("recruitment:application", args=[application.pk]),
    )
    return sum(
        mail.send(
            "relais_recruitment/email/reply.txt",
            user,
            application.organisation,
            {"application": application, "message": message, "link": link},
        )
        for user in mail.coordinators(application.organisation)
    )


@task()
def send_meeting(application_id: int) -> int:
    from relais_recruitment.ics import meeting_invitation

    application = _application(application_id)
    if application is None or application.meeting_at is None:
        return 0
    return _candidate_mail(
        "relais_recruitment/email/meeting.txt",
        application,
        attachment=("rencontre.ics", meeting_invitation(application), "text/calendar"),
    )


@task()
def send_declined(application_id: int) -> int:
    application = _application(application_id)
    if application is None or application.status != Application.Status.DECLINED:
        return 0
    return _candidate_mail("relais_recruitment/email/declined.txt", application)


def first_step_path(mission):
    """The address of the first step of the mission's onboarding path, if any."""
    from courses.steps import step_kind

    path = mission.onboarding_path
    if path is None:
        return ""
    step = path.steps.order_by("sort_order", "pk").first()
    return step_kind(step.kind).url(step) if step else ""


@task()
def send_welcome(application_id: int) -> int:
    """Accepted: the invitation link, leading to the path's first step."""
    application = _application(application_id)
    if application is None or application.invitation_id is None:
        return 0
    invitation = application.invitation
    if invitation.accepted_at or invitation.cancelled_at:
        return 0
    link = mail.link(
        application.organisation,
        reverse("lms:accept_invitation", args=[invitation.token]),
    )
    landing = first_step_path(application.mission)
    if landing:
        link += "?" + urlencode({"next": landing})
    sent = _candidate_mail(
        "relais_recruitment/email/welcome.txt",
        application,
        {"invitation_link": link, "invitation": invitation},
    )
    # The core would otherwise send its own invitation: this one says more.
    type(invitation).objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    return sent


def waiting_days():
    return getattr(settings, "LMS_RECRUITMENT_REMINDER_DAYS", 3)


@task()
def remind_waiting_candidates() -> int:
    """Daily: coordinators hear about each candidate waiting for a first answer
    more than ``LMS_RECRUITMENT_REMINDER_DAYS`` days, once per application and
    day (the reminder is written before anything is sent)."""
    today = timezone.localdate()
    limit = timezone.now() - timedelta(days=waiting_days())
    waiting = Application.objects.filter(
        status=Application.Status.NEW,
        first_answered_at__isnull=True,
        created_at__lt=limit,
        # Only where the plugin is on.
        organisation__in=PluginActivation.objects.filter(
            app_label="recruitment"
        ).values("organisation"),
    ).select_related("mission", "organisation")
    sent = 0
    for application in waiting:
        try:
            with transaction.atomic():
                WaitingReminder.objects.create(application=application, day=today)
        except IntegrityError:
            continue  # already reminded today
        link = mail.link(
            application.organisation,
            reverse("recruitment:application", args=[application.pk]),
        )
        days = (timezone.now() - application.created_at).days
        for user in mail.coordinators(application.organisation):
            sent += mail.send(
                "relais_recruitment/email/waiting.txt",
                user,
                application.organisation,
                {"application": application, "link": link, "days": days},
            )
    return sent


@task()
def count_mission_view(mission_id: int) -> None:
    from relais_recruitment.pipeline import count_view

    count_view(mission_id, timezone.localdate())


@task()
def delete_expired_applications() -> int:
    """Daily: the applications of candidates never accepted are deleted once the
    retention period (``LMS_RECRUITMENT_RETENTION_DAYS``) has passed since the last
    exchange (their last move or message), with their messages."""
    from relais_recruitment.forms import retention_days

    limit = timezone.now() - timedelta(days=retention_days())
    expired = (
        Application.objects.exclude(status=Application.Status.ACCEPTED)
        .filter(status_changed_at__lt=limit, created_at__lt=limit)
        .exclude(messages__created_at__gte=limit)
    )
    deleted, _by_model = Application.objects.filter(
        pk__in=list(expired.values_list("pk", flat=True))
    ).delete()
    return deleted
