"""Open Badges 2.0: hosted assertions and baked PNGs verify with openbadgeslib."""

import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from fontTools.ttLib import TTFont
from openbadgeslib.baking import extract_png
from openbadgeslib.ob2 import OB2VerificationError, OB2Verifier
from PIL import Image, ImageDraw

from courses import badges
from courses.badges import award_badge, revoke
from courses.models import BadgeClass
from tests.factories import member
from tests.test_learning import png


@pytest.fixture
def secure_org(org_a):
    org_a.port = 443  # Open Badges hosted verification is over HTTPS
    org_a.save()
    return org_a


@pytest.fixture
def award(secure_org):
    badge = BadgeClass.objects.create(
        organisation=secure_org,
        name="Bénévole accueil",
        description="d",
        criteria="Terminer le parcours.",
        image=png(),
        valid_days=365,
    )
    learner = member(secure_org)
    return award_badge(badge, learner, secure_org, rule="manual:test")[0]


def fetch(url):
    """What a remote verifier would download, served by the real views."""
    parts = urlsplit(url)
    response = Client().get(parts.path, HTTP_HOST=parts.hostname, secure=True)
    assert response.status_code in (200, 410), url
    return response.content


def test_the_hosted_assertion_verifies_and_binds_the_recipient(award):
    document = json.loads(fetch(f"https://a.test/ob/assertions/{award.uuid}"))
    verified = OB2Verifier(download=fetch).verify_hosted(
        document, expected_recipient=award.recipient.email, check_revocation=True
    )
    assert verified.id == document["id"]
    assert award.recipient.email not in json.dumps(document)


def test_the_baked_png_carries_the_assertion_that_verifies(award):
    baked = fetch(f"https://a.test/ob/assertions/{award.uuid}/badge.png")
    document = json.loads(extract_png(baked))
    assert document["id"].endswith(str(award.uuid))
    OB2Verifier(download=fetch).verify_hosted(
        document, expected_recipient=award.recipient.email
    )


def test_a_revoked_badge_no_longer_verifies(award):
    document = json.loads(fetch(f"https://a.test/ob/assertions/{award.uuid}"))
    revoke(award, "Attribué par erreur")
    with pytest.raises(OB2VerificationError):
        OB2Verifier(download=fetch).verify_hosted(document, check_revocation=True)
    page = Client().get(f"/badges/verify/{award.uuid}/", HTTP_HOST="a.test")
    assert "Attribué par erreur" in page.content.decode()


def test_a_revoked_hosted_assertion_answers_410_as_a_revoked_2_0_assertion(award):
    revoke(award, "Attribué par erreur")
    response = Client().get(
        f"/ob/assertions/{award.uuid}", HTTP_HOST="a.test", secure=True
    )
    assert response.status_code == 410
    assert response["Content-Type"] == "application/ld+json"
    assert json.loads(response.content) == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"https://a.test/ob/assertions/{award.uuid}",
        "revoked": True,
        "revocationReason": "Attribué par erreur",
    }


# ---------------------------------------------------------------------------
# The shared picture and its link

FRENCH = [
    "Hygiène",
    "L'Écoute & l'accueil",
    "Œuvre",
    "L\u2019Écoute à l\u2019épicerie « solidaire » : ça, c\u2019est fait !",
]
LONG_TITLE = (
    "L'Écoute & l'accueil des personnes en situation de précarité alimentaire "
    "à l'épicerie solidaire : une œuvre collective"
)


def rendered(text, font):
    canvas = Image.new("L", (400, 80))
    ImageDraw.Draw(canvas).text((10, 10), text, font=font, fill=255)
    return canvas.tobytes()


@pytest.mark.parametrize("text", FRENCH)
def test_the_badge_font_has_every_character_of_french_text(text):
    characters = TTFont(badges.font_path()).getBestCmap()
    assert [c for c in text if ord(c) not in characters] == []


@pytest.mark.parametrize("letter", ["è", "É", "Œ", "\u2019"])
def test_an_accented_letter_is_drawn_and_not_the_missing_glyph_box(letter):
    font = badges.badge_font(36)
    missing = rendered("\ue000", font)  # a private-use character: the .notdef box
    assert rendered(letter, font) != missing


def test_a_character_the_font_lacks_is_left_out_rather_than_boxed():
    characters = TTFont(badges.font_path()).getBestCmap()
    text = badges.drawable("Bravo \U0001f642 Hygiène")
    assert text == "Bravo Hygiène"
    assert all(ord(c) in characters for c in text)


def test_a_long_title_wraps_within_the_picture():
    font = badges.badge_font(44, "Bold")
    width = badges.CARD_WIDTH - 2 * badges.MARGIN
    lines = badges.wrap(LONG_TITLE, font, width)
    assert len(lines) > 1
    assert all(font.getlength(line) <= width for line in lines)
    assert " ".join(lines) == LONG_TITLE
    # A word wider than the picture is cut rather than overflowing.
    assert all(
        font.getlength(line) <= width for line in badges.wrap("x" * 200, font, width)
    )


