"""Bearer tokens: ``Authorization: Bearer rls_…``."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from lms.permissions import role_in

from .models import ApiToken


class TokenAuthentication(authentication.BaseAuthentication):
    """Finds the token by the SHA-256 of the secret. A token answers only on its
    own organisation's host, and a personal token only while its person is an
    active member there (with the role they hold now)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token as 'Authorization: Bearer <token>'.")
            )
        token = ApiToken.find(header[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This token is unknown or was revoked.")
            )
        organisation = getattr(request._request, "organisation", None)
        if organisation is None or organisation.pk != token.organisation_id:
            raise exceptions.AuthenticationFailed(
                _("This token belongs to another organisation: use it on its host.")
            )
        if token.kind == ApiToken.Kind.PERSONAL:
            token.acting_role = role_in(token.user, organisation)
            if token.acting_role is None:
                raise exceptions.AuthenticationFailed(
                    _("The person of this token is no longer a member here.")
                )
            user = token.user
        else:
            token.acting_role = token.role
            user = AnonymousUser()
        token.touch()
        return user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
