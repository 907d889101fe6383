"""The demo's own H5P activity, played by Léa in Chromium in the welcome lesson."""

import time

import pytest

from courses.models import Statement
from tests.test_browser import CHROMIUM, browser, demo, log_in  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]


def test_lea_answers_the_welcome_lessons_h5p_question_and_her_answer_is_recorded(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    from django.contrib.auth import get_user_model

    from courses.models import LessonPage

    lea = get_user_model().objects.get(username="benevole")
    lesson = LessonPage.objects.get(slug="bienvenue")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, demo, "benevole")
    page.wait_for_url("**/dashboard/")
    page.goto(f"{demo}{lesson.learn_url()}")
    activity = page.frame_locator("iframe.h5p-frame")
    activity.get_by_label("L'équipe accueil").check()
    activity.get_by_role("button", name="Vérifier").click()
    assert activity.get_by_role("status").inner_text().startswith("Bonne réponse")
    deadline = time.monotonic() + 15
    answered = Statement.objects.filter(actor=lea, verb__endswith="answered")
    while not answered.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert answered.get().result["score"]["scaled"] == 1
