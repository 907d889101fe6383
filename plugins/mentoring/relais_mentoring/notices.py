"""Who hears about what. ``send_notice(kind, pk)`` runs in the background (see
``tasks.send_notice``); it reads the object again, so a stale job sends the truth."""

from django.urls import reverse

from lms import mail
from lms.mail import coordinators, link
from relais_mentoring import ics
from relais_mentoring.models import Concern, MentorProfile, Pairing, Session


def send(kind, user, organisation, context, attachment=None):
    """The e-mail ``relais_mentoring/email/<kind>.txt``, in the person's language."""
    return mail.send(
        f"relais_mentoring/email/{kind}.txt", user, organisation, context, attachment
    )


def _pairing(pk):
    return Pairing.objects.select_related(
        "organisation", "mentor__wagtail_userprofile", "mentee__wagtail_userprofile"
    ).get(pk=pk)


def _pair_notice(kind, pairing, recipients):
    url = link(pairing.organisation, pairing.get_absolute_url())
    return sum(
        send(
            kind,
            person,
            pairing.organisation,
            {
                "pairing": pairing,
                "partner": pairing.partner(person),
                "url": url,
                "side": pairing.side(person),
            },
        )
        for person in recipients
    )


def proposed(pk):
    pairing = _pairing(pk)
    return _pair_notice("proposed", pairing, [pairing.mentor, pairing.mentee])


def started(pk):
    pairing = _pairing(pk)
    return _pair_notice("started", pairing, [pairing.mentor, pairing.mentee])


def _closed(kind, pk):
    """The other member, and the coordinators, are told (with the reason)."""
    pairing = _pairing(pk)
    others = [
        p for p in (pairing.mentor, pairing.mentee) if p.pk != pairing.ended_by_id
    ]
    sent = _pair_notice(kind, pairing, others)
    url = link(pairing.organisation, reverse("mentoring:programme"))
    for person in coordinators(pairing.organisation):
        sent += send(
            f"{kind}_coordinator",
            person,
            pairing.organisation,
            {"pairing": pairing, "url": url},
        )
    return sent


def declined(pk):
    return _closed("declined", pk)


def ended(pk):
    return _closed("ended", pk)


def _session_notice(kind, pk):
    session = Session.objects.select_related(
        "pairing__organisation", "pairing__mentor", "pairing__mentee", "created_by"
    ).get(pk=pk)
    pairing = session.pairing
    url = link(pairing.organisation, pairing.get_absolute_url())

    def attachment(person):
        return ("mentorat.ics", ics.invitation(session, url), "text/calendar")

    return sum(
        send(
            kind,
            person,
            pairing.organisation,
            {"session": session, "partner": pairing.partner(person), "url": url},
            attachment=attachment,
        )
        for person in (pairing.mentor, pairing.mentee)
    )


def session(pk):
    return _session_notice("session", pk)


def cancelled(pk):
    return _session_notice("cancelled", pk)


def concern(pk):
    """Coordinators are told a concern was raised; the content stays on the site."""
    item = Concern.objects.select_related("pairing__organisation").get(pk=pk)
    organisation = item.pairing.organisation
    url = link(organisation, reverse("mentoring:concern", args=[item.pk]))
    return sum(
        send("concern", person, organisation, {"url": url})
        for person in coordinators(organisation)
    )


def offer(pk):
    profile = MentorProfile.objects.select_related("organisation", "user").get(pk=pk)
    url = link(profile.organisation, reverse("mentoring:mentors"))
    return sum(
        send("offer", person, profile.organisation, {"profile": profile, "url": url})
        for person in coordinators(profile.organisation)
    )


def reviewed(pk):
    profile = MentorProfile.objects.select_related("organisation", "user").get(pk=pk)
    url = link(profile.organisation, reverse("mentoring:home"))
    return send(
        "reviewed", profile.user, profile.organisation, {"profile": profile, "url": url}
    )


NOTICES = {
    "proposed": proposed,
    "started": started,
    "declined": declined,
    "ended": ended,
    "session": session,
    "cancelled": cancelled,
    "concern": concern,
    "offer": offer,
    "reviewed": reviewed,
}


def send_notice(kind, pk):
    return NOTICES[kind](pk)
