"""Background work: e-mails of the programme, and the daily reminders."""

from django_tasks import task


@task()
def send_notice(kind: str, pk: int) -> int:
    """E-mails about one event (a proposal, a session…); ``kind`` names it."""
    from relais_mentoring import notices

    return notices.send_notice(kind, pk)


@task()
def send_mentoring_reminders() -> dict:
    """Daily: check-in reminders, nudges to quiet pairs, coordinators' digest.
    Idempotent: each reminder is logged before it is sent."""
    from relais_mentoring import reminders

    return reminders.run()
