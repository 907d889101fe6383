"""Admin wiring of the core: the plugin screen, and plugin menu items filtered by site.

Plugins add admin menu items and reports through ``lms_register_admin_menu_items``
and ``lms_register_admin_reports`` (not Wagtail's own hooks), so they are shown only
on organisations that enabled the plugin.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.sites import views as site_views

from lms.models import Invitation
from lms.models.scoping import scoped
from lms.plugins.activation import site_hooks
from lms.plugins.dashboard import DashboardAction
from lms.views import plugins_admin


@hooks.register("register_admin_urls")
def register_plugin_admin_urls():
    return [path("relais/plugins/", plugins_admin.plugins, name="lms_plugins")]


class PluginsMenuItem(MenuItem):
    def is_shown(self, request):
        return plugins_admin.administrable_sites(request.user).exists()


@hooks.register("register_settings_menu_item")
def register_plugins_menu_item():
    return PluginsMenuItem(
        _("Plugins"), reverse("lms_plugins"), icon_name="resubmit", order=150
    )


def _items_from(hook_name, request):
    items = []
    for hook in site_hooks(hook_name, request):
        items.extend(hook(request) or [])
    return items


@hooks.register("construct_main_menu")
def add_plugin_menu_items(request, menu_items):
    menu_items.extend(_items_from("lms_register_admin_menu_items", request))


@hooks.register("construct_reports_menu")
def add_plugin_reports(request, menu_items):
    menu_items.extend(_items_from("lms_register_admin_reports", request))


def _pages_of_this_organisation(pages, request):
    """Wagtail's page chooser and explorer browse the whole install's tree; an
    organisation's staff see its own pages only (the install's operators, all)."""
    if request.user.is_superuser or getattr(request, "organisation", None) is None:
        return pages
    return scoped(pages, request.organisation)


@hooks.register("construct_page_chooser_queryset")
def page_chooser_of_this_organisation(pages, request):
    return _pages_of_this_organisation(pages, request)


@hooks.register("construct_explorer_page_queryset")
def explorer_of_this_organisation(parent_page, pages, request):
    return _pages_of_this_organisation(pages, request)


@hooks.register("lms_register_dashboard_actions")
def add_invitations_waiting(request):
    """Coordinators: invitations sent and not accepted yet, and since when."""
    from django.db.models import Count, Min
    from django.utils import timezone

    membership = request.membership
    if not (request.user.is_superuser or (membership and membership.manages_people)):
        return []
    waiting = (
        Invitation.objects.for_organisation(request.organisation)
        .pending()
        .aggregate(count=Count("pk"), since=Min("created_at"))
    )
    return [
        DashboardAction(
            _("Invitations not accepted yet"),
            waiting["count"],
            reverse("lms:people") + "#invitations",
            since=waiting["since"] and timezone.localdate(waiting["since"]),
            order=20,
        )
    ]


@hooks.register("lms_register_dashboard_actions")
def add_erasure_requests_waiting(request):
    """Those who decide erasure requests: the requests waiting, and since when."""
    from django.db.models import Count, Min
    from django.utils import timezone

    from lms.data_requests import may_decide_erasures
    from lms.models.privacy import ErasureRequest, ErasureStatus

    if not may_decide_erasures(request):
        return []
    waiting = (
        ErasureRequest.objects.for_organisation(request.organisation)
        .filter(status=ErasureStatus.PENDING)
        .aggregate(count=Count("pk"), since=Min("requested_at"))
    )
    return [
        DashboardAction(
            _("Erasure requests to decide"),
            waiting["count"],
            reverse("lms:erasure_requests"),
            since=waiting["since"] and timezone.localdate(waiting["since"]),
            order=15,
        )
    ]


# After the cohort (order 100), which is made of the active members only.
@hooks.register("lms_construct_demo", order=110)
def add_privacy_demo(site, people):
    from lms.privacy_demo import construct_privacy_demo

    construct_privacy_demo(site, people)


def _label_site_columns():
    """Wagtail heads two columns of its sites table with the raw field names ("Site
    name", "Root page"), which no catalogue translates: they get translatable labels.
    """
    for index, column in enumerate(site_views.IndexView.columns):
        label = {"site_name": _("Site name"), "root_page": _("Root page")}.get(
            column.name
        )
        if label and type(column) is Column:
            site_views.IndexView.columns[index] = Column(column.name, label=label)


_label_site_columns()
