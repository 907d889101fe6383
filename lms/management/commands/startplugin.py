"""Scaffold a working, pip-installable Relais plugin (Django's startapp machinery)."""

from pathlib import Path

from django.core.management.base import CommandError
from django.core.management.templates import TemplateCommand

import lms

TEMPLATE = Path(lms.__file__).parent / "plugin_template"


class Command(TemplateCommand):
    help = (
        "Create a Relais plugin NAME in DIR: pyproject.toml with the lms.plugins entry "
        "point, a PluginConfig, a dashboard panel, a page, models and a test."
    )
    rewrite_template_suffixes = ((".py-tpl", ".py"), (".toml-tpl", ".toml"))

    def add_arguments(self, parser):
        parser.add_argument(
            "name", help="Python package name of the plugin, e.g. relais_hello"
        )
        parser.add_argument("--target", required=True, help="Folder to create it in")

    def handle(self, **options):
        name, target = options["name"], Path(options["target"])
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} exists and is not empty.")
        target.mkdir(parents=True, exist_ok=True)
        super().handle(
            "plugin",
            name,
            str(target),
            template=str(TEMPLATE),
            extensions=["py", "toml", "html", "md"],
            files=[],
            verbosity=options.get("verbosity", 1),
            distribution=name.replace("_", "-"),
            core_version=lms.__version__.rsplit(".", 1)[0],
        )
        self.stdout.write(f"Plugin {name} created in {target}. Install it with:")
        self.stdout.write(f"  pip install -e {target}")
