"""Issue 15, finding 4 (personal files are public) and the content origin's walls.

Every kind of stored file is fetched by the people who must not get it (anonymous,
another learner of the organisation, a trainer, a coordinator of another
organisation on its own host and on this one): refused; and by those who may: a
download (``Content-Disposition: attachment``, never sniffed), or, for the files of
packages written by others, only on the content origin, under the player's token.
Packages that would exhaust the worker are refused before anything is unpacked.
"""

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.learning import enrol
from lms.models import Role
from tests import h5p_packages, scorm_kit
from tests.factories import make_course, member

CONTENT = "content.a.test"
REFUSED = (302, 403, 404)  # 302: to the login page, or to one's own home
# A "certificate" that is really an SVG with a script, named as a PDF.
SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)'
    b"</script></svg>"
)


@pytest.fixture(autouse=True)
def stores(settings, tmp_path):
    """Public media, packages and private files of this test, apart."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from contextlib import ExitStack

    with ExitStack() as stack:
        for name in ("packages", "private"):
            if name in settings.STORAGES:  # both, since finding 4
                stack.enter_context(
                    h5p_packages.storage_in(storages[name], tmp_path / name)
                )
        yield tmp_path


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())


def public_media(stores):
    media = stores / "media"
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


# The people who try ------------------------------------------------------------------

VIEWERS = [
    "anonymous",
    "another learner",
    "a trainer",
    "a coordinator of B",
    "a coordinator of B on A's host",
]


def fetch(client, viewer, url, org_a, org_b):
    host = "b.test" if viewer == "a coordinator of B" else "a.test"
    client.logout()
    if viewer == "another learner":
        client.force_login(member(org_a))
    elif viewer == "a trainer":
        client.force_login(member(org_a, Role.TRAINER))
    elif viewer.startswith("a coordinator of B"):
        client.force_login(member(org_b, Role.COORDINATOR))
    return client.get(url, HTTP_HOST=host)


def assert_download(response, body=None):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    if body is not None:
        assert b"".join(response.streaming_content) == body


# Personal files: evidence attachments and exports ------------------------------------


@pytest.fixture
def skills(org_a, org_b, enable_plugin):
    from relais_skills.models import Framework, Skill

    for organisation in (org_a, org_b):
        enable_plugin(organisation, "skills")
    framework = Framework.objects.create(organisation=org_a, name="Entraide")
    return Skill.objects.create(framework=framework, name="Accueil du public")


@pytest.fixture
def attachment(client, skills, org_a):
    """Léa declares prior experience with her "certificate": (Léa, its URL)."""
    from relais_skills.models import Evidence

    lea = member(org_a)
    client.force_login(lea)
    response = client.post(
        reverse("skills:declare_prior"),
        {
            "skill": skills.pk,
            "level": 3,
            "attachment": SimpleUploadedFile("certificat.pdf", SVG_WITH_SCRIPT),
        },
        HTTP_HOST="a.test",
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    client.logout()
    return lea, reverse("skills:evidence_file", args=[evidence.pk])


@pytest.fixture
def export(client, skills, org_a, settings):
    """A coordinator's skills matrix export, written in the background: (the
    coordinator, its download URL)."""
    from relais_skills.models import Job

    settings.LMS_SKILLS_EXPORT_INLINE_ROWS = 0  # always in the background
    sophie = member(org_a, Role.COORDINATOR)
    client.force_login(sophie)
    started = client.get(
        reverse("skills_matrix"), {"export": "xlsx"}, HTTP_HOST="a.test"
    )
    assert started.status_code == 302
    job = Job.objects.get(kind="matrix-export")
    assert job.status == "done"
    client.logout()
    return sophie, reverse("skills_job_download", args=[job.pk])


def test_finding_4_an_evidence_attachment_is_no_shared_public_document(
    client, attachment, stores
):
    from wagtail.documents import get_document_model

    from relais_skills.models import Evidence

    assert not get_document_model().objects.exists()  # not in every editor's library
    assert public_media(stores) == []  # nothing a web server would publish
    stored = Evidence.objects.get().attachment
    assert stored.storage is storages["private"]
    with pytest.raises(ValueError):
        stored.url  # noqa: B018  (no URL at all)


def test_finding_4_a_skills_export_is_written_to_the_private_storage(export, stores):
    from relais_skills.models import Job

    result = Job.objects.get().result
    assert result.storage is storages["private"]
    assert public_media(stores) == []
    with pytest.raises(ValueError):
        result.url  # noqa: B018


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("kind", ["attachment", "export"])
def test_finding_4_personal_files_are_refused_to_whoever_may_not_see_them(
    request, client, org_a, org_b, kind, viewer
):
    _owner, url = request.getfixturevalue(kind)
    response = fetch(client, viewer, url, org_a, org_b)
    assert response.status_code in REFUSED, (kind, viewer)


def test_finding_4_the_person_and_their_coordinator_download_the_attachment(
    client, attachment, org_a
):
    lea, url = attachment
    for person in (lea, member(org_a, Role.COORDINATOR), member(org_a, Role.ADMIN)):
        client.force_login(person)
        assert_download(client.get(url, HTTP_HOST="a.test"), SVG_WITH_SCRIPT)


def test_finding_4_the_attachment_is_linked_only_for_those_who_may_open_it(
    client, attachment, org_a
):
    from lms.models import Membership

    lea, url = attachment
    profile = reverse(
        "skills:person", args=[Membership.objects.get(user=lea, organisation=org_a).pk]
    )
    client.force_login(member(org_a, Role.COORDINATOR))
    assert url in client.get(profile, HTTP_HOST="a.test").content.decode()
    client.force_login(member(org_a, Role.TRAINER))
    page = client.get(profile, HTTP_HOST="a.test")
    assert page.status_code == 200 and url not in page.content.decode()


def test_finding_4_the_export_downloads_for_its_organisations_managers(
    client, export, org_a
):
    sophie, url = export
    for person in (sophie, member(org_a, Role.ADMIN)):
        client.force_login(person)
        assert_download(client.get(url, HTTP_HOST="a.test"))


# Files of packages written by others: H5P and SCORM ----------------------------------


def h5p_upload(organisation, data):
    from relais_h5p.models import H5PContent
    from relais_h5p.tasks import process_package

    content = H5PContent.objects.create(
        organisation=organisation,
        title="Activité",
        package=ContentFile(data, name="activity.h5p"),
    )
    process_package.call(content.pk)
    content.refresh_from_db()
    return content


def h5p_lesson(organisation, content, learner):
    course = make_course(organisation, lessons=1)
    enrol(learner, course, organisation)
    lesson = course.get_lessons().first()
    lesson.body = [("h5p", {"content": content, "required": True})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


def player_url(client, lesson, learner, host="a.test"):
    """The player URL the learner's lesson page frames."""
    client.force_login(learner)
    page = client.get(lesson.learn_url(), HTTP_HOST=host).content.decode()
    src = re.search(r'<iframe class="h5p-frame"[^>]* src="([^"]+)"', page)
    assert src, "the lesson frames no H5P player"
    client.logout()
    return src.group(1)


