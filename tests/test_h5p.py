"""The H5P plugin: uploads checked and extracted to the private packages storage,
library versions stored by their files, a sandboxed player on the content origin
whose statements complete lessons, and saved state for resuming."""

import dataclasses
import json
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.learning import enrol
from courses.models import ActivityCompletion, LessonProgress, Statement
from lms.models import Role
from lms.private_files import packages_storage
from relais_h5p.models import H5PContent, H5PLibrary, H5PUserData
from relais_h5p.player import Grant
from relais_h5p.tasks import process_package
from tests import h5p_packages
from tests.factories import make_course, member

SHARED = h5p_packages.shared_folder("h5p") or Path("/nonexistent")
CONTENT = "content.a.test"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The packages storage of this test; the public media stay empty."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with h5p_packages.storage_in(packages_storage(), tmp_path / "packages") as root:
        yield root


def stored_files(media):
    return sorted(
        str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()
    )


def upload(org, data, title="Activité", name="activity.h5p", uploaded_by=None):
    content = H5PContent.objects.create(
        organisation=org,
        title=title,
        package=ContentFile(data, name=name),
        uploaded_by=uploaded_by,
    )
    process_package.call(content.pk)
    content.refresh_from_db()
    return content


def test_a_trainer_uploads_a_package_that_is_extracted_in_the_background(
    client_a, org_a, enable_plugin, django_capture_on_commit_callbacks, media
):
    enable_plugin(org_a, "h5p")
    client_a.force_login(member(org_a, Role.TRAINER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            "/admin/snippets/h5p/h5pcontent/add/",
            {
                "title": "Accueil",
                "package": SimpleUploadedFile("accueil.h5p", h5p_packages.package()),
            },
        )
    assert response.status_code == 302, response.content.decode()[:300]
    content = H5PContent.objects.get()
    assert content.status == H5PContent.Status.READY
    assert content.main_library == "H5P.RelaisTest"
    assert content.organisation == org_a
    library = content.libraries.get()
    assert f"{library.directory}/library.json" in stored_files(media)
    assert library.directory.startswith("h5p/libraries/H5P.RelaisTest-1.0-")
    assert f"h5p/content/{content.uuid}/content/content.json" in stored_files(media)
    assert not Path(settings_media_root()).exists()  # nothing in public media


def test_only_trainers_and_admins_upload(client_a, org_a, enable_plugin):
    enable_plugin(org_a, "h5p")
    client_a.force_login(member(org_a, Role.COORDINATOR))
    client_a.post(
        "/admin/snippets/h5p/h5pcontent/add/",
        {"title": "x", "package": SimpleUploadedFile("x.h5p", h5p_packages.package())},
    )
    assert not H5PContent.objects.exists()


def test_a_file_that_is_not_h5p_is_refused_at_once(client_a, org_a, enable_plugin):
    enable_plugin(org_a, "h5p")
    client_a.force_login(member(org_a, Role.TRAINER))
    response = client_a.post(
        "/admin/snippets/h5p/h5pcontent/add/",
        {"title": "x", "package": SimpleUploadedFile("x.zip", h5p_packages.package())},
    )
    assert response.status_code == 200
    assert not H5PContent.objects.exists()


def settings_media_root():
    from django.conf import settings

    return settings.MEDIA_ROOT


def test_a_library_version_is_stored_once_for_every_package_holding_its_files(
    org_a, media
):
    first = upload(org_a, h5p_packages.package())
    library = media / first.libraries.get().directory / "relais-test.js"
    library.write_text("// the stored copy")
    second = upload(org_a, h5p_packages.package())
    assert (first.status, second.status) == ("ready", "ready")
    assert H5PLibrary.objects.count() == 1
    assert library.read_text() == "// the stored copy"  # not written again
    assert list(second.libraries.all()) == list(first.libraries.all())


def test_a_content_only_package_uses_the_stored_libraries(org_a):
    refused = upload(org_a, h5p_packages.package(with_library=False))
    assert refused.status == "failed"
    assert "H5P.RelaisTest-1.0" in refused.error
    upload(org_a, h5p_packages.package())
    accepted = upload(org_a, h5p_packages.package(with_library=False))
    assert accepted.status == "ready"
    assert [lib.folder for lib in accepted.libraries.all()] == ["H5P.RelaisTest-1.0"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    h5p_packages.malicious(),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_each_malicious_package_is_refused_with_its_reason_and_leaves_nothing(
    org_a, media, name, data, reason
):
    content = upload(org_a, data, uploaded_by=english_speaker(org_a))
    assert content.status == H5PContent.Status.FAILED, name
    assert reason.lower() in content.error.lower(), content.error
    assert stored_files(media) == []
    assert not H5PLibrary.objects.exists()


def english_speaker(org):
    """A trainer who reads the platform in English."""
    from wagtail.users.models import UserProfile

    trainer = member(org, Role.TRAINER)
    profile = UserProfile.get_for_user(trainer)
    profile.preferred_language = "en"
    profile.save()
    return trainer


def refused(org_a, media, data):
    """The package is refused and nothing of it is stored; its reasons, by line."""
    content = upload(org_a, data, uploaded_by=english_speaker(org_a))
    assert content.status == H5PContent.Status.FAILED
    assert stored_files(media) == []
    assert not H5PLibrary.objects.exists()
    return content.error.splitlines()


def test_a_library_missing_a_preloaded_file_is_refused_naming_each_file(org_a, media):
    reasons = refused(org_a, media, h5p_packages.missing_preloaded_file())
    assert reasons == [
        "H5P.RelaisTest-1.0/relais-test.js: declared in library.json (preloadedJs) "
        "but missing from the package.",
        "H5P.RelaisTest-1.0/styles/relais-test.css: declared in library.json "
        "(preloadedCss) but missing from the package.",
    ]


def test_a_library_json_lacking_required_fields_is_refused_naming_them(org_a, media):
    data = h5p_packages.library_json_lacking("title", "patchVersion", "runnable")
    assert refused(org_a, media, data) == [
        "H5P.RelaisTest-1.0/library.json: missing required fields: title, "
        "patchVersion, runnable."
    ]


def test_language_files_not_named_after_a_language_are_refused(org_a, media):
    data = h5p_packages.with_language_files("fr.json", "pt-br.json", "fr_FR.json")
    assert refused(org_a, media, data) == [
        "H5P.RelaisTest-1.0/language/fr_FR.json: not a valid language file name "
        "(expected a language code, such as fr.json or pt-br.json)."
    ]


def test_an_unparseable_semantics_json_is_refused(org_a, media):
    data = h5p_packages.with_semantics('[{"name": "label",}')
    assert refused(org_a, media, data) == [
        "H5P.RelaisTest-1.0/semantics.json: not valid JSON."
    ]


def test_a_library_that_follows_the_rules_is_accepted(org_a):
    data = h5p_packages.with_library(
        **{
            "semantics.json": '[{"name": "label", "type": "text"}]',
            "language/fr.json": '{"semantics": []}',
            "language/zh-hans-cn.json": '{"semantics": []}',
        }
    )
    assert upload(org_a, data).status == H5PContent.Status.READY


def test_why_a_library_is_refused_is_told_in_the_uploaders_language(org_a, media):
    trainer = member(org_a, Role.TRAINER)  # the organisation's language: French
    data = h5p_packages.library_json_lacking("title")
    content = upload(org_a, data, uploaded_by=trainer)
    assert content.error == (
        "H5P.RelaisTest-1.0/library.json\u00a0: champs obligatoires manquants\u00a0: "
        "title."
    )


def test_editor_libraries_among_runtime_dependencies_are_a_warning(org_a):
    dependencies = [
        {"machineName": "H5P.RelaisTest", "majorVersion": 1, "minorVersion": 0},
        {"machineName": "H5PEditor.Text", "majorVersion": 1, "minorVersion": 0},
    ]
    files = h5p_packages.members(preloadedDependencies=dependencies)
    files["H5PEditor.Text-1.0/library.json"] = json.dumps(
        {
            "title": "t",
            "machineName": "H5PEditor.Text",
            "majorVersion": 1,
            "minorVersion": 0,
            "patchVersion": 0,
            "runnable": 0,
        }
    )
    content = upload(org_a, h5p_packages.build(files))
    assert content.status == "ready"
    assert "H5PEditor.Text-1.0" in content.warnings[0]


def test_a_stray_top_level_file_and_a_bom_are_tolerated(org_a):
    files = h5p_packages.members()
    files["h5p.json"] = "\ufeff" + files["h5p.json"]
    files["H5P_CONTENT_HERE.txt"] = "hello"
    assert upload(org_a, h5p_packages.build(files)).status == "ready"


@pytest.fixture
def activity(org_a, enable_plugin):
    """A required H5P activity with a 0.7 threshold, in a course the learner follows."""
    enable_plugin(org_a, "h5p")
    content = upload(org_a, h5p_packages.package())
    course = make_course(org_a, lessons=1)
    lesson = course.get_lessons().first()
    lesson.body = [
        ("h5p", {"content": content, "required": True, "pass_threshold": 0.7})
    ]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    learner = member(org_a)
    enrol(learner, course, org_a)
    block_id = lesson.body[0].id
    grant = Grant(
        learner.pk, lesson.pk, block_id, str(content.uuid), org_a.pk, "http://a.test"
    )
    return learner, lesson, grant


def post_statements(client, grant, statements):
    return client.post(
        f"/h5p/play/{grant.token()}/xapi",
        json.dumps(statements),
        content_type="text/plain",
        HTTP_HOST=CONTENT,
    )


ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def test_the_lesson_shows_a_sandboxed_player_from_the_content_origin(
    client_a, activity
):
    learner, lesson, _grant = activity
    client_a.force_login(learner)
    page = client_a.get(lesson.learn_url()).content.decode()
    assert 'sandbox="allow-scripts allow-popups"' in page
    assert "allow-same-origin" not in page
    assert f'src="http://{CONTENT}/h5p/play/' in page
    token = page.split("/h5p/play/")[1].split("/")[0]
    player = client_a.get(f"/h5p/play/{token}/", HTTP_HOST=CONTENT)
    assert player.status_code == 200
    assert "h5p-standalone/main.bundle.js" in player.content.decode()
    policy = player["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "sandbox allow-scripts allow-popups" in policy  # opaque, even on its own
    assert "frame-ancestors http://a.test" in policy
    assert not player.cookies
    # Never on the platform's origin.
    assert client_a.get(f"/h5p/play/{token}/").status_code == 404


def test_player_statements_are_recorded_for_the_learner_and_complete_the_lesson(
    client, activity
):
    learner, lesson, grant = activity
    low = {
        "id": "6f1c2a4e-0000-4000-8000-000000000001",
        "verb": {"id": ANSWERED},
        "object": {"id": "http://h5p.example/123"},
        "result": {"score": {"scaled": 0.5}},
    }
    response = post_statements(
        client, grant, [low, {"verb": {"id": "http://h5p/unknown"}}]
    )
    assert response.json() == {"recorded": 1, "ignored": 1, "completed": False}
    assert not ActivityCompletion.objects.exists()
    good = {
        **low,
        "id": "6f1c2a4e-0000-4000-8000-000000000002",
        "result": {"score": {"scaled": 0.9}},
    }
    response = post_statements(client, grant, [good, good])  # a retry: recorded once
    assert response.json()["completed"] is True  # this batch completed it
    again = post_statements(client, grant, [{**good, "id": None}])
    assert again.json()["completed"] is False  # already done: no second announcement
    # Stored under ids the platform keys (the player's own could be posted first
    # by someone else), about the activity of the grant, vouched for by the platform.
    recorded = Statement.objects.filter(verb=ANSWERED)
    assert recorded.count() == 3
    assert {(s.actor, s.object_id, s.authority) for s in recorded} == {
        (learner, grant.activity, "platform")
    }
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at


def test_a_forged_token_or_a_disabled_site_gets_nothing(client, activity, org_a):
    _learner, _lesson, grant = activity
    forged = grant.token()[:-2] + "xx"
    response = client.post(
        f"/h5p/play/{forged}/xapi", "[]", content_type="text/plain", HTTP_HOST=CONTENT
    )
    assert response.status_code == 404
    from lms.models import PluginActivation

    PluginActivation.objects.filter(organisation=org_a).delete()
    assert post_statements(client, grant, []).status_code == 404


def test_the_players_state_is_saved_and_restored_per_learner_and_activity(
    client, activity
):
    learner, _lesson, grant = activity
    url = f"/h5p/play/{grant.token()}/state/state/0"
    assert client.get(url, HTTP_HOST=CONTENT).json() == {
        "success": True,
        "data": False,
    }
    client.post(url, {"data": '{"answers":[1]}', "preload": "1"}, HTTP_HOST=CONTENT)
    assert client.get(url, HTTP_HOST=CONTENT).json()["data"] == '{"answers":[1]}'
    assert H5PUserData.objects.get().user == learner
    client.post(url, {"data": "0", "invalidate": "1"}, HTTP_HOST=CONTENT)
    assert not H5PUserData.objects.exists()


def test_a_block_given_another_content_starts_afresh(client, org_a, activity):
    _learner, _lesson, grant = activity
    before = f"/h5p/play/{grant.token()}/state/state/0"
    client.post(before, {"data": '{"answers":[1]}'}, HTTP_HOST=CONTENT)
    other = upload(org_a, h5p_packages.package(), title="Autre contenu")
    swapped = dataclasses.replace(grant, content_uuid=str(other.uuid))
    after = f"/h5p/play/{swapped.token()}/state/state/0"
    assert client.get(after, HTTP_HOST=CONTENT).json()["data"] is False
    assert client.get(before, HTTP_HOST=CONTENT).json()["data"] == '{"answers":[1]}'


def test_state_saved_before_contents_were_kept_is_restored_then_replaced(
    client, activity
):
    learner, _lesson, grant = activity
    H5PUserData.objects.create(
        user=learner, activity=grant.activity, data_type="state", data='{"old":1}'
    )
    url = f"/h5p/play/{grant.token()}/state/state/0"
    assert client.get(url, HTTP_HOST=CONTENT).json()["data"] == '{"old":1}'
    client.post(url, {"data": '{"new":1}'}, HTTP_HOST=CONTENT)
    assert list(H5PUserData.objects.values_list("data", "content__uuid")) == [
        ('{"new":1}', uuid.UUID(grant.content_uuid))
    ]


def test_package_files_are_served_under_the_token_with_their_type_and_cors(
    client, activity
):
    _learner, _lesson, grant = activity
    files = f"/h5p/play/{grant.token()}/files"
    response = client.get(f"{files}/content/h5p.json", HTTP_HOST=CONTENT)
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Content-Type-Options"] == "nosniff"
    library = client.get(
        f"{files}/libraries/H5P.RelaisTest-1.0/relais-test.js", HTTP_HOST=CONTENT
    )
    assert library.status_code == 200
    for path in (
        "content/../../../settings.py",
        "libraries/H5P.Other-1.0/library.json",  # not a library this content uses
        "elsewhere/h5p.json",
    ):
        assert client.get(f"{files}/{path}", HTTP_HOST=CONTENT).status_code == 404
    assert client.get(f"{files}/content/h5p.json").status_code == 404  # platform


EXPECTED = {
    "truefalse-hello-world.h5p": "ready",
    "multiple-choice.h5p": "ready",
    "fill-in-the-blanks.h5p": "ready",
    "accordion.h5p": "ready",
    "column-zum-2260.h5p": "ready",
    "interactive-video.h5p": "ready",
    "interactive-book-generated-broken.h5p": "ready",  # with a warning
    "course-presentation-content-only.h5p": "failed",
}


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared real packages are not here")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_packages_from_the_wild_are_handled_as_their_readme_says(org_a, name):
    content = upload(org_a, (SHARED / name).read_bytes(), name=name)
    assert content.status == EXPECTED[name], content.error
    if name.startswith("interactive-book"):
        assert any("H5PEditor" in warning for warning in content.warnings)
    if name.startswith("course-presentation"):
        assert "twice" in content.error
    if content.status == "ready":
        assert packages_storage().exists(f"h5p/content/{content.uuid}/h5p.json")


def test_trainers_see_attempts_completion_and_best_scores(client_a, org_a, activity):
    learner, _lesson, grant = activity
    for number, scaled in enumerate([0.4, 0.9, 0.6]):
        post_statements(
            client_a,
            grant,
            [
                {
                    "id": f"6f1c2a4e-0000-4000-8000-00000000010{number}",
                    "verb": {"id": ANSWERED},
                    "result": {"score": {"scaled": scaled}},
                }
            ],
        )
    client_a.force_login(member(org_a, Role.TRAINER))
    response = client_a.get("/h5p/results/")
    (row,) = response.context["rows"]
    assert (row.attempts, row.completed, row.enrolled) == (3, 1, 1)
    assert row.completion_rate == 100
    assert row.scores == [(learner.get_full_name(), 90)]
    client_a.force_login(member(org_a))
    assert client_a.get("/h5p/results/").status_code == 403


def test_the_block_chooser_offers_only_this_organisations_ready_contents(
    client, org_a, org_b, enable_plugin
):
    enable_plugin(org_a, "h5p")
    ours = upload(org_a, h5p_packages.package(), title="Notre quiz")
    upload(org_b, h5p_packages.package(), title="Leur quiz")
    upload(org_a, b"not a zip", title="Quiz refusé")
    trainer = member(org_a, Role.TRAINER)
    client.force_login(trainer)
    page = client.get("/admin/snippets/choose/h5p/h5pcontent/", HTTP_HOST="a.test")
    text = page.content.decode()
    assert ours.title in text
    assert "Leur quiz" not in text
    assert "Quiz refusé" not in text
    found = client.get(
        "/admin/snippets/choose/h5p/h5pcontent/results/?q=quiz", HTTP_HOST="a.test"
    ).content.decode()  # the search results, the same rule
    assert ours.title in found
    assert "Leur quiz" not in found and "Quiz refusé" not in found


def test_the_library_lists_type_libraries_warnings_and_the_lessons_using_it(
    client_a, org_a, activity
):
    client_a.force_login(member(org_a, Role.TRAINER))
    page = client_a.get("/admin/snippets/h5p/h5pcontent/").content.decode()
    assert "H5P.RelaisTest-1.0" in page
    assert "H5P.RelaisTest" in page
    assert "1 fois" in page  # Wagtail's usage count, linking to the lessons
    content = H5PContent.objects.get()
    usage = client_a.get(content.usage_url).content.decode()
    assert "Leçon 1" in usage


def test_a_trainer_never_renames_or_deletes_another_organisations_content(
    client_a, org_a, org_b, enable_plugin
):
    enable_plugin(org_a, "h5p")
    theirs = upload(org_b, h5p_packages.package(), title="Leur contenu")
    client_a.force_login(member(org_a, Role.TRAINER))
    base = "/admin/snippets/h5p/h5pcontent"
    for url in (f"{base}/edit/{theirs.pk}/", f"{base}/delete/{theirs.pk}/"):
        assert client_a.get(url).status_code == 404, url
        assert client_a.post(url, {"title": "Pris"}).status_code == 404, url
    theirs.refresh_from_db()
    assert theirs.title == "Leur contenu"
    assert "Leur contenu" not in client_a.get(f"{base}/").content.decode()
