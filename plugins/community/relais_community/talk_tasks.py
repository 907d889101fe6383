"""Background work of discussions: the daily job for unanswered questions."""

from django_tasks import task


@task()
def notify_unanswered_questions() -> int:
    """Daily: trainers hear of questions nobody answered in
    ``LMS_COMMUNITY_UNANSWERED_DAYS`` days, each question once (idempotent)."""
    from relais_community import talk

    return talk.notify_unanswered()
