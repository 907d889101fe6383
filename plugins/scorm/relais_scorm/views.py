"""The player and its endpoints, on the content origin; the learner's and trainer's
pages, on the platform.

Content-origin views (``@content_view``) receive no cookie: the signed launch token
in their URL names the learner, the organisation the lesson was shown in (the
learner's, where attempts and statements belong, whoever owns the package) and the
activity, and an attempt id in a URL must be that learner's attempt at that activity
in that organisation (404 otherwise).
"""

import json
import mimetypes
import posixpath

from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Site

from courses.sharing import playable_by
from lms.content_origin import content_origin, content_view
from lms.limits import per_token
from lms.models.people import AUTHORS
from lms.plugins.activation import enabled_labels
from lms.views.access import member_required, role_required
from relais_scorm import attempts
from relais_scorm.launch import PREVIEW, Launch
from relais_scorm.models import ScormAttempt, ScormPackage, packages_storage
from relais_scorm.packages import served_as_is
from relais_scorm.runtime import InvalidCommit

MAX_BODY = 2 * 1024 * 1024
NAVIGATION = {
    "start",
    "resumeAll",
    "continue",
    "previous",
    "choice",
    "exit",
    "exitAll",
    "suspendAll",
    "abandon",
    "abandonAll",
}


def _launch(token):
    """The launch a token grants: its organisation (the learner's) has the plugin
    enabled and may play the package (its own, or one of its shared lessons'),
    which is ready."""
    launch = Launch.from_token(token)
    if launch is None:
        raise Http404
    organisation = Site.objects.filter(pk=launch.organisation_id).first()
    if organisation is None or "scorm" not in enabled_labels(organisation):
        raise Http404
    package = playable_by(
        organisation,
        ScormPackage.objects.filter(
            pk=launch.package_id, status=ScormPackage.Status.READY
        ),
    ).first()
    if package is None:
        raise Http404
    return launch, package


def _attempt(launch, attempt_id):
    attempt = ScormAttempt.objects.filter(
        pk=attempt_id,
        user_id=launch.user_id,
        activity=launch.activity,
        organisation_id=launch.organisation_id,
    ).first()
    if attempt is None:
        raise Http404  # another learner's, activity's or organisation's
    return attempt


def _learner(launch):
    user = get_user_model().objects.filter(pk=launch.user_id, is_active=True).first()
    if user is None:
        raise Http404
    return user


def _body(request):
    if len(request.body) > MAX_BODY:
        raise InvalidCommit("The commit is too large.")
    try:
        return json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidCommit("The body is not JSON.") from error


def outline(attempt, manifest, tracker=None):
    """The table of contents and what the player may offer, for the page and for
    every navigation answer."""
    tracker = tracker or attempts.tracker(attempt, manifest)
    here = tracker.find(attempt.current) if attempt.current else None
    items = []

    def walk(item, depth):
        if item is not manifest.root and item.visible:
            items.append(
                {
                    "id": item.identifier,
                    "title": item.title,
                    "depth": depth,
                    "status": tracker.status(item).label,
                    "choosable": tracker.choosable(item, here),
                    "current": here is not None and item.identifier == here.identifier,
                }
            )
        for child in item.children:
            walk(child, depth + (item is not manifest.root and item.visible))

    walk(manifest.root, 0)
    hidden = set(here.hide_lms_ui) if here else set()
    status = tracker.package_status()
    return {
        "items": items,
        "continue": bool(here)
        and "continue" not in hidden
        and tracker.can_flow(here, 1),
        "previous": bool(here)
        and "previous" not in hidden
        and tracker.can_flow(here, -1),
        "status": status.label,
        "score": attempt.score,
    }


@content_view
@require_GET
def play(request, token):
    launch, package = _launch(token)
    _learner(launch)  # still an active account
    attempt = attempts.current(launch, package)
    manifest = package.parsed()
    base = reverse("scorm:play", args=[token])
    config = {
        "version": manifest.version,
        "attempt": attempt.pk,
        "single": len(manifest.leaves()) == 1,
        "commitUrl": f"{base}attempts/{attempt.pk}/commit/",
        "navigateUrl": f"{base}attempts/{attempt.pk}/navigate",
        "filesUrl": f"{base}files/",
        "completed": attempt.finished,
        "outline": outline(attempt, manifest),
        "start": "resumeAll" if attempt.current else "start",
        "preview": launch.preview,
    }
    with translation.override(launch.language):
        response = render(
            request,
            "relais_scorm/player.html",
            {
                "package": package,
                "config": config,
                "words": player_words(),
                "runtime": static(
                    "scorm-again/scorm12.min.js"
                    if manifest.version == "1.2"
                    else "scorm-again/scorm2004.min.js"
                ),
            },
        )
    response["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-src 'self'; connect-src 'self'; "
        f"frame-ancestors {launch.platform}; base-uri 'none'; form-action 'none'"
    )
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def player_words():
    """What the player's script says, in the learner's language."""
    return {
        "saving": _("Saving…"),
        "saved": _("Saved."),
        "offline": _(
            "No connection: your progress stays on this page and is sent when "
            "the connection returns."
        ),
        "expired": _(
            "This session has expired: reload the page to go on (what was saved "
            "is kept)."
        ),
        "ended": _("You have reached the end of this activity."),
        "choose": _("Choose a part in the contents to go on."),
        "refused": _("That is not possible from here."),
        "passed": _("passed"),
        "failed": _("failed"),
        "completed": _("completed"),
        "incomplete": _("in progress"),
        "not attempted": _("not started"),
    }


