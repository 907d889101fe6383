"""The server side of the SCORM run-time: what a SCO is given when it launches, and
how its commits are kept.

Commits are merged element by element (``merge``): the first write of the
transaction locks the SCO's row, so two commits arriving together are applied one
after the other and both survive; each element remembers the (session, sequence)
that wrote it, so a commit overtaken by a later one of the same session changes
nothing it had already been told. Elements the LMS owns (the learner's name, entry,
total time, mastery score…) are never taken from the content.
"""

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from relais_scorm.models import ScoState

ELEMENT = re.compile(r"^(cmi|adl)\.[A-Za-z0-9_.]{1,250}$")
MAX_ELEMENTS = 2000
MAX_VALUE = 65_536  # SCORM 2004's suspend_data is 64,000 characters
# Set by the LMS at launch (or meaningless to store): never taken from a commit.
LMS_OWNED = re.compile(
    r"(^|\.)_(children|count|version)$"
    r"|^cmi\.core\.(student_id|student_name|credit|entry|total_time|lesson_mode)$"
    r"|^cmi\.(learner_id|learner_name|credit|entry|total_time|mode|launch_data"
    r"|completion_threshold|scaled_passing_score|max_time_allowed|time_limit_action)$"
    r"|^cmi\.student_data\.|^cmi\.launch_data$|^adl\.nav\.request_valid\."
)


class InvalidCommit(ValueError):
    """A commit that cannot be kept; the message says why (400, nothing changed)."""


@dataclass(frozen=True)
class Commit:
    session: str
    sequence: int
    values: dict
    terminated: bool = False

    @classmethod
    def from_json(cls, data):
        if not isinstance(data, dict):
            raise InvalidCommit("Send a JSON object.")
        session, sequence = data.get("session"), data.get("sequence")
        if not isinstance(session, str) or not 0 < len(session) <= 64:
            raise InvalidCommit("session must be a string of 1 to 64 characters.")
        if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
            raise InvalidCommit("sequence must be a whole number.")
        values = data.get("values", {})
        if not isinstance(values, dict) or len(values) > MAX_ELEMENTS:
            raise InvalidCommit(f"values must be an object of at most {MAX_ELEMENTS}.")
        kept = {}
        for element, value in values.items():
            if not ELEMENT.match(element):
                raise InvalidCommit(f"{element[:80]!r} is not a CMI element.")
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise InvalidCommit(f"{element}: the value must be text.")
            value = str(value)
            if len(value) > MAX_VALUE:
                raise InvalidCommit(f"{element}: the value is too long.")
            if not LMS_OWNED.search(element):
                kept[element] = value
        return cls(session, sequence, kept, data.get("terminated") is True)


def state_for(attempt, item):
    """The SCO's row, created on first use (two launches racing create one)."""
    try:
        with transaction.atomic():
            return ScoState.objects.get_or_create(attempt=attempt, item=item)[0]
    except IntegrityError:
        return ScoState.objects.get(attempt=attempt, item=item)


def merge(state_id, commit, *, version, item):
    """Apply ``commit`` to one SCO's data. Returns the row, derived fields updated.

    Must run inside a transaction: its first statement takes the row's lock (the
    writer's lock on SQLite), so concurrent commits of one SCO queue up here.
    """
    ScoState.objects.filter(pk=state_id).update(commits=F("commits") + 1)
    state = ScoState.objects.get(pk=state_id)
    for element, value in commit.values.items():
        written = state.versions.get(element)
        if written and written[0] == commit.session and written[1] > commit.sequence:
            continue  # a later commit of this session already wrote it
        state.cmi[element] = value
        state.versions[element] = [commit.session, commit.sequence]
    if commit.session != state.session:
        # A new session: the time of the previous one is now part of the total.
        state.total_seconds += state.session_seconds
        state.session, state.session_seconds = commit.session, 0
    session_time = state.cmi.get(
        "cmi.core.session_time" if version == "1.2" else "cmi.session_time"
    )
    if session_time and commit.session == state.session:
        state.session_seconds = max(state.session_seconds, seconds(session_time))
    if commit.terminated:
        state.terminated, state.abandoned = True, False  # late, but it did end
    derive(state, version, item)
    state.save()
    return state


