"""Background work of volunteer time."""

from django_tasks import task


@task()
def send_drifting_notices() -> int:
    """Daily: tell coordinators who started drifting away. Idempotent: each person
    is logged once per stretch of inactivity before anything is sent."""
    from relais_recruitment.volunteer_time_notices import run

    return run()
