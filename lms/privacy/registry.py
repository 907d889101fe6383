"""Discovery of the ``personal_data`` modules of every installed app."""

from dataclasses import replace
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

MODULE = "personal_data"


@cache
def _modules():
    found = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, MODULE):
            found.append((app_config, import_module(f"{app_config.name}.{MODULE}")))
    return tuple(found)


@cache
def declarations():
    """Every ``PersonalData`` of every installed app, in app order, each with
    the ``app_label`` of the app that declared it."""
    return tuple(
        replace(declaration, app_label=app_config.label)
        for app_config, module in _modules()
        for declaration in getattr(module, "PERSONAL_DATA", ())
    )


@cache
def not_personal():
    """``{"app_label.Model": reason}`` of every installed app."""
    merged = {}
    for _app_config, module in _modules():
        merged.update(getattr(module, "NOT_PERSONAL", {}))
    return merged


def declarations_for(app_label):
    return [d for d in declarations() if d.app_label == app_label]


def clear():
    """Forget what was discovered (tests that install an app)."""
    _modules.cache_clear()
    declarations.cache_clear()
    not_personal.cache_clear()
