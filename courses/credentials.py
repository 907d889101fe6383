"""Open Badges 3.0: every badge award is also issued as an ``OpenBadgeCredential``,
a W3C Verifiable Credential the learner keeps (a file, a baked PNG, a wallet) and
anyone verifies without asking us who the learner is.

- **Proof**: VC-JWT (OB 3.0 "JSON Web Token Proof Format"): the compact JWS whose
  payload is the credential itself with the registered claims ``iss``, ``jti``,
  ``nbf`` (and ``exp`` when the badge expires), signed ES256 (P-256) with
  joserfc. A JWT needs no JSON-LD processing, so nothing is fetched at run time;
  its header's ``kid`` is the URL of the public key.
- **Keys**: one key pair per organisation, made here with ``cryptography``. The
  private key is stored sealed (Fernet, keyed by HKDF from ``SECRET_KEY``,
  ``SECRET_KEY_FALLBACKS`` still opening older seals) and is never shown nor
  exported. ``rotate_key()`` retires the active key and makes a new one: a
  retired key signs nothing more, but stays published, so what it signed still
  verifies.
- **Publication**: on the organisation's own host, ``/ob/v3/keys/<uuid>`` (the
  ``kid``: one public JWK, as the OB 3.0 spec asks verifiers to dereference) and
  ``/ob/v3/issuers/<id>/jwks`` (all of them, for verifiers that take a JWKS);
  the issuer Profile at ``/ob/v3/issuers/<id>``. A key is only ever served on
  its own organisation's host, and a credential verifies only with a key of the
  organisation its issuer names.
- **Status**: ``credentialStatus`` is a ``1EdTechRevocationList`` per
  organisation (``/ob/v3/issuers/<id>/revocations``), listing revoked
  credentials and why; expiry is the credential's own ``validUntil`` (and the
  JWT's ``exp``).
"""

import base64
import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from openbadgeslib.baking import bake_png

from courses.badges import badge_card, hashed_identity, iso8601
from courses.models import BadgeAward, BadgeCredential, SigningKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines the 1EdTechRevocationList and 1EdTechJsonSchemaValidator2019 terms.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json"
)
ALGORITHM = "ES256"
PNG_KEYWORD = b"openbadgecredential"  # OB 3.0 baking: the iTXt chunk's keyword

logger = logging.getLogger(__name__)


def _absolute(organisation, name, *args):
    return organisation.root_url + reverse(name, args=args)


# ---------------------------------------------------------------------------
# Keys


