"""Events of the skills plugin (``lms.signals.SiteSignal``: sent per organisation)."""

from dataclasses import dataclass
from typing import ClassVar

from lms.signals import SiteSignal


@dataclass(frozen=True)
class CertificateExpiring:
    event_type: ClassVar[str] = "relais.skills.certificate_expiring.v1"
    user_id: int
    evidence_id: int
    skill_id: int
    expires_on: str  # ISO date
    days_left: int  # 0: it expires today


certificate_expiring = SiteSignal()
"""A person's certificate (validated evidence with an expiry date) expires soon or
today, not renewed. Sent with :class:`CertificateExpiring` once per notice the
daily reminders log (``relais_skills.reminders``): once when it comes into the
notice window, once on the day."""