def with_svg():
    files = h5p_packages.members()
    files["content/images/logo.svg"] = SVG_WITH_SCRIPT
    return h5p_packages.build(files)


@pytest.fixture
def h5p(org_a, enable_plugin):
    """An H5P activity holding an SVG with a script, in a lesson of A: (content,
    lesson, learner)."""
    enable_plugin(org_a, "h5p")
    content = h5p_upload(org_a, with_svg())
    assert content.status == "ready", content.error
    learner = member(org_a)
    return content, h5p_lesson(org_a, content, learner), learner


def test_finding_4_h5p_files_are_never_served_on_the_platforms_origin(
    client, h5p, org_a, org_b, stores
):
    content, _lesson, learner = h5p
    library = content.libraries.get()
    assert public_media(stores) == []
    paths = [
        f"/h5p/files/content/{content.uuid}/content/images/logo.svg",
        f"/h5p/files/content/{content.uuid}/h5p.json",
        f"/h5p/files/libraries/{library.folder}/relais-test.js",
        f"/media/h5p/content/{content.uuid}/content/images/logo.svg",
    ]
    for viewer in [*VIEWERS, "the learner"]:
        for path in paths:
            if viewer == "the learner":
                client.force_login(learner)
                response = client.get(path, HTTP_HOST="a.test")
            else:
                response = fetch(client, viewer, path, org_a, org_b)
            assert response.status_code in REFUSED, (viewer, path)


