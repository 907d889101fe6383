"""Themes: ``themes/<name>/`` with ``theme.toml``, ``templates/`` and ``static/``.

The theme of the current request's organisation is held in a context variable set by
``lms.middleware.OrganisationMiddleware``; the template loader reads it, so template
lookup goes active theme → default theme → app templates. A theme's static files are
served under ``themes/<name>/``.
"""

import tomllib
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

DEFAULT_THEME = "default"
active_theme: ContextVar[str] = ContextVar("lms_active_theme", default=DEFAULT_THEME)


@dataclass(frozen=True)
class Theme:
    name: str
    labels: dict
    path: Path

    @property
    def label(self):
        return self.labels.get(get_language() or "en") or self.labels.get(
            "en", self.name
        )

    @property
    def template_dir(self):
        return self.path / "templates"


def _themes_in(directory: Path):
    for manifest in sorted(Path(directory).glob("*/theme.toml")):
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        yield Theme(manifest.parent.name, data.get("label", {}), manifest.parent)


@cache
def available_themes() -> dict[str, Theme]:
    themes = {}
    for directory in settings.LMS_THEMES_DIRS:
        for theme in _themes_in(directory):
            themes.setdefault(theme.name, theme)
    return themes


def theme_choices():
    return [(name, theme.label) for name, theme in available_themes().items()]


def theme_static_dirs(*directories: Path) -> list:
    """STATICFILES_DIRS entries for every theme, prefixed ``themes/<name>``."""
    return [
        (f"themes/{theme.name}", theme.path / "static")
        for directory in directories
        for theme in _themes_in(directory)
        if (theme.path / "static").is_dir()
    ]
