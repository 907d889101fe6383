"""Tasks for the tests of ``lms.jobs``: each records its runs in the cache-free
way tests can read (a module list), so a double run shows."""

import os
import time
from pathlib import Path

from django_tasks import task

from lms.jobs import JobFailed

RUNS = []


@task()
def record(value):
    RUNS.append(value)
    return value


@task()
def refuse(reason):
    raise JobFailed(reason)


@task()
def crash(_value):
    raise ZeroDivisionError("a bug")


@task()
def wait_for_kill(marker):
    """Writes ``marker`` then sleeps until killed (the fault tests' worker)."""
    Path(marker).write_text(str(os.getpid()))
    time.sleep(120)
