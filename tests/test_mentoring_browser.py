"""The story of PRODUCT.md, day 1 and week 1: Sophie matches Léa with Michel, both
accept, Michel logs their first session, Léa checks in, and her "Meet your mentor"
step is done. Each person in their own browser; Léa on her phone."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import StepCompletion
from relais_mentoring.models import CheckIn, Pairing, Session
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


def test_sophie_matches_lea_with_michel_and_the_first_session_completes_the_step(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    users = get_user_model().objects.in_bulk(
        ["benevole", "mentor"], field_name="username"
    )
    lea, michel = users["benevole"], users["mentor"]

    # Sophie sees Léa waiting and opens the suggestions: Michel comes first, with
    # the reasons why.
    sophie = person(browser, demo, "coordinatrice")
    sophie.goto(f"{demo}/mentoring/programme/")
    assert axe_violations(sophie) == []
    sophie.locator(f"a[href='/mentoring/programme/match/{lea.pk}/']").click()
    first = sophie.locator("ol.fits > li").first
    assert "Michel Roux" in first.inner_text()
    assert "Même équipe" in first.inner_text()
    assert axe_violations(sophie) == []
    first.get_by_role("button").click()
    sophie.wait_for_url(f"{demo}/mentoring/programme/")
    pairing = Pairing.objects.get(mentee=lea)
    assert pairing.status == Pairing.Status.PROPOSED and pairing.mentor == michel

    # Léa, on her phone, finds the proposal on her dashboard and accepts.
    phone = person(browser, demo, "benevole", phone=True)
    phone.locator(f"a[href='{pairing.get_absolute_url()}']").first.click()
    assert "Michel Roux" in phone.locator("h1").inner_text()
    phone.locator(f"form[action$='{pairing.uuid}/accept'] button").click()
    phone.wait_for_url(f"{demo}{pairing.get_absolute_url()}")
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.PROPOSED

    # Michel accepts too: the mentoring starts; he logs yesterday's first meeting.
    mentor = person(browser, demo, "mentor")
    mentor.goto(f"{demo}{pairing.get_absolute_url()}")
    mentor.locator(f"form[action$='{pairing.uuid}/accept'] button").click()
    mentor.wait_for_url(f"{demo}{pairing.get_absolute_url()}")
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.ACTIVE
    yesterday = timezone.localtime() - timedelta(days=1)
    form = mentor.locator(f"form[action$='{pairing.uuid}/sessions']")
    form.locator("input[name=starts_at]").fill(
        yesterday.replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")
    )
    form.locator("input[name=duration_minutes]").fill("45")
    form.locator("select[name=format]").select_option("in_person")
    form.locator("input[name=topics]").fill("Premier contact, le poste d'accueil")
    form.locator("button[value=log]").click()
    mentor.wait_for_url(f"{demo}{pairing.get_absolute_url()}#sessions")
    session = Session.objects.get(pairing=pairing)
    assert session.status == Session.Status.HELD
    assert axe_violations(mentor) == []

    # Léa checks in from her phone: a big 5 and a word.
    phone.goto(f"{demo}{pairing.get_absolute_url()}")
    phone.locator(f"a[href='/mentoring/sessions/{session.uuid}/check-in']").click()
    phone.locator("input[name=usefulness][value='5']").check()
    phone.locator("textarea[name=comment]").fill("Merci, je me sens attendue.")
    assert axe_violations(phone) == []
    phone.locator("form.rating button[type=submit]").click()
    phone.wait_for_url(f"{demo}{pairing.get_absolute_url()}")
    assert CheckIn.objects.get(session=session, user=lea).usefulness == 5

    # Her onboarding path shows the step done.
    assert StepCompletion.objects.filter(
        assignment__user=lea, step__kind="mentor"
    ).exists()
    phone.goto(f"{demo}/onboarding/")
    step = phone.locator("li.step", has_text="Rencontrer votre mentor")
    assert "step--done" in step.get_attribute("class")
