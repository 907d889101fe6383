"""Recruitment (issue 17, missions and applications): the public board and its
JobPosting, applying without an account, the candidate's private page, the
coordinator's pipeline, accept = onboard, reactivity and the funnel."""

import csv
import io
from datetime import timedelta

import extruct
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from courses.models import OnboardingPath, PathAssignment, PathStep
from lms.models import Invitation, Membership, OrganisationSettings, Role
from relais_recruitment import pipeline, reports, tasks
from relais_recruitment.models import (
    MOTIVATION_MAX_LENGTH,
    Application,
    Message,
    Mission,
    MissionViews,
    WaitingReminder,
)
from tests.factories import PASSWORD, TeamFactory, member

HOST_A = "a.test"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def on(org_a, org_b, enable_plugin):
    enable_plugin(org_a, "recruitment")
    enable_plugin(org_b, "recruitment")
    return org_a


def make_mission(organisation, **fields):
    defaults = {
        "title": "Accueil du public",
        "description": "Accueillir les familles à la permanence.",
        "city": "Lyon",
        "postal_code": "69003",
        "address": "12 rue Paul Bert",
        "status": Mission.Status.OPEN,
        "slots": ["tue-am", "sat-am"],
        "theme": "Accueil",
    }
    defaults.update(fields)
    return Mission.objects.create(organisation=organisation, **defaults)


def apply_data(**fields):
    data = {
        "name": "Camille Petit",
        "email": "camille@example.org",
        "phone": "",
        "availability": ["tue-am"],
        "motivation": "J'aime rendre service.",
        "consent": "on",
        "website": "",
    }
    data.update(fields)
    return data


def apply(client, mission, host=HOST_A, **fields):
    return client.post(
        reverse("recruitment:mission", args=[mission.pk]),
        apply_data(**fields),
        HTTP_HOST=host,
    )


def a_new_application(mission, email="camille@example.org", **fields):
    data = {"name": "Camille Petit", "email": email, **fields}
    application, _created = pipeline.submit(mission, data, language="fr")
    return application


# The board -----------------------------------------------------------------


def test_the_board_lists_open_missions_to_anyone(client, on):
    make_mission(on, title="Accueil du public")
    make_mission(on, title="Brouillon secret", status=Mission.Status.DRAFT)
    make_mission(on, title="Mission fermée", status=Mission.Status.CLOSED)
    response = client.get(reverse("recruitment:board"), HTTP_HOST=HOST_A)
    assert response.status_code == 200
    assert "Accueil du public" in response.text
    assert "Brouillon secret" not in response.text
    assert "Mission fermée" not in response.text


def test_the_board_searches_and_filters(client, on):
    make_mission(on, title="Accueil du public", slots=["tue-am"])
    make_mission(
        on,
        title="Aide aux devoirs",
        description="Collégiens",
        remote=True,
        slots=["wed-pm"],
        theme="Éducation",
        city="Villeurbanne",
        postal_code="69100",
    )
    board = reverse("recruitment:board")

    def titles(**query):
        text = client.get(board, query, HTTP_HOST=HOST_A).text
        return {t for t in ("Accueil du public", "Aide aux devoirs") if t in text}

    assert titles(q="collégiens") == {"Aide aux devoirs"}
    assert titles(place="69100") == {"Aide aux devoirs"}
    assert titles(place="lyon") == {"Accueil du public"}
    assert titles(remote="on") == {"Aide aux devoirs"}
    assert titles(theme="Éducation") == {"Aide aux devoirs"}
    assert titles(availability="tue-am") == {"Accueil du public"}


