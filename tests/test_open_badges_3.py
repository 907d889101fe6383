"""Open Badges 3.0: every award is also an OpenBadgeCredential (a VC-JWT signed with
the organisation's key), checked here as outside verifiers would: 1EdTech's JSON
Schema, JOSE libraries other than the one that signs (jwcrypto, and
openbadgeslib's OB 3.0 verifier on PyJWT), the key dereferenced from the ``kid``
URL, the 1EdTech revocation list from ``credentialStatus``."""

import base64
import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import time_machine
from cryptography.fernet import InvalidToken
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jwt as jwcrypto_jwt
from jwcrypto.jws import InvalidJWSSignature
from jwcrypto.jwt import JWTExpired
from openbadgeslib.baking import extract_png
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from wagtail.models import Site

from courses import credentials
from courses.badges import award_badge, award_for_rule, hashed_identity, revoke
from courses.models import BadgeClass, BadgeCredential, OnboardingPath, SigningKey
from lms.models import Membership, Role
from tests.factories import member
from tests.test_learning import png

SCHEMA = Path(__file__).parent / "vendor" / "ob_v3p0_achievementcredential_schema.json"


def secure(organisation):
    organisation.port = 443  # verifiers fetch keys and lists over HTTPS
    organisation.save()
    return organisation


@pytest.fixture
def secure_org(org_a):
    return secure(org_a)


def make_award(organisation, *, valid_days=365, name="Bénévole accueil"):
    badge = BadgeClass.objects.create(
        organisation=organisation,
        name=name,
        description="A suivi le parcours d'intégration de l'accueil.",
        criteria="Terminer le parcours « Bienvenue à l'accueil ».",
        image=png(),
        valid_days=valid_days,
    )
    learner = member(organisation)
    return award_badge(badge, learner, organisation, rule="manual:test")[0]


@pytest.fixture
def award(secure_org):
    return make_award(secure_org)


def fetch(url):
    """What a remote verifier downloads, served by the real views (by host)."""
    parts = urlsplit(url)
    response = Client().get(parts.path, HTTP_HOST=parts.hostname, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content


def header_and_payload(token):
    header, payload, _ = token.split(".")
    return [
        json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        for part in (header, payload)
    ]


def verifier_key(token):
    """The public key a verifier gets by dereferencing the token's ``kid``."""
    header, _payload = header_and_payload(token)
    return jwcrypto_jwk.JWK(**json.loads(fetch(header["kid"])))


def verify_with_jwcrypto(token):
    """Signature, ``exp``/``nbf`` checked by jwcrypto; the claims it read."""
    checked = jwcrypto_jwt.JWT(jwt=token, key=verifier_key(token), algs=["ES256"])
    return json.loads(checked.claims)


def verify_with_openbadgeslib(token, **options):
    pem = verifier_key(token).export_to_pem().decode()
    return OB3Verifier(pem).verify(token, **options)


def tampered(token, **changes):
    header, _payload, signature = token.split(".")
    claims = header_and_payload(token)[1] | changes
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    return f"{header}.{body.decode()}.{signature}"


def test_an_award_is_also_issued_as_a_signed_open_badge_credential(award):
    token = award.credential.compact_jws
    header, _payload = header_and_payload(token)
    assert header["alg"] == "ES256"
    assert header["kid"].startswith("https://a.test/ob/v3/keys/")
    claims = verify_with_jwcrypto(token)
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert claims["id"] == claims["jti"] == f"urn:uuid:{award.uuid}"
    assert claims["issuer"] == {
        "id": f"https://a.test/ob/v3/issuers/{award.badge.organisation_id}",
        "type": ["Profile"],
        "name": "Entraide Quartier",
        "url": "https://a.test/",
    }
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["validFrom"] == credentials.iso8601(award.issued_on)
    assert claims["validUntil"] == credentials.iso8601(award.expires)
    assert claims["nbf"] == int(award.issued_on.timestamp())
    assert claims["exp"] == int(award.expires.timestamp())
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["achievement"]["name"] == "Bénévole accueil"
    assert subject["achievement"]["criteria"]["narrative"].startswith("Terminer")
    [identity] = subject["identifier"]
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    assert identity["identityHash"] == hashed_identity(
        award.recipient.email, identity["salt"]
    )
    assert award.recipient.email not in token + json.dumps(claims)
    assert claims["credentialStatus"] == {
        "id": f"https://a.test/ob/v3/issuers/{award.badge.organisation_id}/revocations",
        "type": "1EdTechRevocationList",
    }


def test_openbadgeslib_ob3_verifier_accepts_the_credential(award):
    credential = verify_with_openbadgeslib(award.credential.compact_jws)
    assert (
        credential.issuer.id
        == f"https://a.test/ob/v3/issuers/{award.badge.organisation_id}"
    )


def test_the_demo_award_credential_validates_against_the_official_schema(db):
    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    site = secure(Site.objects.get(is_default_site=True))
    lea = Membership.objects.get(organisation=site, user__username="benevole").user
    award_for_rule(
        lea, site, path=OnboardingPath.objects.get(badges__organisation=site)
    )
    credential = BadgeCredential.objects.get(award__recipient=lea)
    document = json.loads(
        fetch_as(lea, f"/badges/{credential.award.uuid}/credential.json")
    )
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(document)) == []
    # The same credential as the signed JWT carries it, and a broken one fails.
    assert document == credentials.credential_document(credential)
    broken = {k: v for k, v in document.items() if k != "credentialSubject"}
    assert list(validator.iter_errors(broken))
    assert verify_with_jwcrypto(credential.compact_jws)["id"] == document["id"]


