"""Public Open Badges 2.0 and 3.0 documents: anyone verifies a badge, no account."""

import png  # pypng, openbadgeslib's PNG reader: its errors
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from openbadgeslib.baking import extract_png
from openbadgeslib.errors import LibOpenBadgesException
from wagtail.models import Site

from courses import badges, credentials
from courses.models import BadgeAward, BadgeClass, BadgeCredential, SigningKey


def _json(data, status=200):
    response = JsonResponse(
        data, status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/ld+json"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def issuer(request, pk):
    return _json(badges.issuer_json(get_object_or_404(Site, pk=pk)))


def badge_class(request, uuid):
    badge = get_object_or_404(
        BadgeClass.objects.select_related("organisation"), uuid=uuid
    )
    return _json(badges.badge_class_json(badge))


def badge_image(request, uuid):
    badge = get_object_or_404(BadgeClass.objects.select_related("image"), uuid=uuid)
    with badge.image.file.open("rb") as image:
        return HttpResponse(image.read(), content_type="image/png")


def _award(uuid):
    return get_object_or_404(
        BadgeAward.objects.select_related(
            "badge__organisation", "badge__image", "recipient"
        ),
        uuid=uuid,
    )


def assertion(request, uuid):
    award = _award(uuid)
    if award.revoked_at:
        # Open Badges 2.0: a revoked hosted assertion answers 410 and says so.
        return _json(badges.revoked_assertion_json(award), status=410)
    return _json(badges.assertion_json(award))


def baked(request, uuid):
    award = _award(uuid)
    response = HttpResponse(badges.baked_png(award), content_type="image/png")
    name = award.badge.name.replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}.png"'
    return response


def revocations(request, pk):
    return _json(badges.revocation_list_json(get_object_or_404(Site, pk=pk)))


MAX_CHECKED_FILE = 2 * 1024 * 1024


def _token_of(upload):
    """The VC-JWT a file someone was given carries: a baked PNG's
    ``openbadgecredential`` chunk, or the .jwt text itself."""
    if upload is None or upload.size > MAX_CHECKED_FILE:
        return None
    data = upload.read()
    if data.startswith(b"\x89PNG"):
        try:
            return extract_png(data, keyword=credentials.PNG_KEYWORD)
        except (ValueError, LibOpenBadgesException, png.Error):  # not a PNG after all
            return None
    try:
        return data.decode("ascii").strip()
    except UnicodeDecodeError:
        return None


def verify(request, uuid):
    """The page a shared link opens: who issued what, when, and whether it holds,
    in both versions; and the check of a file someone was given for this badge."""
    award = _award(uuid)
    credential = BadgeCredential.objects.filter(award=award).first()
    file_check = None
    if request.method == "POST":
        token = _token_of(request.FILES.get("file"))
        file_check = (
            credentials.verify(token)
            if token
            else credentials.Verification(problem="no credential in the file")
        )
        file_check.same_badge = file_check.credential.get(
            "id"
        ) == credentials.credential_id(award)
    return render(
        request,
        "courses/verify_badge.html",
        {
            "award": award,
            "expired": bool(award.expires and award.expires <= timezone.now()),
            "credential": credential,
            "check": credentials.verify(credential.compact_jws) if credential else None,
            "file_check": file_check,
        },
    )


# ---------------------------------------------------------------------------
# Open Badges 3.0, public: the issuer Profile, its keys, its revocation list.
# Each is served only on the organisation's own host: a key or a list answers
# where the issuer lives, never on another organisation's site.


def _here(request, pk):
    organisation = request.organisation
    if organisation is None or organisation.pk != pk:
        raise Http404
    return organisation


def ob3_issuer(request, pk):
    return _json(credentials.profile_json(_here(request, pk)))


def ob3_jwks(request, pk):
    response = _json(credentials.jwks_json(_here(request, pk)))
    response["Content-Type"] = "application/jwk-set+json"
    return response


def ob3_key(request, uuid):
    key = get_object_or_404(
        SigningKey.objects.for_organisation(request.organisation).select_related(
            "organisation"
        ),
        uuid=uuid,
    )
    response = _json(credentials.public_jwk(key))
    response["Content-Type"] = "application/jwk+json"
    return response


def ob3_revocations(request, pk):
    response = _json(credentials.revocation_list_json(_here(request, pk)))
    response["Cache-Control"] = "no-cache"  # a revocation shows at once
    return response
