"""The admin screen where organisation admins switch plugins on and off."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Site

from lms.models import PluginActivation, Role
from lms.plugins.activation import installed_plugins
from lms.plugins.discovery import failed_plugins


def administrable_sites(user):
    """Organisations whose plugins ``user`` may switch: all for superusers."""
    if user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(
        memberships__user=user,
        memberships__role=Role.ADMIN,
        memberships__is_active=True,
    )


def plugins(request):
    sites = list(administrable_sites(request.user).order_by("site_name", "hostname"))
    if not sites:
        raise PermissionDenied
    plugins = sorted(
        installed_plugins(), key=lambda plugin: plugin.display_name.lower()
    )
    if request.method == "POST":
        _save(request, sites, {plugin.label for plugin in plugins})
        return redirect("lms_plugins")
    enabled = set(
        PluginActivation.objects.filter(organisation__in=sites).values_list(
            "organisation_id", "app_label"
        )
    )
    rows = [
        {
            "plugin": plugin,
            "sites": [
                {"site": site, "enabled": (site.pk, plugin.label) in enabled}
                for site in sites
            ],
        }
        for plugin in plugins
    ]
    return TemplateResponse(
        request,
        "lms/admin/plugins.html",
        {"rows": rows, "sites": sites, "failed": failed_plugins},
    )


@transaction.atomic
def _save(request, sites, labels):
    """The form posts one checkbox "<site id>:<label>" per switch that is on."""
    wanted = set()
    for value in request.POST.getlist("enabled"):
        site_id, _sep, label = value.partition(":")
        if label in labels and site_id.isdigit():
            wanted.add((int(site_id), label))
    for site in sites:
        on = {label for site_id, label in wanted if site_id == site.pk}
        # Only installed plugins are touched: a plugin that failed to load keeps its
        # switches for when it is fixed.
        PluginActivation.objects.filter(
            organisation=site, app_label__in=labels
        ).exclude(app_label__in=on).delete()
        for label in on:
            PluginActivation.objects.get_or_create(organisation=site, app_label=label)
    messages.success(request, _("Plugin settings saved."))
