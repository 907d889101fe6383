"""The demo association of PRODUCT.md, seeded idempotently."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from lms.models import Membership, Role, Team


def test_seed_demo_creates_one_login_per_role_and_can_run_again(db, settings):
    settings.DEBUG = True  # as with the development settings of `make demo`
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    assert site.site_name == "Entraide Quartier"
    roles = dict(Membership.objects.values_list("user__username", "role"))
    logins = {
        "admin": Role.ADMIN,
        "formateur": Role.TRAINER,
        "coordinatrice": Role.COORDINATOR,
        "mentor": Role.MENTOR,
        "benevole": Role.LEARNER,
    }
    assert {username: roles[username] for username in logins} == logins
    # Plugins add a few more people to their story, without a login.
    for username in set(roles) - set(logins):
        assert not get_user_model().objects.get(username=username).has_usable_password()
    assert Team.objects.filter(organisation=site).count() == 4
    # The association's home and the federation's (which shares its courses).
    assert Page.objects.filter(depth=2).count() == 2
    assert get_user_model().objects.count() == len(roles)
    for username in logins:
        user = get_user_model().objects.get(username=username)
        assert user.check_password("relais-demo")


def test_make_demo_seeds_with_the_development_settings_where_debug_is_on():
    """`make demo` runs `manage.py seed_demo` with lms.settings.dev (manage.py's
    default), which seed_demo accepts because DEBUG is on there."""
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    assert "manage.py seed_demo --hostname $(HOST) --port $(PORT)" in makefile
    debug = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "DEBUG"},
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert debug.stdout.strip() == "True"


def test_the_demo_on_another_port_links_every_site_and_e_mail_to_that_one_address(
    db, settings
):
    from lms.mail import link

    settings.DEBUG = True
    call_command("seed_demo", "--hostname", "127.0.0.1", "--port", "8123", verbosity=0)
    association = Site.objects.get(is_default_site=True)
    assert link(association, "/login/") == "http://127.0.0.1:8123/login/"
    assert {site.port for site in Site.objects.all()} == {8123}
