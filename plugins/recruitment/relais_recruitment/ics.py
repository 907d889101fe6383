"""The meeting with a candidate as an iCalendar (RFC 5545) file, in the
organisation's time zone, so every calendar application shows the right hour."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

MEETING_MINUTES = 45


def meeting_invitation(application) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Relais//Recruitment//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"recruitment-meeting-{application.pk}@relais")
    event.add("dtstamp", timezone.now())
    start = application.meeting_at.astimezone(zone)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=MEETING_MINUTES))
    event.add(
        "summary",
        _("Meeting about the mission “%(mission)s”")
        % {"mission": application.mission.title},
    )
    if application.meeting_place:
        event.add("location", application.meeting_place)
    attendee = vCalAddress(f"mailto:{application.email}")
    attendee.params["cn"] = vText(application.name)
    event.add("attendee", attendee)
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
