"""Léa shows her badge to the world (PRODUCT.md): on her phone, in French, she
copies its link and sees that it was copied; the e-mail and LinkedIn links are
plain links. In a real Chromium, 390 px wide."""

import pytest
from django.contrib.auth import get_user_model

from courses.badges import award_badge
from courses.models import BadgeClass
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


def test_lea_copies_her_badge_link_on_a_phone_and_is_told_it_is_copied(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    badge = BadgeClass.objects.get(name="Hygiène alimentaire")
    lea = get_user_model().objects.get(username="benevole")
    award, _created = award_badge(badge, lea, badge.organisation, rule="manual:test")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo)
    phone = context.new_page()
    log_in(phone, demo, "benevole")
    phone.wait_for_url(f"{demo}/dashboard/")
    phone.goto(f"{demo}/badges/")

    card = phone.locator("article", has_text="Hygiène alimentaire")
    link = card.get_by_label("Lien à partager").input_value()
    assert link.endswith(f"/badges/verify/{award.uuid}/")
    copy = card.get_by_role("button", name="Copier le lien")
    copy.focus()
    phone.keyboard.press("Enter")
    status = card.get_by_role("status")
    status.get_by_text("Lien copié.").wait_for()
    assert phone.evaluate("navigator.clipboard.readText()") == link

    linkedin = card.get_by_role("link", name="Ajouter à LinkedIn")
    assert linkedin.get_attribute("href").startswith(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
    )
    assert card.get_by_role("link", name="Envoyer par e-mail").is_visible()
    # Nothing wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(phone) == []
    context.close()
