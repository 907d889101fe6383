"""Background work of the skills plugin. Each task takes ids, is enqueued on
commit and is idempotent: running it twice changes nothing the second time."""

from django_tasks import task

from lms.limits import heavy


@heavy
@task()
def run_import(job_id: int) -> str | None:
    """Run a framework import ``Job`` (ESCO or framework CSV): read and check the
    files, then write everything or nothing, updating the job's progress as it
    goes. A job already started (or finished) is left alone."""
    from relais_skills.imports import run_job

    return run_job(job_id)


@task()
def export_matrix(job_id: int) -> str | None:
    """Write a large skills matrix export (XLSX) for its job, with progress."""
    from relais_skills.matrix import run_export

    return run_export(job_id)


@task()
def send_skill_reminders() -> dict:
    """Daily: expiry reminders, and levels whose evidence lapsed fall back."""
    from relais_skills import proficiency, reminders

    return {
        "reminders": reminders.send_expiry_reminders(),
        "lapsed": proficiency.lapse_expired(),
    }
