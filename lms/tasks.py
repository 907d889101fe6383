"""Background jobs of the core. Each takes ids, is enqueued on commit and is
idempotent: running it twice changes nothing the second time."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from lms.models import Invitation, OrganisationSettings


@task()
def send_invitation(invitation_id: int) -> bool:
    """E-mail an invitation link; does nothing if it was sent, used or cancelled."""
    invitation = (
        Invitation.objects.pending()
        .filter(pk=invitation_id, sent_at__isnull=True)
        .select_related("organisation", "invited_by")
        .first()
    )
    if invitation is None:
        return False
    organisation = invitation.organisation
    settings = OrganisationSettings.for_site(organisation)
    with translation.override(settings.language):
        context = {
            "invitation": invitation,
            "organisation": organisation,
            "message": settings.invitation_text.strip(),
            "link": organisation.root_url
            + reverse("lms:accept_invitation", args=[invitation.token]),
        }
        subject = render_to_string("lms/email/invitation_subject.txt", context).strip()
        body = render_to_string("lms/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    # Guarded update: a second run (or a concurrent one) finds it already sent.
    Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    return True


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail these "at once" notifications; each leaves once whatever the runs."""
    from lms.notifications import email_at_once

    return email_at_once(notification_ids)


@task()
def send_notification_digests() -> int:
    """The daily digests of the notification centre (idempotent per period)."""
    from lms.notifications import send_digests

    return send_digests()
