"""Awarding badges and publishing them as Open Badges 2.0 hosted assertions.

Everything a verifier needs is public JSON-LD at stable URLs (issuer, badge class,
assertion, revocation list); the recipient is a salted SHA-256 of their e-mail, never
the address itself. The baked PNG carries the assertion in its ``openbadges`` iTXt
chunk (baked with openbadgeslib).
"""

import hashlib
import json
from datetime import UTC, timedelta

from django.urls import reverse
from django.utils import timezone
from openbadgeslib.baking import bake_png

from courses.events import BadgeAwarded, send_on_commit
from courses.models import BadgeAward, BadgeClass
from lms import signals
from lms.models import Membership

CONTEXT = "https://w3id.org/openbadges/v2"


def award_badge(badge, user, organisation, *, rule, evidence="", awarded_by=None):
    """Award once per person, badge and rule; returns (award, created)."""
    now = timezone.now()
    award, created = BadgeAward.objects.get_or_create(
        badge=badge,
        recipient=user,
        rule=rule,
        defaults={
            "issued_on": now,
            "expires": now + timedelta(days=badge.valid_days)
            if badge.valid_days
            else None,
            "evidence": evidence,
            "awarded_by": awarded_by,
        },
    )
    if created:
        send_on_commit(
            signals.badge_awarded,
            organisation,
            BadgeAwarded(user.pk, badge.pk, award.pk),
        )
    return award, created


def award_for_rule(user, organisation, *, course=None, path=None):
    """The organisation's badges whose rule is completing this course or this path,
    to an active member of it. A federation's shared course earns each learner the
    badges of their own organisation only; another organisation's are never issued
    from here, nor any to someone who is not a member."""
    if not (
        Membership.objects.for_organisation(organisation)
        .active()
        .filter(user=user)
        .exists()
    ):
        return
    badges = BadgeClass.objects.for_organisation(organisation)
    if course is not None:
        badges, rule = badges.filter(course=course), f"course:{course.pk}"
    else:
        badges, rule = badges.filter(path=path), f"path:{path.pk}"
    for badge in badges:
        award_badge(badge, user, organisation, rule=rule)


def revoke(award, reason):
    award.revoked_at = timezone.now()
    award.revocation_reason = reason
    award.save(update_fields=["revoked_at", "revocation_reason"])


def _absolute(organisation, name, *args):
    return organisation.root_url + reverse(name, args=args)


def issuer_json(organisation):
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": _absolute(organisation, "courses:ob_issuer", organisation.pk),
        "name": organisation.site_name or organisation.hostname,
        "url": organisation.root_url + "/",
        "revocationList": _absolute(
            organisation, "courses:ob_revocations", organisation.pk
        ),
    }


def badge_class_json(badge):
    organisation = badge.organisation
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": _absolute(organisation, "courses:ob_badge", badge.uuid),
        "name": badge.name,
        "description": badge.description,
        "image": _absolute(organisation, "courses:ob_badge_image", badge.uuid),
        "criteria": {"narrative": badge.criteria},
        "issuer": _absolute(organisation, "courses:ob_issuer", organisation.pk),
    }


def iso8601(moment):
    """UTC to the second, as Open Badges verifiers expect (2026-11-26T14:04:29Z)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hashed_identity(email, salt):
    return "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()


def assertion_json(award):
    organisation = award.badge.organisation
    data = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": _absolute(organisation, "courses:ob_assertion", award.uuid),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.salt,
            "identity": hashed_identity(award.recipient.email, award.salt),
        },
        "badge": _absolute(organisation, "courses:ob_badge", award.badge.uuid),
        "verification": {"type": "HostedBadge"},
        "issuedOn": iso8601(award.issued_on),
        "image": _absolute(organisation, "courses:ob_baked", award.uuid),
    }
    if award.expires:
        data["expires"] = iso8601(award.expires)
    if award.evidence:
        data["evidence"] = {"narrative": award.evidence}
    return data


def revoked_assertion_json(award):
    """What a revoked hosted assertion answers (with 410 Gone): a 2.0 document, so
    that validators read it as a revoked 2.0 assertion rather than as a 1.0 one
    missing its fields. Nothing about the recipient or the badge any more."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": _absolute(award.badge.organisation, "courses:ob_assertion", award.uuid),
        "revoked": True,
        "revocationReason": award.revocation_reason,
    }


def revocation_list_json(organisation):
    revoked = BadgeAward.objects.filter(
        badge__organisation=organisation, revoked_at__isnull=False
    ).only("uuid", "revocation_reason")
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": _absolute(organisation, "courses:ob_revocations", organisation.pk),
        "issuer": _absolute(organisation, "courses:ob_issuer", organisation.pk),
        "revokedAssertions": [
            {
                "id": _absolute(organisation, "courses:ob_assertion", award.uuid),
                "revocationReason": award.revocation_reason,
            }
            for award in revoked
        ],
    }


def baked_png(award):
    """The badge image with the hosted assertion baked into it."""
    with award.badge.image.file.open("rb") as image:
        return bake_png(image.read(), json.dumps(assertion_json(award)))
