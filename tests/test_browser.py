"""Real browser journeys: Playwright driving the system Chromium (never a download)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path(os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # the test itself are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def wait_for_quiet_database(timeout=10):
    """At a test's end the browser is closed, but the live server may still be
    answering its last request (a player's commit as the page went away); the
    flush that follows must not meet it halfway (a deadlock on PostgreSQL)."""
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time, it waits
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                "current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback, live_server):
    # serialized_rollback brings back what migrations created (the page tree root,
    # the default locale), which a transactional test flushes.
    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    yield live_server.url
    wait_for_quiet_database()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-GB"
    )
    yield context.new_page()
    context.close()


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(username)
    page.get_by_label("Mot de passe").fill("relais-demo")
    page.get_by_role("button", name="Se connecter").click()


def axe_violations_detail(page):
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


def axe_violations(page):
    return [violation["id"] for violation in axe_violations_detail(page)]


def test_the_demo_volunteer_logs_in_on_a_phone_and_sees_her_dashboard_in_french(
    demo, phone
):
    log_in(phone, demo, "benevole")
    phone.wait_for_url(f"{demo}/dashboard/")
    assert phone.locator("html").get_attribute("lang") == "fr"
    heading = phone.get_by_role("heading", level=1).inner_text()
    assert heading.replace("\xa0", " ") == "Bonjour Léa !"
    assert phone.get_by_text("Bienvenue chez Entraide Quartier.").is_visible()
    assert axe_violations(phone) == []


def test_the_login_page_is_accessible_and_keyboard_operable(demo, phone):
    phone.goto(f"{demo}/login/")
    assert axe_violations(phone) == []
    phone.keyboard.press("Tab")
    focused = phone.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"  # the skip link comes first


def test_the_coordinator_lands_on_her_dashboard_and_opens_people(demo, browser):
    page = browser.new_page()
    log_in(page, demo, "coordinatrice")
    page.wait_for_url(f"{demo}/dashboard/")
    page.locator("summary", has_text="Menu").click()  # the menu, grouped by job
    page.get_by_role("link", name="Personnes", exact=True).first.click()
    page.wait_for_url(f"{demo}/people/")
    assert page.get_by_role("link", name="Léa Martin").is_visible()
    assert axe_violations(page) == []


def progress_of(page):
    return int(page.locator("progress").first.get_attribute("value"))


def test_lea_follows_her_path_to_a_badge_and_the_coordinator_sees_it(demo, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    log_in(phone, demo, "benevole")
    phone.wait_for_url(f"{demo}/dashboard/")
    next_step = phone.locator("section", has_text="Ce qu'il faut faire maintenant")
    assert "Découvrir Entraide Quartier" in next_step.inner_text()
    path_progress = progress_of(phone)

    # The next step is the course; the lesson left off is offered to continue.
    next_step.get_by_role("link", name="Y aller").click()
    phone.wait_for_url("**/learn/course/**")
    course_progress = progress_of(phone)
    phone.get_by_role("link", name="Continuer").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "La charte du bénévole"

    # The charter: the "done" button appears only once it is accepted.
    assert phone.get_by_role("button", name="Terminé, leçon suivante").count() == 0
    phone.get_by_label("J'ai lu et j'accepte la charte").check()
    phone.get_by_role("button", name="Confirmer").click()
    assert (
        phone.get_by_text("Acceptée").is_visible()
        or phone.get_by_text("Accepté").is_visible()
    )
    assert progress_of(phone) > course_progress
    phone.get_by_role("button", name="Terminé, leçon suivante").click()
    phone.get_by_role("button", name="Terminé, finir la formation").click()
    # Finished, she goes straight on to the next step of her path.
    phone.wait_for_url("**/onboarding/step/**")
    phone.goto(f"{demo}/learn/")
    phone.get_by_role("link", name="Découvrir Entraide Quartier").click()
    assert progress_of(phone) == 100

    phone.goto(f"{demo}/dashboard/")
    assert progress_of(phone) > path_progress
    assert (
        "Lire le règlement intérieur"
        in phone.locator(
            "section", has_text="Ce qu'il faut faire maintenant"
        ).inner_text()
    )

    # The federation's hygiene course earns a badge.
    phone.goto(f"{demo}/learn/")
    phone.get_by_role("link", name="Hygiène alimentaire : les bases").click()
    # Her path already enrolled her: she continues where the course begins.
    phone.get_by_role("link", name="Continuer").click()
    phone.get_by_role("button", name="Terminé, leçon suivante").click()
    phone.get_by_role("button", name="Terminé, finir la formation").click()
    phone.goto(f"{demo}/dashboard/")
    assert phone.get_by_text("Hygiène alimentaire", exact=True).is_visible()
    assert axe_violations(phone) == []
    context.close()

    desk = browser.new_page()
    log_in(desk, demo, "coordinatrice")
    desk.goto(f"{demo}/coordination/paths/")
    desk.get_by_role("link", name="Bienvenue à l'accueil").click()
    row = desk.get_by_role("row", name="Léa Martin")
    assert "✓" in row.inner_text()
    assert axe_violations(desk) == []
