"""The multi-host proof, smaller (issue 22, acceptance 4; bench/multihost.py has
the full run and docs/performance.md its figures): two gunicorn hosts on 127.0.0.2
and 127.0.0.3 over this test's PostgreSQL database and Redis, one killed mid-run."""

import pytest
from django.db import connection

from bench import multihost

pytestmark = [pytest.mark.redis]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_killing_one_host_mid_run_loses_and_doubles_nothing(settings):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (REDIS_URL), shared by the hosts")
    # The sweep this process runs hands jobs to the worker host through Redis, as
    # cron's does; the test settings' default backend would run them in here.
    settings.LMS_JOBS_BACKEND = "rq"
    figures = multihost.run(learners=12, lessons=2, concurrency=6)
    assert figures["host A killed after"] is not None
    assert figures["errors"] == 0
    assert figures["answers lost"] == 0
    assert figures["courses completed"] == 12
    assert figures["duplicate course completions"] == 0
    # The worker host, killed and started again: every invitation once, its job
    # done, its e-mail sent once.
    assert figures["worker killed after invitations"] is not None
    assert figures["invitations made"] == figures["invitations expected"] == 6
    assert figures["jobs lost"] == 0
    assert figures["invitations without e-mail"] == 0
    assert figures["duplicate invitation e-mails"] == 0
