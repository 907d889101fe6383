"""The statement as the LRS receives it: xAPI 1.0.3, the learner named without
her e-mail address (``ActorMode``), the id kept so a re-send is recognised."""

import hashlib
from datetime import datetime

from django.utils.crypto import salted_hmac

from lms.xapi_forwarding.models import ACTIVITY_TYPES, ActorMode

ADL = "http://adlnet.gov/expapi/verbs/"


def verb_iri(verb):
    """An IRI as given, or a short name among ADL's verbs ("completed")."""
    verb = verb.strip()
    if ":" in verb:
        return verb
    if verb.isalpha():
        return ADL + verb
    raise ValueError(f"“{verb}” is neither a verb IRI nor a verb name.")


def activity_type(object_id):
    """``lesson`` for ``urn:relais:lesson:12``; ``other`` for any other id."""
    parts = object_id.split(":")
    if len(parts) > 3 and parts[:2] == ["urn", "relais"] and parts[2] in ACTIVITY_TYPES:
        return parts[2]
    return "other"


def wanted(endpoint, statement):
    verbs = endpoint.verb_list()
    types = endpoint.activity_type_list()
    return (not verbs or statement.verb in verbs) and (
        not types or activity_type(statement.object_id) in types
    )


def actor(endpoint, statement):
    """The learner for this LRS: never her name nor her e-mail address."""
    organisation = statement.organisation
    if endpoint.actor_mode == ActorMode.ACCOUNT:
        # Stable for the organisation, whichever LRS: its LRSs can be joined.
        name = salted_hmac(
            "lms.xapi_forwarding.account",
            f"{organisation.pk}:{statement.actor_id}",
            algorithm="sha256",
        ).hexdigest()[:32]
    else:
        # Salted for this endpoint alone: nothing else can link it to a person.
        name = hashlib.sha256(
            f"{endpoint.salt}:{statement.actor_id}".encode()
        ).hexdigest()
    return {
        "objectType": "Agent",
        "account": {"homePage": organisation.root_url, "name": name},
    }


def as_xapi(endpoint, statement):
    data = {
        "id": str(statement.pk),
        "actor": actor(endpoint, statement),
        "verb": {"id": statement.verb},
        "object": {"objectType": "Activity", "id": statement.object_id},
        "timestamp": statement.timestamp.isoformat(),
    }
    if statement.result is not None:
        data["result"] = statement.result
    if statement.context is not None:
        data["context"] = statement.context
    return data


def same_statement(sent, stored):
    """Whether the LRS's statement under our id is the one we sent (xAPI's
    comparison: what the LRS adds, ``stored``, ``authority``, ``version``, and
    how it writes the timestamp, do not count)."""
    if not isinstance(stored, dict):
        return False
    for part in ("actor", "result", "context"):
        if _plain(sent.get(part)) != _plain(stored.get(part)):
            return False
    return (
        sent["verb"]["id"] == (stored.get("verb") or {}).get("id")
        and sent["object"]["id"] == (stored.get("object") or {}).get("id")
        and _instant(sent["timestamp"]) == _instant(stored.get("timestamp"))
    )


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if key != "objectType"}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _instant(text):
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