def _fernet():
    """Fernet keys derived from the server's secret (and its fallbacks, so a
    rotated ``SECRET_KEY`` still opens the keys sealed before)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    HKDF(
                        algorithm=hashes.SHA256(),
                        length=32,
                        salt=None,
                        info=b"relais courses open badges signing keys",
                    ).derive(secret.encode())
                )
            )
            for secret in secrets
        ]
    )


def seal(private_pem):
    return _fernet().encrypt(private_pem).decode()


def _private_key(key):
    return ECKey.import_key(_fernet().decrypt(key.sealed_private_key.encode()))


def _public_key(key):
    return ECKey.import_key(key.public_jwk)


def create_key(organisation):
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = ECKey.import_key(
        private.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    ).as_dict(private=False)
    return SigningKey.objects.create(
        organisation=organisation,
        algorithm=ALGORITHM,
        public_jwk={name: public[name] for name in ("kty", "crv", "x", "y")},
        sealed_private_key=seal(pem),
    )


def active_key(organisation):
    """The organisation's signing key, made on first use (once, even when two
    requests ask together: the database allows one active key)."""
    keys = SigningKey.objects.for_organisation(organisation).active()
    key = keys.first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return create_key(organisation)
    except IntegrityError:
        return keys.get()


def rotate_key(organisation):
    """Retire the active key (it stays published) and make a new one."""
    with transaction.atomic():
        list(
            SigningKey.objects.for_organisation(organisation)
            .active()
            .select_for_update()
        )
        SigningKey.objects.for_organisation(organisation).active().update(
            retired_at=timezone.now()
        )
        return create_key(organisation)


def key_id(key):
    """The ``kid``: the URL where the public key is published."""
    return _absolute(key.organisation, "courses:ob3_key", key.uuid)


def public_jwk(key):
    return {**key.public_jwk, "kid": key_id(key), "alg": key.algorithm, "use": "sig"}


def jwks_json(organisation):
    keys = SigningKey.objects.for_organisation(organisation).order_by("created_at")
    return {"keys": [public_jwk(key) for key in keys.select_related("organisation")]}


# ---------------------------------------------------------------------------
# The credential


def issuer_id(organisation):
    return _absolute(organisation, "courses:ob3_issuer", organisation.pk)


def profile_json(organisation, *, context=True):
    data = {
        "id": issuer_id(organisation),
        "type": ["Profile"],
        "name": organisation.site_name or organisation.hostname,
        "url": organisation.root_url + "/",
    }
    if context:
        data = {"@context": [VC_CONTEXT, OB_CONTEXT], **data}
    return data


def revocation_list_url(organisation):
    return _absolute(organisation, "courses:ob3_revocations", organisation.pk)


def credential_id(award):
    return f"urn:uuid:{award.uuid}"


def credential_json(award):
    """The OpenBadgeCredential of an award, unsigned. The recipient is known only
    by the salted SHA-256 of their e-mail, as in Open Badges 2.0."""
    badge = award.badge
    organisation = badge.organisation
    image = {
        "id": _absolute(organisation, "courses:ob_badge_image", badge.uuid),
        "type": "Image",
    }
    data = {
        "@context": [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": credential_id(award),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile_json(organisation, context=False),
        "validFrom": iso8601(award.issued_on),
        # The VC 1.1 name of validFrom (and expirationDate below, of validUntil):
        # verifiers of the first OB 3.0 revision, and its official JSON Schema,
        # read these; VC 2.0 processors read validFrom/validUntil.
        "issuanceDate": iso8601(award.issued_on),
        "name": badge.name,
        "description": badge.description,
        "image": image,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": hashed_identity(award.recipient.email, award.salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": award.salt,
                }
            ],
            "achievement": {
                "id": _absolute(organisation, "courses:ob_badge", badge.uuid),
                "type": ["Achievement"],
                "name": badge.name,
                "description": badge.description,
                "criteria": {"narrative": badge.criteria},
                "image": image,
            },
        },
        "credentialStatus": {
            "id": revocation_list_url(organisation),
            "type": "1EdTechRevocationList",
        },
        "credentialSchema": [
            {"id": SCHEMA, "type": "1EdTechJsonSchemaValidator2019"},
        ],
    }
    if award.expires:
        data["validUntil"] = iso8601(award.expires)
        data["expirationDate"] = iso8601(award.expires)
    if award.evidence:
        data["evidence"] = [{"type": ["Evidence"], "narrative": award.evidence}]
    return data


def _numeric_date(moment):
    return int(moment.astimezone(UTC).replace(microsecond=0).timestamp())


def sign(credential, key):
    """The VC-JWT: the credential as the JWT payload, with its registered claims."""
    claims = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": _numeric_date(_parse(credential["validFrom"])),
    }
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(_parse(credential["validUntil"]))
    header = {"alg": key.algorithm, "kid": key_id(key)}
    return jwt.encode(header, claims, _private_key(key), algorithms=[key.algorithm])


def issue_credential(award):
    """Sign and keep the award's credential, once (later calls return it)."""
    existing = BadgeCredential.objects.filter(award=award).first()
    if existing is not None:
        return existing
    organisation = award.badge.organisation
    key = active_key(organisation)
    try:
        token = sign(credential_json(award), key)
    except InvalidToken:
        # The key was sealed under a secret this server no longer has (SECRET_KEY
        # changed without SECRET_KEY_FALLBACKS): it can sign nothing more. Retire
        # it (its public half stays published) rather than fail the award.
        logger.error("Signing key %s cannot be unsealed; rotating.", key.uuid)
        key = rotate_key(organisation)
        token = sign(credential_json(award), key)
    try:
        with transaction.atomic():
            return BadgeCredential.objects.create(
                award=award, key=key, compact_jws=token
            )
    except IntegrityError:
        return BadgeCredential.objects.get(award=award)


def credential_document(credential):
    """The signed credential as JSON (the JWT payload less the JWT's own claims),
    for people and tools that read JSON; the proof is the VC-JWT beside it."""
    payload = _unverified_parts(credential.compact_jws)[1]
    return {k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "exp")}


