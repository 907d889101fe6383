"""Themes per organisation, and a brand colour that stays readable."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lms.colours import contrast_ratio, validate_brand_colour
from lms.models import OrganisationSettings
from lms.themes import available_themes


def use_theme(organisation, theme, **fields):
    settings = OrganisationSettings.for_site(organisation)
    settings.theme = theme
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()


def test_the_default_and_contrast_themes_ship():
    assert {"default", "contrast"} <= set(available_themes())


def test_each_organisation_gets_its_own_theme_from_the_same_cached_templates(
    client, org_a, org_b
):
    use_theme(org_b, "contrast")
    for _ in range(2):  # the second round is served from the template cache
        page_a = client.get(reverse("lms:login"), HTTP_HOST="a.test").content.decode()
        page_b = client.get(reverse("lms:login"), HTTP_HOST="b.test").content.decode()
        assert "contrast.css" not in page_a
        assert "contrast.css" in page_b
        assert "themes/default/css/relais.css" in page_b  # falls back to default


def test_an_unknown_theme_falls_back_to_the_default(client_a, org_a):
    use_theme(org_a, "gone-since")
    assert client_a.get(reverse("lms:login")).status_code == 200


def test_the_brand_colour_is_applied(client_a, org_a):
    use_theme(org_a, "default", brand_colour="#7c2d12")
    assert "--brand: #7c2d12" in client_a.get(reverse("lms:login")).content.decode()


@pytest.mark.parametrize("colour", ["#ffff00", "#a3e635", "red", "#12345"])
def test_a_brand_colour_white_text_cannot_be_read_on_is_refused(colour):
    with pytest.raises(ValidationError):
        validate_brand_colour(colour)


def test_the_shipped_colours_meet_wcag_aa():
    validate_brand_colour("#1d4ed8")
    assert contrast_ratio("#1f2937", "#f5f6f8") >= 4.5  # body text on the page
    assert contrast_ratio("#4b5563", "#ffffff") >= 4.5  # muted text
