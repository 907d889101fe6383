"""The plugin contract.

A plugin is a pip-installable Django app that declares an entry point in the group
``lms.plugins`` pointing at its AppConfig, a subclass of :class:`PluginConfig`::

    [project.entry-points."lms.plugins"]
    quizzes = "relais_quizzes.apps:QuizzesConfig"

Discovery (``lms.plugins.discovery``) adds it to INSTALLED_APPS at start-up; each
organisation then switches it on or off in the admin (``PluginActivation``).
"""

from django.apps import AppConfig


class PluginConfig(AppConfig):
    """Base AppConfig of every Relais plugin.

    Metadata lives in the flat inner class ``PluginMeta`` and is checked at start-up:
    a plugin with missing metadata, or needing a newer core, is skipped and reported.
    """

    class PluginMeta:
        name = ""  # shown to organisation admins, e.g. "Quizzes"
        version = ""  # the plugin's own version, PEP 440
        description = ""
        author = ""
        category = "other"  # activities, people, reports, integrations, other
        min_core_version = "0.1"  # oldest Relais core it works with
        url_prefix = ""  # its pages live under /<url_prefix>/ (default: app label)

    @property
    def meta(self):
        return self.PluginMeta

    @property
    def url_prefix(self):
        return getattr(self.PluginMeta, "url_prefix", "") or self.label
