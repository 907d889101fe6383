"""The guided "new association" flow of a federation's admin, and what it creates."""

import html
import io
import re

import pytest
from django.core import mail
from PIL import Image as PILImage
from wagtail import hooks
from wagtail.models import Page, Site

from courses.models import CourseIndexPage, CoursePage, OnboardingPath
from lms.models import (
    Membership,
    OrganisationSettings,
    PluginActivation,
    Role,
    Team,
)
from lms.new_association import NewAssociation, create_association
from lms.plugins.activation import installed_plugins
from tests.factories import InvitationFactory, make_organisation, member

FLOW = "/associations/new/"
FEDERATION_HOST = "federation.test"
NEW_HOST = "entraide-croix-rousse.federation.test"


@pytest.fixture
def federation(db):
    federation = make_organisation("Fédération Solidaire du Rhône", FEDERATION_HOST)
    association = make_organisation("Entraide Quartier", "entraide.test")
    settings = OrganisationSettings.for_site(association)
    settings.federation = federation
    settings.save()
    return federation


@pytest.fixture
def founder(federation):
    return member(federation, Role.ADMIN, user__username="fondatrice")


@pytest.fixture
def admin_client(client, founder):
    client.force_login(founder)
    return client


def post(client, data, host=FEDERATION_HOST, **extra):
    return client.post(FLOW, data, HTTP_HOST=host, **extra)


def identity(client, name="Entraide Croix-Rousse", address="entraide-croix-rousse"):
    return post(client, {"step": "identity", "name": name, "address": address})


def look(client, colour="#7c2d12", languages=("fr",), **extra):
    return post(
        client,
        {"step": "look", "brand_colour": colour, "languages": list(languages)},
        **extra,
    )


def features(client, plugins=()):
    return post(client, {"step": "plugins", "plugins": list(plugins)})


def create(client):
    return post(client, {"step": "summary", "action": "create"})


def fill_in_everything(client, **look_options):
    identity(client)
    look(client, **look_options)
    features(client)


def text(response):
    return html.unescape(response.content.decode())


def logo_file():
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 32), "#7c2d12").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "logo.png"
    return buffer


def test_the_three_screens_and_the_summary_create_the_association_on_its_address(
    admin_client, federation
):
    fill_in_everything(admin_client)
    response = create(admin_client)

    site = Site.objects.get(hostname=NEW_HOST)
    assert site.site_name == "Entraide Croix-Rousse"
    assert response.status_code == 302
    assert response.url.startswith(f"http://{NEW_HOST}/associations/welcome/")
    settings = OrganisationSettings.for_site(site)
    assert (settings.brand_colour, settings.language) == ("#7c2d12", "fr")
    assert settings.federation == federation


def test_the_new_association_has_a_home_page_a_catalogue_and_default_teams(
    admin_client,
):
    fill_in_everything(admin_client)
    create(admin_client)

    site = Site.objects.get(hostname=NEW_HOST)
    assert site.root_page.specific.title == "Entraide Croix-Rousse"
    assert CourseIndexPage.objects.child_of(site.root_page).get().title == "Formations"
    assert list(Team.objects.for_organisation(site).values_list("name", flat=True)) == [
        "Accueil",
        "Activités",
        "Logistique",
    ]


def test_the_founder_is_the_new_associations_admin(admin_client, founder):
    fill_in_everything(admin_client)
    create(admin_client)

    membership = Membership.objects.get(organisation__hostname=NEW_HOST)
    assert (membership.user, membership.role) == (founder, Role.ADMIN)


def test_the_starter_path_welcomes_charters_meets_a_referent_and_plans_a_shift(
    admin_client,
):
    fill_in_everything(admin_client)
    create(admin_client)

    path = OnboardingPath.objects.get(organisation__hostname=NEW_HOST)
    assert path.title == "Accueillir un·e nouveau·elle bénévole"
    assert path.role == Role.LEARNER
    steps = list(path.steps.all())
    assert [step.kind for step in steps] == [
        "course",
        "acknowledge",
        "checklist",
        "checklist",
    ]
    assert steps[0].course.title == "Bienvenue chez Entraide Croix-Rousse"
    assert "je m'engage" in steps[1].instructions
    assert steps[2].title == "Rencontrer votre référent·e"
    assert steps[3].title == "Votre première permanence"


def test_the_starter_kit_french_texts_use_non_breaking_spaces_before_colons(
    admin_client,
):
    fill_in_everything(admin_client)
    create(admin_client)

    path = OnboardingPath.objects.get(organisation__hostname=NEW_HOST)
    charter = path.steps.get(kind="acknowledge").instructions
    assert "à\N{NO-BREAK SPACE}:" in charter
    assert " :" not in charter and " ;" not in charter


