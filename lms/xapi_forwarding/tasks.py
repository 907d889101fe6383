from django_tasks import task

from lms.xapi_forwarding import outbox


@task()
def deliver_statements(endpoint_id: int) -> int:
    """Send an endpoint's pending statements (idempotent: delivered rows are not
    sent again, and the LRS recognises a re-sent id)."""
    return outbox.deliver(endpoint_id)


@task()
def sweep_outbox() -> int:
    return outbox.sweep()
