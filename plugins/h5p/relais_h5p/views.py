"""The player, its files and the narrow endpoints it talks to, on the content origin;
the trainers' results, on the platform.

Content-origin views (``@content_view``) receive no cookie: the signed token in their
URL names the learner, the activity and the content, and only that content's files
(and the library versions it uses) are served under it. The player page is
sandboxed by its own Content-Security-Policy too, so even opened on its own it runs
in an opaque origin; on the platform's origin none of these URLs answers.
"""

import json
import mimetypes

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Site

from courses.models import ActivityCompletion
from courses.sharing import playable_by
from courses.statements import (
    KNOWN_VERB_IRIS,
    Authority,
    InvalidStatement,
    record_statement,
)
from lms.content_origin import content_origin, content_view
from lms.limits import per_token
from lms.models import Role
from lms.models.scoping import scoped
from lms.plugins.activation import enabled_labels
from lms.private_files import packages_storage
from lms.views.access import role_required
from relais_h5p import packages
from relais_h5p.forms import ReplaceLibraryForm
from relais_h5p.models import H5PContent, H5PLibrary, H5PUserData
from relais_h5p.player import Grant

# The player's own document, on the content origin: an opaque origin (sandbox), the
# package's scripts against our static player, its files and the two endpoints
# below only, framed only by the lesson page the token names.
PLAYER_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; "
    "media-src 'self' blob: https:; font-src 'self' data:; connect-src 'self'; "
    "frame-src 'self' https://www.youtube.com https://www.youtube-nocookie.com "
    "https://player.vimeo.com; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; sandbox allow-scripts allow-popups"
)
# A package file: an SVG or anything else opened on its own runs nothing.
FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
MAX_BATCH = 50


def player_url(request, grant):
    """The player of ``grant``, on the content origin of this platform request."""
    return content_origin(request) + reverse("h5p:play", args=[grant.token()])


def _grant(token):
    grant = Grant.from_token(token)
    if grant is None or not grant.organisation_id:
        raise Http404
    return grant


def _content(grant):
    """The ready content a grant opens, where the H5P plugin is still enabled: the
    grant's organisation (the learner's, where the lesson was shown) must be able to
    play it, its own or one of its shared lessons' (``courses.sharing``)."""
    organisation = Site.objects.filter(pk=grant.organisation_id).first()
    if organisation is None or "h5p" not in enabled_labels(organisation):
        raise Http404
    ready = H5PContent.objects.filter(
        uuid=grant.content_uuid, status=H5PContent.Status.READY
    )
    # Its own content first (one plain query for each of the player's many files);
    # a federation's, through the lessons it shares, otherwise.
    content = (
        ready.filter(organisation=organisation).first()
        or playable_by(organisation, ready).first()
    )
    if content is None:
        raise Http404
    return organisation, content


def _cors(response):
    # The sandboxed player has an opaque origin ("null") and sends no cookies; H5P's
    # jQuery adds X-Requested-With, which needs a preflight.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type, X-Requested-With"
    response["Access-Control-Max-Age"] = "3600"
    return response


@content_view
@require_GET
def play(request, token):
    grant = _grant(token)
    _organisation, content = _content(grant)  # ready, its plugin enabled: else 404
    # The saved state is handed over with the page, so H5P restores it at once.
    saved = _saved(grant, content, "state", "0").first()
    player = static("h5p-standalone/")
    base = reverse("h5p:play", args=[token])
    response = render(
        request,
        "relais_h5p/player.html",
        {
            "options": {
                "h5pJsonPath": f"{base}files/content",
                "librariesPath": f"{base}files/libraries",
                "frameJs": player + "frame.bundle.js",
                "frameCss": player + "styles/h5p.css",
                "saveFreq": 5,
                # Our sandboxed iframe already isolates the content: H5P's own
                # nested iframe cannot be scripted inside an opaque origin.
                "embedType": "div",
                "user": {"name": "learner", "mail": "learner@relais.invalid"},
                "ajax": {"contentUserDataUrl": f"{base}state/:dataType/:subContentId"},
                "contentUserData": [{"state": saved.data}] if saved else None,
            },
            "main_js": player + "main.bundle.js",
            "xapi_url": f"{base}xapi",
        },
    )
    frame_ancestors = f"; frame-ancestors {grant.platform}" if grant.platform else ""
    response["Content-Security-Policy"] = PLAYER_CSP + frame_ancestors
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


