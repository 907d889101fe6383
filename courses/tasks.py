from django_tasks import task

from courses import reminders


@task()
def send_reminders() -> dict:
    """Daily: reminders to newcomers, and the coordinators' weekly digest.

    Idempotent: every reminder is logged per person, step and day before it is sent.
    """
    return {
        "reminders": reminders.send_due_reminders(),
        "digests": reminders.send_digests(),
        "expiring badges": reminders.send_expiry_reminders(),
    }
