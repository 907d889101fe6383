"""Issue 18, the discussions half of the story: Léa asks a question under a lesson
on her phone, Karim (trainer) answers it and marks his answer as the one that
helped, and Léa is told (the bell's count moves)."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from courses.learning import enrol
from courses.models import CoursePage, Enrolment
from relais_community.talk_models import DiscussionPost
from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    axe_violations,
    browser,
    demo,
    log_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
]
QUESTION = (
    "Combien de temps un yaourt peut-il rester hors du frigo pendant la distribution ?"
)
ANSWER = "Pas plus de **30 minutes** : ensuite, on le remet au frais ou on le jette."


def person(browser, demo, username, phone=False):  # noqa: F811
    options = {"locale": "fr-FR"}
    if phone:
        options.update(viewport={"width": 390, "height": 844}, has_touch=True)
    page = browser.new_context(**options).new_page()
    log_in(page, demo, username)
    page.wait_for_url(f"{demo}/dashboard/")
    return page


def test_lea_asks_under_a_lesson_karim_answers_and_marks_it_lea_is_told(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    hygiene = CoursePage.objects.get(slug="hygiene-alimentaire")
    lea = get_user_model().objects.get(username="benevole")
    site = Site.objects.get(is_default_site=True)
    if not Enrolment.objects.filter(user=lea, course=hygiene).exists():
        enrol(lea, hygiene, site)
    lesson = hygiene.get_lessons().first()

    # Léa, on her phone, opens the hygiene course's first lesson and asks under it.
    phone = person(browser, demo, "benevole", phone=True)
    lesson_url = f"{demo}{lesson.learn_url()}"
    phone.goto(lesson_url)
    panel = phone.locator("section.talk")
    assert panel.locator("h2").is_visible()
    panel.get_by_label("Poser une question sur cette page").fill(QUESTION)
    panel.get_by_role("button", name="Demander").click()
    phone.wait_for_load_state()
    question = DiscussionPost.objects.get(body=QUESTION)
    assert "Votre question est publiée." in phone.locator(".messages").inner_text()
    assert axe_violations(phone) == []

    # Karim sees it under the lesson, answers, and marks his answer.
    karim = person(browser, demo, "formateur")
    karim.goto(f"{demo}/community/questions/{question.page_id}/")
    thread = karim.locator(".talk-thread", has_text=QUESTION)
    thread.get_by_label("Votre réponse").fill(ANSWER)
    thread.get_by_role("button", name="Envoyer").click()
    karim.wait_for_load_state()
    answer = DiscussionPost.objects.get(parent=question)
    thread = karim.locator(".talk-thread", has_text=QUESTION)
    assert "30 minutes" in thread.locator("strong").first.inner_text()
    thread.get_by_role("button", name="Cette réponse a aidé").click()
    karim.wait_for_load_state()
    answer.refresh_from_db()
    question.refresh_from_db()
    assert answer.helpful and question.answered_at is not None
    assert axe_violations(karim) == []

    # Back on her phone, Léa sees the answer first under the lesson, marked.
    phone.goto(lesson_url)
    thread = phone.locator("section.talk .talk-thread").first
    assert QUESTION in thread.inner_text()
    assert "Cette réponse a aidé" in thread.inner_text()