def test_finding_4_an_svg_in_an_h5p_package_runs_nothing_anywhere(client, h5p):
    _content, lesson, learner = h5p
    player = player_url(client, lesson, learner)
    assert player.startswith(f"http://{CONTENT}/h5p/play/")
    base = player.removeprefix(f"http://{CONTENT}")
    # On the content origin, under the token, without any cookie: served, inert.
    svg = f"{base}files/content/content/images/logo.svg"  # h5p.json's folder
    response = client.get(svg, HTTP_HOST=CONTENT)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "allow-scripts" not in policy
    # The player itself, opened on the platform's origin: not there.
    client.force_login(learner)
    assert client.get(base, HTTP_HOST="a.test").status_code == 404
    # Opened on its own on the content origin: an opaque origin, framed only by A.
    page = client.get(base, HTTP_HOST=CONTENT)
    assert page.status_code == 200 and not page.cookies
    assert "sandbox allow-scripts" in page["Content-Security-Policy"]
    assert "frame-ancestors http://a.test" in page["Content-Security-Policy"]


def test_finding_4_an_html_page_in_an_h5p_package_is_refused_and_writes_nothing(
    org_a, stores
):
    files = h5p_packages.members()
    files["content/page.html"] = "<script>parent.document.cookie</script>"
    content = h5p_upload(org_a, h5p_packages.build(files))
    assert content.status == "failed" and "extension" in content.error
    assert not list((stores / "packages").rglob("*.*"))


@pytest.mark.parametrize(
    "path", ["content/h5p.json", "libraries/H5P.RelaisTest-1.0/relais-test.js"]
)
def test_finding_4_h5p_files_go_only_to_the_holder_of_that_contents_token(
    client, h5p, org_b, enable_plugin, path
):
    content, lesson, learner = h5p
    base = player_url(client, lesson, learner).removeprefix(f"http://{CONTENT}")
    assert client.get(f"{base}files/{path}", HTTP_HOST=CONTENT).status_code == 200
    token = base.split("/")[3]
    forged = base.replace(token, token[:-4] + "AAAA")
    assert client.get(f"{forged}files/{path}", HTTP_HOST=CONTENT).status_code == 404
    # Another organisation's content, with its own token, names only its files.
    enable_plugin(org_b, "h5p")
    theirs = h5p_upload(org_b, h5p_packages.build({**h5p_packages.members()}))
    someone = member(org_b)
    their_lesson = h5p_lesson(org_b, theirs, someone)
    other = player_url(client, their_lesson, someone, host="b.test")
    other = other.removeprefix("http://content.b.test")
    assert f"{content.uuid}" not in other
    for name in (f"content/{content.uuid}/h5p.json", f"../{base}files/{path}"):
        response = client.get(f"{other}files/{name}", HTTP_HOST="content.b.test")
        assert response.status_code == 404, name


def test_finding_4_a_new_upload_of_a_library_version_with_other_files_is_kept(
    client, org_a, org_b, enable_plugin
):
    enable_plugin(org_a, "h5p")
    first = h5p_upload(org_a, h5p_packages.package())
    changed = h5p_packages.members()
    changed[f"{h5p_packages.LIBRARY}/relais-test.js"] += "\n// version 1.0.1"
    second = h5p_upload(org_a, h5p_packages.build(changed))
    assert (first.status, second.status) == ("ready", "ready")
    old, new = first.libraries.get(), second.libraries.get()
    assert old != new and old.digest != new.digest
    for content, expected in ((first, False), (second, True)):
        learner = member(org_a)
        lesson = h5p_lesson(org_a, content, learner)
        base = player_url(client, lesson, learner).removeprefix(f"http://{CONTENT}")
        script = client.get(
            f"{base}files/libraries/H5P.RelaisTest-1.0/relais-test.js",
            HTTP_HOST=CONTENT,
        )
        body = b"".join(script.streaming_content).decode()
        assert ("version 1.0.1" in body) is expected
    # Another organisation's content-only package does not pick up A's libraries.
    theirs = h5p_upload(org_b, h5p_packages.package(with_library=False))
    assert theirs.status == "failed" and "H5P.RelaisTest-1.0" in theirs.error


@pytest.fixture
def scorm(org_a, enable_plugin):
    from relais_scorm.models import ScormPackage
    from relais_scorm.tasks import process_package

    enable_plugin(org_a, "scorm")
    package = ScormPackage.objects.create(
        organisation=org_a,
        title="Module",
        package=ContentFile(scorm_kit.scorm12(scos=1), name="module.zip"),
    )
    process_package.call(package.pk)
    package.refresh_from_db()
    assert package.status == "ready", package.error
    return package


