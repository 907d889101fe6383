"""The SCORM plugin: uploads checked and extracted to private storage, a player on
the content origin whose runtime commits are merged element by element, results
that complete lessons, attempts, and who sees what."""

import json
import threading
from dataclasses import astuple
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from courses.learning import enrol
from courses.models import LessonProgress, Statement
from lms.models import Role
from relais_scorm import runtime
from relais_scorm.launch import Launch
from relais_scorm.models import ScormAttempt, ScormPackage, ScoState, packages_storage
from relais_scorm.tasks import process_package
from tests import scorm_kit
from tests.factories import make_course, member

CONTENT = "content.a.test"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
FLOW = (
    '<imsss:sequencing><imsss:controlMode choice="true" flow="true"/>'
    "</imsss:sequencing>"
)


def upload(org, data, title="Module"):
    package = ScormPackage.objects.create(
        organisation=org, title=title, package=ContentFile(data, name="module.zip")
    )
    process_package.call(package.pk)
    package.refresh_from_db()
    return package


def extracted(package):
    root = Path(packages_storage().path(package.folder))
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def activity(org_a, enable_plugin):
    """A required SCORM 2004 activity (two SCOs, passed at 0.7) in a lesson the
    learner follows: (learner, lesson, package, launch)."""
    enable_plugin(org_a, "scorm")
    package = upload(org_a, scorm_kit.scorm2004(scos=2, passing=0.7, sequencing=FLOW))
    assert package.status == "ready", package.error
    return _lesson_with(org_a, package)


def _lesson_with(org, package, attempts=None):
    course = make_course(org, lessons=1)
    lesson = course.get_lessons().first()
    lesson.body = [
        ("scorm", {"package": package, "required": True, "attempts": attempts})
    ]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    learner = member(org)
    enrol(learner, course, org)
    launch = Launch(
        learner.pk,
        org.pk,
        package.pk,
        f"urn:relais:activity:{lesson.pk}:{lesson.body[0].id}",
        "http://a.test",
    )
    return learner, lesson, package, launch


def play(client, launch):
    """Open the player as the browser does; returns its configuration."""
    response = client.get(f"/scorm/play/{launch.token()}/", HTTP_HOST=CONTENT)
    assert response.status_code == 200, response.content[:300]
    page = response.content.decode()
    start = page.index('id="scorm-config"')
    start = page.index(">", start) + 1
    return json.loads(page[start : page.index("</script>", start)])


def post(client, url, body, **headers):
    return client.post(
        url,
        body if isinstance(body, str) else json.dumps(body),
        content_type="text/plain",
        HTTP_HOST=CONTENT,
        **headers,
    )


def navigate(client, config, request, commit=None, target=None):
    return post(
        client,
        config["navigateUrl"],
        {"request": request, "target": target, "commit": commit},
    )


def commit(client, config, item, values, session="s1", sequence=1, end=False):
    return post(
        client,
        config["commitUrl"] + item,
        {"session": session, "sequence": sequence, "values": values, "terminated": end},
    )


# Uploads -----------------------------------------------------------------------


