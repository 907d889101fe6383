from django.utils import timezone
from django_tasks import task


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One attempt of one delivery, if it is due (idempotent: a delivery already
    sent, or not due yet, is left alone)."""
    from lms.webhooks.delivery import attempt

    return attempt(delivery_id, timezone.now())


@task()
def send_due_webhooks() -> dict:
    """The retries that are due, queued (``manage.py send_webhooks``, minutely)."""
    from lms.webhooks.delivery import send_due

    return send_due()
