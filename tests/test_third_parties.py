"""No request leaves the install unless its operator chose it.

Each persona of the demo walks the public pages and the admin in Chromium; any
request to a host other than the platform's own (and its content origin, where the
install plays H5P and SCORM) fails the test: a Gravatar, a release check, a font or
a script from a CDN, a video player loaded before anyone asked for it.
"""

from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from lms.content_origin import content_origin
from lms.models import Role
from tests.factories import member
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, browser, demo, log_in  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]

# Where each persona starts; the walk then follows the links it finds there.
START = {
    "benevole": ["/dashboard/"],
    "mentor": ["/dashboard/"],
    "formateur": ["/dashboard/", "/admin/", "/admin/pages/"],
    "coordinatrice": ["/dashboard/", "/admin/"],
    "admin": ["/dashboard/", "/admin/", "/admin/relais/plugins/"],
}
PAGES_PER_PERSONA = 18
# Links the walk does not follow: leaving, downloads, and questions that only
# change the order or the filter of a page already seen.
SKIPPED = ("logout", "export", "download", ".csv", ".xlsx", ".zip", "/language/")


def own_hosts(base_url):
    """The platform's host and its content origin's, as ``host:port``."""
    platform = urlsplit(base_url).netloc
    request = RequestFactory().get("/", HTTP_HOST=platform)
    return {platform, urlsplit(content_origin(request)).netloc}


def links_on(page, base_url):
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    for href in hrefs:
        url = urljoin(base_url, href).split("#")[0]
        parts = urlsplit(url)
        if (
            parts.scheme in ("http", "https")
            and url.startswith(base_url)
            and not parts.query
            and not any(word in url for word in SKIPPED)
        ):
            yield url


def walk(browser, base_url, username):  # noqa: F811
    """Pages visited and the requests to other hosts they made, as one persona."""
    context = browser.new_context()
    elsewhere = []
    hosts = own_hosts(base_url)

    def record(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc not in hosts:
            elsewhere.append(f"{request.url} (from {request.frame.url})")

    context.on("request", record)
    page = context.new_page()
    log_in(page, base_url, username)
    page.wait_for_url("**/dashboard/")
    queue = deque(base_url + path for path in START[username])
    seen = set()
    while queue and len(seen) < PAGES_PER_PERSONA:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        page.goto(url, wait_until="networkidle")
        queue.extend(links_on(page, base_url))
    context.close()
    return seen, elsewhere


def test_no_page_any_persona_opens_sends_a_request_to_another_host(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    """One walk per persona on one seeded demo (seeding it costs more than a walk)."""
    elsewhere = {}
    for username in START:
        seen, requests = walk(browser, demo, username)
        assert len(seen) >= 5, f"{username} saw only {sorted(seen)}"
        elsewhere[username] = requests
    assert elsewhere == {username: [] for username in START}


def test_the_admin_home_of_a_superuser_shows_no_gravatar_and_checks_no_release(
    client_a, org_a
):
    admin = member(org_a, Role.ADMIN, user__is_superuser=True)
    client_a.force_login(admin)
    page = client_a.get("/admin/").content.decode()
    assert "gravatar" not in page
    assert "w-upgrade" not in page  # the panel whose script asks for new releases


def test_every_host_has_a_favicon(db, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    path = response.url.removeprefix(settings.STATIC_URL)
    assert finders.find(path) is not None
