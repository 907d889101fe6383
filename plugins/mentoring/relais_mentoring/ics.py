"""Session invitations as iCalendar (RFC 5545) files, in the organisation's time
zone with its VTIMEZONE, so every calendar application shows the right hour."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText


def _address(user):
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.get_full_name() or user.get_username())
    return address


def invitation(session, url) -> bytes:
    pairing = session.pairing
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Relais//Mentoring//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if session.status == "cancelled" else "PUBLISH")
    event = Event()
    event.add("uid", f"{session.uuid}@relais")
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add(
        "summary",
        _("Mentoring: %(mentor)s and %(mentee)s")
        % {
            "mentor": pairing.mentor.get_full_name(),
            "mentee": pairing.mentee.get_full_name(),
        },
    )
    event.add("description", "\n".join(filter(None, [session.topics, url])))
    if session.place:
        event.add("location", session.place)
    event.add("url", url)
    event.add("status", "CANCELLED" if session.status == "cancelled" else "CONFIRMED")
    event.add("organizer", _address(session.created_by))
    for person in (pairing.mentor, pairing.mentee):
        event.add("attendee", _address(person))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