def test_the_board_lists_in_a_fixed_number_of_queries(
    client, on, django_assert_max_num_queries
):
    for number in range(25):
        make_mission(on, title=f"Mission numéro {number}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("recruitment:board"), HTTP_HOST=HOST_A)
    assert response.text.count("Mission numéro") == 20  # one page


def test_a_federation_board_lists_its_members_open_missions(client, on, org_b):
    settings_b = OrganisationSettings.for_site(org_b)
    settings_b.federation = on
    settings_b.save()
    make_mission(org_b, title="Distribution au parc")
    make_mission(org_b, title="Brouillon du parc", status=Mission.Status.DRAFT)
    text = client.get(reverse("recruitment:board"), HTTP_HOST=HOST_A).text
    assert "Distribution au parc" in text
    assert "Les Amis du Parc" in text
    assert "Brouillon du parc" not in text
    # ...but a member's board does not list the federation's.
    make_mission(on, title="Mission de la fédération")
    text_b = client.get(reverse("recruitment:board"), HTTP_HOST="b.test").text
    assert "Mission de la fédération" not in text_b


def test_the_plugin_off_answers_404(client, org_a):
    assert client.get("/recruitment/", HTTP_HOST=HOST_A).status_code == 404


# The mission's JSON-LD (acceptance 2) ----------------------------------------


def structured_data(response):
    return extruct.extract(
        response.text, base_url=f"http://{HOST_A}/", syntaxes=["json-ld"]
    )["json-ld"]


def test_a_mission_page_carries_a_volunteer_job_posting(client, on):
    mission = make_mission(on, closes_on=timezone.localdate() + timedelta(days=30))
    response = client.get(
        reverse("recruitment:mission", args=[mission.pk]), HTTP_HOST=HOST_A
    )
    [posting] = structured_data(response)
    assert posting["@context"].startswith("https://schema.org")
    assert posting["@type"] == "JobPosting"
    assert posting["employmentType"] == "VOLUNTEER"
    for required in ("title", "description", "datePosted", "hiringOrganization"):
        assert posting[required], required
    assert posting["title"] == "Accueil du public"
    assert posting["hiringOrganization"]["name"] == "Entraide Quartier"
    assert posting["jobLocation"]["address"]["addressLocality"] == "Lyon"
    assert posting["validThrough"] == mission.closes_on.isoformat()


def test_a_remote_mission_says_so_in_its_job_posting(client, on):
    mission = make_mission(on, remote=True, address="", city="", postal_code="")
    [posting] = structured_data(
        client.get(reverse("recruitment:mission", args=[mission.pk]), HTTP_HOST=HOST_A)
    )
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"]["name"] == "FR"
    assert "jobLocation" not in posting


def test_a_title_cannot_close_the_json_ld_script(client, on):
    mission = make_mission(on, title="</script><script>alert(1)</script>")
    response = client.get(
        reverse("recruitment:mission", args=[mission.pk]), HTTP_HOST=HOST_A
    )
    assert "<script>alert(1)" not in response.text
    [posting] = structured_data(response)
    assert posting["title"] == "</script><script>alert(1)</script>"


def test_a_draft_mission_is_not_found(client, on):
    mission = make_mission(on, status=Mission.Status.DRAFT)
    url = reverse("recruitment:mission", args=[mission.pk])
    assert client.get(url, HTTP_HOST=HOST_A).status_code == 404


def test_another_organisations_mission_is_not_found_here(client, on, org_b):
    mission = make_mission(org_b)
    url = reverse("recruitment:mission", args=[mission.pk])
    assert client.get(url, HTTP_HOST=HOST_A).status_code == 404


def test_opening_a_mission_counts_a_view(
    client, on, django_capture_on_commit_callbacks
):
    mission = make_mission(on)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("recruitment:mission", args=[mission.pk]), HTTP_HOST=HOST_A)
        client.get(reverse("recruitment:mission", args=[mission.pk]), HTTP_HOST=HOST_A)
    assert MissionViews.objects.get(mission=mission).count == 2


# Applying -------------------------------------------------------------------


def test_applying_needs_no_account_and_confirms_by_email(
    client, on, django_capture_on_commit_callbacks
):
    coordinator = member(on, Role.COORDINATOR)
    mission = make_mission(on)
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, mission, phone="06 12 34 56 78")
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.email == "camille@example.org"
    assert application.availability == ["tue-am"]
    assert application.consent_at is not None
    assert application.source == "board"
    [confirmation, notice] = mail.outbox
    assert confirmation.to == ["camille@example.org"]
    assert "Accueil du public" in confirmation.subject
    assert reverse("recruitment:follow", args=[application.token]) in confirmation.body
    assert notice.to == [coordinator.email]


