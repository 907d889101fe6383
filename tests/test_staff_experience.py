"""Coordinators and trainers (issue 16): dashboards that are action lists, a menu
grouped by job, role names people use, reports that can be handed to a board and
step editing that shows only what the step's kind needs."""

import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from courses.learning import assign_path, enrol
from courses.models import OnboardingPath, PathStep, StepCompletion
from lms.charts import bar_chart
from lms.models import Role
from tests.factories import InvitationFactory, make_course, member


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch):
    """Signals wait for a commit the test transaction never makes: run them now."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def path(org_a):
    course = make_course(org_a, lessons=1)
    path = OnboardingPath.objects.create(
        organisation=org_a, title="Bienvenue à l'accueil", role=Role.LEARNER
    )
    PathStep.objects.create(
        path=path, kind="course", title="Découvrir", course=course, due_days=2
    )
    PathStep.objects.create(
        path=path, kind="checklist", title="Observer une permanence", due_days=3
    )
    return path


def late_newcomer(organisation, path, days_ago=10, **kwargs):
    user = member(organisation, **kwargs)
    assign_path(user, path, timezone.localdate() - timedelta(days=days_ago))
    return user


def in_english(client):
    client.post(reverse("lms:set_language"), {"language": "en", "next": "/"})


def actions_of(response):
    """The actions by their English label."""
    with translation.override("en"):
        return {str(action.label): action for action in response.context["actions"]}


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("lms:dashboard"))
    assert response.status_code == 200
    return response


# The coordinator's action list ------------------------------------------------------


def test_a_coordinator_sees_who_is_late_and_the_invitations_waiting_with_links(
    client_a, org_a, coordinator_a, path
):
    lea = late_newcomer(org_a, path, days_ago=10)
    late_newcomer(org_a, path, days_ago=0)  # on time
    InvitationFactory(organisation=org_a, email="karim@example.org")

    in_english(client_a)
    response = dashboard(client_a, coordinator_a)
    actions = actions_of(response)

    late = actions["People late on their onboarding path"]
    assert (late.count, late.url) == (1, reverse("courses:paths"))
    assert late.since == timezone.localdate() - timedelta(days=8)
    invitations = actions["Invitations not accepted yet"]
    assert (invitations.count, invitations.url) == (1, "/people/#invitations")
    page = response.content.decode()
    assert lea.get_full_name() in page
    assert "Confirm “Observer une permanence”" in page


def test_the_action_list_speaks_french(client_a, org_a, coordinator_a, path):
    late_newcomer(org_a, path)
    page = dashboard(client_a, coordinator_a).content.decode()
    assert "Ce qui vous attend" in page
    assert "Personnes en retard sur leur parcours d&#x27;intégration" in page
    assert "Confirmer «\u00a0Observer une permanence\u00a0»" in page


def test_the_plugins_add_mentor_waits_answers_to_review_and_expiring_certificates(
    client_a, org_a, coordinator_a, enable_plugin
):
    from relais_mentoring.models import MentoringRequest
    from relais_skills import proficiency
    from relais_skills.models import Evidence, Framework, Skill

    for label in ("mentoring", "quizzes", "skills"):
        enable_plugin(org_a, label)
    waiting = member(org_a)
    MentoringRequest.objects.create(organisation=org_a, user=waiting, languages=[])
    first_aid = Skill.objects.create(
        framework=Framework.objects.create(organisation=org_a, name="Entraide"),
        name="Premiers secours",
        valid_days=365,
    )
    proficiency.record(
        organisation=org_a,
        user=waiting,
        skill=first_aid,
        level=1,
        source=Evidence.Source.COURSE,
        observed_on=timezone.localdate() - timedelta(days=340),
    )
    answered_for_review(org_a)

    with translation.override("en"):
        actions = actions_of(dashboard(client_a, coordinator_a))

    assert actions["People waiting for a mentor"].count == 1
    assert actions["People waiting for a mentor"].url == reverse("mentoring:programme")
    assert actions["Quiz answers to review"].count == 1
    expiring = actions["Certificates expired or expiring within 90 days"]
    assert (expiring.count, expiring.url) == (1, reverse("skills_expiry"))


def answered_for_review(organisation):
    """A learner's submitted answer that waits for a person's mark."""
    from relais_quizzes.attempts import save_answer, start, submit
    from tests.quiz_kit import make_quiz, short

    class Data(dict):
        def getlist(self, key):
            return [self[key]] if key in self else []

    quiz = make_quiz(organisation, [short(organisation, review=True)], layout="all")
    attempt = start(quiz, member(organisation))
    save_answer(attempt, 1, Data(q1="ensemble"))
    submit(attempt)
    return quiz


def test_plugin_actions_are_absent_where_the_plugin_is_off(
    client_a, org_a, coordinator_a
):
    with translation.override("en"):
        actions = actions_of(dashboard(client_a, coordinator_a))
    assert "People waiting for a mentor" not in actions
    assert "Quiz answers to review" not in actions
    assert "People late on their onboarding path" in actions


def test_the_dashboard_links_to_the_skills_reports(
    client_a, org_a, coordinator_a, enable_plugin
):
    enable_plugin(org_a, "skills")
    page = dashboard(client_a, coordinator_a).content.decode()
    reports = page.split('id="reports"', 1)[1]
    assert reverse("skills_matrix") in reports
    assert reverse("skills_funnel") in reports


def test_the_dashboard_reads_as_many_queries_for_50_late_people_as_for_2(
    client_a, org_a, coordinator_a, path, enable_plugin
):
    for label in ("mentoring", "quizzes", "skills"):
        enable_plugin(org_a, label)
    client_a.force_login(coordinator_a)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client_a.get(reverse("lms:dashboard")).status_code == 200
        return len(captured)

    for _i in range(2):
        late_newcomer(org_a, path)
    count()  # once to fill the caches (the bell's count), then compare
    few = count()
    for _i in range(48):
        late_newcomer(org_a, path)
    assert count() == few


# One-click confirm -------------------------------------------------------------------


def confirm(client, path, user):
    assignment = user.path_assignments.get()
    task = path.steps.get(kind="checklist")
    return client.post(
        reverse("courses:confirm_task", args=[path.pk]),
        {"confirm": f"{assignment.pk}:{task.pk}", "next": "dashboard"},
    )


def test_confirming_a_task_from_the_dashboard_completes_it_once_and_comes_back(
    client_a, org_a, coordinator_a, path
):
    lea = late_newcomer(org_a, path)
    client_a.force_login(coordinator_a)

    first, second = confirm(client_a, path, lea), confirm(client_a, path, lea)

    assert first.url == second.url == reverse("lms:dashboard")
    completion = StepCompletion.objects.get(step__kind="checklist")
    assert completion.confirmed_by == coordinator_a
    assert completion.assignment.user == lea


def test_only_a_coordinator_of_the_organisation_confirms(client, org_a, org_b, path):
    lea = late_newcomer(org_a, path)
    client.defaults["HTTP_HOST"] = "a.test"
    client.force_login(member(org_a, Role.TRAINER))
    assert confirm(client, path, lea).status_code == 403
    client.force_login(lea)
    assert confirm(client, path, lea).status_code == 403
    client.defaults["HTTP_HOST"] = "b.test"
    client.force_login(member(org_b, Role.COORDINATOR))
    assert confirm(client, path, lea).status_code == 404
    assert not StepCompletion.objects.exists()


def test_a_confirm_without_the_csrf_token_is_refused(org_a, coordinator_a, path):
    lea = late_newcomer(org_a, path)
    client = Client(enforce_csrf_checks=True, HTTP_HOST="a.test")
    client.force_login(coordinator_a)
    assert confirm(client, path, lea).status_code == 403
    assert not StepCompletion.objects.exists()


# The trainer ---------------------------------------------------------------------


def test_a_trainer_sees_their_courses_with_learners_in_progress_and_answers_to_review(
    client_a, org_a, enable_plugin
):
    enable_plugin(org_a, "quizzes")
    karim = member(org_a, Role.TRAINER)
    course = make_course(org_a, title="Hygiène alimentaire", owner=karim)
    for _i in range(3):
        enrol(member(org_a), course, org_a)
    answered_for_review(org_a)

    with translation.override("en"):
        response = dashboard(client_a, karim)

    (panel,) = [p for p in response.context["panels"] if hasattr(p, "shown")]
    courses = panel.get_context_data()["courses"]
    assert next((c.title, c.in_progress, c.completed) for c in courses) == (
        "Hygiène alimentaire",
        3,
        0,
    )
    assert actions_of(response)["Quiz answers to review"].count == 1
    assert "People late on their onboarding path" not in actions_of(response)


# The menu ------------------------------------------------------------------------


def menu_of(response, language="en"):
    with translation.override(language):
        return [
            (str(heading), [str(link.label) for link in links])
            for _group, heading, links in response.context["menu_groups"]()
        ]


def test_a_coordinators_menu_is_grouped_by_job(client_a, org_a, coordinator_a):
    with translation.override("en"):
        menu = dict(menu_of(dashboard(client_a, coordinator_a)))
    assert list(menu) == [
        "My learning",
        "Coordination",
        "Reports",
        "Authoring",
        "My account",
    ]
    assert "People" in menu["Coordination"]
    assert "Path follow-up" in menu["Coordination"]
    assert "My onboarding" in menu["My learning"]


def test_a_learners_menu_holds_their_learning_only(client_a, org_a):
    menu = menu_of(dashboard(client_a, member(org_a)), "fr")
    assert [heading for heading, _links in menu] == ["Mon apprentissage", "Mon compte"]


def test_no_two_menu_links_read_alike_in_french(client_a, org_a, coordinator_a):
    labels = [
        label
        for _heading, links in menu_of(dashboard(client_a, coordinator_a), "fr")
        for label in links
    ]
    words = {label: set(re.findall(r"\w+", label.lower())) for label in labels}
    for label in labels:
        for other in labels:
            if label != other:
                shared = words[label] & words[other] - {"de", "d", "mon", "mes"}
                assert len(shared) < 2, (label, other)


def test_the_menu_button_is_a_details_element_with_grouped_headings(
    client_a, org_a, coordinator_a
):
    page = dashboard(client_a, coordinator_a).content.decode()
    header = page.split('<header class="site-header">', 1)[1].split("</header>")[0]
    assert '<details class="site-menu"' in header
    assert '<summary class="site-menu__button">' in header
    assert header.count('class="site-nav__heading"') == 5


# Roles in the invitation form ------------------------------------------------------


def test_the_invitation_form_names_roles_as_people_do_in_french(
    client_a, org_a, coordinator_a, path
):
    client_a.force_login(coordinator_a)
    page = client_a.get(reverse("lms:invite")).content.decode()
    roles = page.split("<legend>", 1)[1].split("</fieldset>")[0]
    assert "Bénévole ou salarié·e" in roles
    assert "Formateur·rice" in roles
    assert "Apprenant" not in roles
    assert "ne voit que sa propre progression" in roles
    assert (
        "Reçoit le parcours d&#x27;intégration «\u00a0Bienvenue à l&#x27;accueil\u00a0»"
        in roles
    )


def test_the_invitation_form_explains_each_role_in_english(
    client_a, org_a, coordinator_a, path
):
    in_english(client_a)
    client_a.force_login(coordinator_a)
    page = client_a.get(reverse("lms:invite"))
    assert "Writes and improves the courses" in page.content.decode()
    with translation.override("en"):
        options = {
            str(option.choice_label): (str(help), [str(line) for line in details])
            for option, help, details in page.context["form"].role_options()
        }
    assert list(options) == ["Learner", "Trainer", "Mentor", "Coordinator / HR"]
    assert options["Trainer"][0].startswith("Writes and improves the courses")
    assert options["Learner"][1] == [
        "Receives the onboarding path “Bienvenue à l'accueil”."
    ]
    assert options["Mentor"][1] == []


def test_a_password_like_the_address_is_refused_without_mentioning_a_username(
    client_a, org_a
):
    invitation = InvitationFactory(organisation=org_a, email="lea.martin@example.org")
    response = client_a.post(
        reverse("lms:accept_invitation", args=[invitation.token]),
        {
            "first_name": "Léa",
            "last_name": "Martin",
            "password1": "lea.martin@example",
            "password2": "lea.martin@example",
        },
    )
    page = response.content.decode()
    assert "ressemble trop à votre nom ou à votre adresse e-mail" in page
    assert "utilisateur" not in page


# Reports for the board -----------------------------------------------------------


def test_step_titles_too_long_to_sit_side_by_side_are_turned():
    long = ["Lire et accepter la charte des bénévoles", "Observer une permanence"] * 3
    turned = bar_chart("Funnel", long, [5, 4, 3, 2, 1, 1])
    assert "rotate(35" in turned
    assert 'height="' in turned and "<title>Lire et accepter la charte" in turned
    assert "rotate(" not in bar_chart("Short", ["Oui", "Non"], [3, 1])


def test_the_funnel_names_its_cohorts_in_french_and_exports_sortable_months(
    client_a, org_a, enable_plugin
):
    enable_plugin(org_a, "skills")
    path = OnboardingPath.objects.create(organisation=org_a, title="Accueil")
    PathStep.objects.create(path=path, kind="checklist", title="Visite")
    assign_path(member(org_a), path, date(2030, 1, 6))
    client_a.force_login(member(org_a, Role.COORDINATOR))

    page = client_a.get(reverse("skills_funnel"), {"path": path.pk})
    export = client_a.get(reverse("skills_funnel"), {"path": path.pk, "export": "csv"})

    assert "janvier 2030" in page.content.decode()
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[1].startswith("2030-01,")


def test_report_downloads_are_buttons_in_view(client_a, org_a, enable_plugin):
    enable_plugin(org_a, "skills")
    client_a.force_login(member(org_a, Role.COORDINATOR))
    page = client_a.get(reverse("skills_expiry")).content.decode()
    header = page.split("</header>", 1)[0]
    assert "Télécharger en Excel (XLSX)" in header
    assert header.count("export=xlsx") == 1  # not again in the "⋯" menu


def workbook(response):
    content = (
        response.content
        if not response.streaming
        else b"".join(response.streaming_content)
    )
    return load_workbook(io.BytesIO(content))


def test_a_report_export_has_a_named_sheet_and_a_frozen_header(
    client_a, org_a, enable_plugin
):
    enable_plugin(org_a, "skills")
    client_a.force_login(member(org_a, Role.COORDINATOR))
    book = workbook(client_a.get(reverse("skills_expiry"), {"export": "xlsx"}))
    assert book.sheetnames == ["Certifications qui expirent"]
    assert book.active.freeze_panes == "A2"


def test_the_path_export_is_named_after_the_path_with_its_header_frozen(
    client_a, org_a, coordinator_a, path
):
    late_newcomer(org_a, path)
    client_a.force_login(coordinator_a)
    book = workbook(
        client_a.get(reverse("courses:path_people", args=[path.pk]), {"export": "xlsx"})
    )
    assert book.sheetnames == ["Bienvenue à l'accueil"]
    assert book.active.freeze_panes == "A2"


def heat_fills(sheet):
    return {
        rule.formula[0]: rule.dxf.fill.bgColor.rgb[-6:]
        for ranges in sheet.conditional_formatting
        for rule in ranges.rules
    }


def matrix_with_levels(organisation, enable_plugin):
    from relais_skills import proficiency
    from relais_skills.models import Evidence, Framework, Skill

    enable_plugin(organisation, "skills")
    framework = Framework.objects.create(organisation=organisation, name="Entraide")
    welcoming = Skill.objects.create(framework=framework, name="Accueil")
    proficiency.record(
        organisation=organisation,
        user=member(organisation),
        skill=welcoming,
        level=2,
        source=Evidence.Source.MENTOR,
    )


def test_the_matrix_export_keeps_the_heatmap_colours_and_the_names_in_view(
    client_a, org_a, enable_plugin
):
    matrix_with_levels(org_a, enable_plugin)
    client_a.force_login(member(org_a, Role.COORDINATOR))
    sheet = workbook(client_a.get(reverse("skills_matrix"), {"export": "xlsx"})).active
    assert sheet.title == "Matrice des compétences"
    assert sheet.freeze_panes == "C2"
    fills = heat_fills(sheet)
    assert (fills["1"], fills["2"], fills["3"]) == ("DBEAFE", "93C5FD", "1D4ED8")
    assert sorted(cell.value for cell in sheet["C"][1:]) == [0, 2]


def test_the_matrix_exported_in_the_background_keeps_the_heatmap_too(
    client_a, org_a, enable_plugin, settings
):
    from relais_skills.models import Job

    settings.LMS_SKILLS_EXPORT_INLINE_ROWS = 0
    matrix_with_levels(org_a, enable_plugin)
    client_a.force_login(member(org_a, Role.COORDINATOR))
    client_a.get(reverse("skills_matrix"), {"export": "xlsx"})
    job = Job.objects.get()
    with job.result.open("rb") as result:
        sheet = load_workbook(result).active
    assert sheet.freeze_panes == "C2"
    assert heat_fills(sheet)["2"] == "93C5FD"


# Onboarding path editing -----------------------------------------------------------


def test_each_step_kind_names_the_fields_it_uses():
    from courses.steps import kind_fields

    fields = kind_fields()
    assert fields["course"] == ["course"]
    assert fields["acknowledge"] == ["document"]
    assert fields["checklist"] == []
    assert fields["quiz"] == ["target"]


def test_the_path_editor_marks_the_fields_each_kind_shows(
    client_a, org_a, coordinator_a, path
):
    client_a.force_login(coordinator_a)
    url = reverse("wagtailsnippets_courses_onboardingpath:edit", args=[path.pk])
    page = client_a.get(url).content.decode()
    # Two steps and the template of a new one.
    assert page.count('data-step-field="course"') == 3
    assert page.count('data-step-field="document"') == 3
    assert "data-step-kind-fields" in page
    assert "courses/js/step_fields.js" in page


def test_a_reset_password_like_the_address_is_refused_in_plain_words(client_a, org_a):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from tests.factories import UserFactory

    lea = member(org_a, user=UserFactory(username="lea.martin"))
    uid = urlsafe_base64_encode(force_bytes(lea.pk))
    token = default_token_generator.make_token(lea)
    form_url = client_a.get(
        reverse("lms:password_reset_confirm", args=[uid, token])
    ).url
    response = client_a.post(
        form_url,
        {"new_password1": "lea.martin.42", "new_password2": "lea.martin.42"},
    )
    page = response.content.decode()
    assert "ressemble trop à votre nom ou à votre adresse e-mail" in page
    assert "utilisateur" not in page


def test_a_trainers_dashboard_reads_as_many_queries_for_50_learners_as_for_2(
    client_a, org_a, enable_plugin
):
    enable_plugin(org_a, "quizzes")
    karim = member(org_a, Role.TRAINER)
    courses = [make_course(org_a, title=f"Cours {n}", lessons=1) for n in range(2)]
    client_a.force_login(karim)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client_a.get(reverse("lms:dashboard")).status_code == 200
        return len(captured)

    for course in courses:
        enrol(member(org_a), course, org_a)
    count()  # once to fill the caches (the bell's count), then compare
    few = count()
    for _i in range(24):
        for course in courses:
            enrol(member(org_a), course, org_a)
    assert count() == few
