"""French and English: the organisation's default, the person's own choice."""

from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from lms.models import OrganisationSettings, Role
from tests.factories import member


def test_visitors_see_the_organisations_language(client_a, org_a):
    response = client_a.get(reverse("lms:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "fr"
    assert "Se connecter" in response.content.decode()
    settings = OrganisationSettings.for_site(org_a)
    settings.language = "en"
    settings.save()
    response = client_a.get(reverse("lms:login"))
    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_a_persons_choice_is_remembered_on_their_profile(client_a, org_a):
    user = member(org_a)
    client_a.force_login(user)
    client_a.post(
        reverse("lms:set_language"), {"language": "en", "next": "/dashboard/"}
    )
    assert UserProfile.objects.get(user=user).preferred_language == "en"
    client_a.cookies.clear()
    client_a.force_login(user)
    assert client_a.get(reverse("lms:dashboard"))["Content-Language"] == "en"


def test_a_language_switch_never_redirects_to_another_site(client_a, org_a):
    response = client_a.post(
        reverse("lms:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_the_wagtail_admin_speaks_the_persons_language(client_a, org_a):
    trainer = member(org_a, Role.TRAINER)
    client_a.force_login(trainer)
    assert client_a.get("/admin/")["Content-Language"] == "fr"
    UserProfile.objects.update_or_create(
        user=trainer, defaults={"preferred_language": "en"}
    )
    page = client_a.get("/admin/").content.decode()
    assert 'lang="en"' in page


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "catalogue_path",
    # Every French catalogue of the core and of each first-party plugin.
    sorted(
        str(path.relative_to(ROOT))
        for folder in ("lms", "courses", "plugins")
        for path in (ROOT / folder).glob("**/locale/fr/LC_MESSAGES/django.po")
    ),
)
def test_the_french_catalogues_are_complete(catalogue_path):
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parents[1] / catalogue_path
    with path.open("rb") as po:
        catalogue = read_po(po)
    missing = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    assert missing == []
    assert not catalogue.fuzzy  # a fuzzy catalogue is never compiled
    assert len(catalogue) > 20
