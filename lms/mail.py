"""E-mails to people, each in their own language, for the core and plugins alike.

A template holds the subject on its first line and the body after it.
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from lms.models import Membership, OrganisationSettings
from lms.models.people import PEOPLE_MANAGERS


def language_of(user, organisation):
    """The person's own choice, else the organisation's language."""
    profile = getattr(user, "wagtail_userprofile", None)
    if profile and profile.preferred_language:
        return profile.preferred_language
    return OrganisationSettings.for_site(organisation).language


def coordinators(organisation):
    """The active coordinators/HR and admins of the organisation."""
    return [
        membership.user
        for membership in Membership.objects.for_organisation(organisation)
        .active()
        .filter(role__in=PEOPLE_MANAGERS, user__is_active=True)
        .select_related("user__wagtail_userprofile")
    ]


def link(organisation, path):
    """An absolute link into the organisation's site, for e-mails."""
    return f"{organisation.root_url}{path}"


def send(template, user, organisation, context, attachment=None):
    """Render ``template`` for ``user`` in their language and send it; returns 1
    if sent. ``attachment(user)`` may give a (filename, content, mimetype)."""
    if not user.email:
        return 0
    with translation.override(language_of(user, organisation)):
        text = render_to_string(
            template, {"user": user, "organisation": organisation, **context}
        )
        subject, _newline, body = text.strip().partition("\n")
        message = EmailMessage(subject.strip(), body.strip() + "\n", to=[user.email])
        if attachment:
            message.attach(*attachment(user))
        return message.send()
