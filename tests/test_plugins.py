"""The plugin system: discovery, per-organisation enabling, hooks and signals."""

from django.apps import apps
from django.core import mail
from django.urls import reverse

from lms.models import PluginActivation, Role
from lms.people import join_organisation
from lms.plugins import PluginConfig
from lms.plugins.discovery import failed_plugins
from tests.factories import UserFactory, member


def test_an_installed_plugin_is_found_through_its_entry_point():
    config = apps.get_app_config("example")
    assert isinstance(config, PluginConfig)
    assert config.meta.name == "Example"


def test_broken_plugins_are_skipped_with_their_reason():
    reasons = {plugin.entry_point: plugin.reason for plugin in failed_plugins}
    assert "ModuleNotFoundError" in reasons["broken"]
    assert "a_dependency_that_is_not_installed" in reasons["broken"]
    assert "author" in reasons["bad_meta"]
    assert "version" in reasons["bad_meta"]
    assert "requires Relais core 99.0" in reasons["future"]
    assert not any(apps.is_installed(name) for name in ["relais_broken"])
    assert [c.label for c in apps.get_app_configs()].count("future") == 0


def test_the_site_stays_up_and_the_admin_shows_why_plugins_failed(client_a, org_a):
    admin = member(org_a, Role.ADMIN)
    client_a.force_login(admin)
    assert client_a.get("/").status_code == 200
    page = client_a.get(reverse("lms_plugins")).content.decode()
    assert "a_dependency_that_is_not_installed" in page
    assert "requires Relais core 99.0" in page
    assert "PluginMeta is missing" in page


def test_a_plugin_page_answers_only_where_it_is_enabled(
    client, org_a, org_b, enable_plugin
):
    enable_plugin(org_a)
    assert client.get("/example/", HTTP_HOST="a.test").status_code == 200
    assert client.get("/example/", HTTP_HOST="b.test").status_code == 404


def test_dashboard_panels_and_menu_items_show_only_where_enabled(
    client, org_a, org_b, enable_plugin
):
    enable_plugin(org_a)
    user = member(org_a)
    member(org_b, user=user)
    client.force_login(user)
    page_a = client.get("/dashboard/", HTTP_HOST="a.test").content.decode()
    page_b = client.get("/dashboard/", HTTP_HOST="b.test").content.decode()
    assert "Example plugin panel" in page_a
    assert "Example plugin page" in page_a
    assert "Example plugin panel" not in page_b
    assert "Example plugin page" not in page_b


def test_admin_menu_items_show_only_where_enabled(client, org_a, org_b, enable_plugin):
    enable_plugin(org_a)
    user = member(org_a, Role.ADMIN)
    member(org_b, Role.ADMIN, user=user)
    client.force_login(user)
    admin_a = client.get("/admin/", HTTP_HOST="a.test").content.decode()
    admin_b = client.get("/admin/", HTTP_HOST="b.test").content.decode()
    assert "example-admin" in admin_a
    assert "example-admin" not in admin_b
    assert "example-report" in admin_a
    assert "example-report" not in admin_b


def test_signals_reach_a_plugin_only_on_organisations_that_enabled_it(
    org_a, org_b, enable_plugin, django_capture_on_commit_callbacks
):
    enable_plugin(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        join_organisation(UserFactory(), org_a)
        join_organisation(UserFactory(), org_b)
    greetings = [m.subject for m in mail.outbox if "example plugin" in m.subject]
    assert len(greetings) == 1


def test_an_organisation_admin_switches_a_plugin_on_for_their_organisation_only(
    client_a, org_a, org_b
):
    admin = member(org_a, Role.ADMIN)
    client_a.force_login(admin)
    page = client_a.get(reverse("lms_plugins")).content.decode()
    assert "Les Amis du Parc" not in page  # not theirs
    response = client_a.post(
        reverse("lms_plugins"),
        {"enabled": [f"{org_a.pk}:example", f"{org_b.pk}:example"]},
    )
    assert response.status_code == 302
    assert list(PluginActivation.objects.values_list("organisation", "app_label")) == [
        (org_a.pk, "example")
    ]
    client_a.post(reverse("lms_plugins"), {})
    assert not PluginActivation.objects.exists()


def test_people_without_the_admin_role_cannot_switch_plugins(client_a, org_a):
    client_a.force_login(member(org_a, Role.COORDINATOR))
    # Wagtail answers a refused admin page with a redirect and a message.
    response = client_a.get(reverse("lms_plugins"))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    response = client_a.post(
        reverse("lms_plugins"), {"enabled": [f"{org_a.pk}:example"]}
    )
    assert response.status_code == 302
    assert not PluginActivation.objects.exists()


def test_a_plugins_lesson_block_shows_and_counts_only_where_enabled(
    client_a, org_a, enable_plugin
):
    from courses.learning import enrol
    from tests.factories import make_course

    course = make_course(org_a, lessons=1)
    lesson = course.get_lessons().first()
    lesson.body.append(("example_activity", {"prompt": "Try me", "required": True}))
    lesson.save_revision().publish()
    learner = member(org_a)
    enrol(learner, course, org_a)
    client_a.force_login(learner)
    page = client_a.get(lesson.learn_url()).content.decode()
    assert "Try me" not in page
    assert "/done/" in page  # a hidden activity does not block completion
    enable_plugin(org_a)
    page = client_a.get(lesson.learn_url()).content.decode()
    assert "Try me" in page
    assert "/done/" not in page  # the required activity must be done first
