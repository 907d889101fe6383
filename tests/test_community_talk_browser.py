"""Issue 18, the discussions half of the story: Léa asks a question under a lesson
on her phone, Karim (trainer) answers it and marks his answer as the one that
helped, and Léa is told (the bell's count moves)."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from courses.learning import enrol
from courses.models import CoursePage, Enrolment
from lms.models import Notification
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


def unread(page):
    count = page.locator(".site-bell__count")
    return int(count.inner_text()) if count.count() else 0


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
    before = unread(phone)
    lesson_url = f"{demo}{lesson.learn_url()}"
    phone.goto(lesson_url)
    panel = phone.locator("section.talk")
    assert panel.locator("h2").is_visible()
    panel.get_by_label("Poser une question sur cette page").fill(QUESTION)
    with phone.expect_navigation():
        panel.get_by_role("button", name="Demander").click()
    question = DiscussionPost.objects.get(body=QUESTION)
    assert "Votre question est publiée." in phone.locator(".messages").inner_text()
    assert axe_violations(phone) == []

    # Karim sees it under the lesson, answers, and marks his answer.
    karim = person(browser, demo, "formateur")
    karim.goto(f"{demo}/community/questions/{question.page_id}/")
    thread = karim.locator(".talk-thread", has_text=QUESTION)
    thread.get_by_label("Votre réponse").fill(ANSWER)
    with karim.expect_navigation():
        thread.get_by_role("button", name="Envoyer").click()
    answer = DiscussionPost.objects.get(parent=question)
    assert "Votre réponse est publiée." in karim.locator(".messages").inner_text()
    reply = karim.locator(f"#post-{answer.pk}")
    assert "30 minutes" in reply.locator(".user-text strong").inner_text()
    with karim.expect_navigation():
        reply.get_by_role("button", name="Cette réponse a aidé").click()
    answer.refresh_from_db()
    question.refresh_from_db()
    assert answer.helpful and question.answered_at is not None
    assert axe_violations(karim) == []

    # Back on her phone, Léa's bell counts Karim's answer (one more unread, in
    # French), and she sees the answer under the lesson, marked.
    phone.goto(lesson_url)
    assert unread(phone) == before + 1
    assert Notification.objects.filter(
        person__username="benevole", kind="community.answer"
    ).exists()
    thread = phone.locator("section.talk .talk-thread").first
    assert QUESTION in thread.inner_text()
    assert "Cette réponse a aidé" in thread.inner_text()
