"""Awarding badges and publishing them as Open Badges 2.0 hosted assertions.

Everything a verifier needs is public JSON-LD at stable URLs (issuer, badge class,
assertion, revocation list); the recipient is a salted SHA-256 of their e-mail, never
the address itself. The baked PNG, the picture a volunteer shows the world, is the
badge image with its name, the recipient and the issuer written under it in Noto
Sans (which covers French), and carries the assertion in its ``openbadges`` iTXt
chunk (baked with openbadgeslib).
"""

import hashlib
import io
import json
import unicodedata
from datetime import UTC, timedelta
from functools import cache
from urllib.parse import quote, urlencode

import fontpkg
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from openbadgeslib.baking import bake_png
from PIL import Image, ImageDraw, ImageFont

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
        # Also as an Open Badges 3.0 credential, signed now with the key active
        # now (imported here: credentials builds on this module).
        from courses.credentials import issue_credential

        issue_credential(award)
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
    """The shared picture (``badge_card``) with the hosted assertion baked in."""
    return bake_png(badge_card(award), json.dumps(assertion_json(award)))


# ---------------------------------------------------------------------------
# Sharing

LINKEDIN_ADD_CERTIFICATION = "https://www.linkedin.com/profile/add"


def share_links(award):
    """The badge's public page and plain links to share it: an e-mail, and
    LinkedIn's "add a licence or certification" form filled in (its documented
    URL parameters; a link, no LinkedIn script)."""
    organisation = award.badge.organisation
    url = _absolute(organisation, "courses:verify_badge", award.uuid)
    issuer = organisation.site_name or organisation.hostname
    linkedin = {
        "startTask": "CERTIFICATION_NAME",
        "name": award.badge.name,
        "organizationName": issuer,
        "issueYear": award.issued_on.year,
        "issueMonth": award.issued_on.month,
        "certUrl": url,
        "certId": str(award.uuid),
    }
    if award.expires:
        linkedin["expirationYear"] = award.expires.year
        linkedin["expirationMonth"] = award.expires.month
    email = {
        "subject": _("My badge “%(badge)s”") % {"badge": award.badge.name},
        "body": _("%(organisation)s awarded me the badge “%(badge)s”: %(url)s")
        % {"organisation": issuer, "badge": award.badge.name, "url": url},
    }
    return {
        "url": url,
        "email": "mailto:?" + urlencode(email, quote_via=quote),
        "linkedin": f"{LINKEDIN_ADD_CERTIFICATION}?{urlencode(linkedin)}",
    }


# ---------------------------------------------------------------------------
# The shared picture

FONT_FAMILY = "Noto Sans"  # OFL, from the fontpkg-noto-sans package
CARD_WIDTH, MARGIN, PICTURE = 800, 48, 280
INK, MUTED = (17, 24, 39, 255), (75, 85, 99, 255)


def font_path():
    return fontpkg.path(FONT_FAMILY)


@cache
def font_characters():
    """The characters the font draws (its character map)."""
    return frozenset(TTFont(font_path(), lazy=True).getBestCmap())


def badge_font(size, weight="Regular"):
    font = ImageFont.truetype(font_path(), size)
    font.set_variation_by_name(weight)
    return font


def drawable(text):
    """``text`` with every character the font lacks replaced by its letter
    without accent, or dropped: the picture never shows a missing-glyph box."""
    characters = font_characters()
    kept = []
    for character in text:
        if ord(character) in characters:
            kept.append(character)
            continue
        base = unicodedata.normalize("NFKD", character)
        kept.extend(c for c in base if ord(c) in characters and c.isprintable())
    return " ".join("".join(kept).split())


def wrap(text, font, width):
    """The lines of ``text`` no wider than ``width`` pixels, cut between words
    (inside a word only when it is wider than a line alone)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for character in word:
            if font.getlength(line + character) > width and line:
                lines.append(line)
                line = ""
            line += character
    if line:
        lines.append(line)
    return lines


def _blocks(award):
    """(lines, font, colour, gap after) for each text under the picture."""
    width = CARD_WIDTH - 2 * MARGIN
    title_font = badge_font(44, "Bold")
    title = wrap(drawable(award.badge.name), title_font, width)
    if len(title) > 3:  # a long title: smaller, and cut after five lines
        title_font = badge_font(34, "Bold")
        title = wrap(drawable(award.badge.name), title_font, width)
        if len(title) > 5:
            title = [*title[:4], title[4].rstrip(".") + "…"]
    name_font, issuer_font = badge_font(32, "Medium"), badge_font(24)
    recipient = award.recipient.get_full_name() or award.recipient.get_username()
    organisation = award.badge.organisation
    issued = _("Awarded by %(organisation)s on %(date)s") % {
        "organisation": organisation.site_name or organisation.hostname,
        "date": date_format(award.issued_on, "DATE_FORMAT"),
    }
    return [
        (title, title_font, INK, 20),
        (wrap(drawable(recipient), name_font, width), name_font, INK, 12),
        (wrap(drawable(issued), issuer_font, width), issuer_font, MUTED, 0),
    ]


def badge_card(award):
    """A PNG: the badge's image, then its name, the recipient and who issued it
    when, each centred and wrapped within the picture."""
    blocks = _blocks(award)
    height = MARGIN + PICTURE + 32 + MARGIN
    for lines, font, _colour, gap in blocks:
        height += len(lines) * int(font.size * 1.3) + gap
    card = Image.new("RGBA", (CARD_WIDTH, height), (255, 255, 255, 255))
    with award.badge.image.file.open("rb") as source:
        picture = Image.open(source).convert("RGBA")
        picture.thumbnail((PICTURE, PICTURE))
    card.alpha_composite(
        picture,
        ((CARD_WIDTH - picture.width) // 2, MARGIN + (PICTURE - picture.height) // 2),
    )
    draw = ImageDraw.Draw(card)
    top = MARGIN + PICTURE + 32
    for lines, font, colour, gap in blocks:
        for line in lines:
            draw.text((CARD_WIDTH // 2, top), line, font=font, fill=colour, anchor="ma")
            top += int(font.size * 1.3)
        top += gap
    buffer = io.BytesIO()
    card.save(buffer, "PNG")
    return buffer.getvalue()
