"""Volunteer time in a browser: Michel logs his shift from his phone in three
taps; Sophie validates it, sends a check-in to a volunteer drifting away and reads
the valorisation. Axe finds nothing on these pages."""

import pytest

from relais_recruitment.volunteer_time_models import DriftNotice, HourEntry
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


def person(browser, demo, username, phone=False):  # noqa: F811
    options = {"locale": "fr-FR"}
    if phone:
        options.update(viewport={"width": 390, "height": 844}, has_touch=True)
    page = browser.new_context(**options).new_page()
    log_in(page, demo, username)
    page.wait_for_url(f"{demo}/dashboard/")
    return page


def test_michel_logs_his_shift_in_three_taps_and_sophie_follows_up(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    before = HourEntry.objects.filter(user__username="mentor").count()
    michel = person(browser, demo, "mentor", phone=True)
    michel.goto(f"{demo}/recruitment/time/")  # tap 1 (the menu's link)
    assert axe_violations(michel) == []
    with michel.expect_navigation():
        michel.get_by_role("button", name="Noter ces heures").tap()  # tap 2: defaults
    assert "merci" in michel.content()
    assert HourEntry.objects.filter(user__username="mentor").count() == before + 1

    sophie = person(browser, demo, "coordinatrice")
    sophie.goto(f"{demo}/recruitment/time/drifting/")
    assert axe_violations(sophie) == []
    with sophie.expect_navigation():
        sophie.get_by_role(
            "button", name="Envoyer un message de nouvelles à Mathieu Blanc"
        ).click()
    assert DriftNotice.objects.filter(
        user__username="mathieu", kind="check-in"
    ).exists()

    sophie.goto(f"{demo}/recruitment/time/review/")
    assert axe_violations(sophie) == []
    with sophie.expect_navigation():
        sophie.get_by_role("button", name="Valider les heures cochées").click()
    assert not HourEntry.objects.filter(status="pending").exists()

    sophie.goto(f"{demo}/recruitment/time/valorisation/")
    assert axe_violations(sophie) == []
    assert "Valorisation du bénévolat" in sophie.content()
