from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .permissions import token_of


class TokenRateThrottle(SimpleRateThrottle):
    """``LMS_API_RATE_LIMIT`` requests per token (e.g. ``600/minute``), counted in
    the Django cache (Redis in production, shared by every process)."""

    scope = "api_token"

    def get_rate(self):
        return settings.LMS_API_RATE_LIMIT

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is None:
            return None  # refused before anything is served
        return f"relais-api-throttle-{token.key_hash[:32]}"