def test_choosing_english_too_adds_the_kit_in_english_assigned_by_hand(admin_client):
    fill_in_everything(admin_client, languages=("fr", "en"))
    create(admin_client)

    paths = dict(
        OnboardingPath.objects.filter(organisation__hostname=NEW_HOST).values_list(
            "title", "role"
        )
    )
    assert paths == {
        "Accueillir un·e nouveau·elle bénévole": Role.LEARNER,
        "Welcoming a new volunteer": "",
    }


def test_an_english_only_association_opens_in_english_with_its_kit_in_english(
    admin_client,
):
    fill_in_everything(admin_client, languages=("en",))
    create(admin_client)

    site = Site.objects.get(hostname=NEW_HOST)
    assert OrganisationSettings.for_site(site).language == "en"
    path = OnboardingPath.objects.get(organisation=site)
    assert (path.title, path.role) == ("Welcoming a new volunteer", Role.LEARNER)
    assert CoursePage.objects.descendant_of(site.root_page).get().title == (
        "Welcome to Entraide Croix-Rousse"
    )


def test_the_chosen_features_are_switched_on_and_no_other(admin_client):
    plugins = sorted(plugin.label for plugin in installed_plugins())
    identity(admin_client)
    look(admin_client)
    features(admin_client, plugins=plugins[:2])
    create(admin_client)

    enabled = PluginActivation.objects.filter(organisation__hostname=NEW_HOST)
    assert sorted(enabled.values_list("app_label", flat=True)) == plugins[:2]


def test_the_logo_sent_on_the_look_screen_becomes_the_associations_logo(
    admin_client,
):
    identity(admin_client)
    post(
        admin_client,
        {
            "step": "look",
            "brand_colour": "#7c2d12",
            "languages": ["fr"],
            "logo": logo_file(),
        },
    )
    features(admin_client)
    create(admin_client)

    logo = OrganisationSettings.for_site(Site.objects.get(hostname=NEW_HOST)).logo
    assert (logo.width, logo.height) == (64, 32)


def test_going_back_keeps_what_was_typed_on_the_screen_left_and_the_one_before(
    admin_client,
):
    identity(admin_client, name="Les Jardins Partagés")
    response = post(
        admin_client,
        {"step": "look", "action": "back", "brand_colour": "#14532d"},
    )
    assert response.url == f"{FLOW}?step=identity"

    back = admin_client.get(response.url, HTTP_HOST=FEDERATION_HOST)
    assert 'value="Les Jardins Partagés"' in back.content.decode()
    forward = admin_client.get(f"{FLOW}?step=look", HTTP_HOST=FEDERATION_HOST)
    assert 'value="#14532d"' in forward.content.decode()


