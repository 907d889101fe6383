"""The main menu on a phone, in Chromium: one button, grouped links, keyboard and
no-script use (issue 16)."""

import pytest
from playwright.sync_api import expect

from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    browser,
    demo,
    log_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]
PHONE = {"width": 390, "height": 844}


def header_rows(page):
    """How many button-high rows the closed header takes."""
    header = page.locator(".site-header").bounding_box()
    button = page.locator(".site-menu__button").bounding_box()
    return header["height"] / (button["height"] + 24)  # its padding, 0.75rem each side


def test_the_admins_menu_is_one_button_on_a_phone_and_opens_by_keyboard(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    log_in(phone, demo, "admin")
    phone.wait_for_url(f"{demo}/dashboard/")
    menu = phone.locator("#site-menu")
    button = menu.locator("summary")
    links = menu.locator("nav a")
    assert header_rows(phone) <= 2
    expect(button).to_have_attribute("aria-expanded", "false")
    assert not links.first.is_visible()

    button.focus()
    phone.keyboard.press("Enter")

    # The details element's toggle event, which the script answers, comes a task
    # after the key: expect() waits for it.
    expect(button).to_have_attribute("aria-expanded", "true")
    headings = menu.locator(".site-nav__heading").all_inner_texts()
    assert [h.strip().lower() for h in headings] == [
        "mon apprentissage",
        "coordination",
        "rapports",
        "création",
        "mon compte",  # her data, her requests: every role has it
    ]
    assert links.count() >= 14
    for link in links.all():
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # Tab walks the links in order; Escape closes the menu back onto its button.
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('nav') !== null")
    phone.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY"
    context.close()


def test_the_menu_opens_without_javascript(demo, browser):  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    phone = context.new_page()
    log_in(phone, demo, "coordinatrice")
    phone.wait_for_url(f"{demo}/dashboard/")
    assert header_rows(phone) <= 2
    phone.locator("summary", has_text="Menu").click()
    people = phone.get_by_role("link", name="Personnes", exact=True).first
    assert people.is_visible()
    people.click()
    phone.wait_for_url(f"{demo}/people/")
    context.close()


def test_a_step_shows_only_the_fields_of_its_kind_in_the_path_editor(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    from courses.models import OnboardingPath

    path = OnboardingPath.objects.get(title="Bienvenue à l'accueil")
    course_step = path.steps.filter(kind="course").first()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, demo, "coordinatrice")
    page.wait_for_url(f"{demo}/dashboard/")
    page.goto(f"{demo}/admin/snippets/courses/onboardingpath/edit/{path.pk}/")
    index = list(path.steps.values_list("pk", flat=True)).index(course_step.pk)
    step = page.locator(f"#inline_child_steps-{index}")
    course = step.locator('[data-step-field="course"]')
    document = step.locator('[data-step-field="document"]')
    assert course.is_visible() and not document.is_visible()

    step.locator(f"#id_steps-{index}-kind").select_option("acknowledge")

    assert document.is_visible() and not course.is_visible()
    assert not step.locator('[data-step-field="target"]').is_visible()