@content_view
@require_GET
def files(request, token, path):
    """A file of the package, to the holder of a launch token only."""
    launch, package = _launch(token)
    name = posixpath.normpath(f"{package.folder}/{path}")
    storage = packages_storage()
    if not name.startswith(f"{package.folder}/") or not storage.exists(name):
        raise Http404
    content_type = "application/octet-stream"
    if served_as_is(name):
        content_type = mimetypes.guess_type(name)[0] or content_type
    if content_type.startswith("text/") or content_type.endswith(
        ("javascript", "xml", "json")
    ):
        content_type += "; charset=utf-8" if "charset" not in content_type else ""
    response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    if not served_as_is(name):  # a schema or an auxiliary file: never a page
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    # Framed by the player (this origin) inside the lesson (the platform: CSP checks
    # every ancestor); the package's own pages frame each other, so no sandbox here.
    response["Content-Security-Policy"] = f"frame-ancestors 'self' {launch.platform}"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@content_view
@require_POST
@per_token("LMS_STATEMENT_RATE")
def commit(request, token, attempt_id, item):
    """A SCO's commit (LMSCommit / Commit, autocommit, unload beacon)."""
    launch, package = _launch(token)
    attempt = _attempt(launch, attempt_id)
    user = _learner(launch)
    try:
        attempt, completed = attempts.commit(attempt.pk, item, _body(request), user)
    except InvalidCommit as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {
            "result": "true",
            "errorCode": 0,
            "completion": attempt.completion,
            "success": attempt.success,
            "completed": completed,
            # What the SCO reported may finish its part and enable the next: the
            # contents and the bar follow without waiting for a navigation.
            "outline": outline(attempt, package.parsed()),
        }
    )


@content_view
@require_POST
def navigate(request, token, attempt_id):
    """Leave the SCO being played (with what it reported last) and get the next."""
    launch, package = _launch(token)
    attempt = _attempt(launch, attempt_id)
    user = _learner(launch)
    try:
        body = _body(request)
        request_name = body.get("request") if isinstance(body, dict) else None
        if request_name not in NAVIGATION:
            raise InvalidCommit("Unknown navigation request.")
        target = body.get("target")
        if target is not None and not isinstance(target, str):
            raise InvalidCommit("target must be an item identifier.")
        attempt, decision, values, completed = attempts.navigate(
            attempt.pk,
            request_name,
            user=user,
            target=target,
            data=body.get("commit"),
        )
    except InvalidCommit as error:
        return JsonResponse({"error": str(error)}, status=400)
    manifest = package.parsed()
    answer = {
        "outline": outline(attempt, manifest),
        "completed": completed,
        "finished": attempt.finished,
        "end": bool(decision and decision.end),
        "refused": decision is None,
    }
    if decision and decision.launch:
        item = manifest.find(decision.launch)
        answer["launch"] = {
            "item": item.identifier,
            "title": item.title,
            "href": item.href,
            "values": values,
            "sco": item.scorm_type == "sco",
        }
    return JsonResponse(answer, status=409 if decision is None else 200)


# The platform side --------------------------------------------------------------


def player_url(request, launch):
    return content_origin(request) + reverse("scorm:play", args=[launch.token()])


def platform_origin(request):
    return f"{request.scheme}://{request.get_host()}"


@require_POST
@member_required
def new_attempt(request, lesson_id, block_id):
    """Start again after a finished attempt, where the activity allows it."""
    from courses.models import LessonPage, available_courses

    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    # A lesson of a course the organisation offers: its own or a shared one.
    if (
        not available_courses(request.organisation)
        .filter(path=lesson.parent_path)
        .exists()
    ):
        raise Http404
    found = {
        found_id: value
        for found_id, value, _required in lesson.activities(
            enabled_labels(request.organisation)
        )
    }
    value = found.get(block_id)
    package = value.get("package") if hasattr(value, "get") else None
    if (
        package is None
        or not playable_by(
            request.organisation, ScormPackage.objects.filter(pk=package.pk)
        ).exists()
    ):
        raise Http404
    attempt = attempts.start_new(
        organisation=request.organisation,
        user=request.user,
        package=package,
        activity=f"urn:relais:activity:{lesson.pk}:{block_id}",
        allowed=value.get("attempts") or 0,
    )
    if attempt is None:
        from django.contrib import messages

        messages.error(request, _("A new attempt is not possible here."))
    return redirect(f"{lesson.url}#block-{block_id}")


@role_required(*AUTHORS)
def preview(request, pk):
    """A trainer tries a package before putting it in a lesson; nothing is
    recorded for the lessons."""
    package = get_object_or_404(
        ScormPackage.objects.for_organisation(request.organisation),
        pk=pk,
        status=ScormPackage.Status.READY,
    )
    if request.method == "POST":  # start the preview over
        ScormAttempt.objects.filter(
            user=request.user, activity=f"{PREVIEW}{package.uuid}"
        ).delete()
        return redirect("scorm:preview", pk=pk)
    launch = Launch(
        request.user.pk,
        request.organisation.pk,
        package.pk,
        f"{PREVIEW}{package.uuid}",
        platform_origin(request),
        translation.get_language(),
    )
    return render(
        request,
        "relais_scorm/preview.html",
        {"package": package, "player_url": player_url(request, launch)},
    )
