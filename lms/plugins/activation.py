"""Which plugins run where. Per-site enabling is enforced here, once, for URLs,
hooks and signals alike."""

from functools import cache

from django.apps import apps
from wagtail import hooks

from lms.plugins import PluginConfig


def installed_plugins() -> list[PluginConfig]:
    return [app for app in apps.get_app_configs() if isinstance(app, PluginConfig)]


@cache
def _owner_label(module: str) -> str | None:
    app = apps.get_containing_app_config(module)
    return app.label if isinstance(app, PluginConfig) else None


def owning_plugin(obj) -> str | None:
    """App label of the plugin that defines ``obj``, or None for core code."""
    return _owner_label(obj.__module__)


def enabled_labels(site) -> frozenset[str]:
    from lms.models import PluginActivation

    if site is None:
        return frozenset()
    # Read once per Site instance: a request (or a task) holds one instance of its
    # organisation, and every statement, hook and signal of it asks again.
    if not hasattr(site, "_lms_enabled_plugins"):
        site._lms_enabled_plugins = frozenset(
            PluginActivation.objects.filter(organisation=site).values_list(
                "app_label", flat=True
            )
        )
    return site._lms_enabled_plugins


def enabled_for_request(request) -> frozenset[str]:
    """Enabled plugins of the request's organisation, read once per request."""
    return enabled_labels(getattr(request, "organisation", None))


def runs_here(obj, enabled: frozenset[str]) -> bool:
    label = owning_plugin(obj)
    return label is None or label in enabled


def site_hooks(hook_name: str, request) -> list:
    """Wagtail hook functions for ``hook_name`` from core and enabled plugins only."""
    enabled = enabled_for_request(request)
    return [fn for fn in hooks.get_hooks(hook_name) if runs_here(fn, enabled)]