@content_view
@require_GET
def files(request, token, path):
    """A file of the token's content, or of a library version it uses."""
    grant = _grant(token)
    _organisation, content = _content(grant)
    kind, _slash, rest = path.partition("/")
    if kind == "content":
        directory = packages.content_dir(content)
    elif kind == "libraries":
        folder, _slash, rest = rest.partition("/")
        library = next(
            (lib for lib in content.libraries.all() if lib.folder == folder), None
        )
        if library is None:
            raise Http404
        directory = library.directory
    else:
        raise Http404
    if not rest or any(part in ("", ".", "..") for part in rest.split("/")):
        raise Http404
    name = f"{directory}/{rest}"
    storage = packages_storage()
    if not storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, max-age=3600"
    return _cors(response)


@content_view  # no cookie is involved: the signed token is the credential
@require_http_methods(["POST", "OPTIONS"])
@per_token("LMS_STATEMENT_RATE")
def xapi(request, token):
    """Statements from the player, recorded for that learner about that activity."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse())
    grant = _grant(token)
    organisation, _played = _content(grant)
    try:
        batch = json.loads(request.body or b"[]")
    except (ValueError, UnicodeDecodeError):
        return _cors(JsonResponse({"error": "The body is not JSON."}, status=400))
    if not isinstance(batch, list) or len(batch) > MAX_BATCH:
        return _cors(
            JsonResponse({"error": f"Send a list of at most {MAX_BATCH}."}, status=400)
        )
    user = get_user_model().objects.filter(pk=grant.user_id, is_active=True).first()
    lesson = _lesson(grant)
    if user is None or lesson is None:
        raise Http404
    done = ActivityCompletion.objects.filter(
        user=user, lesson=lesson, block_id=grant.block_id
    )
    was_done = done.exists()
    recorded = ignored = 0
    for item in batch:
        if not isinstance(item, dict):
            ignored += 1
            continue
        verb = (
            (item.get("verb") or {}).get("id")
            if isinstance(item.get("verb"), dict)
            else None
        )
        if item.get("relais") == "viewed":
            verb = _view_verb(lesson, grant.block_id)
            if verb is None:
                continue
        if verb not in KNOWN_VERB_IRIS:
            ignored += 1  # H5P sends verbs we do not track; they change nothing
            continue
        original = (
            (item.get("object") or {}).get("id")
            if isinstance(item.get("object"), dict)
            else None
        )
        try:
            record_statement(
                actor=user,
                organisation=organisation,
                verb=verb,
                object_id=grant.activity,
                result=item.get("result"),
                context={"extensions": {"https://relais.example/h5p/object": original}},
                statement_id=item.get("id"),
                # The player reached this through its signed grant, for this
                # learner and activity; the core keys the id with its secret.
                authority=Authority.PLATFORM,
            )
            recorded += 1
        except InvalidStatement:
            ignored += 1
    # "completed" only when this batch completed the activity: the lesson page
    # reloads once to show the way on, never again on later visits.
    completed = not was_done and done.exists()
    return _cors(
        JsonResponse({"recorded": recorded, "ignored": ignored, "completed": completed})
    )


def _lesson(grant):
    from courses.models import LessonPage

    return LessonPage.objects.live().filter(pk=grant.lesson_id).first()


def _view_verb(lesson, block_id):
    """Opening an activity without a pass threshold completes it."""
    for found_id, value, _required in lesson.activities():
        if found_id == block_id:
            return (
                None
                if value.get("pass_threshold") is not None
                else ("http://adlnet.gov/expapi/verbs/completed")
            )
    return None


@content_view
@require_http_methods(["GET", "POST", "OPTIONS"])
def state(request, token, data_type, sub_content_id):
    """The player's saved state (H5P contentUserData), per learner and activity."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse())
    grant = _grant(token)
    _organisation, content = _content(grant)
    data_type, sub_content_id = data_type[:127], sub_content_id[:127]
    saved = _saved(grant, content, data_type, sub_content_id)
    if request.method == "GET":
        found = saved.first()
        return _cors(
            JsonResponse({"success": True, "data": found.data if found else False})
        )
    data = request.POST.get("data")
    with transaction.atomic():
        saved.filter(content=None).delete()  # saved before contents were kept
        if request.POST.get("invalidate") == "1" or data in (None, "0"):
            saved.delete()
        else:
            H5PUserData.objects.update_or_create(
                user_id=grant.user_id,
                activity=grant.activity,
                content=content,
                data_type=data_type,
                sub_content_id=sub_content_id,
                defaults={"data": data},
            )
    return _cors(JsonResponse({"success": True}))