def baked_png(award):
    """The shared picture with the VC-JWT in its ``openbadgecredential`` chunk."""
    return bake_png(
        badge_card(award), award.credential.compact_jws, keyword=PNG_KEYWORD
    )


def revocation_list_json(organisation):
    """The organisation's 1EdTech revocation list: every revoked credential."""
    revoked = BadgeAward.objects.filter(
        badge__organisation=organisation, revoked_at__isnull=False
    ).only("uuid", "revocation_reason")
    return {
        "@context": [VC_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": revocation_list_url(organisation),
        "issuer": issuer_id(organisation),
        "revokedCredentials": [
            {"id": credential_id(award), "revocationReason": award.revocation_reason}
            for award in revoked
        ],
    }


# ---------------------------------------------------------------------------
# Verifying, as a verifier would: the key the kid names, on the issuer's host


def _parse(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _unverified_parts(token):
    try:
        header, payload, _signature = token.split(".")
        return tuple(
            json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
            for part in (header, payload)
        )
    except (ValueError, AttributeError) as error:
        raise VerificationFailed("not a compact JWS") from error


class VerificationFailed(Exception):
    pass


@dataclass
class Verification:
    """What a verifier concludes of a VC-JWT: the signature holds with the
    issuer's published key, the credential is not revoked, not expired."""

    signature: bool = False
    key: SigningKey | None = None
    credential: dict = field(default_factory=dict)
    revoked: bool = False
    revocation_reason: str = ""
    expired: bool = False
    not_yet_valid: bool = False
    problem: str = ""

    @property
    def valid(self):
        return (
            self.signature
            and not self.revoked
            and not self.expired
            and not self.not_yet_valid
        )


def _key_named_by(kid):
    """The signing key a ``kid`` URL names, on the host it names."""
    parts = urlsplit(kid or "")
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name != "courses:ob3_key":
        return None
    key = (
        SigningKey.objects.select_related("organisation")
        .filter(uuid=match.kwargs["uuid"])
        .first()
    )
    if key is None or key_id(key) != kid:
        return None
    return key


def verify(token, *, now=None):
    """Check a VC-JWT as an outside verifier would, from what we publish: the
    signature with the key its ``kid`` names, that key belonging to the issuer
    the credential names, the registered claims matching the credential, the
    1EdTech revocation list, and the validity dates."""
    result = Verification()
    try:
        header, _payload = _unverified_parts(token)
    except VerificationFailed as error:
        result.problem = str(error)
        return result
    key = _key_named_by(header.get("kid"))
    if key is None or header.get("alg") != key.algorithm:
        result.problem = "unknown key"
        return result
    try:
        claims = jwt.decode(token, _public_key(key), algorithms=[key.algorithm]).claims
    except (JoseError, ValueError) as error:
        result.problem = f"bad signature: {error}"
        return result
    issuer = claims.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer != issuer_id(key.organisation) or claims.get("iss") != issuer:
        result.problem = "the key is not the issuer's"
        return result
    if claims.get("jti") != claims.get("id"):
        result.problem = "jti does not match the credential id"
        return result
    result.signature, result.key, result.credential = True, key, claims
    status = claims.get("credentialStatus") or {}
    if status.get("id") != revocation_list_url(key.organisation):
        result.problem = "unknown status list"
        result.signature = False
        return result
    revoked = {
        entry["id"]: entry["revocationReason"]
        for entry in revocation_list_json(key.organisation)["revokedCredentials"]
    }
    if claims.get("id") in revoked:
        result.revoked, result.revocation_reason = True, revoked[claims["id"]]
    now = now or timezone.now()
    try:
        if "validUntil" in claims and _parse(claims["validUntil"]) <= now:
            result.expired = True
        if _parse(claims["validFrom"]) > now:
            result.not_yet_valid = True
    except (KeyError, TypeError, ValueError):
        result.signature, result.problem = False, "bad dates"
    return result


def fingerprint(key):
    """A short, readable fingerprint of a public key (RFC 7638 thumbprint)."""
    members = {name: key.public_jwk[name] for name in ("crv", "kty", "x", "y")}
    digest = hashlib.sha256(
        json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
