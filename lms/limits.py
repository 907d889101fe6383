"""Limits that protect the service from one person or one organisation.

- **Rate limits** per person on the endpoints a player or a form's script calls
  over and over (statements, autosaves), counted by django-ratelimit in the shared
  cache (Redis), so every host counts together. Over the limit: 429 with
  ``Retry-After``, in the person's language. Redis down, nobody is limited
  (``RATELIMIT_FAIL_OPEN``): the pages keep working.
- **Body limits**: Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and
  ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (settings); each upload has its own
  ``LMS_*_MAX_UPLOAD_MB``.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

RETRY_AFTER_SECONDS = 60


def per_person(rate_setting):
    """Limit a view per signed-in person to the rate of ``rate_setting``."""
    return ratelimit(
        key="user_or_ip",
        rate=lambda group, request: getattr(settings, rate_setting),
        method="POST",
    )


def per_token(rate_setting, kwarg="token"):
    """Limit a content-origin view per signed token (one learner, one activity):
    those views carry no session, the token is who asks."""
    return ratelimit(
        key=lambda group, request: request.resolver_match.kwargs.get(kwarg, ""),
        rate=lambda group, request: getattr(settings, rate_setting),
        method="POST",
    )


def rate_limited(request, exception):
    """``RATELIMIT_VIEW``: 429, said plainly; JSON, as the limited endpoints are."""
    response = JsonResponse(
        {"error": _("Too many requests at once. Wait a minute, then try again.")},
        status=429,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
