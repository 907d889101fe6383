from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.models import Role
from lms.permissions import role_in

from . import token_views


@hooks.register("register_admin_urls")
def register_token_urls():
    return [
        path("api-tokens/", token_views.admin_tokens, name="api_tokens"),
        path(
            "api-tokens/<int:pk>/revoke/",
            token_views.admin_token_revoke,
            name="api_token_revoke",
        ),
    ]


class TokensMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or (
            role_in(request.user, getattr(request, "organisation", None)) == Role.ADMIN
        )


@hooks.register("register_settings_menu_item")
def register_tokens_menu_item():
    return TokensMenuItem(
        _("API tokens"), reverse("api_tokens"), icon_name="key", order=900
    )
