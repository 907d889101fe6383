import a_dependency_that_is_not_installed  # noqa: F401  (the deliberate break)

from lms.plugins import PluginConfig


class BrokenConfig(PluginConfig):
    name = "relais_broken"
