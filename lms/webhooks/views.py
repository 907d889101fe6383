"""The organisation admins' screens: endpoints, their secret, the delivery log and
its replay. Everything is read through ``for_organisation(request.organisation)``:
another organisation's endpoint or delivery is not found (404)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.models.people import Role
from lms.views.access import role_required
from lms.webhooks import delivery as sending
from lms.webhooks.catalogue import events_for
from lms.webhooks.forms import EndpointForm
from lms.webhooks.models import WebhookDelivery, WebhookEndpoint

# Organisation admins only: an endpoint receives what happens to every member,
# and its secret speaks for the organisation.
admins_only = role_required(Role.ADMIN)
NEW_SECRET = "webhooks_new_secret"  # noqa: S105 (a session key)


def _endpoint(request, webhook_endpoint_id):
    return get_object_or_404(
        WebhookEndpoint.objects.for_organisation(request.organisation),
        pk=webhook_endpoint_id,
    )


@admins_only
def endpoints(request):
    return TemplateResponse(
        request,
        "webhooks/endpoints.html",
        {
            "endpoints": WebhookEndpoint.objects.for_organisation(request.organisation),
            "events": events_for(request.organisation),
        },
    )


@admins_only
def add_endpoint(request):
    form = EndpointForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        endpoint = form.save(commit=False)
        endpoint.organisation = request.organisation
        endpoint.created_by = request.user
        endpoint.secret = sending.new_secret()
        endpoint.save()
        # Shown once, on the next page.
        request.session[NEW_SECRET] = endpoint.pk
        return redirect("webhooks_endpoint", endpoint.pk)
    return TemplateResponse(request, "webhooks/endpoint_add.html", {"form": form})


@admins_only
def endpoint(request, webhook_endpoint_id):
    endpoint = _endpoint(request, webhook_endpoint_id)
    was_active = endpoint.is_active
    form = EndpointForm(
        request.POST or None, instance=endpoint, organisation=request.organisation
    )
    if request.method == "POST" and form.is_valid():
        endpoint = form.save(commit=False)
        if endpoint.is_active and not was_active:
            # Switched on again: its failures are forgotten.
            endpoint.disabled_at = None
            endpoint.disabled_reason = ""
            endpoint.failing_since = None
            endpoint.consecutive_failures = 0
        endpoint.save()
        messages.success(request, _("The endpoint was saved."))
        return redirect("webhooks_endpoint", endpoint.pk)
    new_secret = request.session.pop(NEW_SECRET, None) == endpoint.pk
    deliveries = Paginator(
        WebhookDelivery.objects.for_organisation(request.organisation).filter(
            endpoint=endpoint
        ),
        50,
    ).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "webhooks/endpoint.html",
        {
            "endpoint": endpoint,
            "form": form,
            "secret": endpoint.secret if new_secret else None,
            "deliveries": deliveries,
        },
    )


@admins_only
@require_POST
def reveal_secret(request, webhook_endpoint_id):
    """The secret, on a page of its own asked for by POST (never in a URL or a
    listing)."""
    endpoint = _endpoint(request, webhook_endpoint_id)
    response = TemplateResponse(request, "webhooks/secret.html", {"endpoint": endpoint})
    response["Cache-Control"] = "no-store"
    return response


@admins_only
@require_POST
def rotate_secret(request, webhook_endpoint_id):
    endpoint = _endpoint(request, webhook_endpoint_id)
    endpoint.secret = sending.new_secret()
    endpoint.save(update_fields=["secret"])
    request.session[NEW_SECRET] = endpoint.pk
    messages.warning(
        request, _("A new secret was made: the old one no longer verifies.")
    )
    return redirect("webhooks_endpoint", endpoint.pk)


@admins_only
def delete_endpoint(request, webhook_endpoint_id):
    endpoint = _endpoint(request, webhook_endpoint_id)
    if request.method == "POST":
        endpoint.delete()
        messages.success(request, _("The endpoint was deleted."))
        return redirect("webhooks_endpoints")
    return TemplateResponse(
        request, "webhooks/endpoint_delete.html", {"endpoint": endpoint}
    )


def _delivery(request, webhook_delivery_id):
    return get_object_or_404(
        WebhookDelivery.objects.for_organisation(request.organisation).select_related(
            "endpoint"
        ),
        pk=webhook_delivery_id,
    )


@admins_only
def delivery(request, webhook_delivery_id):
    delivery = _delivery(request, webhook_delivery_id)
    return TemplateResponse(
        request,
        "webhooks/delivery.html",
        {
            "delivery": delivery,
            "attempts": delivery.attempt_log.all(),
            "now": timezone.now(),
        },
    )


@admins_only
@require_POST
def replay(request, webhook_delivery_id):
    delivery = _delivery(request, webhook_delivery_id)
    if sending.replay(delivery):
        messages.success(
            request, _("The delivery will be sent again, with the same webhook-id.")
        )
    elif not delivery.endpoint.is_active:
        messages.error(
            request, _("Switch the endpoint on again before sending it anything.")
        )
    else:
        messages.error(request, _("This delivery is still being sent: wait for it."))
    return redirect("webhooks_delivery", delivery.pk)