def fetch_as(user, path, host="a.test"):
    client = Client()
    client.force_login(user)
    response = client.get(path, HTTP_HOST=host, secure=True)
    assert response.status_code == 200, (path, response.status_code)
    return response.content


def test_a_tampered_credential_fails_every_verifier(award):
    token = tampered(award.credential.compact_jws, name="Médecin urgentiste")
    with pytest.raises(InvalidJWSSignature):
        verify_with_jwcrypto(token)
    with pytest.raises(OB3VerificationError, match="signature"):
        verify_with_openbadgeslib(token)
    check = credentials.verify(token)
    assert not check.signature and not check.valid
    assert credentials.verify(award.credential.compact_jws).valid


def revoked_ids(token):
    status = header_and_payload(token)[1]["credentialStatus"]
    assert status["type"] == "1EdTechRevocationList"
    document = json.loads(fetch(status["id"]))
    return {
        entry["id"]: entry["revocationReason"]
        for entry in document["revokedCredentials"]
    }


def test_a_revoked_award_is_listed_revoked_and_reported_so(award):
    token = award.credential.compact_jws
    credential_id = header_and_payload(token)[1]["id"]
    assert credential_id not in revoked_ids(token)
    revoke(award, "Attribué par erreur")
    assert revoked_ids(token) == {credential_id: "Attribué par erreur"}
    check = credentials.verify(token)
    assert check.signature and check.revoked and not check.valid
    assert check.revocation_reason == "Attribué par erreur"
    page = Client().get(f"/badges/verify/{award.uuid}/", HTTP_HOST="a.test")
    text = page.content.decode()
    assert "Open Badges 3.0" in text and "mais révoqué" in text


def test_an_expired_credential_is_reported_expired(award):
    token = award.credential.compact_jws
    with time_machine.travel(award.expires + timedelta(days=1)):
        with pytest.raises(JWTExpired):
            verify_with_jwcrypto(token)
        with pytest.raises(OB3VerificationError, match="expired"):
            verify_with_openbadgeslib(token)
        check = credentials.verify(token)
        assert check.signature and check.expired and not check.valid
        page = Client().get(f"/badges/verify/{award.uuid}/", HTTP_HOST="a.test")
        assert "mais expiré" in page.content.decode()


def test_key_rotation_keeps_older_credentials_verifiable(award, secure_org):
    old_token = award.credential.compact_jws
    old_key = award.credential.key
    new_key = credentials.rotate_key(secure_org)
    old_key.refresh_from_db()
    assert old_key.retired_at is not None and new_key.retired_at is None
    newer = make_award(secure_org, name="Hygiène alimentaire")
    new_header, _ = header_and_payload(newer.credential.compact_jws)
    assert new_header["kid"] == credentials.key_id(new_key)
    # Both keys are published; the old credential verifies with its own.
    jwks = json.loads(fetch(f"https://a.test/ob/v3/issuers/{secure_org.pk}/jwks"))
    assert {key["kid"] for key in jwks["keys"]} == {
        credentials.key_id(old_key),
        credentials.key_id(new_key),
    }
    assert verify_with_jwcrypto(old_token)["id"] == f"urn:uuid:{award.uuid}"
    verify_with_openbadgeslib(old_token)
    assert credentials.verify(old_token).valid
    assert credentials.verify(newer.credential.compact_jws).valid
    # Each credential is signed once: rotation re-signs nothing.
    award.credential.refresh_from_db()
    assert award.credential.compact_jws == old_token


