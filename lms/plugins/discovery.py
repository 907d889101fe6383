"""Find installed plugins through the ``lms.plugins`` entry point group.

Runs while settings load (it decides INSTALLED_APPS), so it imports only each
plugin's AppConfig module and never touches models. A plugin that cannot be loaded is
logged with its name and the reason, kept out of INSTALLED_APPS and listed as failed
in the admin; the site itself stays up.
"""

import logging
from dataclasses import dataclass
from importlib.metadata import entry_points

from packaging.version import InvalidVersion, Version

ENTRY_POINT_GROUP = "lms.plugins"
REQUIRED_METADATA = ("name", "version", "description", "author", "min_core_version")

logger = logging.getLogger("lms.plugins")


@dataclass(frozen=True)
class FailedPlugin:
    entry_point: str
    target: str
    reason: str


# Filled by discover_plugins(); read by the admin's plugin screen.
failed_plugins: list[FailedPlugin] = []


def discover_plugins() -> list[str]:
    """Return the dotted AppConfig paths of the installed plugins that load."""
    from lms import __version__ as core_version

    failed_plugins.clear()
    found = []
    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=_name):
        try:
            # A plugin's import can raise anything; it is reported, never swallowed.
            config = entry_point.load()
            _check(config, core_version)
        except Exception as error:
            reason = str(error) or error.__class__.__name__
            if not isinstance(error, PluginError):
                reason = f"{error.__class__.__name__}: {reason}"
            failed_plugins.append(
                FailedPlugin(entry_point.name, entry_point.value, reason)
            )
            logger.error("Plugin %r skipped: %s", entry_point.name, reason)
            continue
        path = f"{config.__module__}.{config.__qualname__}"
        if path not in found:
            found.append(path)
    return found


class PluginError(Exception):
    """A plugin that loads but breaks the contract."""


def _name(entry_point):
    return entry_point.name


def _check(config, core_version):
    from lms.plugins import PluginConfig

    if not (isinstance(config, type) and issubclass(config, PluginConfig)):
        raise PluginError("the entry point must name a subclass of PluginConfig")
    meta = config.PluginMeta
    missing = [key for key in REQUIRED_METADATA if not getattr(meta, key, "")]
    if missing:
        raise PluginError(f"PluginMeta is missing {', '.join(missing)}")
    try:
        Version(meta.version)
        needed = Version(meta.min_core_version)
    except InvalidVersion as error:
        raise PluginError(f"PluginMeta has an invalid version: {error}") from error
    if needed > Version(core_version):
        raise PluginError(
            f"requires Relais core {needed} or newer (this is {core_version})"
        )
