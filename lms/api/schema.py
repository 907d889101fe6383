"""What drf-spectacular cannot see in the views: every operation's error
responses are problem details."""

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                },
            },
        },
    },
}
ERRORS = {
    "400": "Invalid request: nothing was written",
    "401": "No token, an unknown or revoked one, or one of another organisation",
    "403": "The token lacks the scope, or its role may not do this",
    "404": "Not found in this organisation (or its plugin is off)",
    "429": "Too many requests for this token: retry after Retry-After seconds",
}


def only_this_api(endpoints, **kwargs):
    """Wagtail's admin API is DRF too: the schema describes ours only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def add_problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                reads = method in ("get", "head", "delete")
                if status == "400" and reads and not operation.get("parameters"):
                    continue
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return result
