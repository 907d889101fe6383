"""Test settings: the same stack, with fast hashing and mail kept in memory.

Tasks run in-process (ImmediateBackend) so behaviour tests see their effects; when
REDIS_URL is set, an extra "rq" backend lets the RQ tests enqueue real jobs.
"""

import os
import sys
from pathlib import Path

# The test plugins are laid out like installed distributions; see tests/plugins.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "plugins"))

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if REDIS_URL:
    TASKS["rq"] = {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}
    CACHES["default"]["KEY_PREFIX"] = "relais-test"
LOGGING["loggers"]["lms"]["level"] = "WARNING"
# Threads of the live server and of concurrency tests close what they open.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not the shared in-memory database: the browser tests' live server
    # writes from several threads, which in-memory SQLite answers with "table is
    # locked" at once, where a file database waits its turn.
    # TEST_DATABASE_FILE lets two test runs on one checkout keep out of each other's way.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "TEST_DATABASE_FILE", str(BASE_DIR / "var" / "test.sqlite3")
        )
    }
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

ALLOWED_HOSTS = [*ALLOWED_HOSTS, ".test", "testserver"]
# SCORM packages extracted by the tests, apart from the development ones; each
# package has its own folder (scorm/<uuid>/), so tests never share files.
PACKAGES_ROOT = str(BASE_DIR / "var" / "test-packages")
STORAGES["packages"]["OPTIONS"]["location"] = PACKAGES_ROOT
PRIVATE_ROOT = str(BASE_DIR / "var" / "test-private")
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_ROOT
