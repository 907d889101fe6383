"""Issue 16 in Chromium at 390 px: Léa's whole journey, from the invitation she
accepts on her phone to the badge she shares, offers at every page something she
can do now (found and followed, never a dead end) and celebrates her finished path;
Michel's pages show their actions and tell him his certificate expires soon. Every
page is checked with axe: no critical or serious violation."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from courses.completion import complete_step
from courses.models import BadgeAward, BadgeClass, PathAssignment, PathStep
from lms.models import Membership
from relais_mentoring import pairs
from relais_quizzes.models import Attempt
from tests.factories import InvitationFactory
from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    browser,
    demo,
    log_in,
)
from tests.test_quiz_browser import answer_rightly, slots_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}
NEXT = "section:has(h2#next-step)"  # the dashboard's "what to do now"


def serious_violations(page):
    """axe-core's critical and serious findings on the page, by rule id."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        violation["id"]
        for violation in results.response["violations"]
        if violation["impact"] in ("critical", "serious")
    ]


def on_a_phone(browser, locale="fr-FR"):  # noqa: F811
    return browser.new_context(locale=locale, **PHONE).new_page()


def go_on(page, name, role="link", within="main"):
    """The page is accessible and offers this way forward: follow it."""
    assert serious_violations(page) == [], page.url
    way = page.locator(within).get_by_role(role, name=name).first
    assert way.is_visible(), f"no “{name}” on {page.url}"
    way.click()
    page.wait_for_load_state()


