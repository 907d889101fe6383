"""Health endpoints for load balancers: ``/health/`` (liveness) and ``/ready/``.

Answered by a middleware placed first, so a probe reaches them whatever Host it
sends (a load balancer asks by IP address, which ``ALLOWED_HOSTS`` does not hold),
over plain HTTP behind a TLS-terminating balancer, and without an organisation.

- ``/health/``: the process answers; nothing else is touched (a database outage
  must not make every host restart).
- ``/ready/``: the database answers, Redis when ``REDIS_URL`` is set, every
  storage saves, reads and deletes a file, and no migration is left to apply.
  Checked by django-health-check; the answer names the checks that failed and
  nothing else (no host, port or error text).
"""

import dataclasses

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.exceptions import ServiceUnavailable

LIVENESS_PATH = "/health/"
READINESS_PATH = "/ready/"


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration on disk is applied: a host started with newer code than
    the database holds is not ready."""

    alias: str = DEFAULT_DB_ALIAS

    def run(self):
        connection = connections[self.alias]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            connection.close()
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migrations not applied")


def readiness_checks():
    checks = [
        Database(),
        MigrationsApplied(),
        *(Storage(alias=alias) for alias in ("default", "packages", "private")),
    ]
    if settings.REDIS_URL:
        from health_check.contrib.redis import Redis
        from redis.asyncio import Redis as RedisClient

        checks.append(
            Redis(
                client_factory=lambda: RedisClient.from_url(
                    settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
                )
            )
        )
    return checks


async def _run(checks):
    import asyncio

    return await asyncio.gather(*(check.get_result() for check in checks))


def readiness():
    """{check name: True when it passed}."""
    results = async_to_sync(_run)(readiness_checks())
    return {
        type(result.check).__name__
        + (f"[{result.check.alias}]" if isinstance(result.check, Storage) else ""): (
            result.error is None
        )
        for result in results
    }


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path not in (
            LIVENESS_PATH,
            READINESS_PATH,
        ):
            return self.get_response(request)
        if request.path == LIVENESS_PATH:
            response = HttpResponse("ok\n", content_type="text/plain")
        else:
            checks = readiness()
            ready = all(checks.values())
            response = JsonResponse(
                {
                    "status": "ready" if ready else "unavailable",
                    "checks": {
                        name: "ok" if passed else "failed"
                        for name, passed in checks.items()
                    },
                },
                status=200 if ready else 503,
            )
        add_never_cache_headers(response)
        return response
