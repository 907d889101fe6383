"""The layering held by `make lint` (import-linter, [tool.importlinter] in
pyproject.toml): core never imports the learning core or a plugin, the learning core
never imports a plugin, plugins never import each other."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = {
    "lms": ROOT / "lms",
    "courses": ROOT / "courses",
    **{
        path.name: path
        for path in sorted(ROOT.glob("plugins/*/relais_*"))
        if (path / "__init__.py").exists()
    },
}


def lint_imports(cwd, pythonpath=None):
    env = {**os.environ, "PYTHONPATH": str(pythonpath or "")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def only_python(directory, names):
    return [
        name
        for name in names
        if not (name.endswith(".py") or (Path(directory) / name).is_dir())
        or name == "__pycache__"
    ]


@pytest.fixture
def tree(tmp_path):
    """A copy of the Python packages and of pyproject.toml, to break on purpose;
    lint-imports finds the copies first (its working directory is on the path)."""
    for name, source in PACKAGES.items():
        shutil.copytree(source, tmp_path / name, ignore=only_python)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(tree, module, imported):
    path = tree.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(f"import {imported}  # noqa\n" + path.read_text())


def test_the_real_tree_keeps_every_contract():
    assert set(PACKAGES) == {
        "lms",
        "courses",
        "relais_community",
        "relais_h5p",
        "relais_mentoring",
        "relais_quizzes",
        "relais_recruitment",
        "relais_scorm",
        "relais_skills",
    }
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_unchanged_copy_keeps_every_contract(tree):
    result = lint_imports(tree, tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "imported", "contract"),
    [
        ("lms.forms", "courses.models", "Core (lms) imports neither"),
        ("lms.views.people", "relais_quizzes", "Core (lms) imports neither"),
        ("courses.completion", "relais_scorm.models", "The learning core"),
        ("relais_skills.models", "relais_quizzes.models", "Plugins do not import"),
    ],
)
def test_a_forbidden_import_fails_lint(tree, module, imported, contract):
    add_import(tree, module, imported)
    result = lint_imports(tree, tree)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout
    assert f"{module} -> {imported}" in result.stdout
