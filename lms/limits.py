"""Limits that protect the service from one person or one organisation.

- **Rate limits** per person on the endpoints a player or a form's script calls
  over and over (statements, autosaves), counted by django-ratelimit in the shared
  cache (Redis), so every host counts together. Over the limit: 429 with
  ``Retry-After``, in the person's language. Redis down, nobody is limited
  (``RATELIMIT_FAIL_OPEN``): the pages keep working.
- **Body limits**: Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and
  ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (settings); each upload has its own
  ``LMS_*_MAX_UPLOAD_MB``.
- **Heavy work per organisation**: tasks marked ``@heavy`` (package processing,
  imports) share the workers of every organisation; one organisation has at most
  ``LMS_HEAVY_JOBS_PER_ORGANISATION`` of them unfinished, and a further upload is
  refused with a clear message, nothing stored. The count is read before the
  upload is saved: two uploads at the same instant may both pass, a soft limit
  that needs no lock.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit.decorators import ratelimit

RETRY_AFTER_SECONDS = 60


def per_person(rate_setting):
    """Limit a view per signed-in person to the rate of ``rate_setting``."""
    return ratelimit(
        key="user_or_ip",
        rate=lambda group, request: getattr(settings, rate_setting),
        method="POST",
    )


def per_token(rate_setting, kwarg="token"):
    """Limit a content-origin view per signed token (one learner, one activity):
    those views carry no session, the token is who asks."""
    return ratelimit(
        key=lambda group, request: request.resolver_match.kwargs.get(kwarg, ""),
        rate=lambda group, request: getattr(settings, rate_setting),
        method="POST",
    )


def rate_limited(request, exception):
    """``RATELIMIT_VIEW``: 429, said plainly; JSON, as the limited endpoints are."""
    response = JsonResponse(
        {"error": _("Too many requests at once. Wait a minute, then try again.")},
        status=429,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


_heavy_tasks = set()


def heavy(task_):
    """Mark a django-tasks task as heavy work, counted per organisation."""
    _heavy_tasks.add(task_.module_path)
    return task_


def heavy_work_refused(organisation):
    """Why ``organisation`` cannot start more heavy work now (a message), or None."""
    from lms.models import BackgroundJob

    limit = settings.LMS_HEAVY_JOBS_PER_ORGANISATION
    unfinished = (
        BackgroundJob.objects.filter(organisation=organisation, task__in=_heavy_tasks)
        .exclude(state__in=BackgroundJob.FINISHED)
        .count()
    )
    if unfinished < limit:
        return None
    return ngettext(
        "%(count)s upload or import of your organisation is still being "
        "processed. Try again when it has finished: nothing was saved.",
        "%(count)s uploads or imports of your organisation are still being "
        "processed. Try again when one has finished: nothing was saved.",
        unfinished,
    ) % {"count": unfinished}


class HeavyUploadMixin:
    """For a create view whose save starts heavy work: refused over the limit."""

    def form_valid(self, form):
        refused = heavy_work_refused(self.request.organisation)
        if refused:
            form.add_error(None, refused)
            self.produced_error_message = refused  # Wagtail's message at the top
            return self.form_invalid(form)
        return super().form_valid(form)
