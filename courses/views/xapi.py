"""The open statements endpoint and the xAPI export.

Whatever arrives here is the learner's own report (``Authority.LEARNER``): it is
stored and exported and completes nothing. Players whose results count post to
their plugin's own endpoint, reached through a grant the platform signed.
"""

import json

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_http_methods

from courses.models import Statement
from courses.statements import (
    Authority,
    InvalidStatement,
    StatementConflict,
    as_xapi,
    record_statement,
)
from lms.limits import per_person
from lms.views.access import member_required

MAX_BATCH = 100


@require_http_methods(["GET", "POST"])
@member_required
@per_person("LMS_STATEMENT_RATE")
def statements(request):
    if request.method == "GET":
        mine = Statement.objects.filter(
            actor=request.user, organisation=request.organisation
        ).select_related("organisation")
        return JsonResponse({"statements": [as_xapi(s) for s in mine]})
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "The body is not JSON."}, status=400)
    batch = payload if isinstance(payload, list) else [payload]
    if (
        not batch
        or len(batch) > MAX_BATCH
        or not all(isinstance(s, dict) for s in batch)
    ):
        return JsonResponse(
            {"error": f"Send one statement or a list of 1 to {MAX_BATCH}."}, status=400
        )
    try:
        parsed = [_parse(request, item) for item in batch]
    except InvalidStatement as error:
        return JsonResponse({"error": str(error)}, status=400)
    ids = []
    try:
        with transaction.atomic():  # all or nothing
            for item in parsed:
                statement, _created = record_statement(**item)
                ids.append(str(statement.pk))
    except InvalidStatement as error:
        status = 409 if isinstance(error, StatementConflict) else 400
        return JsonResponse({"error": str(error)}, status=status)
    return JsonResponse(ids, safe=False)


def _parse(request, item):
    actor = item.get("actor")
    if actor is not None and not _is_current_user(request, actor):
        raise InvalidStatement("Statements can only be recorded for yourself.")
    verb = (
        (item.get("verb") or {}).get("id")
        if isinstance(item.get("verb"), dict)
        else None
    )
    target = item.get("object")
    object_id = target.get("id") if isinstance(target, dict) else None
    if not verb or not object_id:
        raise InvalidStatement("A statement needs verb.id and object.id.")
    return {
        "actor": request.user,
        "organisation": request.organisation,
        "verb": verb,
        "object_id": object_id,
        "result": item.get("result"),
        "context": item.get("context"),
        "statement_id": item.get("id"),
        "authority": Authority.LEARNER,
    }


def _is_current_user(request, actor):
    if not isinstance(actor, dict):
        return False
    account = actor.get("account") or {}
    return (
        isinstance(account, dict) and str(account.get("name")) == str(request.user.pk)
    ) or actor.get("mbox") == f"mailto:{request.user.email}"
