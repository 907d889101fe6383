from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.models.people import Role
from lms.webhooks import views


@hooks.register("register_admin_urls")
def register_webhook_admin_urls():
    endpoint = "relais/webhooks/<int:webhook_endpoint_id>/"
    delivery = "relais/webhooks/deliveries/<int:webhook_delivery_id>/"
    return [
        path("relais/webhooks/", views.endpoints, name="webhooks_endpoints"),
        path("relais/webhooks/add/", views.add_endpoint, name="webhooks_add"),
        path(endpoint, views.endpoint, name="webhooks_endpoint"),
        path(endpoint + "secret/", views.reveal_secret, name="webhooks_secret"),
        path(endpoint + "rotate/", views.rotate_secret, name="webhooks_rotate"),
        path(endpoint + "delete/", views.delete_endpoint, name="webhooks_delete"),
        path(delivery, views.delivery, name="webhooks_delivery"),
        path(delivery + "replay/", views.replay, name="webhooks_replay"),
    ]


class AdminsMenuItem(MenuItem):
    def is_shown(self, request):
        membership = getattr(request, "membership", None)
        return request.user.is_superuser or (
            membership is not None and membership.role == Role.ADMIN
        )


@hooks.register("register_settings_menu_item")
def register_webhooks_menu_item():
    return AdminsMenuItem(
        _("Webhooks"), reverse("webhooks_endpoints"), icon_name="link", order=160
    )
