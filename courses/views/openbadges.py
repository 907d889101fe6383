"""Public Open Badges 2.0 documents: anyone can verify a badge without an account."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from wagtail.models import Site

from courses import badges
from courses.models import BadgeAward, BadgeClass


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


def verify(request, uuid):
    """The page a shared link opens: who issued what, when, and whether it holds."""
    award = _award(uuid)
    return render(request, "courses/verify_badge.html", {"award": award})
