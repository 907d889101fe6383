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


@hooks.register("lms_construct_demo", order=2000)
def add_webhooks_demo(site, people):
    """One example endpoint, switched off (its host is not real), with one delivery
    in its log; idempotent."""
    from django.utils import timezone

    from lms.models import Membership
    from lms.signals import PersonJoined
    from lms.webhooks.catalogue import body_of
    from lms.webhooks.delivery import new_secret
    from lms.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

    endpoint, created = WebhookEndpoint.objects.get_or_create(
        organisation=site,
        url="https://crm.entraide-quartier.example/hooks/relais",
        defaults={
            "description": "Outil de suivi des bénévoles (exemple)",
            "event_types": ["relais.person.joined.v1", "relais.badge.awarded.v1"],
            "secret": new_secret(),
            "is_active": False,
        },
    )
    membership = Membership.objects.filter(organisation=site).order_by("pk").first()
    if not created or membership is None:
        return
    event = PersonJoined(
        membership_id=membership.pk,
        user_id=membership.user_id,
        organisation_id=site.pk,
        role=membership.role,
    )
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        organisation=site,
        endpoint=endpoint,
        person_id=membership.user_id,
        webhook_id="msg_demo0000000000000000000000000001",
        event_type=event.event_type,
        body=body_of(event, site, now=now),
        status=WebhookDelivery.Status.SUCCEEDED,
        attempts=1,
        last_attempt_at=now,
        response_status=204,
        duration_ms=84,
    )
    WebhookAttempt.objects.create(
        delivery=delivery, attempted_at=now, response_status=204, duration_ms=84
    )
