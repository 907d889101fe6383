"""startplugin scaffolds a plugin that installs with pip and works at once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def installed_plugin(tmp_path):
    """Scaffold hello_world and pip-install it into its own folder; return the
    environment of a fresh process that sees it as an installed distribution."""
    source = tmp_path / "hello"
    call_command("startplugin", "hello_world", target=str(source), verbosity=0)
    site_packages = tmp_path / "site-packages"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    install = subprocess.run(
        [*pip, "--no-build-isolation", "--target", str(site_packages), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    outside = {"DATABASE_URL", "REDIS_URL"}
    env = {key: value for key, value in os.environ.items() if key not in outside}
    env["PYTHONPATH"] = os.pathsep.join([str(site_packages), str(ROOT)])
    return source, env


def test_scaffold_install_restart_enable_for_one_site_only(installed_plugin, tmp_path):
    source, env = installed_plugin
    assert (source / "pyproject.toml").read_text().count('"lms.plugins"') == 1
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "plugin_round_trip.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert "hello_world" in seen["installed"]
    assert seen["listed"] is True
    assert (seen["page_a"], seen["page_b"]) == (200, 404)
    assert (seen["panel_a"], seen["panel_b"]) == (True, False)


def test_the_scaffolds_own_test_passes(installed_plugin):
    source, env = installed_plugin
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *("--ds=lms.settings.test", "--rootdir", str(source)),
            str(source / "hello_world"),
        ],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout  # installed; its personal data declared


def test_startplugin_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "something.txt").write_text("keep me")
    with pytest.raises(CommandError):
        call_command("startplugin", "hello_world", target=str(tmp_path), verbosity=0)
    assert (tmp_path / "something.txt").read_text() == "keep me"
