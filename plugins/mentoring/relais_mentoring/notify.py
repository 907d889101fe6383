"""E-mails of the mentoring programme, each in its recipient's language.

A template ``relais_mentoring/email/<kind>.txt`` holds the subject on its first line
and the body after it.
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from lms.models import Membership, OrganisationSettings
from lms.models.people import PEOPLE_MANAGERS


def language_of(user, organisation):
    profile = getattr(user, "wagtail_userprofile", None)
    if profile and profile.preferred_language:
        return profile.preferred_language
    return OrganisationSettings.for_site(organisation).language


def coordinators(organisation):
    return [
        membership.user
        for membership in Membership.objects.for_organisation(organisation)
        .active()
        .filter(role__in=PEOPLE_MANAGERS, user__is_active=True)
        .select_related("user__wagtail_userprofile")
    ]


def link(organisation, path):
    return f"{organisation.root_url}{path}"


def send(kind, user, organisation, context, attachment=None):
    """Render ``kind`` for ``user`` in their language and send it."""
    if not user.email:
        return 0
    with translation.override(language_of(user, organisation)):
        text = render_to_string(
            f"relais_mentoring/email/{kind}.txt",
            {"user": user, "organisation": organisation, **context},
        )
        subject, _newline, body = text.strip().partition("\n")
        message = EmailMessage(subject.strip(), body.strip() + "\n", to=[user.email])
        if attachment:
            message.attach(*attachment(user))
        return message.send()
