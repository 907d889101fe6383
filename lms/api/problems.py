"""Errors as RFC 9457 problem details (``application/problem+json``).

DRF's errors go through ``exception_handler``; whatever else answers an error
under ``/api/`` (an unknown URL, a plugin switched off, a server error) is
rewritten by ``ProblemDetailsMiddleware``, so a client reads one format."""

import json
from http import HTTPStatus

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:relais:api:problem:"


def problem(status, detail, code=None, errors=None):
    body = {
        "type": TYPE_BASE
        + (code or HTTPStatus(status).phrase.lower().replace(" ", "-")),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    return body


def _errors(data, pointer=""):
    """DRF's nested validation errors as a flat list of ``{pointer, detail}``."""
    if isinstance(data, dict):
        return [
            error
            for key, value in data.items()
            for error in _errors(value, f"{pointer}/{key}")
        ]
    if isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            return [
                {"pointer": f"#{pointer or '/'}", "detail": str(item)} for item in data
            ]
        return [
            error
            for index, item in enumerate(data)
            for error in _errors(item, f"{pointer}/{index}")
        ]
    return [{"pointer": f"#{pointer or '/'}", "detail": str(data)}]


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: the middleware answers it
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            response.status_code,
            _("The request is not valid: see errors."),
            "validation",
            _errors(response.data),
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else exc
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        body = problem(
            response.status_code,
            detail,
            code.replace("_", "-") if isinstance(code, str) else None,
        )
    return Response(
        body,
        status=response.status_code,
        headers={
            name: value
            for name, value in response.items()
            if name in ("WWW-Authenticate", "Retry-After", "Allow")
        },
        content_type=CONTENT_TYPE,
    )


DETAILS = {
    404: "Nothing here: check the URL and the resource's id.",
    405: "This method is not allowed here.",
    500: "Something went wrong on our side; it has been logged.",
}


class ProblemDetailsMiddleware:
    """Any error response under ``/api/v1/`` that is not yet a problem document
    becomes one (its status kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(CONTENT_TYPE)
        ):
            status = response.status_code
            detail = DETAILS.get(status, HTTPStatus(status).description)
            replaced = HttpResponse(
                json.dumps(problem(status, detail)),
                status=status,
                content_type=CONTENT_TYPE,
            )
            for header in ("WWW-Authenticate", "Retry-After", "Allow"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response
