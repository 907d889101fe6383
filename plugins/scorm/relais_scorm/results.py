"""Trainers' and coordinators' view of SCORM activities: per learner, the attempts,
the latest status, the best score and the time spent; exported like every table."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from courses.models import LessonPage
from lms.exports import spreadsheet_response
from lms.models import Role
from lms.views.access import role_required
from relais_scorm.launch import PREVIEW
from relais_scorm.models import ScormAttempt

viewers = role_required(Role.TRAINER, Role.COORDINATOR, Role.ADMIN)


@dataclass
class LearnerResult:
    name: str
    attempts: int
    latest: ScormAttempt
    best: float | None
    seconds: int

    @property
    def status(self):
        latest = self.latest
        if latest.success == "passed":
            return _("passed")
        if latest.success == "failed":
            return _("failed")
        if latest.completion == "completed":
            return _("completed")
        return _("in progress")

    @property
    def time(self):
        minutes = self.seconds // 60
        return f"{minutes // 60} h {minutes % 60:02d}"


@dataclass
class ActivityResults:
    activity: str
    lesson: str
    package: str
    learners: list = field(default_factory=list)


def activities(organisation):
    """Each SCORM activity with attempts in the organisation, learner by learner
    (three queries, whatever the number of attempts)."""
    rows = (
        ScormAttempt.objects.for_organisation(organisation)
        .exclude(activity__startswith=PREVIEW)
        .select_related("user", "package")
        .order_by(
            "activity", "user__last_name", "user__first_name", "user_id", "-number"
        )
    )
    grouped = {}
    for attempt in rows:
        activity = grouped.setdefault(
            attempt.activity,
            ActivityResults(attempt.activity, "", attempt.package.title),
        )
        if (
            activity.learners
            and activity.learners[-1].latest.user_id == attempt.user_id
        ):
            entry = activity.learners[-1]
            entry.attempts += 1
            entry.seconds += attempt.total_seconds
            if attempt.score is not None:
                entry.best = max(entry.best or attempt.score, attempt.score)
            continue
        user = attempt.user
        activity.learners.append(
            LearnerResult(
                name=user.get_full_name() or user.get_username(),
                attempts=1,
                latest=attempt,
                best=attempt.score,
                seconds=attempt.total_seconds,
            )
        )
    lesson_ids = {
        int(key.split(":")[3]) for key in grouped if key.split(":")[3].isdigit()
    }
    titles = dict(
        LessonPage.objects.filter(pk__in=lesson_ids).values_list("pk", "title")
    )
    for key, activity in grouped.items():
        lesson_id = key.split(":")[3]
        activity.lesson = titles.get(int(lesson_id), "") if lesson_id.isdigit() else ""
    return list(grouped.values())


@viewers
def index(request):
    from django.shortcuts import render

    return render(
        request,
        "relais_scorm/results.html",
        {"activities": activities(request.organisation)},
    )


@viewers
def export(request, kind):
    from django.http import Http404

    if kind not in ("csv", "xlsx"):
        raise Http404
    header = [
        _("Lesson"),
        _("SCORM package"),
        _("Learner"),
        _("Attempts"),
        _("Status"),
        _("Latest score (%)"),
        _("Best score (%)"),
        _("Time spent (minutes)"),
        _("Last activity"),
    ]
    rows = [
        [
            activity.lesson,
            activity.package,
            learner.name,
            learner.attempts,
            learner.status,
            None if learner.latest.score is None else round(100 * learner.latest.score),
            None if learner.best is None else round(100 * learner.best),
            learner.seconds // 60,
            learner.latest.updated_at.date().isoformat(),
        ]
        for activity in activities(request.organisation)
        for learner in activity.learners
    ]
    return spreadsheet_response(header, rows, "scorm-results", kind, _("SCORM results"))
