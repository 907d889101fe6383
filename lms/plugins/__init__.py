"""The plugin contract.

A plugin is a pip-installable Django app that declares an entry point in the group
``lms.plugins`` pointing at its AppConfig, a subclass of :class:`PluginConfig`::

    [project.entry-points."lms.plugins"]
    quizzes = "relais_quizzes.apps:QuizzesConfig"

Discovery (``lms.plugins.discovery``) adds it to INSTALLED_APPS at start-up; each
organisation then switches it on or off in the admin (``PluginActivation``).
"""

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The categories of the admin's plugin screen, named by the core.
CATEGORIES = {
    "activities": _("Activities"),
    "people": _("People"),
    "reports": _("Reports"),
    "integrations": _("Integrations"),
    "other": _("Other"),
}


class PluginConfig(AppConfig):
    """Base AppConfig of every Relais plugin.

    Metadata lives in the flat inner class ``PluginMeta`` and is checked at start-up:
    a plugin with missing metadata, or needing a newer core, is skipped and reported.
    """

    class PluginMeta:
        # Name and description are English, marked with gettext_noop so they are
        # extracted into the plugin's catalogue; the admin shows their translation.
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
    def display_name(self):
        return gettext(self.PluginMeta.name)

    @property
    def display_description(self):
        return gettext(self.PluginMeta.description)

    @property
    def display_category(self):
        category = getattr(self.PluginMeta, "category", "other")
        return CATEGORIES.get(category, category)

    @property
    def url_prefix(self):
        return getattr(self.PluginMeta, "url_prefix", "") or self.label
