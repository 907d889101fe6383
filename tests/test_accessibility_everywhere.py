"""axe-core over every page each demo persona can reach, on a phone and a desk.

The pages are not listed by hand: each persona's browser starts at their dashboard
(and the admin, for staff) and follows every same-host link it finds, one page per
URL pattern, so a page added tomorrow is checked the day it is linked. A critical or
serious violation fails, with the page and the rule in the message.
"""

from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    axe_violations_detail,
    browser,
    demo,
    log_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
]

PERSONAS = {
    "benevole": ["/dashboard/"],
    "mentor": ["/dashboard/"],
    "formateur": ["/dashboard/", "/admin/"],
    "coordinatrice": ["/dashboard/", "/admin/"],
    "admin": ["/dashboard/", "/admin/"],
}
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desk": {"width": 1280, "height": 900},
}
# Links a crawler must not follow: they end the session or answer with a file.
NOT_PAGES = (
    "/logout",
    "/admin/logout",
    "/documents/",
    "/media/",
    "/private/",
    "/xapi/",
)
# One page per URL pattern keeps the run short; Wagtail's served pages all share
# one pattern, so those count by path, up to a bound.
MAX_SERVED_PAGES = 12
MAX_PAGES = 40
SERIOUS = {"critical", "serious"}
# Violations inside Wagtail's own widgets, whose fix belongs upstream: (rule, the
# element's selector as axe reports it, why).
UPSTREAM = {
    (
        "aria-input-field-name",
        ".notranslate",
    ): "Draftail's contenteditable (Wagtail's rich text editor) has no accessible name",
    (
        "label",
        ".ui-autocomplete-input",
    ): "the input jQuery UI's tag-it adds in Wagtail's tag field has no label",
}


def pattern_of(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name == "wagtail_serve":
        return ("page", path)
    return (match.route, match.url_name)


def pages_of(page, base_url, starts):
    """Breadth-first over same-host links, one URL per pattern."""
    host = urlsplit(base_url).netloc
    queue = deque(starts)
    seen_patterns, served, visited = set(), 0, []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        key = pattern_of(path)
        if key is None or key in seen_patterns:
            continue
        if key[0] == "page":
            if served >= MAX_SERVED_PAGES:
                continue
            served += 1
        seen_patterns.add(key)
        try:
            response = page.goto(base_url + path)
        except PlaywrightError as error:  # an export link answers with a file
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue
        visited.append(path)
        yield path
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urlsplit(urljoin(page.url, href))
            if url.netloc != host or url.path.startswith(NOT_PAGES):
                continue
            queue.append(url.path + (f"?{url.query}" if url.query else ""))


def test_every_page_each_persona_reaches_has_no_serious_accessibility_violation(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    # One demo for every persona and both widths: seeding is most of the time.
    problems, checked = [], {}
    for persona, starts in PERSONAS.items():
        for viewport, size in VIEWPORTS.items():
            context = browser.new_context(viewport=size, locale="en-GB")
            page = context.new_page()
            log_in(page, demo, persona)
            checked[persona, viewport] = 0
            for path in pages_of(page, demo, starts):
                checked[persona, viewport] += 1
                for violation in axe_violations_detail(page):
                    targets = [
                        node["target"]
                        for node in violation["nodes"]
                        if (violation["id"], node["target"][-1]) not in UPSTREAM
                    ][:3]
                    if violation["impact"] in SERIOUS and targets:
                        problems.append(
                            f"{persona} {viewport} {path}: {violation['id']} {targets}"
                        )
            context.close()
    print(f"axe: {sum(checked.values())} pages checked: {checked}")
    assert min(checked.values()) >= 3, checked
    assert problems == [], "\n".join(problems)