def derive(state, version, item):
    """Completion, success, score and exit from the SCO's CMI data, with what the
    manifest says decides (SCORM 1.2's mastery score; SCORM 2004's scaled passing
    score and completion threshold, which the RTE evaluates over the SCO's own)."""
    cmi = state.cmi
    # What the SCO leaves unsaid keeps what is known (the LMS may have decided it
    # when an earlier session ended).
    known = state.completion, state.success
    if version == "1.2":
        status = cmi.get("cmi.core.lesson_status", "")
        state.completion = {
            "passed": "completed",
            "failed": "completed",
            "completed": "completed",
            "incomplete": "incomplete",
            "browsed": "incomplete",
        }.get(status, "unknown")
        state.success = status if status in ("passed", "failed") else "unknown"
        state.score = scaled_from_raw(
            cmi.get("cmi.core.score.raw"),
            cmi.get("cmi.core.score.min"),
            cmi.get("cmi.core.score.max"),
        )
        state.exit = cmi.get("cmi.core.exit", "")[:20]
        raw = _number(cmi.get("cmi.core.score.raw"))
        if item.mastery_score is not None and raw is not None and status == "completed":
            state.success = "passed" if raw >= item.mastery_score else "failed"
    else:
        completion = cmi.get("cmi.completion_status", "unknown")
        state.completion = (
            completion if completion in ("completed", "incomplete") else "unknown"
        )
        success = cmi.get("cmi.success_status", "unknown")
        state.success = success if success in ("passed", "failed") else "unknown"
        state.score = _number(cmi.get("cmi.score.scaled"))
        if state.score is None:
            state.score = scaled_from_raw(
                cmi.get("cmi.score.raw"),
                cmi.get("cmi.score.min"),
                cmi.get("cmi.score.max"),
                default_max=None,
            )
        state.exit = cmi.get("cmi.exit", "")[:20]
        progress = _number(cmi.get("cmi.progress_measure"))
        if item.completion_threshold is not None and progress is not None:
            state.completion = (
                "completed" if progress >= item.completion_threshold else "incomplete"
            )
        scaled = _number(cmi.get("cmi.score.scaled"))
        if item.scaled_passing_score is not None and scaled is not None:
            state.success = (
                "passed" if scaled >= item.scaled_passing_score else "failed"
            )
    if state.completion == "unknown":
        state.completion = known[0]
    if state.success == "unknown":
        state.success = known[1]
    if state.score is not None:
        state.score = min(max(state.score, -1.0), 1.0)


def scaled_from_raw(raw, minimum, maximum, default_max=100.0):
    raw = _number(raw)
    low = _number(minimum) or 0.0
    high = _number(maximum)
    high = default_max if high is None else high
    if raw is None or high is None or high <= low:
        return None
    return min(max((raw - low) / (high - low), 0.0), 1.0)


def launch_values(state, item, version, user):
    """What the SCO finds at launch: its stored data, plus what the LMS owns."""
    values = dict(state.cmi)
    resumed = state.exit in ("suspend", "logout") or state.abandoned
    entry = "ab-initio" if state.launches == 0 else ("resume" if resumed else "")
    total = state.total_seconds + state.session_seconds
    name = ", ".join(part for part in (user.last_name, user.first_name) if part)
    name = name or user.get_username()
    if version == "1.2":
        values.update(
            {
                "cmi.core.student_id": str(user.pk),
                "cmi.core.student_name": name,
                "cmi.core.entry": entry,
                "cmi.core.credit": "credit",
                "cmi.core.lesson_mode": "normal",
                "cmi.core.total_time": hhmmss(total),
                "cmi.launch_data": item.launch_data,
            }
        )
        if item.mastery_score is not None:
            values["cmi.student_data.mastery_score"] = _plain(item.mastery_score)
        if item.max_time_allowed:
            values["cmi.student_data.max_time_allowed"] = item.max_time_allowed
        if item.time_limit_action:
            values["cmi.student_data.time_limit_action"] = item.time_limit_action
        values.pop("cmi.core.exit", None)  # write-only, and this is a new session
        values.pop("cmi.core.session_time", None)
    else:
        values.update(
            {
                "cmi.learner_id": str(user.pk),
                "cmi.learner_name": name,
                "cmi.entry": entry,
                "cmi.credit": "credit",
                "cmi.mode": "normal",
                "cmi.total_time": iso_duration(total),
                "cmi.launch_data": item.launch_data,
            }
        )
        if item.scaled_passing_score is not None:
            values["cmi.scaled_passing_score"] = _plain(item.scaled_passing_score)
        if item.completion_threshold is not None:
            values["cmi.completion_threshold"] = _plain(item.completion_threshold)
        if item.max_time_allowed:
            values["cmi.max_time_allowed"] = item.max_time_allowed
        if item.time_limit_action:
            values["cmi.time_limit_action"] = item.time_limit_action
        values.pop("cmi.exit", None)
        values.pop("cmi.session_time", None)
        values.pop("adl.nav.request", None)
    return {key: value for key, value in values.items() if value != ""}


DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
CLOCK = re.compile(r"^(?P<h>\d{1,4}):(?P<m>\d{2}):(?P<s>\d{2}(?:\.\d{1,2})?)$")


def seconds(value):
    """Seconds in a SCORM 1.2 time (HHHH:MM:SS.SS) or 2004 duration (PT1H2M3S)."""
    value = (value or "").strip()
    clock = CLOCK.match(value)
    if clock:
        return int(int(clock["h"]) * 3600 + int(clock["m"]) * 60 + float(clock["s"]))
    duration = DURATION.match(value)
    if duration and value != "P":
        parts = {
            key: float(number or 0) for key, number in duration.groupdict().items()
        }
        return int(
            parts["y"] * 365 * 86400
            + parts["mo"] * 30 * 86400
            + parts["d"] * 86400
            + parts["h"] * 3600
            + parts["mi"] * 60
            + parts["s"]
        )
    return 0


def hhmmss(total):
    return f"{total // 3600:04d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def iso_duration(total):
    return f"PT{total // 3600}H{total % 3600 // 60}M{total % 60}S"


def _number(value):
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _plain(number):
    return f"{number:g}"