def test_finding_4_scorm_files_are_only_on_the_content_origin_under_a_token(
    client, scorm, org_a, org_b, stores
):
    from relais_scorm.launch import Launch

    assert public_media(stores) == []
    learner = member(org_a)
    launch = Launch(learner.pk, org_a.pk, scorm.pk, "urn:x", "http://a.test")
    token = launch.token()
    files = f"/scorm/play/{token}/files"
    response = client.get(f"{files}/sco1.html", HTTP_HOST=CONTENT)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self' http://a.test" in response["Content-Security-Policy"]
    for viewer in VIEWERS:
        for path in (f"{files}/sco1.html", f"/media/{scorm.folder}/sco1.html"):
            response = fetch(client, viewer, path, org_a, org_b)
            assert response.status_code in REFUSED, (viewer, path)
    forged = files.replace(token, token[:-4] + "AAAA")
    assert client.get(f"{forged}/sco1.html", HTTP_HOST=CONTENT).status_code == 404


# Packages that would exhaust the worker ----------------------------------------------


def ab_text(size):
    """Text that deflates about 7 times: well below any per-file ratio limit."""
    return os.urandom(size).translate(bytes(b"ab"[n % 2] for n in range(256)))


def test_finding_4_a_zip_bomb_of_ordinary_files_is_refused_and_writes_nothing(
    org_a, settings, stores
):
    settings.LMS_PACKAGE_MAX_RATIO = 4
    files = h5p_packages.members()
    for number in range(11):
        files[f"content/part{number}.txt"] = ab_text(1024 * 1024)
    content = h5p_upload(org_a, h5p_packages.build(files))
    assert content.status == "failed"
    assert "ZIP bomb" in content.error
    assert not list((stores / "packages").rglob("*.*"))  # not even the upload


def test_finding_4_a_json_document_too_large_to_parse_is_refused_unread(
    org_a, settings, stores
):
    settings.LMS_H5P_MAX_JSON_MB = 1
    files = h5p_packages.members()
    files["content/content.json"] = json.dumps({"items": list(range(300_000))})
    content = h5p_upload(org_a, h5p_packages.build(files))
    assert content.status == "failed"
    assert "content/content.json" in content.error and "larger" in content.error
    assert not list((stores / "packages").rglob("*.*"))


def test_finding_4_too_many_files_or_a_huge_manifest_are_refused(
    org_a, enable_plugin, settings, stores
):
    from relais_scorm.models import ScormPackage
    from relais_scorm.tasks import process_package

    settings.LMS_PACKAGE_MAX_FILES = 20
    files = h5p_packages.members()
    files.update({f"content/{n}.txt": "x" for n in range(30)})
    assert "20 files" in h5p_upload(org_a, h5p_packages.build(files)).error

    settings.LMS_SCORM_MAX_MANIFEST_KB = 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest>" + " " * 4096 + "</manifest>")
        archive.writestr("index.html", "<p>x</p>")
    package = ScormPackage.objects.create(
        organisation=org_a,
        title="Trop gros",
        package=ContentFile(buffer.getvalue(), name="big.zip"),
    )
    process_package.call(package.pk)
    package.refresh_from_db()
    assert package.status == "failed"
    # Told in the organisation's language, as there is no uploader to ask.
    assert package.error == "imsmanifest.xml dépasse les 1\xa0Ko permis."
    assert not list((stores / "packages").rglob("*.html"))


# The platform's pages: a Content-Security-Policy --------------------------------------


def policy(response):
    return dict(
        [*part.split(" ", 1), ""][:2]
        for part in response["Content-Security-Policy"].split("; ")
    )


def test_platform_pages_send_a_content_security_policy(client_a, org_a):
    client_a.force_login(member(org_a))
    directives = policy(client_a.get("/dashboard/"))
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert f"http://{CONTENT}" in directives["frame-src"]
    assert directives["frame-ancestors"] == "'self'"
    assert directives["object-src"] == "'none'"


