"""Recording learning statements: the one entrance to progress.

``record_statement()`` validates, stores idempotently on the statement id and, for a
statement the platform vouches for (``Authority.PLATFORM``), runs the completion
engine and, once committed, sends ``statement_recorded``. A statement the learner
reported (``Authority.LEARNER``, the default, what the open xAPI endpoint records)
is stored and exported, and counts for nothing.

Activity ids are URNs the platform controls:
``urn:relais:course:<id>``, ``urn:relais:lesson:<id>``,
``urn:relais:activity:<lesson id>:<block id>``, ``urn:relais:step:<id>``.
"""

import math
import uuid
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from lms.signals import statement_recorded

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    name: ADL + name
    for name in (
        "experienced",
        "attempted",
        "answered",
        "completed",
        "passed",
        "failed",
        "progressed",
        "interacted",
        "initialized",
        "terminated",
        "suspended",
        "resumed",
        "scored",
        "launched",
        "attended",
    )
}
VERBS["accepted"] = "http://activitystrea.ms/schema/1.0/accept"
KNOWN_VERB_IRIS = frozenset(VERBS.values())


class Authority(models.TextChoices):
    """Who vouches for a statement.

    PLATFORM: platform code recorded it after checking the result itself (a quiz
    graded on the server, a SCORM or H5P runtime reached through its signed grant,
    a mentoring session logged by the pair, the charter ticked on the platform's
    own page). Only these complete anything.
    LEARNER: the learner's own report, through the open xAPI endpoint.
    """

    PLATFORM = "platform", _("recorded by the platform")
    LEARNER = "learner", _("reported by the learner")


class InvalidStatement(ValueError):
    """A statement that cannot be recorded; the message says why, for a 400."""


class StatementConflict(InvalidStatement):
    """The statement id is already someone else's, or the platform's (a 409)."""


@dataclass(frozen=True)
class StatementRecorded:
    event_type: ClassVar[str] = "relais.statement.recorded.v1"
    statement_id: str
    actor_id: int
    verb: str
    object_id: str


def register_verb(name: str, iri: str) -> None:
    """Let a plugin use another xAPI verb."""
    global KNOWN_VERB_IRIS
    VERBS[name] = iri
    KNOWN_VERB_IRIS = frozenset(VERBS.values())


def verb_iri(verb: str) -> str:
    iri = VERBS.get(verb, verb)
    if iri not in KNOWN_VERB_IRIS:
        raise InvalidStatement(f"Unknown verb {verb!r}.")
    return iri


def validate_result(result):
    if result is None:
        return None
    if not isinstance(result, dict):
        raise InvalidStatement("result must be an object.")
    score = result.get("score")
    if score is not None:
        if not isinstance(score, dict):
            raise InvalidStatement("result.score must be an object.")
        scaled = score.get("scaled")
        if scaled is not None and (
            isinstance(scaled, bool)
            or not isinstance(scaled, int | float)
            or not math.isfinite(scaled)
            or not -1 <= scaled <= 1
        ):
            raise InvalidStatement("result.score.scaled must be a number from -1 to 1.")
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            raise InvalidStatement(f"result.{flag} must be true or false.")
    return result


def record_statement(
    *,
    actor,
    organisation,
    verb,
    object_id,
    result=None,
    context=None,
    statement_id=None,
    timestamp=None,
    authority=Authority.LEARNER,
):
    """Store one statement and, when the platform vouches for it, apply it to
    progress. Returns (statement, created).

    ``authority`` is LEARNER unless the caller passes ``Authority.PLATFORM``: only
    code that checked the result itself may. A platform caller's ``statement_id`` is
    an idempotency key, stored under an id derived from it with the server's secret
    and the actor, so nobody can post that id first; a learner's is a UUID, stored
    as given. Replaying a statement id changes nothing; an id that is another
    person's, or the platform's, raises StatementConflict. Raises InvalidStatement
    for bad input, before anything is written.
    """
    from courses import completion
    from courses.models import Statement

    if authority not in Authority.values:
        raise ValueError(f"Unknown authority {authority!r}.")
    iri = verb_iri(verb)
    result = validate_result(result)
    if not isinstance(object_id, str) or not object_id or len(object_id) > 300:
        raise InvalidStatement("object id must be a non-empty IRI.")
    if context is not None and not isinstance(context, dict):
        raise InvalidStatement("context must be an object.")
    if not statement_id:
        statement_id = uuid.uuid4()
    elif authority == Authority.PLATFORM:
        statement_id = platform_statement_id(actor, statement_id)
    else:
        try:
            statement_id = uuid.UUID(str(statement_id))
        except ValueError as error:
            raise InvalidStatement("statement id must be a UUID.") from error
    # A replayed id fails the insert (primary key) and returns the stored statement:
    # one query for new statements, the common case.
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                id=statement_id,
                organisation=organisation,
                actor=actor,
                verb=iri,
                object_id=object_id,
                result=result,
                context=context,
                timestamp=timestamp or timezone.now(),
                authority=authority,
            )
            completion.apply(statement)
    except IntegrityError:
        existing = Statement.objects.filter(pk=statement_id).first()
        if existing is None and authority == Authority.PLATFORM:
            # A course is completed once (courses_course_completed_once): a second
            # platform "completed" for it is that one, whatever its id.
            existing = Statement.objects.filter(
                actor=actor,
                object_id=object_id,
                verb=iri,
                authority=authority,
                object_id__startswith="urn:relais:course:",
            ).first()
        if existing is None:  # the conflict was elsewhere: not a replay
            raise
        if existing.actor_id != actor.pk or existing.authority != authority:
            raise StatementConflict("This statement id is already used.") from None
        return existing, False
    if authority == Authority.PLATFORM:
        event = StatementRecorded(str(statement.pk), actor.pk, iri, object_id)
        transaction.on_commit(partial(statement_recorded.send, organisation, event))
    return statement, True


def platform_statement_id(actor, key):
    """The stored id of a platform statement: derived from the caller's key, the
    actor and the server's secret, so that a predictable key (an attempt number) is
    no id anybody can claim first, and a replay finds the same id."""
    if not isinstance(key, str | uuid.UUID) or len(str(key)) > 200:
        raise InvalidStatement("statement id must be a string.")
    digest = salted_hmac(
        "courses.statements.platform_statement_id",
        f"{actor.pk}:{key}",
        algorithm="sha256",
    ).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def as_xapi(statement):
    """The statement as xAPI 1.0.3 JSON."""
    data = {
        "id": str(statement.pk),
        "actor": {
            "objectType": "Agent",
            "account": {
                "homePage": statement.organisation.root_url,
                "name": str(statement.actor_id),
            },
        },
        "verb": {"id": statement.verb},
        "object": {"objectType": "Activity", "id": statement.object_id},
        "timestamp": statement.timestamp.isoformat(),
        "stored": statement.stored.isoformat(),
        "authority": _authority_agent(statement),
        "version": "1.0.3",
    }
    if statement.result is not None:
        data["result"] = statement.result
    if statement.context is not None:
        data["context"] = statement.context
    return data


def _authority_agent(statement):
    """xAPI's ``authority``: the organisation's platform, or the learner."""
    if statement.authority == Authority.PLATFORM:
        name = "relais"
    else:
        name = str(statement.actor_id)
    return {
        "objectType": "Agent",
        "account": {"homePage": statement.organisation.root_url, "name": name},
    }