def test_lea_is_never_stuck_from_her_invitation_to_her_shared_badge(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    sophie_membership = Membership.objects.select_related("organisation", "team").get(
        user__username="coordinatrice"
    )
    organisation = sophie_membership.organisation
    accueil = Membership.objects.get(user__username="benevole").team
    michel = get_user_model().objects.get(username="mentor")
    invitation = InvitationFactory(
        organisation=organisation,
        email="lea.nouvelle@example.org",
        first_name="Léa",
        last_name="Nouvelle",
        team=accueil,
        start_date=timezone.localdate(),
        invited_by=sophie_membership.user,
    )

    # The invitation, on her phone: a password, and she joins.
    phone = on_a_phone(browser)
    phone.goto(f"{demo}{reverse('lms:accept_invitation', args=[invitation.token])}")
    phone.locator("input[name=password1]").fill("un-mot-de-passe-solide-42")
    phone.locator("input[name=password2]").fill("un-mot-de-passe-solide-42")
    go_on(phone, "Rejoindre", role="button")
    phone.wait_for_url(f"{demo}/dashboard/")
    lea = get_user_model().objects.get(email="lea.nouvelle@example.org")
    assignment = PathAssignment.objects.get(user=lea)
    # Day 1, Sophie proposes Michel as her mentor.
    pairing = pairs.propose(
        organisation, mentor=michel, mentee=lea, by=sophie_membership.user
    )

    # Her path, the first course, its lessons and the charter.
    assert "Découvrir Entraide Quartier" in phone.locator(NEXT).inner_text()
    go_on(phone, "Y aller", within=NEXT)
    go_on(phone, "Continuer")
    go_on(phone, "Terminé, leçon suivante", role="button")
    assert phone.locator("h1").inner_text() == "La charte du bénévole"
    phone.get_by_label("J'ai lu et j'accepte la charte").check()
    go_on(phone, "Confirmer", role="button")
    go_on(phone, "Terminé, leçon suivante", role="button")
    go_on(phone, "Terminé, finir la formation", role="button")

    # Finished, the course leads straight to the next step: the règlement, which
    # opens in the browser, in readable French, then is accepted.
    assert phone.locator("h1").inner_text() == "Lire le règlement intérieur"
    go_on(phone, "Ouvrir le document")
    assert "Règlement intérieur d'Entraide Quartier" in phone.inner_text("body")
    phone.go_back()
    phone.get_by_label("J'ai lu et j'accepte").check()
    go_on(phone, "Confirmer", role="button")

    # The task in Sophie's hands is waiting; the next doable step comes first.
    phone.goto(f"{demo}/dashboard/")
    next_step = phone.locator(NEXT)
    assert "⏳ Observer une permanence d'accueil" in next_step.inner_text()
    assert "Hygiène alimentaire : les bases" in next_step.inner_text()
    go_on(phone, "Y aller", within=NEXT)
    go_on(phone, "Continuer")
    go_on(phone, "Terminé, leçon suivante", role="button")
    go_on(phone, "Terminé, finir la formation", role="button")

    # Her mentor comes next: the proposal, which she accepts.
    assert phone.url == f"{demo}/mentoring/"
    go_on(phone, "Voir la proposition")
    go_on(phone, "Accepter", role="button")
    # Michel accepts and logs their first meeting.
    pairs.accept(pairing, michel)
    pairs.log_session(
        pairing,
        michel,
        starts_at=timezone.now() - timedelta(hours=2),
        duration_minutes=45,
        format="in_person",
        topics="Le poste d'accueil",
    )

    # Then the quiz, and back to her path.
    phone.goto(f"{demo}/dashboard/")
    assert "Quiz" in phone.locator(NEXT).inner_text()
    go_on(phone, "Y aller", within=NEXT)
    go_on(phone, "Commencer le quiz", role="button")
    phone.wait_for_url("**/quizzes/attempt/**")
    slots = slots_of(Attempt.objects.get(user=lea))
    for slot in slots:
        phone.locator(f'fieldset[data-position="{slot.position}"]').wait_for()
        answer_rightly(phone, slot)
        label = "next" if slot.position < len(slots) else "review"
        phone.locator(f"button[value={label}]").click()
    phone.wait_for_url("**review=1")
    phone.locator("button[value=submit]").click()
    phone.wait_for_url("**/result")
    go_on(phone, "Continuer")
    phone.wait_for_url(f"{demo}/onboarding/")
    # Only Sophie's task is left: it shows as waiting, with courses meanwhile.
    assert "en attente" in phone.inner_text("main")
    go_on(phone, "Parcourir les formations en attendant")

    # Sophie confirms the task she watched.
    task = PathStep.objects.get(path=assignment.path, kind="checklist")
    complete_step(assignment, task, organisation, confirmed_by=sophie_membership.user)

    # Her path is complete: the dashboard celebrates it, with her badge to share.
    phone.goto(f"{demo}/dashboard/")
    celebration = phone.locator(NEXT).inner_text()
    assert "Parcours terminé, bravo" in celebration
    assert "Bénévole accueil" in celebration
    assert "apparaîtra ici" not in phone.inner_text("body")
    go_on(phone, "Voir et partager mes badges", within=NEXT)
    award = BadgeAward.objects.get(recipient=lea, badge__name="Bénévole accueil")
    share = phone.locator(f"#share-{award.pk}")
    assert share.is_visible()
    assert serious_violations(phone) == []
    # The link names the association's own address (the demo's 127.0.0.1:8000);
    # the same page is opened on the server under test.
    shared = urlsplit(share.input_value())
    assert shared.path.startswith("/badges/verify/")
    phone.goto(f"{demo}{shared.path}")
    assert "Bénévole accueil" in phone.inner_text("body")


def test_michel_sees_his_certificate_expiring_and_his_pair_pages_actions(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    organisation = Membership.objects.get(user__username="mentor").organisation
    users = get_user_model().objects.in_bulk(
        ["benevole", "mentor", "coordinatrice"], field_name="username"
    )
    michel, lea = users["mentor"], users["benevole"]
    first_aid = BadgeClass.objects.filter(organisation=organisation).first()
    BadgeAward.objects.update_or_create(
        badge=first_aid,
        recipient=michel,
        rule="manual",
        defaults={
            "issued_on": timezone.now() - timedelta(days=700),
            "expires": timezone.now() + timedelta(days=20),
        },
    )
    pairing = pairs.propose(
        organisation, mentor=michel, mentee=lea, by=users["coordinatrice"]
    )
    pairs.accept(pairing, lea)

    phone = on_a_phone(browser)
    log_in(phone, demo, "mentor")
    phone.wait_for_url(f"{demo}/dashboard/")
    warning = phone.locator("section:has(h2#expiring-badges)")
    assert first_aid.name in warning.inner_text()
    go_on(phone, "Ouvrir notre espace")
    go_on(phone, "Accepter", role="button")

    # Every action of the pair page shows as one, with a marker, and opens.
    summaries = phone.locator("main details > summary")
    assert summaries.count() >= 3
    for index in range(summaries.count()):
        summary = summaries.nth(index)
        assert summary.is_visible()
        marker = summary.evaluate("el => getComputedStyle(el, '::before').content")
        assert marker in ('"+"', '"\u2212"')  # plus, or minus once open
    goal = phone.locator("details", has=phone.locator("summary", has_text="objectif"))
    goal.locator("summary").click()
    assert goal.locator("input[name=title]").is_visible()
    assert serious_violations(phone) == []


def test_the_mentoring_programme_tables_scroll_with_the_keyboard_on_a_phone(
    demo,  # noqa: F811
    browser,  # noqa: F811
):
    phone = on_a_phone(browser)
    log_in(phone, demo, "coordinatrice")
    phone.wait_for_url(f"{demo}/dashboard/")
    phone.goto(f"{demo}/mentoring/programme/")
    assert serious_violations(phone) == []
    region = phone.get_by_role("group", name="Binômes")
    assert region.get_attribute("tabindex") == "0"
    assert phone.get_by_text("Faites défiler de côté").first.is_visible()
    region.focus()
    before = region.evaluate("el => el.scrollLeft")
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function(
        "([el, x]) => el.scrollLeft > x", arg=[region.element_handle(), before]
    )