def test_a_trainer_uploads_a_zip_that_is_read_and_extracted_privately(
    client_a, org_a, enable_plugin, django_capture_on_commit_callbacks, settings
):
    enable_plugin(org_a, "scorm")
    client_a.force_login(member(org_a, Role.TRAINER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            "/admin/snippets/scorm/scormpackage/add/",
            {
                "title": "Accueil",
                "package": SimpleUploadedFile(
                    "accueil.zip", scorm_kit.scorm12(scos=3, mastery=80)
                ),
            },
        )
    assert response.status_code == 302, response.content.decode()[:500]
    package = ScormPackage.objects.get()
    assert (package.status, package.version, package.organisation) == (
        "ready",
        "1.2",
        org_a,
    )
    assert package.item_count() == 3
    assert [leaf.mastery_score for leaf in package.parsed().leaves()] == [80.0] * 3
    assert extracted(package) == [
        "imsmanifest.xml",
        "sco1.html",
        "sco2.html",
        "sco3.html",
    ]
    # Never under MEDIA_ROOT, never at a public URL.
    assert not packages_storage().path(package.folder).startswith(settings.MEDIA_ROOT)
    assert client_a.get(f"/media/{package.folder}/sco1.html").status_code == 404


def test_only_trainers_and_admins_upload(client_a, org_a, enable_plugin):
    enable_plugin(org_a, "scorm")
    for role in (Role.LEARNER, Role.MENTOR, Role.COORDINATOR):
        client_a.force_login(member(org_a, role))
        response = client_a.get("/admin/snippets/scorm/scormpackage/add/")
        assert response.status_code in (302, 403), role
    client_a.force_login(member(org_a, Role.TRAINER))
    assert client_a.get("/admin/snippets/scorm/scormpackage/add/").status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "words"), scorm_kit.broken(), ids=lambda v: str(v)[:20]
)
def test_a_bad_package_is_refused_with_its_reason_and_leaves_nothing(
    org_a, name, data, words
):
    package = upload(org_a, data)
    assert package.status == "failed"
    assert words in package.error, package.error
    assert not packages_storage().exists(package.folder)
    assert not package.package  # the upload itself is removed too
    assert not ScormAttempt.objects.exists()


def test_a_4th_edition_package_with_schema_files_at_its_root_is_accepted(org_a):
    """Schemas and auxiliary files the manifest never references, of extensions
    no list foresees, cannot run in a browser: they are kept, not refused."""
    package = upload(org_a, scorm_kit.scorm2004(extra_files=scorm_kit.SCHEMA_FILES))
    assert package.status == "ready", package.error
    assert set(scorm_kit.SCHEMA_FILES) <= set(extracted(package))


