"""The LRS endpoint screens in a real browser: axe-core finds nothing serious on
a phone or a desk, and the secret is a labelled password field left empty."""

import pytest
from django.urls import reverse

from lms.xapi_forwarding.models import LrsEndpoint
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


def serious(page):
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]][:3])
        for violation in axe_violations_detail(page)
        if violation["impact"] in {"critical", "serious"}
    ]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_admin_screens_of_lrs_endpoints_are_accessible(
    demo,  # noqa: F811
    browser,  # noqa: F811
    width,
):
    endpoint = LrsEndpoint.objects.get(name="Fédération (exemple)")
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, demo, "admin")
    name = "wagtailsnippets_xapi_forwarding_lrsendpoint"
    for url in (
        reverse(f"{name}:list"),
        reverse(f"{name}:add"),
        reverse(f"{name}:edit", args=[endpoint.pk]),
        reverse(f"{name}:replay", args=[endpoint.pk]),
    ):
        answer = page.goto(demo + url)
        assert answer.status == 200, url
        assert serious(page) == [], url
    page.goto(demo + reverse(f"{name}:edit", args=[endpoint.pk]))
    secret = page.locator("input[name=secret]")
    assert secret.get_attribute("type") == "password"
    assert secret.input_value() == ""
    assert page.locator(f"label[for={secret.get_attribute('id')}]").count() == 1
