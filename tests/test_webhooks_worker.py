"""Webhooks through the real queue (the PostgreSQL + Redis leg): an ``rqworker``
process sends the delivery, the minutely command hands it the retry."""

import pytest
from django.core.management import call_command

from lms.people import join_organisation
from lms.webhooks.models import WebhookDelivery
from tests.factories import UserFactory
from tests.test_jobs_faults import needs_redis, wait_for, workers  # noqa: F401
from tests.test_webhooks import receiver, subscribe  # noqa: F401


@pytest.fixture
def loopback(settings, monkeypatch):
    """The worker processes read these from the environment."""
    monkeypatch.setenv("LMS_WEBHOOKS_ALLOW_HTTP", "true")
    monkeypatch.setenv("LMS_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", "true")
    settings.LMS_WEBHOOKS_ALLOW_HTTP = True
    settings.LMS_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    return settings


@needs_redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_sends_the_delivery_and_its_retry_with_one_webhook_id(
    org_a,
    receiver,  # noqa: F811
    workers,  # noqa: F811
):
    endpoint = subscribe(org_a, receiver)
    receiver.plan = [500]
    workers.start()
    join_organisation(UserFactory(), org_a)  # autocommit: sent at once
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)

    def status():
        delivery.refresh_from_db()
        return delivery.status in ("retrying", "succeeded", "failed") and delivery

    assert wait_for(status, "the first attempt").status == "retrying"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=delivery.last_attempt_at
    )  # due now: the worker's clock is not the test's
    call_command("send_webhooks")

    def delivered():
        delivery.refresh_from_db()
        return delivery.status == "succeeded"

    wait_for(delivered, "the retry")
    assert [r["status"] for r in receiver.received] == [500, 200]
    assert all(r["verified"] for r in receiver.received)
    assert len({r["id"] for r in receiver.received}) == 1