def test_an_auxiliary_file_is_served_as_a_download_never_as_a_page(
    client, org_a, enable_plugin
):
    enable_plugin(org_a, "scorm")
    package = upload(org_a, scorm_kit.scorm2004(extra_files=scorm_kit.SCHEMA_FILES))
    *_rest, launch = _lesson_with(org_a, package)
    response = client.get(
        f"/scorm/play/{launch.token()}/files/ims_xml.ent", HTTP_HOST=CONTENT
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"


@pytest.mark.parametrize(
    ("language", "name", "reason"),
    [
        ("fr", "shell.php", "est un programme ou un script pour serveur (.php)"),
        ("en", "shell.php", "is a program or a server-side script (.php)"),
        ("fr", "page.shtml", "pourrait s\u2019exécuter dans le navigateur (.shtml)"),
    ],
)
def test_a_refusal_names_the_file_and_says_why_in_the_uploaders_language(
    org_a, language, name, reason
):
    from wagtail.users.models import UserProfile

    trainer = member(org_a, Role.TRAINER)
    UserProfile.objects.create(user=trainer, preferred_language=language)
    data = scorm_kit.scorm2004(extra_files={name: "<?php ?>"})
    package = ScormPackage.objects.create(
        organisation=org_a,
        title="Module",
        package=ContentFile(data, name="module.zip"),
        uploaded_by=trainer,
    )
    process_package.call(package.pk)
    package.refresh_from_db()
    assert package.status == "failed"
    assert package.error.startswith(
        {"fr": "Le module est refusé\u00a0: ", "en": "The package is refused: "}[
            language
        ]
    )
    assert f"{name} {reason}" in package.error


def test_a_file_that_is_not_a_zip_is_refused_by_the_form(
    client_a, org_a, enable_plugin
):
    enable_plugin(org_a, "scorm")
    client_a.force_login(member(org_a, Role.TRAINER))
    response = client_a.post(
        "/admin/snippets/scorm/scormpackage/add/",
        {"title": "X", "package": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 200
    assert "zip" in response.content.decode()
    assert not ScormPackage.objects.exists()


# The content origin --------------------------------------------------------------


def test_the_lesson_frames_the_player_from_the_content_origin(client_a, activity):
    learner, lesson, _package, _launch = activity
    client_a.force_login(learner)
    page = client_a.get(lesson.learn_url()).content.decode()
    assert 'src="http://content.a.test/scorm/play/' in page
    assert "allow-same-origin" in page  # its own origin: never the platform's
    token = page.split("/scorm/play/")[1].split("/")[0]
    player = client_a.get(f"/scorm/play/{token}/", HTTP_HOST=CONTENT)
    assert player.status_code == 200
    assert "scorm-again/scorm2004.min.js" in player.content.decode()
    assert "frame-ancestors http://a.test" in player["Content-Security-Policy"]
    assert not player.cookies  # the content origin sets no cookie
    # The player is not on the platform, the platform not on the content origin.
    assert client_a.get(f"/scorm/play/{token}/").status_code == 404
    assert client_a.get(lesson.learn_url(), HTTP_HOST=CONTENT).status_code == 404


def test_the_content_origin_never_sees_the_learners_session(client, activity):
    learner, _lesson, _package, launch = activity
    client.force_login(learner)
    assert client.cookies.get("sessionid")
    # Even sent by mistake, the cookie is stripped: a platform page stays a 404 and
    # the content views act for the token's learner only.
    assert client.get("/dashboard/", HTTP_HOST=CONTENT).status_code == 404
    response = client.get(f"/scorm/play/{launch.token()}/", HTTP_HOST=CONTENT)
    assert "Set-Cookie" not in str(response.cookies)
    assert "csrftoken" not in response.cookies


def test_requests_from_content_pages_to_the_platform_are_refused(client_a, activity):
    learner, lesson, _package, _launch = activity
    client_a.force_login(learner)
    url = lesson.learn_url()
    assert client_a.get(url).status_code == 200
    from_package = {"HTTP_ORIGIN": "http://content.a.test"}
    assert client_a.get(url, **from_package).status_code == 403
    assert client_a.post("/logout/", **from_package).status_code == 403
    # No Referer needed (the player's Referrer-Policy withholds it): an image or a
    # script of a package is a same-site request that is not a navigation.
    same_site = {"HTTP_SEC_FETCH_SITE": "same-site"}
    for mode in ("no-cors", "cors"):
        response = client_a.get(url, HTTP_SEC_FETCH_MODE=mode, **same_site)
        assert response.status_code == 403, mode
    # A link in a package that the learner follows is a navigation: allowed.
    assert (
        client_a.get(url, HTTP_SEC_FETCH_MODE="navigate", **same_site).status_code
        == 200
    )
    # The platform's own pages and requests are same-origin.
    assert client_a.get(url, HTTP_SEC_FETCH_SITE="same-origin").status_code == 200


# The runtime ---------------------------------------------------------------------


def test_files_are_served_to_the_token_holder_only(client, activity):
    _learner, _lesson, _package, launch = activity
    url = f"/scorm/play/{launch.token()}/files/sco1.html"
    response = client.get(url, HTTP_HOST=CONTENT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"Partie 1" in b"".join(response.streaming_content)
    forged = launch.token()[:-3] + "abc"
    assert (
        client.get(
            f"/scorm/play/{forged}/files/sco1.html", HTTP_HOST=CONTENT
        ).status_code
        == 404
    )
    for path in ("../../settings.py", "imsmanifest.xml/../../x", "nothing.html"):
        response = client.get(
            f"/scorm/play/{launch.token()}/files/{path}", HTTP_HOST=CONTENT
        )
        assert response.status_code == 404, path


def test_another_learners_attempt_or_a_forged_token_gets_404(client, activity, org_a):
    _learner, _lesson, _package, launch = activity
    mine = play(client, launch)
    other = Launch(member(org_a).pk, *astuple(launch)[1:])
    theirs = play(client, other)
    # My token with their attempt id: refused, and nothing of theirs changes.
    foreign = mine["commitUrl"].replace(
        f"/attempts/{mine['attempt']}/", f"/attempts/{theirs['attempt']}/"
    )
    response = post(
        client, foreign + "sco1", {"session": "s", "sequence": 1, "values": {}}
    )
    assert response.status_code == 404
    token = mine["navigateUrl"].split("/")[3]  # the one the player was given
    forged = mine["navigateUrl"].replace(token, token[:-6] + "AAAAAA")
    assert post(client, forged, {"request": "start"}).status_code == 404
    assert not ScoState.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "JSON"),
        ({"session": "s", "sequence": "one", "values": {}}, "sequence"),
        ({"session": "s", "sequence": 1, "values": ["cmi.location"]}, "values"),
        (
            {"session": "s", "sequence": 1, "values": {"cmi.location": [5]}},
            "text",
        ),
        ({"session": "x" * 65, "sequence": 1, "values": {}}, "session"),
        ({"session": "s", "sequence": 1, "values": {"window.alert": "1"}}, "element"),
    ],
)
def test_a_bad_commit_is_refused_and_changes_nothing(client, activity, body, message):
    _learner, _lesson, _package, launch = activity
    config = play(client, launch)
    navigate(client, config, "start")
    before = list(ScoState.objects.values("cmi", "commits"))
    response = post(client, config["commitUrl"] + "sco1", body)
    assert response.status_code == 400
    assert message in response.json()["error"], response.json()
    assert list(ScoState.objects.values("cmi", "commits")) == before


def test_elements_the_lms_owns_are_never_taken_from_the_sco(client, activity):
    _learner, _lesson, _package, launch = activity
    config = play(client, launch)
    navigate(client, config, "start")
    commit(
        client,
        config,
        "sco1",
        {"cmi.learner_name": "Mallory", "cmi.entry": "resume", "cmi.location": "p2"},
    )
    assert ScoState.objects.get(item="sco1").cmi == {"cmi.location": "p2"}


def test_a_late_commit_never_overwrites_what_a_later_one_wrote(client, activity):
    _learner, _lesson, _package, launch = activity
    config = play(client, launch)
    navigate(client, config, "start")
    commit(client, config, "sco1", {"cmi.location": "p3"}, sequence=3)
    # Sequence 2 arrives last (a retried request): its location is older, its
    # suspend data is new and kept.
    commit(
        client,
        config,
        "sco1",
        {"cmi.location": "p2", "cmi.suspend_data": "abc"},
        sequence=2,
    )
    assert ScoState.objects.get(item="sco1").cmi == {
        "cmi.location": "p3",
        "cmi.suspend_data": "abc",
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_commits_of_one_sco_lose_no_element(client, activity):
    """The score and the status set by the SCO and committed at the same moment by
    separate requests both survive, on SQLite and on PostgreSQL."""
    _learner, _lesson, _package, launch = activity
    config = play(client, launch)
    navigate(client, config, "start")
    elements = {
        "cmi.score.raw": "90",
        "cmi.score.min": "0",
        "cmi.score.max": "100",
        "cmi.score.scaled": "0.9",
        "cmi.completion_status": "completed",
        "cmi.success_status": "passed",
        "cmi.location": "page-7",
        "cmi.suspend_data": "q1=a;q2=c",
        "cmi.progress_measure": "1",
        "cmi.interactions.0.id": "q1",
        "cmi.interactions.1.id": "q2",
        "cmi.session_time": "PT2M",
    }
    barrier = threading.Barrier(len(elements))
    statuses = []
    from django.test import Client

    def send(sequence, element, value):
        try:
            barrier.wait()
            response = Client().post(
                config["commitUrl"] + "sco1",
                json.dumps(
                    {"session": "s1", "sequence": sequence, "values": {element: value}}
                ),
                content_type="text/plain",
                HTTP_HOST=CONTENT,
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(n, element, value))
        for n, (element, value) in enumerate(elements.items(), start=1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(elements)
    state = ScoState.objects.get(item="sco1")
    assert state.cmi == elements
    assert state.commits == len(elements)
    assert (state.completion, state.success, state.score) == (
        "completed",
        "passed",
        0.9,
    )


# Results, completion, attempts ---------------------------------------------------


def test_passing_every_sco_completes_the_lesson_with_the_score(client, activity):
    learner, lesson, _package, launch = activity
    config = play(client, launch)
    start = navigate(client, config, "start").json()
    assert start["launch"]["item"] == "sco1"
    assert start["launch"]["values"]["cmi.entry"] == "ab-initio"
    assert start["launch"]["values"]["cmi.scaled_passing_score"] == "0.7"
    # The SCO reports 0.8 and completion: passed by the manifest's 0.7, though it
    # says nothing of success itself.
    done = {"cmi.completion_status": "completed", "cmi.score.scaled": "0.8"}
    reply = commit(client, config, "sco1", done, end=True).json()
    assert reply["completed"] is False  # one SCO of two: not yet
    second = navigate(client, config, "continue").json()
    assert second["launch"]["item"] == "sco2"
    assert [i["status"] for i in second["outline"]["items"]] == [
        "passed",
        "incomplete",
    ]
    reply = commit(
        client, config, "sco2", {**done, "cmi.score.scaled": "0.9"}, end=True
    )
    assert reply.json()["completed"] is True
    statement = Statement.objects.get(verb=PASSED)
    assert statement.actor == learner
    assert statement.object_id == launch.activity
    assert statement.result["score"] == {"scaled": 0.85}
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at
    # Replayed commits record nothing twice.
    commit(client, config, "sco2", done, sequence=2, end=True)
    assert Statement.objects.filter(verb=PASSED).count() == 1


def test_a_scorm12_mastery_score_decides_passed_or_failed(client, org_a, enable_plugin):
    enable_plugin(org_a, "scorm")
    package = upload(org_a, scorm_kit.scorm12(mastery=80))
    learner, lesson, _package, launch = _lesson_with(org_a, package)
    config = play(client, launch)
    values = navigate(client, config, "start").json()["launch"]["values"]
    assert values["cmi.core.student_id"] == str(learner.pk)
    assert values["cmi.student_data.mastery_score"] == "80"
    commit(
        client,
        config,
        "sco1",
        {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "60"},
        end=True,
    )
    attempt = ScormAttempt.objects.get()
    assert (attempt.completion, attempt.success, attempt.score) == (
        "completed",
        "failed",
        0.6,
    )
    assert Statement.objects.filter(verb__endswith="/failed").count() == 1
    assert not LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False)


def test_a_suspended_sco_resumes_where_the_learner_left(client, activity):
    _learner, _lesson, _package, launch = activity
    config = play(client, launch)
    navigate(client, config, "start")
    left = {
        "cmi.location": "page-4",
        "cmi.suspend_data": '{"answers":[1,3]}',
        "cmi.exit": "suspend",
        "cmi.session_time": "PT3M",
    }
    navigate(
        client,
        config,
        "suspendAll",
        commit={"session": "s1", "sequence": 1, "values": left, "terminated": True},
    )
    again = play(client, launch)
    assert again["start"] == "resumeAll"
    values = navigate(client, again, "resumeAll").json()["launch"]["values"]
    assert values["cmi.entry"] == "resume"
    assert values["cmi.location"] == "page-4"
    assert values["cmi.suspend_data"] == '{"answers":[1,3]}'
    assert runtime.seconds(values["cmi.total_time"]) == 180


def test_a_tab_closed_before_terminate_resumes_and_completes_nothing(client, activity):
    """Without Terminate (the tab closed), the attempt is not one the SCO ended:
    with objectiveSetByContent false it would otherwise count as passed."""
    _learner, _lesson, _package, launch = activity
    config = play(client, launch)
    navigate(client, config, "start")
    commit(client, config, "sco1", {"cmi.location": "page-2"})
    again = play(client, launch)
    values = navigate(client, again, "resumeAll").json()["launch"]["values"]
    assert values["cmi.entry"] == "resume"
    assert not Statement.objects.filter(verb__in=[PASSED, COMPLETED]).exists()


def test_a_new_attempt_starts_clean_within_the_limit(
    client_a, client, org_a, enable_plugin
):
    enable_plugin(org_a, "scorm")
    package = upload(org_a, scorm_kit.scorm12())
    learner, lesson, _package, launch = _lesson_with(org_a, package, attempts=2)
    url = f"/scorm/lessons/{lesson.pk}/{lesson.body[0].id}/new-attempt"
    client_a.force_login(learner)
    config = play(client, launch)
    navigate(client, config, "start")
    client_a.post(url)
    assert ScormAttempt.objects.count() == 1  # not finished: no new attempt
    commit(client, config, "sco1", {"cmi.core.lesson_status": "failed"}, end=True)
    assert (
        "Commencer une nouvelle tentative"
        in client_a.get(lesson.learn_url()).content.decode()
    )
    client_a.post(url)
    client_a.post(url)  # a double click makes one attempt
    assert list(ScormAttempt.objects.values_list("number", flat=True)) == [2, 1]
    config = play(client, launch)
    values = navigate(client, config, "start").json()["launch"]["values"]
    assert values["cmi.core.entry"] == "ab-initio"
    assert "cmi.core.lesson_status" not in values
    commit(client, config, "sco1", {"cmi.core.lesson_status": "failed"}, end=True)
    client_a.post(url)
    assert ScormAttempt.objects.count() == 2  # the limit
    assert (
        "Commencer une nouvelle tentative"
        not in client_a.get(lesson.learn_url()).content.decode()
    )


# Who sees what --------------------------------------------------------------------


def test_results_are_for_trainers_and_coordinators_of_the_organisation(
    client_a, client, activity, org_a, org_b, django_assert_max_num_queries
):
    learner, _lesson, _package, launch = activity
    config = play(client, launch)
    navigate(client, config, "start")
    commit(client, config, "sco1", {"cmi.completion_status": "incomplete"})
    others = [_lesson_with(org_a, _package)[3] for _ in range(3)]
    for other in others:
        play(client, other)
    for role, allowed in [
        (Role.LEARNER, False),
        (Role.MENTOR, False),
        (Role.TRAINER, True),
        (Role.COORDINATOR, True),
    ]:
        client_a.force_login(member(org_a, role))
        response = client_a.get("/scorm/results/")
        assert (response.status_code == 200) is allowed, role
    with django_assert_max_num_queries(14):
        page = client_a.get("/scorm/results/").content.decode()
    assert learner.get_full_name() in page
    export = client_a.get("/scorm/results/export.csv")
    assert learner.get_full_name() in export.content.decode()
    # A coordinator of another association sees none of it.
    client.defaults["HTTP_HOST"] = "b.test"
    client.force_login(member(org_b, Role.COORDINATOR))
    assert learner.get_full_name() not in client.get("/scorm/results/").content.decode()


def test_the_results_page_reads_a_constant_number_of_queries(
    client_a, client, activity, org_a, django_assert_num_queries
):
    _learner, _lesson, package, launch = activity
    client_a.force_login(member(org_a, Role.TRAINER))
    play(client, launch)
    client_a.get("/scorm/results/")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client_a.get("/scorm/results/").status_code == 200
    expected = len(few)  # now: the next request resets the query log
    for _ in range(4):
        play(client, _lesson_with(org_a, package)[3])
    with django_assert_num_queries(expected):
        client_a.get("/scorm/results/")


def test_a_trainer_previews_a_package_without_recording_anything(
    client_a, client, activity, org_a
):
    _learner, _lesson, package, _launch = activity
    trainer = member(org_a, Role.TRAINER)
    client_a.force_login(trainer)
    page = client_a.get(f"/scorm/packages/{package.pk}/preview/").content.decode()
    token = page.split("/scorm/play/")[1].split("/")[0]
    config = play(client, Launch.from_token(token))
    navigate(client, config, "start")
    commit(client, config, "sco1", {"cmi.completion_status": "completed"}, end=True)
    commit(client, config, "sco2", {"cmi.completion_status": "completed"}, end=True)
    assert ScormAttempt.objects.get(user=trainer).completion == "completed"
    assert not Statement.objects.filter(actor=trainer).exclude(
        verb__endswith="experienced"
    )
    client_a.force_login(member(org_a))
    assert client_a.get(f"/scorm/packages/{package.pk}/preview/").status_code in (
        302,
        403,
    )


def test_a_package_of_another_organisation_is_never_offered_or_played(
    client, client_a, activity, org_a, org_b, enable_plugin
):
    enable_plugin(org_b, "scorm")
    _learner, _lesson, package, launch = activity
    theirs = upload(org_b, scorm_kit.scorm12(), title="Leur module")
    client_a.force_login(member(org_a, Role.TRAINER))
    for url in (
        "/admin/snippets/scorm/scormpackage/",
        "/admin/snippets/choose/scorm/scormpackage/",
    ):
        page = client_a.get(url).content.decode()
        assert package.title in page and "Leur module" not in page, url
    edit = f"/admin/snippets/scorm/scormpackage/edit/{theirs.pk}/"
    assert client_a.get(edit).status_code in (403, 404)
    assert client_a.post(edit, {"title": "Pris"}).status_code in (403, 404)
    wrong = Launch(
        launch.user_id,
        launch.organisation_id,
        theirs.pk,
        launch.activity,
        launch.platform,
    )
    assert (
        client.get(f"/scorm/play/{wrong.token()}/", HTTP_HOST=CONTENT).status_code
        == 404
    )
    assert list(ScormPackage.objects.for_organisation(org_b)) == [theirs]


def test_a_disabled_plugin_plays_nothing(client, activity, org_a):
    _learner, _lesson, _package, launch = activity
    from lms.models import PluginActivation

    PluginActivation.objects.filter(organisation=org_a, app_label="scorm").delete()
    assert (
        client.get(f"/scorm/play/{launch.token()}/", HTTP_HOST=CONTENT).status_code
        == 404
    )


def test_seed_demo_plays_one_scorm_2004_module_in_a_course(db):
    from django.core.management import call_command
    from wagtail.models import Site

    from courses.models import LessonPage
    from lms.plugins.activation import enabled_labels

    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    call_command(
        "seed_demo", "--i-know-this-is-not-production", verbosity=0
    )  # idempotent
    site = Site.objects.get(is_default_site=True)
    (package,) = ScormPackage.objects.for_organisation(site)
    assert (package.status, package.version) == ("ready", "2004 4th Edition")
    (leaf,) = package.parsed().leaves()
    assert leaf.scaled_passing_score == 0.8
    assert "scorm" in enabled_labels(site)
    lesson = LessonPage.objects.get(slug="bons-reflexes")
    assert lesson.get_parent().title == "Accueillir le public"
    ((_block_id, value, required),) = lesson.activities()
    assert (value["package"], required) == (package, True)


# The content origin's own rules ---------------------------------------------------


def test_the_content_origin_is_derived_or_configured(rf, settings):
    from django.core.exceptions import DisallowedHost

    from lms.content_origin import content_origin, is_content_host

    settings.LMS_CONTENT_ORIGIN = ""
    for host, expected in [
        ("a.test", "http://content.a.test"),
        ("a.test:8000", "http://content.a.test:8000"),
        ("127.0.0.1:8000", "http://content.localhost:8000"),
        ("localhost:41234", "http://content.localhost:41234"),
    ]:
        assert content_origin(rf.get("/", HTTP_HOST=host)) == expected
    assert is_content_host(rf.get("/", HTTP_HOST="content.a.test"))
    assert not is_content_host(rf.get("/", HTTP_HOST="a.test"))
    settings.LMS_CONTENT_ORIGIN = "https://lessons-content.example"
    settings.ALLOWED_HOSTS = ["a.test", "lessons-content.example"]
    request = rf.get("/", HTTP_HOST="a.test", secure=True)
    assert content_origin(request) == "https://lessons-content.example"
    assert is_content_host(rf.get("/", HTTP_HOST="lessons-content.example"))
    with pytest.raises(DisallowedHost):  # no derived origin any more
        is_content_host(rf.get("/", HTTP_HOST="content.a.test"))
