"""Core events, sent per organisation (site).

Each signal is a :class:`SiteSignal`: its ``send(site, event)`` calls core receivers
first, then the receivers of plugins enabled for that site; a disabled plugin never
hears about that site. ``event`` is a small frozen data class whose ``event_type`` is
a versioned name, so receivers can rely on the payload's shape.

Receivers take ``(sender, event, **kwargs)``; ``sender`` is the Site.
"""

from dataclasses import dataclass
from typing import ClassVar

from django.dispatch import Signal

from lms.plugins.activation import enabled_labels, owning_plugin


class SiteSignal(Signal):
    def send(self, site, event):
        enabled = enabled_labels(site)
        receivers = [
            receiver
            for receiver in self._live_receivers(site)[0]
            if owning_plugin(receiver) in (None, *enabled)
        ]
        # Core first, then plugins; registration order within each.
        receivers.sort(key=lambda receiver: owning_plugin(receiver) is not None)
        return [
            (receiver, receiver(signal=self, sender=site, event=event))
            for receiver in receivers
        ]

    async def asend(self, site, event):  # pragma: no cover - not offered
        raise NotImplementedError("Relais signals are sent synchronously")

    def send_robust(self, site, event):  # pragma: no cover - not offered
        raise NotImplementedError("Relais signals propagate receiver errors")


@dataclass(frozen=True)
class PersonJoined:
    event_type: ClassVar[str] = "relais.person.joined.v1"
    membership_id: int
    user_id: int
    organisation_id: int
    role: str


person_joined = SiteSignal()
"""A person joined an organisation (accepted an invitation or was added).

Sent on commit with :class:`PersonJoined`. The onboarding path of the role is
assigned from here; a mentoring plugin can look for a mentor.
"""

# The learning core (courses) sends the events below, each with its own frozen
# payload class defined next to the code that sends it.

enrolled = SiteSignal()
"""A person was enrolled in a course."""

lesson_completed = SiteSignal()
"""The completion engine marked a lesson complete for a person."""

course_completed = SiteSignal()
"""The completion engine marked a course complete for a person."""

path_step_completed = SiteSignal()
"""A step of an onboarding path was completed."""

path_completed = SiteSignal()
"""A whole onboarding path was completed."""

badge_awarded = SiteSignal()
"""An Open Badge assertion was issued to a person."""

statement_recorded = SiteSignal()
"""A statement the platform vouches for was stored; sent once per statement id.

Only statements recorded by platform code after it checked the result (a graded
quiz, a SCORM or H5P runtime reached through its grant, a logged mentoring session,
the charter ticked on the platform's page) are announced: what a learner reported
through the open xAPI endpoint is stored and exported, and no receiver hears of it,
so none can turn it into evidence. The payload is
``courses.statements.StatementRecorded``.
"""


@dataclass(frozen=True)
class SkillConfirmed:
    event_type: ClassVar[str] = "relais.skill.confirmed.v1"
    organisation_id: int
    user_id: int
    skill: str  # the key a ``lms_skill_choices`` hook offered
    level: int
    confirmed_by_id: int
    source: str  # who vouches: "mentoring", ...
    note: str
    evidence_url: str  # where the confirmation can be seen, for the evidence trail


skill_confirmed = SiteSignal()
"""Someone who saw a person at work vouches for their level in a skill.

Sent by the mentoring plugin; received by whichever plugin keeps skills (it records
the evidence). Neither imports the other: the skills offered come from the
``lms_skill_choices`` hook (see ``lms.skills``).
"""


@dataclass(frozen=True)
class RetentionDue:
    event_type: ClassVar[str] = "relais.privacy.retention_due.v1"
    organisation_id: int
    today: str  # ISO date the rules are applied for
    dry_run: bool  # True: count what is due, delete nothing
    candidate_retention_days: int
    inactive_volunteer_years: int
    upload_retention_days: int


retention_due = SiteSignal()
"""The organisation's daily retention run (``lms.retention``): apply your part.

Sent with :class:`RetentionDue`. A receiver deletes (or, when ``dry_run``, only
counts) what its plugin keeps past the organisation's periods (the recruitment
plugin: candidates never accepted after ``candidate_retention_days``; a plugin with
uploaded import files: those older than ``upload_retention_days``) and returns a
list of ``lms.retention.RuleResult`` (what, how many). It must be idempotent: a
second run the same day finds nothing left to do and says 0.
"""
