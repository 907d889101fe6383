"""Benchmark settings: production behaviour (DEBUG off, cached templates) on the
bench database, without HTTPS redirects so gunicorn can be driven on loopback."""

from lms.settings.base import *

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["loggers"]["lms"]["level"] = "ERROR"
# The test suite's sweep (tests/test_multihost.py) hands jobs over through its "rq"
# backend (lms/settings/test.py); the worker host runs them under the same name.
if REDIS_URL:
    TASKS["rq"] = TASKS["default"]