def test_the_lessons_inline_script_carries_the_policys_nonce(client, h5p):
    _content, lesson, learner = h5p
    client.force_login(learner)
    response = client.get(lesson.learn_url(), HTTP_HOST="a.test")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    inline = [attributes for attributes in scripts if "src=" not in attributes]
    assert inline and all(f'nonce="{nonce}"' in a for a in inline)


def test_the_wagtail_admin_gets_a_policy_it_works_with(client_a, org_a):
    client_a.force_login(member(org_a, Role.TRAINER))
    response = client_a.get("/admin/")
    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" in directives["script-src"]
    assert directives["frame-ancestors"] == "'self'"


def test_content_origin_views_keep_their_own_policy(client, h5p):
    _content, lesson, learner = h5p
    base = player_url(client, lesson, learner).removeprefix(f"http://{CONTENT}")
    page = client.get(base, HTTP_HOST=CONTENT)
    assert "'unsafe-eval'" in page["Content-Security-Policy"]  # the player's


# The content origin's boundary ----------------------------------------------------


def test_content_pages_are_recognised_without_a_referer(client_a, org_a):
    client_a.force_login(member(org_a))
    same_site = {"HTTP_SEC_FETCH_SITE": "same-site"}
    assert (
        client_a.get(
            "/dashboard/", HTTP_SEC_FETCH_MODE="no-cors", **same_site
        ).status_code
        == 403
    )
    assert (
        client_a.get(
            "/dashboard/", HTTP_SEC_FETCH_MODE="navigate", **same_site
        ).status_code
        == 200
    )


def test_the_deploy_check_errors_without_a_content_origin_on_another_site(settings):
    from django.core.checks import run_checks

    def errors():
        return {
            message.id
            for message in run_checks(include_deployment_checks=True)
            if message.id and message.id.startswith("lms.")
        }

    settings.ALLOWED_HOSTS = ["relais.example", ".relais.example"]
    settings.CONTENT_HOSTS = []
    settings.LMS_CONTENT_ORIGIN = ""
    assert "lms.E101" in errors()
    settings.LMS_CONTENT_ORIGIN = "https://content.relais.example"
    settings.CONTENT_HOSTS = ["content.relais.example"]
    assert "lms.E102" in errors()
    settings.LMS_CONTENT_ORIGIN = "https://relais-lessons.example"
    settings.CONTENT_HOSTS = ["relais-lessons.example"]
    assert not errors() & {"lms.E101", "lms.E102"}


def test_production_settings_fail_check_deploy_and_prefix_their_cookies(tmp_path):
    root = Path(__file__).resolve().parents[1]
    environment = {
        **os.environ,
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "relais.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "WAGTAILADMIN_BASE_URL": "https://relais.example",
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    }
    environment.pop("LMS_CONTENT_ORIGIN", None)
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode != 0
    assert "lms.E101" in check.stderr + check.stdout
    names = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)",
        ],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert names.stdout.split() == ["__Host-sessionid", "__Host-csrftoken"]


# Files of before: moved by the migrations ------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finding_4_the_migration_moves_attachments_out_of_the_public_documents(
    stores,
):
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("skills", "0004_evidence_private_note")],
        [("skills", "0007_evidence_attachment_private")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    site = apps.get_model("wagtailcore", "Site").objects.create(
        hostname="old.test", root_page_id=1
    )
    user = apps.get_model("auth", "User").objects.create(username="lea")
    framework = apps.get_model("skills", "Framework").objects.create(
        organisation=site, name="Entraide"
    )
    skill = apps.get_model("skills", "Skill").objects.create(
        framework=framework, name="Accueil"
    )
    collection = apps.get_model("wagtailcore", "Collection").objects.get(depth=1)
    name = default_storage.save("documents/certificat.pdf", ContentFile(b"%PDF-1.4"))
    document = apps.get_model("wagtaildocs", "Document").objects.create(
        title="certificat.pdf", file=name, collection=collection
    )
    apps.get_model("skills", "Evidence").objects.create(
        organisation=site,
        user=user,
        skill=skill,
        level=3,
        source="prior",
        observed_on="2026-01-15",
        attachment=document,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    from wagtail.documents import get_document_model

    from relais_skills.models import Evidence

    evidence = Evidence.objects.get()
    assert evidence.attachment.storage is storages["private"]
    assert evidence.attachment.read() == b"%PDF-1.4"
    assert not default_storage.exists(name)  # the public copy is gone
    assert not get_document_model().objects.exists()
