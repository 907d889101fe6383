"""Benchmark settings: production behaviour (DEBUG off, cached templates) on the
bench database, without HTTPS redirects so gunicorn can be driven on loopback."""

from lms.settings.base import *

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["loggers"]["lms"]["level"] = "ERROR"