def test_the_confirmation_is_in_the_candidates_language(
    client, on, django_capture_on_commit_callbacks
):
    mission = make_mission(on)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, mission)
    assert Application.objects.get().language == "en"
    assert mail.outbox[0].subject.startswith("Your application")


def test_applying_twice_is_one_application(
    client, on, django_capture_on_commit_callbacks
):
    mission = make_mission(on)
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, mission)
        apply(client, mission, email="CAMILLE@example.org", name="Camille P.")
    assert Application.objects.count() == 1
    assert len([m for m in mail.outbox if m.to == ["camille@example.org"]]) == 1


def test_the_database_refuses_a_second_application_from_one_address(on):
    mission = make_mission(on)
    a_new_application(mission)
    with pytest.raises(IntegrityError):
        Application.objects.create(
            organisation=on,
            mission=mission,
            name="X",
            email="Camille@Example.org",
            consent_at=timezone.now(),
        )


@pytest.mark.parametrize(
    "status", [Mission.Status.CLOSED, Mission.Status.FULL, Mission.Status.DRAFT]
)
def test_a_mission_not_open_takes_no_application(client, on, status):
    mission = make_mission(on, status=status)
    response = apply(client, mission)
    assert response.status_code in (302, 404)
    assert not Application.objects.exists()


def test_a_closed_mission_says_so(client, on):
    mission = make_mission(on, status=Mission.Status.CLOSED)
    response = client.post(
        reverse("recruitment:mission", args=[mission.pk]),
        apply_data(),
        HTTP_HOST=HOST_A,
        follow=True,
    )
    assert "not taking applications any more" in response.text or (
        "ne prend plus de candidatures" in response.text
    )


def test_a_mission_past_its_closing_day_takes_no_application(client, on):
    mission = make_mission(on, closes_on=timezone.localdate() - timedelta(days=1))
    apply(client, mission)
    assert not Application.objects.exists()


def test_an_oversize_motivation_is_refused_with_a_message(client, on):
    mission = make_mission(on)
    response = apply(client, mission, motivation="x" * (MOTIVATION_MAX_LENGTH + 1))
    assert response.status_code == 200
    assert "motivation" in response.context["form"].errors
    assert not Application.objects.exists()


def test_consent_is_required(client, on):
    mission = make_mission(on)
    response = apply(client, mission, consent="")
    assert "consent" in response.context["form"].errors
    assert not Application.objects.exists()


def test_the_consent_says_purpose_and_retention(client, on):
    mission = make_mission(on)
    text = client.get(
        reverse("recruitment:mission", args=[mission.pk]), HTTP_HOST=HOST_A
    ).text
    assert "180" in text


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_kept(client, on):
    mission = make_mission(on)
    response = apply(client, mission, website="http://spam.example")
    assert response.status_code == 302
    assert not Application.objects.exists()
    assert mail.outbox == []


def test_too_many_applications_from_one_address_are_refused(client, on):
    missions = [make_mission(on, title=f"Mission {n}") for n in range(4)]
    for mission in missions[:3]:
        assert apply(client, mission).status_code == 302
    response = apply(client, missions[3])
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Application.objects.count() == 3


def test_a_member_already_here_is_told_and_nothing_is_written(client, on):
    volunteer = member(on, Role.LEARNER, user__email="lea@example.org")
    mission = make_mission(on)
    response = apply(client, mission, email=volunteer.email)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Application.objects.exists()


def test_a_member_of_another_organisation_may_apply_here(client, on, org_b):
    someone = member(org_b, Role.LEARNER, user__email="parc@example.org")
    mission = make_mission(on)
    assert apply(client, mission, email=someone.email).status_code == 302
    assert Application.objects.get().organisation == on


# The candidate's private page ----------------------------------------------


