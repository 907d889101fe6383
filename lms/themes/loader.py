from django.template.loaders.cached import Loader as DjangoCachedLoader
from django.template.loaders.filesystem import Loader as FilesystemLoader

from . import DEFAULT_THEME, active_theme, available_themes


class ThemeLoader(FilesystemLoader):
    """Templates of the active theme first, then of the default theme."""

    def get_dirs(self):
        themes = available_themes()
        names = dict.fromkeys([active_theme.get(), DEFAULT_THEME])
        return [themes[name].template_dir for name in names if name in themes]


class CachedLoader(DjangoCachedLoader):
    """Django's cached loader, keyed by theme so two themes never share a template."""

    def cache_key(self, template_name, skip=None):
        return f"{active_theme.get()}:{super().cache_key(template_name, skip)}"
