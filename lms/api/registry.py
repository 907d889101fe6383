"""Resources that apps and plugins add, from their ``api.py`` module.

The contract (docs/plugins.md, "REST API")::

    # relais_hello/api.py
    SCOPE_FAMILIES = {"hello": gettext_lazy("Hello signups")}   # hello:read/write
    ROUTES = [("signups", SignupViewSet)]  # served at /api/v1/hello/signups/

A plugin's routes are mounted under ``/api/v1/<app label>/`` and answer only
where the plugin is enabled for the token's organisation; its viewsets'
``scope_family`` defaults to its app label. The learning core (``courses``),
not a plugin, serves its routes at ``/api/v1/<prefix>/``.
"""

from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from lms.plugins import PluginConfig

MODULE = "api"


@cache
def _modules():
    found = []
    for app_config in apps.get_app_configs():
        if app_config.label == "api" or not module_has_submodule(
            app_config.module, MODULE
        ):
            continue
        module = import_module(f"{app_config.name}.{MODULE}")
        if hasattr(module, "ROUTES"):
            found.append((app_config, module))
    return tuple(found)


def routes():
    """``(url prefix, viewset, basename)`` of every app's resources."""
    found = []
    for app_config, module in _modules():
        plugin = isinstance(app_config, PluginConfig)
        for prefix, viewset in module.ROUTES:
            if plugin:
                viewset.plugin = app_config.label
                if getattr(viewset, "scope_family", None) is None:
                    viewset.scope_family = app_config.label
                prefix = f"{app_config.label}/{prefix}"
            found.append((prefix, viewset, prefix.replace("/", "-")))
    return found


def plugin_families():
    families = {}
    for _app_config, module in _modules():
        families.update(getattr(module, "SCOPE_FAMILIES", {}))
    return families
