"""What a person reads when something the platform needs is down.

A database or Redis that cannot be reached is not a bug in the page: it answers
503 (with ``Retry-After``, so a load balancer and a browser both know to come back),
in the person's language, from a template that needs neither of them. Any other
error keeps Django's own 500.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template.loader import render_to_string
from django.utils import translation
from django.views.defaults import server_error as django_server_error
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """``handler500``: 503 when a service the request needed is unreachable."""
    error = sys.exc_info()[1]
    if not isinstance(error, UNAVAILABLE):
        return django_server_error(request)
    logger.warning("Service unavailable: %s", type(error).__name__)
    # The organisation's middleware may not have run (it needs the database):
    # then the browser's language, as Django reads it.
    if not hasattr(request, "organisation"):
        translation.activate(translation.get_language_from_request(request))
    response = HttpResponseServerError(render_to_string("503.html"))
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
