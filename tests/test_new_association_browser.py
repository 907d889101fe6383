"""From nothing to the first volunteer invited, in a real browser: the federation's
admin creates a member association through the guided flow and invites its first
volunteer, who sets her password on her phone and completes the first step of the
starter path. The screens each person goes through are counted (README.md)."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from wagtail.models import Site

from courses.models import PathAssignment, StepCompletion
from lms.models import Role
from tests.factories import member
from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    demo,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
]

# Upper bounds of the screens (pages loaded) each person sees; README.md gives them.
FOUNDER_SCREENS = 9  # log in → … → first volunteer invited
VOLUNTEER_SCREENS = 5  # invitation link → … → first step done
PASSWORD = "un mot de passe bien long"


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            # Every association has its own address: *.localhost is this machine.
            args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP *.localhost 127.0.0.1"],
        )
        yield browser
        browser.close()


@pytest.fixture
def federation(demo):  # noqa: F811
    """The demo's federation, served by the test server, with its admin."""
    port = urlsplit(demo).port
    federation = Site.objects.get(hostname="federation.localhost")
    federation.port = port
    federation.save()
    admin = member(
        federation,
        Role.ADMIN,
        user__username="claire",
        user__first_name="Claire",
        user__email="claire@federation.example",
    )
    admin.set_password(PASSWORD)
    admin.save()
    return f"http://federation.localhost:{port}"


def screens(page):
    """The pages ``page`` loads from now on, in order."""
    loaded = []
    page.on(
        "framenavigated",
        lambda frame: frame == page.main_frame and loaded.append(frame.url),
    )
    return loaded


def test_a_federation_admin_founds_an_association_and_its_first_volunteer_starts(
    federation, browser
):
    founder = browser.new_context(locale="fr-FR").new_page()
    founder_screens = screens(founder)

    founder.goto(f"{federation}/login/")
    founder.get_by_label("Adresse e-mail ou identifiant").fill("claire")
    founder.get_by_label("Mot de passe").fill(PASSWORD)
    founder.get_by_role("button", name="Se connecter").click()
    founder.get_by_role("link", name="Créer une association membre").click()

    # Screen 1: name and address.
    founder.get_by_label("Nom de l'association").fill("Entraide Croix-Rousse")
    founder.get_by_label("Adresse web").fill("entraide-croix-rousse")
    founder.get_by_role("button", name="Continuer").click()
    # Screen 2: look and languages (French is ticked already).
    assert founder.get_by_label("Français").is_checked()
    founder.get_by_label("Couleur").fill("#7c2d12")
    assert axe_violations(founder) == []
    founder.get_by_role("button", name="Continuer").click()
    # Screen 3: features.
    founder.get_by_role("button", name="Continuer").click()
    # Summary.
    assert founder.get_by_text(
        "entraide-croix-rousse.federation.localhost"
    ).is_visible()
    founder.get_by_role("button", name="Créer l'association").click()

    # The new association's dashboard, on its own address, its founder logged in.
    founder.wait_for_url(re.compile(r"//entraide-croix-rousse\.federation\.localhost"))
    assert founder.get_by_role("link", name="Entraide Croix-Rousse").is_visible()
    founder.get_by_role("link", name="Invitez votre premier·ère bénévole").click()
    founder.get_by_label("E-mail").fill("lea.martin@example.org")
    founder.get_by_label("Prénom").fill("Léa")
    founder.get_by_role("button", name="Envoyer l'invitation").click()
    founder.wait_for_url("**/people/")
    assert founder.get_by_text("lea.martin@example.org").first.is_visible()
    assert len(founder_screens) <= FOUNDER_SCREENS, founder_screens

    # Léa reads the e-mail and opens its link on her phone.
    email = mail.outbox[-1]
    assert email.to == ["lea.martin@example.org"]
    assert "Bonjour et bienvenue chez Entraide Croix-Rousse" in email.body
    link = re.search(r"http://\S+/invitation/\S+/", email.body)[0]
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, locale="fr-FR"
    ).new_page()
    volunteer_screens = screens(phone)
    phone.goto(link)
    phone.get_by_label("Choisissez un mot de passe").fill(PASSWORD)
    phone.get_by_label("Confirmez votre mot de passe").fill(PASSWORD)
    phone.get_by_role("button", name="Rejoindre").click()
    phone.wait_for_url("**/dashboard/")
    next_step = phone.locator("section", has_text="Ce qu'il faut faire maintenant")
    assert "Lire le mot de bienvenue" in next_step.inner_text()
    next_step.get_by_role("link", name="Y aller").click()
    phone.get_by_role("link", name=re.compile("^Continuer")).click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Bienvenue\xa0!"
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Terminé, finir la formation").click()
    # Finishing the course leads on to the path's next step, the charter.
    phone.wait_for_url(re.compile(r"/onboarding/step/\d+/$"))
    assert len(volunteer_screens) <= VOLUNTEER_SCREENS, volunteer_screens

    lea = get_user_model().objects.get(email="lea.martin@example.org")
    assignment = PathAssignment.objects.get(user=lea)
    assert assignment.path.title == "Accueillir un·e nouveau·elle bénévole"
    first_step = assignment.path.steps.first()
    assert StepCompletion.objects.filter(
        assignment=assignment, step=first_step
    ).exists()
