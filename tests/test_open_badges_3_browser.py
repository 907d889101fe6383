"""Léa keeps her badge in a wallet (Open Badges 3.0): on her phone, in French, she
opens the explanation, downloads the signed credential, and a verifier's page
says both versions hold. In a real Chromium, 390 px wide."""

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


def test_lea_downloads_her_signed_credential_and_the_page_verifies_it(
    demo,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
):
    badge = BadgeClass.objects.get(name="Hygiène alimentaire")
    lea = get_user_model().objects.get(username="benevole")
    award, _created = award_badge(badge, lea, badge.organisation, rule="manual:test")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", accept_downloads=True
    )
    phone = context.new_page()
    log_in(phone, demo, "benevole")
    phone.wait_for_url(f"{demo}/dashboard/")
    phone.goto(f"{demo}/badges/")

    card = phone.locator("article", has_text="Hygiène alimentaire")
    card.get_by_text("Le garder dans un portefeuille numérique").click()
    card.get_by_text("choisissez d’ajouter ou d’importer").wait_for()  # noqa: RUF001
    with phone.expect_download() as download:
        card.get_by_role("link", name="Attestation signée (.jwt)").click()
    saved = tmp_path / "credential.jwt"
    download.value.save_as(saved)
    award.refresh_from_db()
    assert saved.read_text() == award.credential.compact_jws
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(phone) == []
    phone.screenshot(path=str(tmp_path.parent / "ob3-my-badges.png"), full_page=True)

    phone.goto(f"{demo}/badges/verify/{award.uuid}/")
    checks = phone.locator("li[data-check=ob3]")
    verified = "signature vérifiée avec la clé que l’émetteur publie"  # noqa: RUF001
    checks.get_by_text(verified).wait_for()
    assert "ni révoqué, ni expiré" in checks.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(phone) == []
    context.close()