def test_the_private_link_shows_status_and_thread_and_takes_a_reply(
    client, on, django_capture_on_commit_callbacks
):
    coordinator = member(on, Role.COORDINATOR)
    application = a_new_application(make_mission(on))
    pipeline.write(application, "Bonjour, pouvons-nous nous appeler ?", by=coordinator)
    url = reverse("recruitment:follow", args=[application.token])
    page = client.get(url, HTTP_HOST=HOST_A)
    assert "pouvons-nous nous appeler" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Oui, mardi matin."}, HTTP_HOST=HOST_A)
    reply = Message.objects.get(author__isnull=True)
    assert reply.body == "Oui, mardi matin."
    assert mail.outbox[-1].to == [coordinator.email]


def test_the_candidate_withdraws(client, on):
    application = a_new_application(make_mission(on))
    client.post(
        reverse("recruitment:withdraw", args=[application.token]), HTTP_HOST=HOST_A
    )
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_an_expired_private_link_says_so_and_changes_nothing(client, on):
    application = a_new_application(make_mission(on))
    with time_machine.travel(timezone.now() + timedelta(days=61)):
        page = client.get(
            reverse("recruitment:follow", args=[application.token]), HTTP_HOST=HOST_A
        )
        withdraw = client.post(
            reverse("recruitment:withdraw", args=[application.token]),
            HTTP_HOST=HOST_A,
        )
    assert page.status_code == 410
    assert withdraw.status_code == 410
    application.refresh_from_db()
    assert application.status == Application.Status.NEW


def test_a_forged_private_link_is_not_found(client, on):
    url = reverse("recruitment:follow", args=["forged-token"])
    assert client.get(url, HTTP_HOST=HOST_A).status_code == 404


def test_a_private_link_of_another_organisation_is_not_found_here(client, on, org_b):
    application = a_new_application(make_mission(org_b))
    url = reverse("recruitment:follow", args=[application.token])
    assert client.get(url, HTTP_HOST=HOST_A).status_code == 404


# The pipeline ----------------------------------------------------------------


def test_invalid_moves_are_refused(on):
    application = a_new_application(make_mission(on))
    pipeline.move(application, Application.Status.DECLINED)
    with pytest.raises(pipeline.NotAllowed):
        pipeline.move(application, Application.Status.CONTACTED)
    with pytest.raises(pipeline.NotAllowed):
        pipeline.move(application, Application.Status.ACCEPTED)
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED


def test_the_coordinator_moves_an_application_and_answers_first(client, on):
    coordinator = member(on, Role.COORDINATOR)
    application = a_new_application(make_mission(on))
    client.force_login(coordinator)
    client.post(
        reverse("recruitment:move", args=[application.pk]),
        {"status": "contacted"},
        HTTP_HOST=HOST_A,
    )
    application.refresh_from_db()
    assert application.status == Application.Status.CONTACTED
    assert application.first_answered_at is not None


def test_a_declined_candidate_receives_a_kind_message(
    client, on, django_capture_on_commit_callbacks
):
    coordinator = member(on, Role.COORDINATOR)
    application = a_new_application(make_mission(on))
    client.force_login(coordinator)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("recruitment:move", args=[application.pk]),
            {"status": "declined"},
            HTTP_HOST=HOST_A,
        )
    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert "Merci" in message.body or "Thank you" in message.body


def test_a_message_from_the_coordinator_is_emailed_with_the_private_link(
    client, on, django_capture_on_commit_callbacks
):
    coordinator = member(on, Role.COORDINATOR)
    application = a_new_application(make_mission(on))
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("recruitment:write", args=[application.pk]),
            {"body": "Bienvenue, passons un coup de fil."},
            HTTP_HOST=HOST_A,
        )
    [message] = mail.outbox
    assert "passons un coup de fil" in message.body
    assert reverse("recruitment:follow", args=[application.token]) in message.body
    application.refresh_from_db()
    assert application.status == Application.Status.CONTACTED


