"""Who may call what: the token's scopes, then the role rules of the UI."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions

from lms.models.people import PEOPLE_MANAGERS
from lms.plugins.activation import enabled_labels

from .models import ApiToken


def token_of(request):
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class TokenScopes(permissions.BasePermission):
    """A view names its ``scope_family``; reading needs ``<family>:read``,
    anything else ``<family>:write`` and one of the view's ``write_roles``
    (people managers by default, as in the UI). A plugin's view (``plugin``,
    set by the registry) answers 404 where that plugin is off."""

    def has_permission(self, request, view):
        token = token_of(request)
        if token is None:
            raise exceptions.NotAuthenticated()
        plugin = getattr(view, "plugin", None)
        if plugin and plugin not in enabled_labels(token.organisation):
            raise exceptions.NotFound()
        family = view.scope_family
        safe = request.method in permissions.SAFE_METHODS
        needed = f"{family}:{'read' if safe else 'write'}"
        if needed not in token.scopes:
            raise exceptions.PermissionDenied(
                _("This token lacks the scope %(scope)s.") % {"scope": needed}
            )
        if not safe and token.acting_role not in getattr(
            view, "write_roles", PEOPLE_MANAGERS
        ):
            raise exceptions.PermissionDenied(_("Your role here may not change this."))
        return True