def test_one_organisation_key_never_signs_or_vouches_for_another(award, org_b):
    secure(org_b)
    theirs = make_award(org_b, name="Accueil du parc")
    ours_key, their_key = award.credential.key, theirs.credential.key
    assert ours_key.organisation_id == award.badge.organisation_id
    assert their_key.organisation_id == org_b.pk
    assert header_and_payload(theirs.credential.compact_jws)[0]["kid"].startswith(
        "https://b.test/"
    )
    # A's key is not published on B's site, nor in B's key set.
    response = Client().get(
        urlsplit(credentials.key_id(ours_key)).path, HTTP_HOST="b.test", secure=True
    )
    assert response.status_code == 404
    jwks = json.loads(fetch(f"https://b.test/ob/v3/issuers/{org_b.pk}/jwks"))
    assert [key["kid"] for key in jwks["keys"]] == [credentials.key_id(their_key)]
    assert (
        Client()
        .get(f"/ob/v3/issuers/{org_b.pk}/jwks", HTTP_HOST="a.test", secure=True)
        .status_code
        == 404
    )
    # A credential naming B as issuer but signed with A's key is refused.
    forged = credentials.sign(credentials.credential_json(theirs), ours_key)
    check = credentials.verify(forged)
    assert not check.signature and "issuer" in check.problem


def test_the_private_key_is_sealed_and_never_in_a_response(award, secure_org, settings):
    key = award.credential.key
    private = credentials._private_key(key).as_dict(private=True)
    assert "PRIVATE KEY" not in key.sealed_private_key
    assert private["d"] not in key.sealed_private_key
    recipient = award.recipient
    client = Client()
    client.force_login(recipient)
    bodies = []
    for path in [
        f"/ob/v3/issuers/{secure_org.pk}",
        f"/ob/v3/issuers/{secure_org.pk}/jwks",
        f"/ob/v3/issuers/{secure_org.pk}/revocations",
        urlsplit(credentials.key_id(key)).path,
        f"/badges/{award.uuid}/credential.json",
        f"/badges/{award.uuid}/credential.jwt",
        f"/badges/{award.uuid}/credential.png",
        f"/badges/verify/{award.uuid}/",
        "/badges/",
    ]:
        response = client.get(path, HTTP_HOST="a.test", secure=True)
        assert response.status_code == 200, path
        bodies.append(response.content)
    for body in bodies:
        assert private["d"].encode() not in body
        assert key.sealed_private_key.encode() not in body
    assert all("d" not in k for k in json.loads(bodies[1])["keys"])
    # Sealed with the server's secret: another secret cannot open it, the old
    # one kept as a fallback still can.
    original = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret"
    with pytest.raises(InvalidToken):
        credentials._private_key(key)
    settings.SECRET_KEY_FALLBACKS = [original]
    assert credentials._private_key(key).as_dict(private=True)["d"] == private["d"]


def test_the_baked_png_carries_the_vc_jwt_in_its_openbadgecredential_chunk(award):
    client = Client()
    client.force_login(award.recipient)
    response = client.get(f"/badges/{award.uuid}/credential.png", HTTP_HOST="a.test")
    assert response["Content-Type"] == "image/png"
    token = extract_png(response.content, keyword=b"openbadgecredential")
    assert token == award.credential.compact_jws
    assert verify_with_jwcrypto(token)["id"] == f"urn:uuid:{award.uuid}"
    # The 2.0 assertion stays in its own chunk of the 2.0 download.
    assert extract_png(response.content) is None


