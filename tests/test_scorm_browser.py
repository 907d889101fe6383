"""SCORM in Chromium: Rustici's real golf packages (../shared/scorm) played as their
README says, the demo volunteer's SCORM 2004 module completed and resumed, and a
package script kept away from the learner's session."""

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile

from courses.learning import enrol
from courses.models import LessonProgress, Statement
from lms.models import PluginActivation
from relais_scorm.models import ScormAttempt, ScormPackage, ScoState
from relais_scorm.tasks import process_package
from tests import h5p_packages, scorm_kit
from tests.factories import PASSWORD, make_course, member
from tests.test_browser import (  # noqa: F401  (the fixture)
    CHROMIUM,
    browser,
    wait_for_quiet_database,
)

SHARED = h5p_packages.shared_folder("scorm") or Path("/nonexistent")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]
needs_shared = pytest.mark.skipif(
    not SHARED.exists(), reason="no shared real SCORM packages"
)


def wait_for(condition, seconds=20, page=None):
    """Poll ``condition``; with a ``page``, wait in Playwright's own loop, so the
    browser's events keep being served between two polls."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        if page is not None:
            page.wait_for_timeout(200)
        else:
            time.sleep(0.2)
    return False


@pytest.fixture
def site(transactional_db, django_db_serialized_rollback, live_server):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    PluginActivation.objects.get_or_create(organisation=site, app_label="scorm")
    yield site
    wait_for_quiet_database()


def lesson_playing(site, data, title="Module"):
    """A learner enrolled in a one-lesson course whose required activity is the
    package ``data``."""
    package = ScormPackage.objects.create(
        organisation=site, title=title, package=ContentFile(data, "module.zip")
    )
    process_package.call(package.pk)
    package.refresh_from_db()
    assert package.status == "ready", package.error
    course = make_course(site, lessons=1)
    lesson = course.get_lessons().first()
    lesson.body = [("scorm", {"package": package, "required": True})]
    lesson.save_revision().publish()
    learner = member(site)
    enrol(learner, course, site)
    return learner, lesson


def open_lesson(browser, base, user, lesson, password=PASSWORD, dialogs=True):  # noqa: F811
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    if dialogs:  # "resume where you left?"; without a handler they are dismissed
        page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.goto(f"{base}{lesson if isinstance(lesson, str) else lesson.learn_url()}")
    return page


def player(page):
    return page.frame_locator("iframe.scorm-frame")


def sco(page):
    return player(page).frame_locator("#player-sco")


def attempt_of(learner):
    return ScormAttempt.objects.filter(user=learner).first()


def cmi(learner, item, element):
    state = ScoState.objects.filter(attempt__user=learner, item=item).first()
    return state.cmi.get(element) if state else None


def loaded(page, href):
    """Whether the part launching ``href`` is on screen, its page fully loaded."""
    for frame in page.frames:
        if frame.url.partition("/files/")[2] == href:
            try:
                return frame.evaluate("document.readyState") == "complete"
            except Exception:  # navigated away meanwhile
                return False
    return False


def part_completed(learner, leaf):
    """The part's status as the sequencer sees it (the LMS decides for SCOs that
    report nothing)."""
    from relais_scorm.attempts import tracker

    attempt = attempt_of(learner)
    return tracker(attempt, attempt.package.parsed()).status(leaf).completed is True


def lesson_done(learner, lesson):
    return LessonProgress.objects.filter(
        user=learner, lesson=lesson, completed_at__isnull=False
    ).exists()


# Rustici's golf samples, as shared/scorm/README.md says a correct player does ------


@needs_shared
@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("golf_RuntimeBasicCalls_SCORM12.zip", "1.2"),
        ("golf_RuntimeBasicCalls_SCORM20043rdEdition.zip", "2004"),
    ],
)
def test_a_single_sco_package_tracks_pages_completion_and_score(
    site,
    live_server,
    browser,  # noqa: F811
    name,
    version,
):
    learner, lesson = lesson_playing(site, (SHARED / name).read_bytes())
    page = open_lesson(browser, live_server.url, learner, lesson)
    location = "cmi.core.lesson_location" if version == "1.2" else "cmi.location"
    course = sco(page)
    course.locator("#butNext").click()
    course.locator("#butNext").click()
    assert wait_for(lambda: cmi(learner, "item_1", location) == "2")
    # Closing the tab mid-course: the bookmark is on the server; reopening resumes
    # (the package asks, the dialog is accepted).
    page.close()
    page = open_lesson(browser, live_server.url, learner, lesson)
    course = sco(page)
    course.locator("#butPrevious").wait_for()
    assert wait_for(lambda: ScoState.objects.get(attempt__user=learner).launches == 2)
    for _ in range(13):  # page 2 to the test on page 15
        course.locator("#butNext").click()
    assert wait_for(lambda: cmi(learner, "item_1", location) == "15")
    if version == "1.2":
        assert wait_for(
            lambda: cmi(learner, "item_1", "cmi.core.lesson_status") == "completed"
        )
    course.frame_locator("#contentFrame").get_by_role(
        "button", name="Submit Answers"
    ).click()
    # Few answers given: under the package's 70 %.
    assert wait_for(lambda: attempt_of(learner).success == "failed")
    attempt = attempt_of(learner)
    raw = cmi(
        learner, "item_1", "cmi.core.score.raw" if version == "1.2" else "cmi.score.raw"
    )
    assert attempt.completion == "completed"
    assert attempt.score == pytest.approx(float(raw) / 100) and attempt.score < 0.7
    if version == "2004":
        assert cmi(learner, "item_1", "cmi.success_status") == "failed"
        assert float(cmi(learner, "item_1", "cmi.score.scaled")) == attempt.score
    statement = Statement.objects.get(actor=learner, verb__endswith="/failed")
    assert statement.result["score"] == {"scaled": round(attempt.score, 4)}
    assert not lesson_done(learner, lesson)


@needs_shared
@pytest.mark.parametrize(
    "name",
    [
        "golf_RuntimeMinimumCalls_SCORM12.zip",
        "golf_RuntimeMinimumCalls_SCORM20043rdEdition.zip",
        "golf_ContentPackagingOneFilePerSCO_SCORM12.zip",
    ],
)
def test_a_multi_sco_package_is_completed_part_by_part_from_the_contents(
    site,
    live_server,
    browser,  # noqa: F811
    name,
):
    """SCOs that only initialise and finish, or assets that never call the API: the
    LMS decides completion, part by part; the package completes when all do."""
    learner, lesson = lesson_playing(site, (SHARED / name).read_bytes())
    # These packages ask nothing; their beforeunload handler must not wait for a
    # dialog handler while the test thread sleeps.
    page = open_lesson(browser, live_server.url, learner, lesson, dialogs=False)
    contents = player(page)
    leaves = ScormPackage.objects.get().parsed().leaves()
    assert len(leaves) == 18
    contents.locator("#player-contents").click()  # folded away, for small screens
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    # A part counts once it has run: each is loaded (its onload initialises the
    # API) before the learner moves on, and the one left is then completed.
    assert wait_for(lambda: loaded(page, leaves[0].href), page=page)
    for index, leaf in enumerate(leaves[1:], start=1):
        if contents.locator("#player-toc").is_hidden():
            contents.locator("#player-contents").click()
        contents.locator(
            "#player-items button", has_text=f"{leaf.title} ·"
        ).first.click()
        assert wait_for(lambda leaf=leaf: loaded(page, leaf.href), page=page), (
            leaf.href,
            [frame.url for frame in page.frames],
        )
        left = leaves[index - 1]
        assert wait_for(lambda left=left: part_completed(learner, left), page=page), [
            (state.item, state.terminated, state.abandoned, state.commits)
            for state in ScoState.objects.filter(attempt__user=learner)
        ]
    # Going back to the first part ends the last one too.
    if contents.locator("#player-toc").is_hidden():
        contents.locator("#player-contents").click()
    contents.locator(
        "#player-items button", has_text=f"{leaves[0].title} ·"
    ).first.click()
    assert wait_for(lambda: part_completed(learner, leaves[-1]), page=page)
    assert wait_for(lambda: attempt_of(learner).completion == "completed", page=page)
    assert wait_for(lambda: lesson_done(learner, lesson), page=page)
    assert Statement.objects.filter(actor=learner, verb__endswith="/completed")
    assert errors == []


@needs_shared
def test_the_remediation_package_flows_with_next_and_previous(
    site,
    live_server,
    browser,  # noqa: F811
):
    learner, lesson = lesson_playing(
        site,
        (
            SHARED / "golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip"
        ).read_bytes(),
    )
    page = open_lesson(browser, live_server.url, learner, lesson)
    bar = player(page)
    bar.locator("#player-next").wait_for()
    assert wait_for(lambda: attempt_of(learner).current == "playing_item")
    # No choice in this package: the contents cannot be used to jump.
    bar.locator("#player-next").click()
    assert wait_for(lambda: attempt_of(learner).current == "etuqiette_item")
    bar.locator("#player-previous").click()
    assert wait_for(lambda: attempt_of(learner).current == "playing_item")


def test_a_learner_finishes_part_one_of_a_forced_sequential_course_and_gets_next(
    site,
    live_server,
    browser,  # noqa: F811
):
    """Part 2 is disabled until the shared objective part 1 writes is satisfied:
    once the SCO reports it, the player offers Next, which opens part 2."""
    learner, lesson = lesson_playing(
        site, scorm_kit.forced_sequential(scos=2, body=scorm_kit.FINISH_BUTTON)
    )
    page = open_lesson(browser, live_server.url, learner, lesson)
    bar = player(page)
    next_button = bar.locator("#player-next")
    sco(page).get_by_role("button", name="Terminé").wait_for()
    assert next_button.is_hidden()  # part 2 is not open yet
    sco(page).get_by_role("button", name="Terminé").click()
    next_button.wait_for(state="visible")
    bar.locator("#player-contents").click()
    first = bar.locator("#player-items li").first
    assert first.get_attribute("data-status") == "passed"
    next_button.click()
    assert wait_for(lambda: attempt_of(learner).current == "sco2", page=page)
    sco(page).get_by_role("heading", name="Partie 2").wait_for()


# The demo ---------------------------------------------------------------------------


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback, live_server):
    from django.core.management import call_command

    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    yield live_server.url
    wait_for_quiet_database()


def test_the_demo_volunteer_completes_the_scorm_module_and_resumes_it(
    demo,
    browser,  # noqa: F811
):
    from django.contrib.auth import get_user_model

    from courses.models import LessonPage

    lea = get_user_model().objects.get(username="benevole")
    lesson = LessonPage.objects.get(slug="bons-reflexes")
    path = urlsplit(lesson.url).path
    page = open_lesson(browser, demo, lea, path, password="relais-demo")
    page.get_by_role("button", name="Commencer la formation").click()
    page.goto(f"{demo}{lesson.learn_url()}")
    module = sco(page)
    module.get_by_role("button", name="Page suivante").click()
    module.get_by_role("button", name="Page suivante").click()
    module.get_by_text("Page 3 sur 6").wait_for()
    assert wait_for(lambda: cmi(lea, "accueil_sco", "cmi.location") == "3")
    # Léa closes her phone's tab; she comes back later to the same page.
    page.close()
    page = open_lesson(browser, demo, lea, lesson, password="relais-demo")
    module = sco(page)
    module.get_by_text("Page 3 sur 6").wait_for()
    assert "En cours" in page.locator(".scorm-activity__status").inner_text()
    module.get_by_role("button", name="Page suivante").click()
    module.get_by_role("button", name="Page suivante").click()
    for answer in [
        "Je me présente et je lui propose de s'asseoir",
        "reste confidentiel",
        "je note la demande et j'oriente vers la bonne personne",
        "donne la prochaine étape, avec un jour et un nom",
        "redire avec mes mots ce que j'ai compris, pour vérifier",
    ]:
        module.get_by_label(answer).check()
    module.get_by_role("button", name="Valider mes réponses").click()
    assert wait_for(lambda: lesson_done(lea, lesson))
    statement = Statement.objects.get(actor=lea, verb__endswith="/passed")
    assert statement.result["score"] == {"scaled": 1.0}
    # The lesson learns it from the player and says so.
    page.get_by_text("Leçon terminée").wait_for()
    assert "Réussi · 100 %" in page.locator(".scorm-activity__status").inner_text()
    # Reopened, the module resumes on its result page.
    page.reload()
    sco(page).get_by_text("Bravo : 100 %").wait_for()


# The sandbox ----------------------------------------------------------------------

PROBE = """<p id="out">running</p><script>
(function () {
  var out = {cookie: document.cookie};
  try { out.top = window.top.document.cookie; } catch (e) { out.top = "blocked"; }
  try { out.parentApi = typeof window.top.API_1484_11; }
  catch (e) { out.parentApi = "blocked"; }
  var platform = location.origin.replace("//content.", "//");
  out.platform = platform;
  function read(r) {
    return r.text().then(function (t) { out.read = r.status + " " + t.length; });
  }
  fetch(platform + "/dashboard/", {credentials: "include"})
    .then(read, function () { out.read = "blocked"; })
    .then(function () {
      return fetch(platform + "/logout/",
                   {method: "POST", mode: "no-cors", credentials: "include"});
    })
    .then(function () { out.post = "sent"; }, function () { out.post = "blocked"; })
    .then(function () {
      document.getElementById("out").textContent = JSON.stringify(out);
    });
})();
</script>"""


def test_a_package_script_cannot_read_the_platforms_cookies_or_use_its_session(
    site,
    live_server,
    browser,  # noqa: F811
):
    import json

    learner, lesson = lesson_playing(site, scorm_kit.scorm2004(body=PROBE))
    page = open_lesson(browser, live_server.url, learner, lesson)
    refused = []
    page.on(
        "response",
        lambda response: "/logout/" in response.url and refused.append(response),
    )
    out = sco(page).locator("#out")
    assert wait_for(lambda: out.inner_text().startswith("{"))
    found = json.loads(out.inner_text())
    assert found["platform"] == live_server.url
    # The learner is logged in on the platform, with cookies there...
    cookies = {c["name"] for c in page.context.cookies(live_server.url)}
    assert "sessionid" in cookies
    # ...which the package's script cannot see, nor reach through the lesson page.
    assert found["cookie"] == ""
    assert found["top"] == "blocked"
    assert found["parentApi"] == "blocked"
    assert found["read"] == "blocked"  # no CORS for the content origin
    # Its write reached the platform, which refused it by its origin.
    assert wait_for(lambda: refused)
    assert refused[0].status == 403
    page.goto(f"{live_server.url}/dashboard/")
    assert "/login/" not in page.url  # still logged in
