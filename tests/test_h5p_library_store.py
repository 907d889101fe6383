"""The H5P library store: it never takes a broken library, and a version stored
broken before the rules were enforced is replaced only by a trainer or an admin of
the organisation, who sees the contents using it and confirms."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from pyh5p.library import LibraryId

from lms.models import Role
from relais_h5p import packages
from relais_h5p.models import H5PContent, H5PLibrary
from tests import h5p_packages
from tests.factories import member
from tests.test_h5p import (  # noqa: F401  (media: the storage fixture)
    english_speaker,
    media,
    stored_files,
    upload,
)

LIBRARIES = "/h5p/libraries/"
MISSING_JS = (
    "H5P.RelaisTest-1.0/relais-test.js: declared in library.json (preloadedJs) "
    "but missing from the package."
)


def stored_before_the_rules(org, title="Ancienne activité"):
    """A content whose library was stored broken (its preloaded script missing),
    extracted as the platform did before it checked libraries."""
    data = h5p_packages.with_library(**{"relais-test.js": None})
    content = H5PContent.objects.create(
        organisation=org, title=title, package=ContentFile(data, name="old.h5p")
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        document = json.loads(archive.read(f"{h5p_packages.LIBRARY}/library.json"))
    inspection = packages.Inspection(
        h5p_packages.h5p_json(),
        libraries={h5p_packages.LIBRARY: (LibraryId.parse(document), document)},
        members=members,
    )
    content.libraries.set(packages.extract(io.BytesIO(data), inspection, content))
    content.status = H5PContent.Status.READY
    content.save()
    return content


@pytest.fixture
def broken(org_a, enable_plugin):
    enable_plugin(org_a, "h5p")
    return stored_before_the_rules(org_a).libraries.get()


def test_a_complete_upload_of_the_same_version_never_silently_repairs_a_broken_one(
    org_a, broken
):
    old = broken.contents.get()
    complete = upload(org_a, h5p_packages.package(), uploaded_by=english_speaker(org_a))
    assert complete.status == "ready"
    assert complete.libraries.get() != broken
    assert list(old.libraries.all()) == [broken]  # untouched until someone decides
    assert (
        "H5P.RelaisTest-1.0 is already stored with other files"
        in (complete.warnings[0])
    )


def test_the_library_versions_page_shows_what_a_stored_version_lacks(
    client_a, org_a, broken, django_assert_max_num_queries
):
    upload(org_a, h5p_packages.package())
    client_a.force_login(english_speaker(org_a))
    with django_assert_max_num_queries(12):
        response = client_a.get(LIBRARIES)
    rows = dict(response.context["rows"])
    assert rows[broken] == [MISSING_JS]
    assert [problems for library, problems in rows.items() if library != broken] == [[]]


def test_the_replace_page_lists_the_contents_using_the_version(client_a, org_a, broken):
    upload(org_a, h5p_packages.package(), title="Nouvelle activité")
    client_a.force_login(member(org_a, Role.TRAINER))
    response = client_a.get(f"{LIBRARIES}{broken.pk}/replace/")
    assert [content.title for content in response.context["contents"]] == [
        "Ancienne activité"
    ]
    assert "Ancienne activité" in response.content.decode()


def test_nothing_is_replaced_without_confirmation(client_a, org_a, broken):
    replacement = upload(org_a, h5p_packages.package()).libraries.get()
    client_a.force_login(member(org_a, Role.TRAINER))
    response = client_a.post(
        f"{LIBRARIES}{broken.pk}/replace/", {"replacement": replacement.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    assert H5PContent.objects.get(title="Ancienne activité").libraries.get() == broken


def test_a_trainer_replaces_a_broken_version_for_the_contents_using_it(
    client_a,
    org_a,
    broken,
    media,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    replacement = upload(org_a, h5p_packages.package()).libraries.get()
    client_a.force_login(member(org_a, Role.TRAINER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            f"{LIBRARIES}{broken.pk}/replace/",
            {"replacement": replacement.pk, "confirm": "on"},
        )
    assert response.status_code == 302
    old = H5PContent.objects.get(title="Ancienne activité")
    assert old.libraries.get() == replacement
    # The broken copy leaves the store: its row and its files.
    assert not H5PLibrary.objects.filter(pk=broken.pk).exists()
    assert not any(name.startswith(broken.directory) for name in stored_files(media))
    assert packages.stored_problems(replacement) == []


def test_only_a_complete_stored_copy_is_offered_as_a_replacement(
    client_a, org_a, broken
):
    client_a.force_login(english_speaker(org_a))
    page = client_a.get(f"{LIBRARIES}{broken.pk}/replace/")
    assert page.context["candidates"] == []
    assert "No complete copy of H5P.RelaisTest-1.0" in page.content.decode()
    other_broken = stored_before_the_rules(org_a, "Autre").libraries.get()
    assert other_broken == broken  # the same broken files are the same version
    response = client_a.post(
        f"{LIBRARIES}{broken.pk}/replace/", {"replacement": broken.pk, "confirm": "on"}
    )
    assert response.status_code == 200
    assert H5PLibrary.objects.filter(pk=broken.pk).exists()


def test_coordinators_and_learners_cannot_replace_a_library(client_a, org_a, broken):
    replacement = upload(org_a, h5p_packages.package()).libraries.get()
    for role in (Role.COORDINATOR, Role.LEARNER):
        client_a.force_login(member(org_a, role))
        assert client_a.get(LIBRARIES).status_code == 403
        response = client_a.post(
            f"{LIBRARIES}{broken.pk}/replace/",
            {"replacement": replacement.pk, "confirm": "on"},
        )
        assert response.status_code == 403
    assert H5PContent.objects.get(title="Ancienne activité").libraries.get() == broken


def test_another_organisations_trainer_cannot_see_or_replace_its_libraries(
    client, org_a, org_b, broken, enable_plugin
):
    enable_plugin(org_b, "h5p")
    theirs = upload(org_b, h5p_packages.package()).libraries.get()
    client.force_login(member(org_b, Role.TRAINER))
    response = client.get(f"{LIBRARIES}{broken.pk}/replace/", HTTP_HOST="b.test")
    assert response.status_code == 404
    response = client.post(
        f"{LIBRARIES}{broken.pk}/replace/",
        {"replacement": theirs.pk, "confirm": "on"},
        HTTP_HOST="b.test",
    )
    assert response.status_code == 404
    listed = client.get(LIBRARIES, HTTP_HOST="b.test").context["rows"]
    assert [library for library, _problems in listed] == [theirs]
    assert H5PContent.objects.get(title="Ancienne activité").libraries.get() == broken
