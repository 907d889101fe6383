"""A real H5P package played in Chromium inside the sandboxed player."""

import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from courses.learning import enrol
from courses.models import LessonProgress, Statement
from lms.models import PluginActivation
from relais_h5p.models import H5PContent
from relais_h5p.tasks import process_package
from tests.factories import PASSWORD, make_course, member
from tests.test_browser import CHROMIUM, browser  # noqa: F401  (the fixture)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "h5p"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(
        not (SHARED / "multiple-choice.h5p").exists(), reason="no shared real packages"
    ),
]


@pytest.fixture
def lesson_with_multiple_choice(
    transactional_db, django_db_serialized_rollback, live_server, settings, tmp_path
):
    from wagtail.models import Site

    settings.MEDIA_ROOT = str(tmp_path / "media")
    site = Site.objects.get(is_default_site=True)
    PluginActivation.objects.create(organisation=site, app_label="h5p")
    content = H5PContent.objects.create(
        organisation=site,
        title="Couleurs",
        package=ContentFile((SHARED / "multiple-choice.h5p").read_bytes(), "mc.h5p"),
    )
    process_package.call(content.pk)
    course = make_course(site, lessons=1)
    lesson = course.get_lessons().first()
    lesson.body = [
        ("h5p", {"content": content, "required": True, "pass_threshold": 1.0})
    ]
    lesson.save_revision().publish()
    learner = member(site)
    enrol(learner, course, site)
    return live_server.url, learner, lesson


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_learner_answers_a_real_multiple_choice_and_the_lesson_completes(
    lesson_with_multiple_choice,
    browser,  # noqa: F811
):
    base, learner, lesson = lesson_with_multiple_choice
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{base}/login/")
    page.fill("#id_username", learner.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}{lesson.learn_url()}")
    content = page.frame_locator("iframe.h5p-frame")
    content.get_by_text("Very dark purple").click()
    content.get_by_role("button", name="Check").click()
    assert wait_for(
        lambda: Statement.objects.filter(
            actor=learner, verb__endswith="answered"
        ).exists()
    )
    statement = Statement.objects.filter(actor=learner, verb__endswith="answered").get()
    assert statement.result["score"]["scaled"] == 1
    assert wait_for(
        lambda: LessonProgress.objects.filter(
            user=learner, lesson=lesson, completed_at__isnull=False
        ).exists()
    )
    # The lesson page learns it from the player and shows the way on.
    page.get_by_role("button", name="Terminé, finir la formation").wait_for()
