"""Issue 18's story, announcements half: Sophie posts a new rule asking everyone to
confirm they have read it; Léa sees it on her phone's dashboard and confirms;
Sophie sees the count move and reminds the rest, each in their own language."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from wagtail.users.models import UserProfile

from lms.models import Notification
from relais_community.announcements import REMINDER
from relais_community.models import Announcement, AnnouncementConfirmation
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

TITLE = "Badge obligatoire à l'accueil"


def person(browser, demo, username, phone=False):  # noqa: F811
    options = {"locale": "fr-FR"}
    if phone:
        options.update(viewport={"width": 390, "height": 844}, has_touch=True)
    page = browser.new_context(**options).new_page()
    log_in(page, demo, username)
    page.wait_for_url(f"{demo}/dashboard/")
    return page


def test_sophie_asks_for_confirmation_lea_confirms_and_the_rest_are_reminded(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    users = get_user_model().objects.in_bulk(
        ["benevole", "formateur", "mentor"], field_name="username"
    )
    lea, karim, michel = users["benevole"], users["formateur"], users["mentor"]
    UserProfile.objects.update_or_create(
        user=karim, defaults={"preferred_language": "en"}
    )

    # Sophie posts the rule, asking everyone to confirm.
    sophie = person(browser, demo, "coordinatrice")
    sophie.goto(f"{demo}/community/news/new/")
    assert axe_violations(sophie) == []
    sophie.get_by_label("Titre").fill(TITLE)
    sophie.get_by_label("Texte").fill("Le badge se porte visible, dès l'arrivée.")
    sophie.get_by_label("Demander de confirmer la lecture").check()
    sophie.get_by_role("button", name="Publier").click()
    announcement = Announcement.objects.get(title=TITLE)
    sophie.wait_for_url(f"{demo}/community/news/{announcement.pk}/")
    before = sophie.locator("a[href$='/receipts/']").inner_text()
    assert before.startswith("Lu par 0 sur ")
    audience = int(before.rsplit(" ", 1)[-1])

    # Léa, on her phone, finds it on her dashboard and confirms there.
    phone = person(browser, demo, "benevole", phone=True)
    panel = phone.locator("section.news-panel")
    assert TITLE in panel.inner_text()
    assert axe_violations(phone) == []
    panel.get_by_role(
        "button", name=f"Je l'ai lue : {TITLE}".replace(" :", "\u00a0:")
    ).click()
    phone.wait_for_url(f"{demo}/dashboard/")
    assert AnnouncementConfirmation.objects.filter(
        announcement=announcement, person=lea
    ).exists()

    # Sophie sees the count move, then reminds the others.
    sophie.goto(f"{demo}/community/news/{announcement.pk}/receipts/")
    assert sophie.locator("#receipt-count").inner_text() == (f"Lu par 1 sur {audience}")
    assert "Léa Martin" not in sophie.locator("main").inner_text()
    assert "Michel Roux" in sophie.locator("main").inner_text()
    assert axe_violations(sophie) == []
    mail.outbox = []
    sophie.get_by_role(
        "button", name="Relancer les personnes qui ne l'ont pas lue"
    ).click()
    sophie.wait_for_url(f"{demo}/community/news/{announcement.pk}/receipts/")
    reminded = set(
        Notification.objects.filter(kind=REMINDER).values_list("person", flat=True)
    )
    assert lea.pk not in reminded and michel.pk in reminded
    assert len(reminded) == audience - 1
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert lea.email not in subjects
    assert subjects[karim.email] == f"Please confirm you have read: {TITLE}"
    assert subjects[michel.email] == (
        f"Merci de confirmer votre lecture\u00a0: {TITLE}"
    )
    # A second click the same day reminds nobody again.
    sophie.get_by_role(
        "button", name="Relancer les personnes qui ne l'ont pas lue"
    ).click()
    assert (
        "Une relance est déjà partie aujourd'hui."
        in sophie.locator(".messages").inner_text()
    )
    assert Notification.objects.filter(kind=REMINDER).count() == audience - 1