def test_a_meeting_sends_a_calendar_invitation(
    client, on, django_capture_on_commit_callbacks
):
    from icalendar import Calendar

    coordinator = member(on, Role.COORDINATOR)
    application = a_new_application(make_mission(on))
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("recruitment:meeting", args=[application.pk]),
            {"meeting_at": "2027-01-12T10:00", "meeting_place": "Au local"},
            HTTP_HOST=HOST_A,
        )
    application.refresh_from_db()
    assert application.status == Application.Status.MEETING
    [message] = mail.outbox
    [(_name, content, mimetype)] = message.attachments
    assert mimetype == "text/calendar"
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["location"]) == "Au local"
    assert event["dtstart"].dt.hour == 10


def test_another_organisations_application_is_not_found(client, on, org_b):
    coordinator = member(on, Role.COORDINATOR)
    theirs = a_new_application(make_mission(org_b))
    client.force_login(coordinator)
    for name in ("application", "move", "write", "notes", "meeting"):
        method = client.get if name == "application" else client.post
        response = method(
            reverse(f"recruitment:{name}", args=[theirs.pk]),
            {"status": "declined", "body": "x", "notes": "x"},
            HTTP_HOST=HOST_A,
        )
        assert response.status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.status == Application.Status.NEW
    assert not theirs.messages.exists()


def test_volunteers_may_not_see_the_pipeline(client, on):
    client.force_login(member(on, Role.LEARNER))
    assert client.get("/recruitment/pipeline/", HTTP_HOST=HOST_A).status_code == 403


def test_the_pipeline_lists_in_a_fixed_number_of_queries(
    client, on, django_assert_max_num_queries
):
    coordinator = member(on, Role.COORDINATOR)
    missions = [make_mission(on, title=f"Mission {n}") for n in range(3)]
    for number in range(30):
        a_new_application(missions[number % 3], email=f"c{number}@example.org")
    client.force_login(coordinator)
    # 15: the bell's one COUNT, now that the core has a notification kind
    # (lms.webhook_disabled) offered everywhere.
    with django_assert_max_num_queries(15):
        response = client.get("/recruitment/pipeline/", HTTP_HOST=HOST_A)
    assert response.status_code == 200
    assert response.text.count("Camille Petit") == 30


# Accept = onboard --------------------------------------------------------------


@pytest.fixture
def front_desk_path(on):
    path = OnboardingPath.objects.create(organisation=on, title="Bienvenue à l'accueil")
    PathStep.objects.create(
        path=path, kind="checklist", title="Observer une permanence"
    )
    return path


def test_accepting_invites_with_the_missions_role_team_and_start(
    client, on, front_desk_path, django_capture_on_commit_callbacks
):
    coordinator = member(on, Role.COORDINATOR)
    team = TeamFactory(organisation=on, name="Accueil")
    start = timezone.localdate() + timedelta(days=7)
    mission = make_mission(
        on, team=team, onboarding_path=front_desk_path, starts_on=start
    )
    application = a_new_application(mission)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("recruitment:move", args=[application.pk]),
            {"status": "accepted"},
            HTTP_HOST=HOST_A,
        )
    invitation = Invitation.objects.get(email="camille@example.org")
    assert (invitation.role, invitation.team, invitation.start_date) == (
        Role.LEARNER,
        team,
        start,
    )
    assert invitation.sent_at is not None
    [welcome] = [m for m in mail.outbox if m.to == ["camille@example.org"]][-1:]
    assert invitation.token in welcome.body
    assert "next=" in welcome.body


