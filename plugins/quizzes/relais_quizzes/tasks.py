from django_tasks import task


@task()
def close_attempt(attempt_id):
    """Submit a timed attempt once its time is up (plus grace), with what was saved."""
    from relais_quizzes.attempts import close_if_expired
    from relais_quizzes.models import Attempt

    attempt = Attempt.objects.filter(pk=attempt_id).first()
    return bool(attempt and close_if_expired(attempt))


@task()
def close_expired_attempts():
    """The sweep behind ``manage.py close_quiz_attempts`` (for cron), in case a
    scheduled close was lost."""
    from relais_quizzes.attempts import close_expired

    return close_expired()