def test_the_shared_png_writes_the_title_and_name_and_keeps_the_assertion(award):
    award.badge.name = LONG_TITLE
    award.badge.save()
    award.recipient.first_name, award.recipient.last_name = "Anne-Élise", "N\u2019Diaye"
    award.recipient.save()
    baked = fetch(f"https://a.test/ob/assertions/{award.uuid}/badge.png")
    picture = Image.open(io.BytesIO(baked))
    assert picture.width == badges.CARD_WIDTH
    text_area = picture.convert("L").crop(
        (0, badges.MARGIN + badges.PICTURE + 32, picture.width, picture.height)
    )
    assert text_area.getextrema()[0] < 100  # dark text is drawn under the picture
    assert json.loads(extract_png(baked))["id"].endswith(str(award.uuid))


def test_the_linkedin_link_fills_the_add_certification_form(award):
    links = badges.share_links(award)
    url = urlsplit(links["linkedin"])
    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "www.linkedin.com",
        "/profile/add",
    )
    query = parse_qs(url.query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Bénévole accueil"]
    assert query["organizationName"] == [award.badge.organisation.site_name]
    assert query["issueYear"] == [str(award.issued_on.year)]
    assert query["issueMonth"] == [str(award.issued_on.month)]
    assert query["certUrl"] == [f"https://a.test/badges/verify/{award.uuid}/"]
    assert query["expirationYear"] == [str(award.expires.year)]


def test_the_email_link_carries_the_badge_and_its_link(award):
    email = urlsplit(badges.share_links(award)["email"])
    assert email.scheme == "mailto"
    body = parse_qs(email.query)["body"][0]
    assert "Bénévole accueil" in body
    assert f"https://a.test/badges/verify/{award.uuid}/" in body


def test_my_badges_offers_to_copy_share_mail_and_add_to_linkedin(award):
    client = Client()
    client.force_login(award.recipient)
    page = client.get("/badges/", HTTP_HOST="a.test").content.decode()
    link = f"https://a.test/badges/verify/{award.uuid}/"
    assert f'readonly value="{link}"' in page  # selectable without JavaScript
    assert "data-badge-copy" in page and "Copier le lien" in page
    assert "data-badge-native-share" in page and "Partager" in page
    assert 'href="mailto:?subject=' in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page
    # Links only: every script is the project's own.
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page)
    assert "/static/courses/share_badge.js" in scripts
    assert all(src.startswith("/static/") for src in scripts), scripts


def test_awards_are_idempotent_per_person_badge_and_rule(award, secure_org):
    again, created = award_badge(
        award.badge, award.recipient, secure_org, rule="manual:test"
    )
    assert (again, created) == (award, False)


def test_a_trainer_awards_with_evidence_and_revokes_with_a_reason(client_a, org_a):
    from django.urls import reverse

    from courses.models import BadgeAward
    from lms.models import Role

    badge = BadgeClass.objects.create(
        organisation=org_a, name="Accueil", description="d", criteria="c", image=png()
    )
    lea = member(org_a)
    client_a.force_login(member(org_a, Role.TRAINER))
    url = reverse("courses:manage_badges")
    response = client_a.post(url, {"badge": badge.pk, "person": lea.pk, "evidence": ""})
    assert response.status_code == 200  # evidence is required
    assert not BadgeAward.objects.exists()
    client_a.post(
        url, {"badge": badge.pk, "person": lea.pk, "evidence": "A accueilli seule"}
    )
    client_a.post(url, {"badge": badge.pk, "person": lea.pk, "evidence": "Deux fois"})
    award = BadgeAward.objects.get()
    assert award.evidence == "A accueilli seule"
    revoke_url = reverse("courses:revoke_award", args=[award.uuid])
    client_a.post(revoke_url, {"reason": ""})
    award.refresh_from_db()
    assert award.revoked_at is None
    client_a.post(revoke_url, {"reason": "Erreur de saisie"})
    award.refresh_from_db()
    assert award.revocation_reason == "Erreur de saisie"


def test_volunteers_cannot_award_badges_nor_pick_people_of_another_organisation(
    client, org_a, org_b
):
    from django.urls import reverse

    from lms.models import Role

    badge = BadgeClass.objects.create(
        organisation=org_a, name="Accueil", description="d", criteria="c", image=png()
    )
    outsider = member(org_b)
    client.force_login(member(org_a))
    url = reverse("courses:manage_badges")
    assert client.get(url, HTTP_HOST="a.test").status_code == 403
    client.force_login(member(org_a, Role.COORDINATOR))
    response = client.post(
        url,
        {"badge": badge.pk, "person": outsider.pk, "evidence": "x"},
        HTTP_HOST="a.test",
    )
    assert "person" in response.context["form"].errors


def test_a_badge_created_in_the_admin_belongs_to_that_organisation(
    client, org_a, org_b
):
    from lms.models import Role
    from lms.models.organisations import organisation_collection

    image = png()
    image.collection = organisation_collection(org_b)  # B's own picture
    image.save()
    trainer = member(org_a, Role.TRAINER)
    member(org_b, Role.TRAINER, user=trainer)  # a trainer of both
    client.force_login(trainer)
    response = client.post(
        "/admin/snippets/courses/badgeclass/add/",
        {
            "name": "Accueil du parc",
            "description": "d",
            "criteria": "c",
            "image": image.pk,
        },
        HTTP_HOST="b.test",
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert BadgeClass.objects.get().organisation == org_b
    listing_b = client.get("/admin/snippets/courses/badgeclass/", HTTP_HOST="b.test")
    assert (
        "Accueil du parc" in listing_b.content.decode()
    )  # also shows the flash message
    listing_a = client.get("/admin/snippets/courses/badgeclass/", HTTP_HOST="a.test")
    assert "Accueil du parc" not in listing_a.content.decode()