def _saved(grant, content, data_type, sub_content_id):
    """The learner's saved data of this activity and content (and a row saved
    before contents were kept, read after it)."""
    return H5PUserData.objects.filter(
        Q(content=content) | Q(content=None),
        user_id=grant.user_id,
        activity=grant.activity,
        data_type=data_type,
        sub_content_id=sub_content_id,
    ).order_by(F("content").asc(nulls_last=True))


@role_required(Role.TRAINER, Role.COORDINATOR, Role.ADMIN)
def results(request):
    """Per activity: attempts, completion rate, average best score, best per learner."""
    from relais_h5p.results import activities

    rows = activities(request.organisation)
    learners = {
        user.pk: user
        for user in get_user_model().objects.filter(
            pk__in={user_id for row in rows for user_id in row.best}
        )
    }
    for row in rows:
        row.scores = sorted(
            (
                learners[user_id].get_full_name() or learners[user_id].username,
                round(100 * score),
            )
            for user_id, score in row.best.items()
        )
    return render(request, "relais_h5p/results.html", {"rows": rows})


@role_required(Role.TRAINER, Role.ADMIN)
def libraries(request):
    """The organisation's library versions: each with what the H5P rules find
    wrong in its stored files and the contents using it."""
    from django.db.models import Count

    organisation = request.organisation
    versions = (
        scoped(H5PLibrary.objects.all(), organisation)
        .annotate(uses=Count("contents", filter=Q(contents__organisation=organisation)))
        .order_by("machine_name", "major_version", "minor_version", "-stored_at")
    )
    rows = [(library, packages.stored_problems(library)) for library in versions]
    return render(request, "relais_h5p/libraries.html", {"rows": rows})


@role_required(Role.TRAINER, Role.ADMIN)
def replace_library(request, h5plibrary_id):
    """Replace this library version, for this organisation's contents only: the
    contents using it are listed and the trainer confirms; never done silently."""
    organisation = request.organisation
    library = get_object_or_404(
        scoped(H5PLibrary.objects.all(), organisation), pk=h5plibrary_id
    )
    contents = library.contents.filter(organisation=organisation).order_by("title")
    candidates = packages.replacements(library, organisation)
    form = ReplaceLibraryForm(
        request.POST or None,
        replacements=H5PLibrary.objects.filter(pk__in=[c.pk for c in candidates]),
    )
    if request.method == "POST" and form.is_valid():
        changed = packages.replace_library(
            library, form.cleaned_data["replacement"], organisation
        )
        messages.success(
            request,
            ngettext(
                "%(library)s is replaced for %(count)s content.",
                "%(library)s is replaced for %(count)s contents.",
                len(changed),
            )
            % {"library": library.folder, "count": len(changed)},
        )
        return redirect("h5p:libraries")
    return render(
        request,
        "relais_h5p/replace_library.html",
        {
            "library": library,
            "problems": packages.stored_problems(library),
            "contents": contents,
            "form": form,
            "candidates": candidates,
        },
    )
