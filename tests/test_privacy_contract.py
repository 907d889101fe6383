"""The privacy contract (issue 19): every model relating to a person is declared."""

import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.core.checks import run_checks
from django.core.management import call_command

from lms.privacy import Basis, Erase, PersonalData
from lms.privacy.checks import declaration_errors, person_fields, uncovered_models
from lms.privacy.registry import declarations, not_personal

ROOT = Path(__file__).resolve().parents[1]


def test_every_shipped_app_covers_every_model_that_relates_to_a_person():
    assert uncovered_models() == []
    assert [error.id for error in run_checks() if error.id.startswith("lms.E2")] == []


def test_the_coverage_looks_at_every_installed_app_third_party_ones_included():
    declared = {declaration.model for declaration in declarations()} | set(
        not_personal()
    )
    relating = {
        model._meta.label
        for model in apps.get_models()
        if not model._meta.proxy and person_fields(model)
    }
    # Django's and Wagtail's own models are among them, declared by the core.
    assert {"auth.User", "wagtailcore.Revision", "wagtailimages.Image"} <= relating
    assert relating <= declared


def test_each_plugin_shipped_declares_its_own_models():
    by_app = {declaration.app_label for declaration in declarations()}
    assert {"lms", "courses", "h5p", "quizzes", "scorm", "mentoring", "skills"} <= (
        by_app
    )
    for declaration in declarations():
        model = declaration.get_model()
        if model._meta.app_config.name.startswith("relais_"):
            assert model._meta.app_label == declaration.app_label, declaration


def test_a_plugin_with_an_undeclared_model_holding_a_user_key_fails_the_check():
    """Acceptance 1: installed in a fresh process, like any distribution."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "tests" / "plugins_undeclared"), str(ROOT)]
    )
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    run = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode != 0
    assert "lms.E201" in run.stderr
    assert "undeclared.Contact relates to a person (user)" in run.stderr
    assert "relais_undeclared.personal_data" in run.stderr


def test_a_declaration_naming_what_does_not_exist_is_refused():
    def declared(**changes):
        fields = {
            "model": "courses.Enrolment",
            "person": "user",
            "organisation": "organisation",
            "fields": ["progress"],
            "purpose": "Follow learning",
            "basis": Basis.CONTRACT,
            "retention": "While a member",
        }
        return PersonalData(**{**fields, **changes})

    assert declaration_errors(declared()) == []
    assert declaration_errors(declared(model="courses.Nothing"))
    assert declaration_errors(declared(person="course"))  # not a person
    assert declaration_errors(declared(person="user__nickname"))
    assert declaration_errors(declared(organisation="course"))  # not a Site
    assert declaration_errors(declared(fields=["progress", "mood"]))
    assert declaration_errors(declared(files=["progress"]))  # not a file
    assert declaration_errors(declared(erase=Erase.ANONYMISE))  # with nothing
    assert declaration_errors(
        declared(erase=Erase.ANONYMISE, anonymise={"user": None})
    )  # cannot be empty


def test_startplugin_scaffolds_the_declaration_of_personal_data(tmp_path):
    call_command("startplugin", "hello_world", target=str(tmp_path), verbosity=0)
    source = (tmp_path / "hello_world" / "personal_data.py").read_text()
    namespace = {}
    exec(compile(source, "personal_data.py", "exec"), namespace)  # noqa: S102
    assert namespace["PERSONAL_DATA"] == []
    assert namespace["NOT_PERSONAL"] == {}
    assert (
        "uncovered_models"
        in (tmp_path / "hello_world" / "tests" / "test_plugin.py").read_text()
    )
