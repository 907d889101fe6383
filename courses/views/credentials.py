"""A learner's own Open Badges 3.0 credentials, to download and keep in a wallet.

The credential is the learner's: only its recipient downloads it, on the host of
any organisation they belong to (as "My badges" lists all of their badges);
anyone else gets 404, and a revoked badge's credential is no longer offered.
"""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from courses import credentials
from courses.models import BadgeCredential
from lms.views.access import member_required


def _credential(request, uuid):
    return get_object_or_404(
        BadgeCredential.objects.select_related(
            "award__badge__organisation", "award__badge__image", "award__recipient"
        ),
        award__uuid=uuid,
        award__recipient=request.user,
        award__revoked_at__isnull=True,
    )


def _attachment(response, credential, extension):
    name = credential.award.badge.name.replace('"', "").replace("\n", " ")
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@member_required
def credential_json(request, uuid):
    credential = _credential(request, uuid)
    body = json.dumps(
        credentials.credential_document(credential), ensure_ascii=False, indent=2
    )
    return _attachment(
        HttpResponse(body, content_type="application/ld+json; charset=utf-8"),
        credential,
        "json",
    )


@member_required
def credential_jwt(request, uuid):
    credential = _credential(request, uuid)
    return _attachment(
        HttpResponse(credential.compact_jws, content_type="application/vc+jwt"),
        credential,
        "jwt",
    )


@member_required
def credential_png(request, uuid):
    credential = _credential(request, uuid)
    return _attachment(
        HttpResponse(credentials.baked_png(credential.award), content_type="image/png"),
        credential,
        "png",
    )
