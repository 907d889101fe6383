"""Background work through django-tasks: in-process by default, RQ with Redis."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from lms.models import Invitation
from lms.tasks import send_invitation
from tests.factories import InvitationFactory

ROOT = Path(__file__).resolve().parents[1]


def test_sending_an_invitation_twice_sends_one_email(org_a):
    invitation = InvitationFactory(organisation=org_a)
    assert send_invitation.call(invitation.pk) is True
    assert send_invitation.call(invitation.pk) is False
    assert len(mail.outbox) == 1


def test_a_withdrawn_invitation_is_not_sent(org_a):
    invitation = InvitationFactory(organisation=org_a, cancelled_at=timezone.now())
    assert send_invitation.call(invitation.pk) is False
    assert mail.outbox == []


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real Redis)")
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="the worker process needs a shared database"
)
@pytest.mark.django_db(transaction=True)
def test_a_real_rq_worker_runs_an_enqueued_task(django_db_serialized_rollback, org_a):
    import django_rq

    invitation = InvitationFactory(organisation=org_a)
    queue = django_rq.get_queue("default")
    queue.empty()
    result = send_invitation.using(backend="rq").enqueue(invitation.pk)
    assert queue.count == 1
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}"
            f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
    }
    worker = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "rqworker",
            "--burst",
            "--job-class",
            "django_tasks_rq.Job",
            "default",
            "high",
            "low",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value is True
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 0
