import pytest
from django.core import mail
from wagtail.models import Site

from lms.models import PluginActivation, Role
from tests.authorization import REPORT
from tests.factories import make_organisation, member


@pytest.fixture
def org_a(db):
    """Entraide Quartier, the default site, at a.test."""
    Site.objects.all().delete()
    return make_organisation("Entraide Quartier", "a.test", default=True)


@pytest.fixture
def org_b(db, org_a):
    """Another association of the federation, at b.test."""
    return make_organisation("Les Amis du Parc", "b.test")


@pytest.fixture
def coordinator_a(org_a):
    return member(org_a, Role.COORDINATOR)


@pytest.fixture
def client_a(client):
    """A test client whose requests reach organisation A."""
    client.defaults["HTTP_HOST"] = "a.test"
    return client


@pytest.fixture
def enable_plugin():
    def enable(organisation, label="example"):
        PluginActivation.objects.get_or_create(
            organisation=organisation, app_label=label
        )

    return enable


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox = []


def pytest_terminal_summary(terminalreporter, config):
    """What the generated authorization matrix tried, in every run's summary."""
    for line in config.stash.get(REPORT, []):
        terminalreporter.write_line(f"authorization matrix: {line}")


@pytest.fixture(autouse=True)
def _storages_kept():
    """Model fields hold the storage objects they were built with; a test that
    assigns ``settings.STORAGES`` makes Django build new ones, and every later
    test then writes where no fixture looks. Point a storage elsewhere with
    ``tests.h5p_packages.storage_in`` instead."""
    from django.core.files.storage import storages

    before = {name: storages[name] for name in ("private", "packages")}
    yield
    changed = [name for name, kept in before.items() if storages[name] is not kept]
    if changed:
        pytest.fail(f"this test replaced the storages {changed}: use storage_in")


def pytest_collection_modifyitems(config, items):
    """Every test on a transactional database rolls back by serialization: its
    flush empties every table, and only the serialized copy gives the next test
    what migrations made (the page tree's root, content types, locales). One test
    without it breaks all that follow, far from the cause."""
    missing = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in item.fixturenames or (
            marker is not None and marker.kwargs.get("transaction")
        )
        serialized = "django_db_serialized_rollback" in item.fixturenames or (
            marker is not None and marker.kwargs.get("serialized_rollback")
        )
        if transactional and not serialized:
            missing.append(item.nodeid)
    if missing:
        raise pytest.UsageError(
            "Transactional tests without serialized_rollback: " + ", ".join(missing)
        )
