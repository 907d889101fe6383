from importlib import import_module
from importlib.util import find_spec

from django.urls import include, path

from lms.plugins.activation import installed_plugins


def plugin_urlpatterns():
    """Each plugin's ``urls`` module under /<url_prefix>/, namespaced by its label.

    The namespace is how ``PluginURLMiddleware`` recognises a plugin's pages and
    answers 404 where the plugin is not enabled.
    """
    patterns = []
    for plugin in installed_plugins():
        module_name = f"{plugin.name}.urls"
        if find_spec(module_name) is None:
            continue
        module = import_module(module_name)
        patterns.append(
            path(
                f"{plugin.url_prefix}/",
                include((module, plugin.label), namespace=plugin.label),
            )
        )
    return patterns
