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
    module = getattr(obj, "__module__", None)
    return _owner_label(module) if isinstance(module, str) else None


def _plugin_of_model(model) -> str | None:
    app = getattr(getattr(model, "_meta", None), "app_config", None)
    return app.label if isinstance(app, PluginConfig) else None


def _inner_views(view):
    """``view`` and the views it decorates: through ``__wrapped__`` and, for
    decorators that do not set it (Wagtail's ``require_admin_access``), the
    functions their closure holds."""
    seen, stack = set(), [view]
    while stack:
        current = stack.pop()
        if id(current) in seen or not callable(current):
            continue
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "__wrapped__", None)
        if wrapped is not None:
            stack.append(wrapped)
        for cell in getattr(current, "__closure__", None) or ():
            try:
                contents = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if callable(contents) and hasattr(contents, "__module__"):
                stack.append(contents)


@cache
def view_owner(view) -> str | None:
    """App label of the plugin a view belongs to, or None for a core view.

    A view belongs to a plugin when its code is the plugin's (the function or
    its class-based view's class is defined there), or when it serves one of
    the plugin's models (generic views such as Wagtail's snippet and chooser
    views, built with ``model=``). This is how the admin screens a plugin
    registers (``register_admin_urls``, snippet viewsets, choosers, reports) are
    recognised, whatever their URL, so that they answer only where the plugin is
    enabled (``lms.middleware.PluginURLMiddleware``).
    """
    for inner in _inner_views(view):
        if label := owning_plugin(inner):
            return label
        view_class = getattr(inner, "view_class", None)
        if view_class is not None and (label := owning_plugin(view_class)):
            return label
        initkwargs = getattr(inner, "view_initkwargs", None) or {}
        if label := _plugin_of_model(initkwargs.get("model")):
            return label
        if view_class is not None and (
            label := _plugin_of_model(getattr(view_class, "model", None))
        ):
            return label
    return None


def url_owner(match) -> str | None:
    """The plugin a resolved URL belongs to: its namespace (the plugin's own
    pages, see ``lms.plugins.urls``) or its view."""
    labels = {plugin.label for plugin in installed_plugins()}
    for namespace in match.namespaces:
        if namespace in labels:
            return namespace
    return view_owner(match.func)


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
