"""The organisation admin's LRS endpoints (a snippet of the organisation's own
objects, through ``lms.snippets``), with what waits, what was given up, and the
action that sends the given-up statements again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.snippets.models import register_snippet

from lms.snippets import OrganisationSnippetViewSet
from lms.xapi_forwarding import outbox
from lms.xapi_forwarding.forms import LrsEndpointForm
from lms.xapi_forwarding.models import LrsEndpoint, OutgoingStatement

State = OutgoingStatement.State


class LrsEndpointViewSet(OrganisationSnippetViewSet):
    model = LrsEndpoint
    icon = "upload"
    menu_label = gettext_lazy("LRS endpoints")
    add_to_settings_menu = True
    list_display = [
        "name",
        "url",
        "actor_mode",
        "is_active",
        Column("waiting", label=gettext_lazy("Waiting")),
        TitleColumn(
            "given_up",
            label=gettext_lazy("Given up"),
            get_url=lambda endpoint: reverse(
                "wagtailsnippets_xapi_forwarding_lrsendpoint:replay",
                args=[endpoint.pk],
            ),
        ),
        Column("last_error", label=gettext_lazy("Last error")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("url"),
            FieldPanel("key"),
            FieldPanel("secret"),
            FieldPanel("actor_mode"),
            FieldPanel("verbs"),
            FieldPanel("activity_types"),
            FieldPanel("is_active"),
        ],
        base_form_class=LrsEndpointForm,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                waiting=Count("outgoing", filter=Q(outgoing__state=State.PENDING)),
                given_up=Count("outgoing", filter=Q(outgoing__state=State.DEAD)),
            )
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("replay/<int:lrsendpoint_id>/", self.replay_view, name="replay"),
        ]

    def replay_view(self, request, lrsendpoint_id):
        return replay_dead_letters(request, lrsendpoint_id, self)


@require_http_methods(["GET", "POST"])
def replay_dead_letters(request, pk, viewset):
    """The admin action: send an endpoint's given-up statements again."""
    if not viewset.permission_policy.user_has_permission(request.user, "change"):
        raise PermissionDenied
    endpoint = get_object_or_404(
        LrsEndpoint.objects.for_organisation(request.organisation), pk=pk
    )
    dead = OutgoingStatement.objects.filter(endpoint=endpoint, state=State.DEAD)
    if request.method == "POST":
        count = outbox.replay_dead_letters([endpoint])
        messages.success(
            request,
            _("%(count)s statements will be sent again to %(endpoint)s.")
            % {"count": count, "endpoint": endpoint},
        )
        return redirect(viewset.get_url_name("list"))
    return TemplateResponse(
        request,
        "xapi_forwarding/replay_dead_letters.html",
        {
            "endpoint": endpoint,
            "dead": dead.select_related("statement")[:50],
            "count": dead.count(),
            "action": reverse(viewset.get_url_name("replay"), args=[endpoint.pk]),
            "back": reverse(viewset.get_url_name("list")),
        },
    )


register_snippet(LrsEndpointViewSet)


@hooks.register("lms_construct_demo")
def add_demo_lrs_endpoint(site, people):
    """An example federation LRS, inactive: the demo sends nothing anywhere."""
    LrsEndpoint.objects.get_or_create(
        organisation=site,
        name="Fédération (exemple)",
        defaults={
            "url": "https://lrs.federation.example/xAPI/",
            "key": "relais-demo",
            "secret": "demo-secret",
            "is_active": False,
        },
    )
