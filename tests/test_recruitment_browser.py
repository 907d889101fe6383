"""Issue 17, acceptance 1, in Chromium on a phone: a visitor finds a mission on the
demo association's public board, applies without an account and gets the
confirmation; Sophie accepts the application; the candidate opens the invitation,
sets a password and lands on the first step of the mission's onboarding path.
Every page is checked with axe: no critical or serious violation."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from courses.steps import step_kind
from relais_recruitment.models import Application, Mission
from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    browser,
    demo,
    log_in,
)
from tests.test_learner_journey_browser import on_a_phone, serious_violations


def on_this_server(body, start):
    """The e-mailed link's path and query (the demo's address may differ from
    the live server's)."""
    link = re.search(r"https?://\S+" + re.escape(start) + r"\S+", body).group(0)
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
]


def test_a_visitor_applies_on_a_phone_and_lands_on_the_first_step_once_accepted(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    mission = Mission.objects.get(title="Accueil du public")
    first_step = mission.onboarding_path.steps.order_by("sort_order").first()

    # A visitor on a phone finds the mission on the board, by searching.
    phone = on_a_phone(browser)
    phone.goto(f"{demo}/recruitment/")
    assert serious_violations(phone) == [], phone.url
    phone.get_by_label("Rechercher", exact=True).fill("accueil")
    phone.get_by_role("button", name="Rechercher").click()
    phone.wait_for_load_state()
    phone.get_by_role("link", name="Accueil du public").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Accueil du public"
    assert serious_violations(phone) == [], phone.url

    # She applies: no account, her week on the grid, her consent.
    phone.get_by_label("Votre nom").fill("Inès Nouvelle")
    phone.get_by_label("E-mail").fill("ines.nouvelle@example.org")
    phone.get_by_label("Mardi matin").check()
    phone.get_by_label("Samedi matin").check()
    phone.get_by_label("Pourquoi cette mission").fill("J'aime accueillir les gens.")
    phone.get_by_label("J'accepte que l'association").check()
    phone.get_by_role("button", name="Envoyer ma candidature").click()
    phone.wait_for_load_state()
    assert "Merci, votre candidature est envoyée" in phone.locator("h1").inner_text()
    assert serious_violations(phone) == [], phone.url
    application = Application.objects.get(email="ines.nouvelle@example.org")
    assert application.availability == ["tue-am", "sat-am"]
    [confirmation] = [m for m in mail.outbox if m.to == [application.email]]
    assert "Accueil du public" in confirmation.subject

    # Her private link shows where it stands.
    phone.goto(demo + on_this_server(confirmation.body, "/recruitment/my-application/"))
    assert "Nouvelle" in phone.locator("main").inner_text()
    assert serious_violations(phone) == [], phone.url

    # Sophie accepts her from the pipeline.
    sophie = browser.new_context(locale="fr-FR").new_page()
    log_in(sophie, demo, "coordinatrice")
    sophie.wait_for_url(f"{demo}/dashboard/")
    sophie.goto(f"{demo}{reverse('recruitment:pipeline')}")
    assert serious_violations(sophie) == [], sophie.url
    sophie.get_by_role("link", name="Inès Nouvelle").click()
    sophie.wait_for_load_state()
    assert serious_violations(sophie) == [], sophie.url
    sophie.get_by_role("button", name="Accepter et inviter").click()
    sophie.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED

    # The candidate opens the invitation, sets a password, and is on her first step.
    [welcome] = [
        m
        for m in mail.outbox
        if m.to == [application.email] and "Bienvenue" in m.subject
    ]
    phone.goto(demo + on_this_server(welcome.body, "/invitation/"))
    assert serious_violations(phone) == [], phone.url
    phone.locator("input[name=password1]").fill("un-mot-de-passe-solide-42")
    phone.locator("input[name=password2]").fill("un-mot-de-passe-solide-42")
    phone.get_by_role("button", name="Rejoindre").click()
    phone.wait_for_url(f"{demo}{step_kind(first_step.kind).url(first_step)}")
    assert first_step.title in phone.locator("main").inner_text()
    application.refresh_from_db()
    assert application.membership.user.email == "ines.nouvelle@example.org"
