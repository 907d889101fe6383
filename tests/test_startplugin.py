"""startplugin scaffolds a plugin that installs with pip and works at once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[1]


def test_scaffold_install_restart_enable_for_one_site_only(tmp_path):
    source = tmp_path / "hello"
    call_command("startplugin", "hello_world", target=str(source), verbosity=0)
    assert (source / "pyproject.toml").read_text().count('"lms.plugins"') == 1

    site_packages = tmp_path / "site-packages"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site_packages),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr

    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL"}
        },
        "PYTHONPATH": os.pathsep.join([str(site_packages), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
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


def test_the_scaffolds_own_test_passes(tmp_path):
    source = tmp_path / "hello"
    call_command("startplugin", "hello_world", target=str(source), verbosity=0)
    site_packages = tmp_path / "site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site_packages),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL"}
        },
        "PYTHONPATH": os.pathsep.join([str(site_packages), str(ROOT)]),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ds=lms.settings.test",
            "--rootdir",
            str(source),
            str(source / "hello_world"),
        ],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_startplugin_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "something.txt").write_text("keep me")
    with pytest.raises(CommandError):
        call_command("startplugin", "hello_world", target=str(tmp_path), verbosity=0)
    assert (tmp_path / "something.txt").read_text() == "keep me"