def test_a_colour_too_pale_is_refused_with_a_message_and_the_rest_is_kept(
    admin_client,
):
    identity(admin_client)
    response = look(admin_client, colour="#fde68a", languages=("fr", "en"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "demande au moins 4.5:1" in page
    assert re.search(r'value="en"[^>]*checked', page)
    assert not Site.objects.filter(hostname=NEW_HOST).exists()


def test_no_language_chosen_is_refused_with_a_clear_message(admin_client):
    identity(admin_client)
    response = look(admin_client, languages=())

    assert "Choisissez au moins une langue." in text(response)


@pytest.mark.parametrize(
    "address",
    ["entraide croix-rousse", "entraide_croix", "-entraide", "crèche.org", "a..b"],
)
def test_a_malformed_address_is_refused_with_an_example(admin_client, address):
    response = identity(admin_client, address=address)

    assert response.status_code == 200
    assert "Utilisez seulement des lettres minuscules" in text(response)


def test_a_refused_address_keeps_the_name_and_the_address_typed(admin_client):
    response = identity(
        admin_client, name="Les Jardins Partagés", address="les jardins"
    )

    page = text(response)
    assert 'value="Les Jardins Partagés"' in page
    assert 'value="les jardins"' in page


def test_an_address_already_used_is_refused_and_names_the_address(
    admin_client, federation
):
    make_organisation("Déjà là", NEW_HOST)
    response = identity(admin_client)

    assert f"{NEW_HOST} est déjà l'adresse d'une autre organisation." in text(response)


def test_a_full_address_is_kept_as_typed_in_lowercase(admin_client):
    identity(admin_client, address="https://Formation.Jardins.test/")
    look(admin_client)
    features(admin_client)
    create(admin_client)

    assert Site.objects.filter(hostname="formation.jardins.test").exists()


def test_an_address_this_installation_does_not_serve_is_refused(admin_client):
    response = identity(admin_client, address="formation.jardins.example")

    assert "ne répond pas encore à l'adresse formation.jardins.example" in text(
        response
    )


def test_an_address_taken_before_the_summary_is_confirmed_creates_nothing(
    admin_client,
):
    fill_in_everything(admin_client)
    make_organisation("Plus rapide", NEW_HOST)
    sites = Site.objects.count()

    response = create(admin_client)

    assert response.url == f"{FLOW}?step=identity"
    assert Site.objects.count() == sites
    assert not OnboardingPath.objects.exists()


def test_the_summary_sends_back_to_a_screen_not_filled_in(admin_client):
    identity(admin_client)
    response = admin_client.get(f"{FLOW}?step=summary", HTTP_HOST=FEDERATION_HOST)

    assert response.url == f"{FLOW}?step=look"


def test_a_failure_midway_leaves_nothing_behind(federation, founder):
    counts = {
        model: model.objects.count()
        for model in (Site, Page, Team, Membership, PluginActivation, OnboardingPath)
    }

    def fail(site, languages):
        raise RuntimeError("the disk is full")

    new = NewAssociation(
        name="Entraide Croix-Rousse",
        hostname=NEW_HOST,
        brand_colour="#7c2d12",
        languages=["fr"],
        plugins=[plugin.label for plugin in installed_plugins()],
    )
    with (
        hooks.register_temporarily("lms_construct_new_organisation", fail),
        pytest.raises(RuntimeError),
    ):
        create_association(new, federation=federation, founder=founder)

    assert {model: model.objects.count() for model in counts} == counts


def test_the_welcome_link_logs_the_founder_in_on_the_new_address(admin_client):
    fill_in_everything(admin_client)
    link = create(admin_client).url.removeprefix(f"http://{NEW_HOST}")

    response = admin_client.get(link, HTTP_HOST=NEW_HOST, follow=True)

    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert "Invitez votre premier·ère bénévole" in text(response)


def test_the_welcome_link_works_only_once(admin_client, client):
    fill_in_everything(admin_client)
    link = create(admin_client).url.removeprefix(f"http://{NEW_HOST}")
    admin_client.get(link, HTTP_HOST=NEW_HOST)

    client.logout()
    response = client.get(link, HTTP_HOST=NEW_HOST)

    assert response.status_code == 410
    assert "_auth_user_id" not in client.session


def test_the_welcome_link_does_not_open_another_organisation(admin_client, client):
    fill_in_everything(admin_client)
    link = create(admin_client).url.removeprefix(f"http://{NEW_HOST}")

    client.logout()
    response = client.get(link, HTTP_HOST="entraide.test")

    assert response.status_code == 410


def test_the_invitation_email_carries_the_starter_kits_words(admin_client, founder):
    fill_in_everything(admin_client)
    create(admin_client)
    site = Site.objects.get(hostname=NEW_HOST)

    from lms.tasks import send_invitation

    invitation = InvitationFactory(organisation=site, invited_by=founder)
    send_invitation.call(invitation.pk)

    assert "Bonjour et bienvenue chez Entraide Croix-Rousse" in mail.outbox[0].body


def test_the_federation_admins_dashboard_offers_to_create_a_member_association(
    admin_client,
):
    response = admin_client.get("/dashboard/", HTTP_HOST=FEDERATION_HOST)

    assert FLOW in response.content.decode()


def test_a_member_associations_admin_is_not_offered_the_flow(client, federation):
    client.force_login(member(Site.objects.get(hostname="entraide.test"), Role.ADMIN))
    response = client.get("/dashboard/", HTTP_HOST="entraide.test")

    assert FLOW not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, federation):
    response = client.get(FLOW, HTTP_HOST=FEDERATION_HOST)

    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINER, Role.LEARNER])
def test_other_roles_of_the_federation_may_not_create_an_association(
    client, federation, role
):
    client.force_login(member(federation, role))

    assert client.get(FLOW, HTTP_HOST=FEDERATION_HOST).status_code == 403
    assert identity(client).status_code == 403
    assert not Site.objects.filter(hostname=NEW_HOST).exists()


def test_the_admin_of_an_organisation_without_members_may_not(client, federation):
    alone = make_organisation("Seule", "seule.test")
    client.force_login(member(alone, Role.ADMIN))

    assert client.get(FLOW, HTTP_HOST="seule.test").status_code == 403


def test_the_federation_admin_may_not_from_a_member_associations_address(
    admin_client, founder
):
    member(Site.objects.get(hostname="entraide.test"), Role.ADMIN, user=founder)

    assert admin_client.get(FLOW, HTTP_HOST="entraide.test").status_code == 403


def test_the_summary_reads_the_database_a_fixed_number_of_times(
    admin_client, django_assert_max_num_queries
):
    identity(admin_client)
    look(admin_client)
    features(admin_client, plugins=[plugin.label for plugin in installed_plugins()])

    with django_assert_max_num_queries(12):
        response = admin_client.get(f"{FLOW}?step=summary", HTTP_HOST=FEDERATION_HOST)

    assert response.status_code == 200
