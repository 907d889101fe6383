"""Privacy in a real Chromium (issue 19): Léa downloads her data on her phone;
Sophie approves the erasure request of Nadia, a volunteer who has left."""

import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from lms.models.privacy import ErasureRequest, ErasureStatus
from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    axe_violations,
    browser,
    demo,
    log_in,
    phone,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
]


def test_lea_downloads_her_data_on_her_phone(demo, browser):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", accept_downloads=True
    )
    page = context.new_page()
    log_in(page, demo, "benevole")
    page.wait_for_url(f"{demo}/dashboard/")
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Mes données").click()
    page.wait_for_url(f"{demo}/privacy/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Préparer mon export").click()
    download_link = page.get_by_role("link", name="Télécharger")
    download_link.first.wait_for(timeout=60_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    with page.expect_download() as info:
        download_link.first.click()
    path = info.value.path()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        text = "".join(
            archive.read(name).decode("utf-8", "replace")
            for name in names
            if name.endswith((".json", ".csv"))
        )
    assert names
    assert "benevole@entraide-quartier.example" in text
    context.close()


def test_sophie_approves_the_erasure_request_of_a_volunteer_who_left(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    leaver = get_user_model().objects.get(username="ancienne-benevole")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR"
    )
    page = context.new_page()
    log_in(page, demo, "coordinatrice")
    page.wait_for_url(f"{demo}/dashboard/")
    page.get_by_role("link", name="Demandes d’effacement à traiter").click()  # noqa: RUF001
    page.get_by_role("link", name="Nadia Petit").click()
    page.get_by_text("déménagé à Grenoble").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Tout effacer").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text("l’effacement se fait en arrière-plan").wait_for()  # noqa: RUF001
    erasure = ErasureRequest.objects.get(reference__startswith="P-", origin="person")
    assert erasure.status == ErasureStatus.DONE
    assert erasure.person is None and erasure.reason == ""
    # The log names who decided, and the person only by her reference.
    log = page.locator("table")
    log.get_by_text(erasure.reference).wait_for()
    assert "Nadia" not in log.inner_text()
    assert "Sophie Durand" in log.inner_text()
    assert any(m.to == [leaver.email] for m in mail.outbox)
    context.close()