def test_only_the_recipient_downloads_the_credential(award, org_b):
    path = f"/badges/{award.uuid}/credential.jwt"
    assert Client().get(path, HTTP_HOST="a.test").status_code == 302  # to log in
    colleague = member(award.badge.organisation, Role.COORDINATOR)
    client = Client()
    client.force_login(colleague)
    assert client.get(path, HTTP_HOST="a.test").status_code == 404
    stranger = member(org_b)
    client.force_login(stranger)
    assert client.get(path, HTTP_HOST="b.test").status_code == 404
    client.force_login(award.recipient)
    response = client.get(path, HTTP_HOST="a.test")
    assert response.content.decode() == award.credential.compact_jws
    assert "attachment" in response["Content-Disposition"]
    revoke(award, "Erreur")
    assert client.get(path, HTTP_HOST="a.test").status_code == 404


def test_my_badges_explains_the_wallet_and_links_the_downloads(award):
    client = Client()
    client.force_login(award.recipient)
    page = client.get("/badges/", HTTP_HOST="a.test").content.decode()
    assert "Open Badges 3.0" in page and "portefeuille" in page
    for extension in ("jwt", "png", "json"):
        assert f"/badges/{award.uuid}/credential.{extension}" in page


def test_the_verification_page_says_both_versions_hold(award, settings):
    page = Client().get(f"/badges/verify/{award.uuid}/", HTTP_HOST="a.test")
    text = page.content.decode()
    assert "Open Badges 2.0" in text and "Open Badges 3.0" in text
    assert "signature vérifiée avec la clé que l’émetteur publie" in text  # noqa: RUF001
    assert "ni révoqué, ni expiré" in text
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/badges/verify/{award.uuid}/", HTTP_HOST="a.test")
    assert b"signature verified with the key the issuer publishes" in english.content


def test_a_key_is_made_once_per_organisation_and_reused(award, secure_org):
    second = make_award(secure_org, name="Hygiène alimentaire")
    assert second.credential.key == award.credential.key
    assert SigningKey.objects.filter(organisation=secure_org).count() == 1
    again = credentials.issue_credential(award)
    assert again == award.credential
    assert timezone.now() >= again.issued_at


def test_older_awards_get_their_credential_once_and_rotation_has_a_command(
    award, secure_org
):
    from io import StringIO

    award.credential.delete()
    out = StringIO()
    call_command("issue_badge_credentials", stdout=out)
    call_command("issue_badge_credentials", stdout=out)
    assert "1 credential(s) issued." in out.getvalue()
    assert "0 credential(s) issued." in out.getvalue()
    award.refresh_from_db()
    assert credentials.verify(award.credential.compact_jws).valid
    call_command("rotate_signing_key", organisation="a.test", stdout=out)
    assert SigningKey.objects.filter(organisation=secure_org).active().count() == 1
    assert SigningKey.objects.filter(organisation=secure_org).count() == 2


def test_a_key_sealed_under_a_lost_secret_is_retired_not_fatal(award, settings):
    old_key = award.credential.key
    settings.SECRET_KEY = "a-new-secret-without-fallback"
    newer = make_award(award.badge.organisation, name="Hygiène alimentaire")
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    assert newer.credential.key != old_key
    # What the lost key signed still verifies: its public half is published.
    assert credentials.verify(award.credential.compact_jws).valid
    assert credentials.verify(newer.credential.compact_jws).valid


def test_the_verification_page_checks_a_file_someone_was_given(award):
    from django.core.files.uploadedfile import SimpleUploadedFile

    owner = Client()
    owner.force_login(award.recipient)
    baked = owner.get(f"/badges/{award.uuid}/credential.png", HTTP_HOST="a.test")
    other = make_award(award.badge.organisation, name="Hygiène alimentaire")
    url = f"/badges/verify/{award.uuid}/"

    def check(name, content):
        upload = SimpleUploadedFile(name, content)
        page = Client().post(url, {"file": upload}, HTTP_HOST="a.test")
        assert page.status_code == 200
        return page.content.decode()

    given = check("badge.png", baked.content)
    assert "Ce fichier est l’attestation signée de ce badge" in given  # noqa: RUF001
    given = check("o.jwt", other.credential.compact_jws.encode())
    assert "l’attestation d’un autre badge" in given  # noqa: RUF001
    forged = tampered(award.credential.compact_jws, name="Autre").encode()
    assert "aucune attestation" in check("f.jwt", forged)
    assert "aucune attestation" in check("x.png", b"\x89PNG not really")
