"""Events of the recruitment plugin (``lms.signals.SiteSignal``: sent per
organisation)."""

from dataclasses import dataclass
from typing import ClassVar

from lms.signals import SiteSignal


@dataclass(frozen=True)
class ApplicationReceived:
    event_type: ClassVar[str] = "relais.recruitment.application_received.v1"
    application_id: int
    mission_id: int


application_received = SiteSignal()
"""Someone applied to a mission (a new application, not the same one sent again).
Sent on commit with :class:`ApplicationReceived`; ids only: the applicant has no
account yet, and their details stay with the coordinators."""