def test_joining_assigns_the_missions_path_and_lands_on_its_first_step(
    client, on, front_desk_path, django_capture_on_commit_callbacks
):
    coordinator = member(on, Role.COORDINATOR)
    mission = make_mission(on, onboarding_path=front_desk_path)
    application = a_new_application(mission)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.accept(application, by=coordinator)
    link = mail.outbox[-1].body.split("http://a.test", 1)[1].split()[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            link,
            {
                "first_name": "Camille",
                "last_name": "Petit",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            HTTP_HOST=HOST_A,
        )
    step = front_desk_path.steps.get()
    assert response.status_code == 302
    assert response.url == reverse("courses:step", args=[step.pk])
    user = get_user_model().objects.get(email="camille@example.org")
    assert PathAssignment.objects.filter(user=user, path=front_desk_path).exists()
    application.refresh_from_db()
    assert application.membership == Membership.objects.get(user=user, organisation=on)


def test_the_invitation_refuses_a_landing_on_another_site(client, on):
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(organisation=on)
    response = client.post(
        reverse("lms:accept_invitation", args=[invitation.token])
        + "?next=https://evil.example/",
        {
            "first_name": "Léa",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_HOST=HOST_A,
    )
    assert response.url == reverse("lms:dashboard")


def test_accepting_the_last_place_fills_the_mission(on):
    coordinator = member(on, Role.COORDINATOR)
    mission = make_mission(on, places=1)
    pipeline.accept(a_new_application(mission), by=coordinator)
    mission.refresh_from_db()
    assert mission.status == Mission.Status.FULL


# Reactivity --------------------------------------------------------------------


def test_the_median_wait_for_a_first_answer(on):
    coordinator = member(on, Role.COORDINATOR)
    mission = make_mission(on)
    start = timezone.now()
    for number, days in enumerate([1, 3, 8]):
        with time_machine.travel(start, tick=False):
            application = a_new_application(mission, email=f"p{number}@example.org")
        with time_machine.travel(start + timedelta(days=days), tick=False):
            pipeline.move(application, Application.Status.CONTACTED, by=coordinator)
    a_new_application(mission, email="waiting@example.org")
    figures = reports.reactivity(on)
    assert figures["median"] == timedelta(days=3)
    assert figures["waiting"] == 1
    assert reports.reactivity(on, mission=make_mission(on))["median"] is None


def test_one_waiting_reminder_per_application_and_day(on, settings):
    """Acceptance 3: a frozen clock, the daily job run twice a day for three
    days: exactly one reminder per waiting application and day."""
    settings.LMS_RECRUITMENT_REMINDER_DAYS = 3
    coordinator = member(on, Role.COORDINATOR)
    mission = make_mission(on)
    start = timezone.now().replace(hour=9)
    with time_machine.travel(start, tick=False):
        waiting = a_new_application(mission, email="waiting@example.org")
        answered = a_new_application(mission, email="answered@example.org")
        pipeline.move(answered, Application.Status.CONTACTED, by=coordinator)
    mail.outbox = []
    for day in (2, 4, 5):
        for hour in (0, 6):
            with time_machine.travel(
                start + timedelta(days=day, hours=hour), tick=False
            ):
                tasks.remind_waiting_candidates.call()
    assert list(
        WaitingReminder.objects.order_by("day").values_list("application", flat=True)
    ) == [waiting.pk, waiting.pk]
    assert len(mail.outbox) == 2
    assert all(m.to == [coordinator.email] for m in mail.outbox)


# Funnel ----------------------------------------------------------------------


def test_the_funnel_counts_each_stage_per_mission_and_source(client, on):
    coordinator = member(on, Role.COORDINATOR)
    mission = make_mission(on)
    MissionViews.objects.create(mission=mission, day=timezone.localdate(), count=40)
    a_new_application(mission, email="a@example.org")
    pipeline.accept(a_new_application(mission, email="b@example.org"), by=coordinator)
    pipeline.submit(
        mission,
        {"name": '=HYPERLINK("http://x")', "email": "c@example.org"},
        language="fr",
        source="federation",
    )
    rows = {(r["mission"].pk, r["source"]): r for r in reports.funnel(on)}
    overall = rows[(mission.pk, "")]
    assert (overall["viewed"], overall["applied"], overall["accepted"]) == (40, 3, 1)
    assert rows[(mission.pk, "federation")]["applied"] == 1
    client.force_login(coordinator)
    response = client.get("/recruitment/funnel/export.csv", HTTP_HOST=HOST_A)
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[1][:5] == ["Accueil du public", table[1][1], "40", "3", "1"]


def test_exports_neutralise_a_formula_in_a_name(client, on):
    coordinator = member(on, Role.COORDINATOR)
    mission = make_mission(on)
    pipeline.submit(
        mission,
        {"name": '=HYPERLINK("http://x")', "email": "c@example.org"},
        language="fr",
    )
    client.force_login(coordinator)
    response = client.get("/recruitment/applications/export.csv", HTTP_HOST=HOST_A)
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[1][0] == '\'=HYPERLINK("http://x")'


# Demo --------------------------------------------------------------------------


def test_the_demo_has_four_open_missions_and_applications_in_every_state(db):
    from django.core.management import call_command

    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    site = Membership.objects.get(user__username="coordinatrice").organisation
    assert Mission.objects.for_organisation(site).published().count() == 4
    states = set(
        Application.objects.for_organisation(site).values_list("status", flat=True)
    )
    assert states == set(Application.Status.values)
    assert Application.objects.for_organisation(site).count() >= 12
    lea = Application.objects.get(email__startswith="benevole")
    assert lea.membership.user.username == "benevole"


# Authoring missions, retention --------------------------------------------------


def mission_form(**fields):
    data = {
        "title": "Collecte de printemps",
        "description": "Trois samedis au supermarché.",
        "theme": "Aide alimentaire",
        "status": "open",
        "role": "learner",
        "city": "Lyon",
        "slots": ["sat-am"],
        "places": "4",
        "commitment": "",
    }
    data.update(fields)
    return data


def test_a_coordinator_publishes_a_mission_in_the_admin_with_skills_off(client, on):
    from relais_recruitment.admin import missions

    client.force_login(member(on, Role.COORDINATOR))
    add = reverse(missions.get_url_name("add"))
    page = client.get(add, HTTP_HOST=HOST_A)
    assert page.status_code == 200
    assert 'name="skills"' not in page.text  # no skills plugin on here
    response = client.post(add, mission_form(), HTTP_HOST=HOST_A)
    assert response.status_code == 302
    mission = Mission.objects.get(title="Collecte de printemps")
    assert (mission.organisation, mission.slots, mission.skills) == (on, ["sat-am"], [])
    assert mission.published_at is not None


def test_a_mission_needs_a_place_or_remote(client, on):
    from relais_recruitment.admin import missions

    client.force_login(member(on, Role.COORDINATOR))
    response = client.post(
        reverse(missions.get_url_name("add")),
        mission_form(city="", address=""),
        HTTP_HOST=HOST_A,
    )
    assert response.status_code == 200
    assert not Mission.objects.exists()


def test_the_skills_wanted_come_from_the_skills_plugin_when_it_is_on(
    client, on, enable_plugin
):
    from relais_recruitment.admin import missions
    from relais_skills.models import Framework, Skill

    enable_plugin(on, "skills")
    framework = Framework.objects.create(organisation=on, name="Bénévolat")
    skill = Skill.objects.create(framework=framework, name="Accueil du public")
    client.force_login(member(on, Role.COORDINATOR))
    add = reverse(missions.get_url_name("add"))
    assert "Accueil du public" in client.get(add, HTTP_HOST=HOST_A).text
    client.post(add, mission_form(skills=[str(skill.pk)]), HTTP_HOST=HOST_A)
    assert Mission.objects.get().skills == [str(skill.pk)]


def test_applications_never_accepted_are_deleted_after_the_retention_period(on):
    coordinator = member(on, Role.COORDINATOR)
    mission = make_mission(on, places=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        declined = a_new_application(mission, email="declined@example.org")
        pipeline.move(declined, Application.Status.DECLINED, by=coordinator)
        accepted = a_new_application(mission, email="accepted@example.org")
        pipeline.accept(accepted, by=coordinator)
        talking = a_new_application(mission, email="talking@example.org")
    with time_machine.travel(start + timedelta(days=170), tick=False):
        pipeline.write(talking, "Toujours partant ?", by=coordinator)
    with time_machine.travel(start + timedelta(days=181), tick=False):
        tasks.delete_expired_applications.call()
        tasks.delete_expired_applications.call()
    assert set(Application.objects.values_list("email", flat=True)) == {
        "accepted@example.org",
        "talking@example.org",
    }
