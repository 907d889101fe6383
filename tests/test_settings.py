"""Configuration from the environment, checked in fresh processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    "SECRET_KEY": "k" * 20 + "production-secret-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "relais.example.org",
    "DATABASE_URL": "postgres://relais:secret@db.internal:5432/relais",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "WAGTAILADMIN_BASE_URL": "https://relais.example.org",
    # Required by check --deploy (lms.E101): packages run on another site.
    "LMS_CONTENT_ORIGIN": "https://content.relais-lessons.example",
}


def run(args, env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}
    }
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(env, *names):
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        f"values = {{n: getattr(settings, n) for n in {list(names)!r}}};"
        "print(json.dumps(values, default=str))"
    )
    result = run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_production_deploy_check_reports_no_issues():
    result = run([sys.executable, "manage.py", "check", "--deploy"], PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_embedded_defaults_need_nothing_set():
    values = settings_of(
        {"DJANGO_SETTINGS_MODULE": "lms.settings.dev"}, "DATABASES", "TASKS"
    )
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"].endswith("var/relais.sqlite3")
    assert values["TASKS"]["default"]["BACKEND"].endswith("ImmediateBackend")


def test_database_and_redis_urls_switch_to_postgresql_and_rq():
    values = settings_of(PRODUCTION, "DATABASES", "TASKS", "RQ_QUEUES", "CACHES")
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.internal",
        "relais",
        "relais",
    )
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert set(values["RQ_QUEUES"]) == {"default", "high", "low"}
    assert values["RQ_QUEUES"]["high"]["URL"] == PRODUCTION["REDIS_URL"]
    assert values["CACHES"]["default"]["LOCATION"] == PRODUCTION["REDIS_URL"]
