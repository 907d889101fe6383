"""Skills: levels from evidence, role profiles and gaps, the person's profile page."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from courses.learning import enrol
from courses.statements import Authority, record_statement
from lms.models import Role, Team
from lms.skills import skill_choices
from relais_mentoring import pairs
from relais_skills import proficiency
from relais_skills.models import (
    Evidence,
    Framework,
    Proficiency,
    Requirement,
    RoleProfile,
    Skill,
    SkillTag,
)
from relais_skills.profiles import gaps
from tests.factories import make_course, member
from tests.test_mentoring import active_pair


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch):
    """Each test runs inside one transaction that never commits: run the work
    waiting for a commit (signals) at once, as the commit would."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def skills(org_a, enable_plugin):
    enable_plugin(org_a, "skills")
    return org_a


@pytest.fixture
def framework(skills):
    return Framework.objects.create(organisation=skills, name="Entraide")


def skill(framework, name="Accueil du public", **fields):
    return Skill.objects.create(framework=framework, name=name, **fields)


def level_of(user, skill_):
    row = Proficiency.objects.filter(user=user, skill=skill_).first()
    return (row.level, row.self_level) if row else (0, 0)


def evidence(organisation, user, skill_, level, source, **fields):
    return proficiency.record(
        organisation=organisation,
        user=user,
        skill=skill_,
        level=level,
        source=source,
        **fields,
    )


def front_desk(organisation, skill_, level=2):
    accueil = Team.objects.create(organisation=organisation, name="Accueil")
    profile = RoleProfile.objects.create(
        organisation=organisation, name="Bénévole d'accueil", team=accueil
    )
    Requirement.objects.create(profile=profile, skill=skill_, level=level)
    return accueil


def complete_course(organisation, user, course):
    enrol(user, course, organisation)
    for lesson in course.get_children():
        record_statement(
            actor=user,
            organisation=organisation,
            verb="completed",
            object_id=f"urn:relais:lesson:{lesson.pk}",
            authority=Authority.PLATFORM,
        )


def test_completing_a_tagged_course_raises_the_level_and_closes_the_gap(framework):
    organisation = framework.organisation
    welcoming = skill(framework)
    accueil = front_desk(organisation, welcoming, level=2)
    lea = member(organisation, Role.LEARNER, team=accueil)
    course = make_course(organisation, title="Accueillir le public", lessons=2)
    SkillTag.objects.create(
        organisation=organisation,
        object_id=f"urn:relais:course:{course.pk}",
        skill=welcoming,
        level=2,
    )
    [gap] = gaps(organisation, lea)
    assert not gap.met and gap.courses == (("Accueillir le public", course.pk),)

    complete_course(organisation, lea, course)

    [recorded] = Evidence.objects.filter(user=lea)
    assert (recorded.source, recorded.level) == (Evidence.Source.COURSE, 2)
    assert level_of(lea, welcoming) == (2, 0)
    [gap] = gaps(organisation, lea)
    assert gap.met
    # The course's completion statement replayed adds nothing.
    record_statement(
        actor=lea,
        organisation=organisation,
        verb="completed",
        object_id=f"urn:relais:course:{course.pk}",
        authority=Authority.PLATFORM,
    )
    assert Evidence.objects.filter(user=lea).count() == 1


def test_self_assessment_is_shown_beside_the_validated_level_never_mixed(framework):
    organisation = framework.organisation
    welcoming = skill(framework)
    lea = member(organisation)
    evidence(organisation, lea, welcoming, 4, Evidence.Source.SELF)
    assert level_of(lea, welcoming) == (0, 4)
    evidence(organisation, lea, welcoming, 1, Evidence.Source.ASSESSMENT)
    assert level_of(lea, welcoming) == (1, 4)


def test_the_frameworks_rule_decides_the_current_level_and_expiry_counts(framework):
    organisation = framework.organisation
    first_aid = skill(framework, "Premiers secours", valid_days=730)
    lea = member(organisation)
    long_ago = timezone.localdate() - timedelta(days=800)
    evidence(
        organisation, lea, first_aid, 3, Evidence.Source.COURSE, observed_on=long_ago
    )
    assert level_of(lea, first_aid) == (0, 0)  # expired: it no longer counts
    recent = timezone.localdate() - timedelta(days=10)
    evidence(
        organisation, lea, first_aid, 1, Evidence.Source.ASSESSMENT, observed_on=recent
    )
    evidence(
        organisation,
        lea,
        first_aid,
        2,
        Evidence.Source.MENTOR,
        observed_on=recent - timedelta(days=5),
    )
    assert level_of(lea, first_aid) == (2, 0)  # highest valid
    row = Proficiency.objects.get(user=lea, skill=first_aid)
    assert row.expires_on == recent - timedelta(days=5) + timedelta(days=730)

    framework.rule = Framework.Rule.LATEST
    framework.save()
    proficiency.recompute(organisation, lea.pk, Skill.objects.get(pk=first_aid.pk))
    assert level_of(lea, first_aid) == (1, 0)  # latest valid


def test_levels_lapse_when_their_certificate_expires(framework):
    organisation = framework.organisation
    first_aid = skill(framework, "Premiers secours", valid_days=365)
    lea = member(organisation)
    observed = date(2030, 1, 10)
    evidence(
        organisation, lea, first_aid, 2, Evidence.Source.COURSE, observed_on=observed
    )
    proficiency.recompute(organisation, lea.pk, first_aid, today=date(2030, 6, 1))
    assert level_of(lea, first_aid) == (2, 0)
    assert proficiency.lapse_expired(today=date(2031, 1, 11)) == 1
    assert level_of(lea, first_aid) == (0, 0)


def test_a_mentors_confirmation_becomes_evidence_when_both_plugins_run(
    framework, enable_plugin, client_a
):
    organisation = framework.organisation
    enable_plugin(organisation, "mentoring")
    welcoming = skill(framework)
    pairing = active_pair(organisation)
    [choice] = skill_choices(organisation, pairing.mentee)
    assert (choice.key, choice.label) == (str(welcoming.pk), "Accueil du public")

    client_a.force_login(pairing.mentor)
    client_a.post(
        reverse("mentoring:confirm_skill", args=[pairing.uuid]),
        {"skill": str(welcoming.pk), "level": 2, "note": "Accueil seule samedi"},
    )

    [confirmed] = Evidence.objects.filter(user=pairing.mentee)
    assert (confirmed.source, confirmed.level, confirmed.author) == (
        Evidence.Source.MENTOR,
        2,
        pairing.mentor,
    )
    assert confirmed.note == "Accueil seule samedi"
    assert confirmed.url == pairing.get_absolute_url()


def test_no_skills_to_confirm_where_the_skills_plugin_is_off(org_a, enable_plugin):
    enable_plugin(org_a, "mentoring")
    framework = Framework.objects.create(organisation=org_a, name="Off")
    skill(framework)
    pairing = active_pair(org_a)
    assert skill_choices(org_a, pairing.mentee) == []
    with pytest.raises(pairs.Refused):
        pairs.confirm_skill(pairing, pairing.mentor, "1", 2, "vu")


# The profile page ---------------------------------------------------------------------


def test_a_learner_sees_only_their_own_profile(framework, client_a, org_b):
    organisation = framework.organisation
    welcoming = skill(framework)
    lea, other = member(organisation), member(organisation)
    evidence(
        organisation, other, welcoming, 3, Evidence.Source.ASSESSMENT, note="secret"
    )
    client_a.force_login(lea)
    assert client_a.get(reverse("skills:mine")).status_code == 200
    other_membership = other.memberships.get()
    page = client_a.get(reverse("skills:person", args=[other_membership.pk]))
    assert page.status_code == 403


def test_coordinators_see_and_assess_their_organisations_people_only(
    framework, client_a, org_b
):
    organisation = framework.organisation
    welcoming = skill(framework)
    lea = member(organisation)
    evidence(organisation, lea, welcoming, 2, Evidence.Source.SELF, note="Je crois")
    stranger = member(org_b)
    sophie = member(organisation, Role.COORDINATOR)
    client_a.force_login(sophie)
    page = client_a.get(reverse("skills:person", args=[lea.memberships.get().pk]))
    assert "Accueil du public" in page.content.decode()
    assert "Je crois" in page.content.decode()  # self-assessments are visible to HR
    assert (
        client_a.get(
            reverse("skills:person", args=[stranger.memberships.get().pk])
        ).status_code
        == 404
    )
    client_a.post(
        reverse("skills:assess", args=[lea.memberships.get().pk]),
        {"skill": welcoming.pk, "level": 3, "note": "Observée en permanence"},
    )
    assert level_of(lea, welcoming) == (3, 2)


def test_a_private_note_is_read_by_its_author_only(framework, client_a):
    organisation = framework.organisation
    welcoming = skill(framework)
    lea = member(organisation)
    client_a.force_login(lea)
    client_a.post(
        reverse("skills:self_assess"),
        {
            "skill": welcoming.pk,
            "level": 2,
            "note": "Six mois à l'accueil d'une médiathèque",
            "private_note": "Je stresse quand la file s'allonge",
        },
    )
    assert "Je stresse" in client_a.get(reverse("skills:mine")).content.decode()
    profile = reverse("skills:person", args=[lea.memberships.get().pk])
    matrix = reverse("skills_matrix")
    for role in (Role.COORDINATOR, Role.TRAINER, Role.ADMIN):
        client_a.force_login(member(organisation, role))
        seen = client_a.get(profile).content.decode()
        assert "Six mois" in seen  # the self-assessment and its note: visible
        assert "Je stresse" not in seen
    for export in ("csv", "xlsx"):  # as the organisation's admin
        download = client_a.get(matrix, {"export": export})
        assert download.status_code == 200
        assert b"Je stresse" not in b"".join(download.streaming_content)


def test_bad_evidence_is_refused_and_changes_nothing(framework, client_a):
    organisation = framework.organisation
    welcoming = skill(framework)
    lea = member(organisation)
    client_a.force_login(lea)
    too_high = client_a.post(
        reverse("skills:self_assess"), {"skill": welcoming.pk, "level": 5}
    )
    assert too_high.status_code == 400
    bad_file = client_a.post(
        reverse("skills:declare_prior"),
        {
            "skill": welcoming.pk,
            "level": 2,
            "attachment": SimpleUploadedFile("virus.exe", b"MZ"),
        },
    )
    assert bad_file.status_code == 400
    assert "PDF" in bad_file.content.decode()
    assert not Evidence.objects.exists()


def test_prior_experience_is_kept_with_its_document(framework, client_a):
    organisation = framework.organisation
    welcoming = skill(framework)
    lea = member(organisation)
    client_a.force_login(lea)
    client_a.post(
        reverse("skills:declare_prior"),
        {
            "skill": welcoming.pk,
            "level": 3,
            "note": "Trois ans d'accueil en mairie",
            "attachment": SimpleUploadedFile(
                "attestation.pdf", b"%PDF-1.4\n", content_type="application/pdf"
            ),
        },
    )
    [declared] = Evidence.objects.all()
    assert declared.source == Evidence.Source.PRIOR
    name = declared.attachment_filename  # a suffix if the name was taken
    assert name.startswith("attestation") and name.endswith(".pdf")
    assert level_of(lea, welcoming) == (0, 3)  # declared, not validated


# HR reports ---------------------------------------------------------------------------


def test_the_matrix_shows_levels_filters_by_team_and_exports_what_is_shown(
    framework, client_a, org_b
):
    import io

    from openpyxl import load_workbook

    organisation = framework.organisation
    welcoming, hygiene = skill(framework), skill(framework, "Hygiène alimentaire")
    accueil = Team.objects.create(organisation=organisation, name="Accueil")
    lea = member(
        organisation, team=accueil, user__first_name="Léa", user__last_name="Martin"
    )
    karim = member(organisation, user__first_name="Karim", user__last_name="Benali")
    stranger = member(org_b, user__first_name="Zoé", user__last_name="Ailleurs")
    evidence(organisation, lea, welcoming, 2, Evidence.Source.COURSE)
    evidence(organisation, lea, hygiene, 3, Evidence.Source.SELF)
    evidence(organisation, karim, hygiene, 4, Evidence.Source.ASSESSMENT)
    sophie = member(organisation, Role.COORDINATOR)
    client_a.force_login(sophie)

    page = client_a.get(reverse("skills_matrix"), {"team": accueil.pk})

    text = page.content.decode()
    assert page.status_code == 200
    assert "Léa" in text and "Karim" not in text and "Zoé" not in text
    assert 'class="level-2"' in text  # Léa's validated level, coloured
    assert "<small>(3)</small>" in text  # her self-assessment beside it
    export = client_a.get(
        reverse("skills_matrix"), {"team": accueil.pk, "export": "xlsx"}
    )
    rows = list(
        load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0] == ("Personne", "Équipe", "Accueil du public", "Hygiène alimentaire")
    assert rows[1:] == [(lea.get_full_name(), "Accueil", 2, 0)]
    assert stranger.pk


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.MENTOR])
def test_only_coordinators_and_admins_open_the_hr_reports(framework, client_a, role):
    client_a.force_login(member(framework.organisation, role))
    for name in ("skills_matrix", "skills_expiry"):
        assert client_a.get(reverse(name)).status_code in (302, 403)


def test_the_matrix_reads_a_fixed_number_of_queries(framework, client_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organisation = framework.organisation
    skills_ = [skill(framework, f"Compétence {i}") for i in range(5)]
    client_a.force_login(member(organisation, Role.COORDINATOR))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get(reverse("skills_matrix")).status_code == 200
        return len(queries)

    person = member(organisation)
    evidence(organisation, person, skills_[0], 1, Evidence.Source.COURSE)
    count()
    few = count()
    for i in range(10):
        person = member(organisation)
        evidence(organisation, person, skills_[i % 5], 2, Evidence.Source.COURSE)
    assert count() == few


def test_expiring_certifications_list_the_unrenewed_with_their_renewal_course(
    framework, client_a
):
    organisation = framework.organisation
    course = make_course(organisation, title="Premiers secours : recyclage")
    first_aid = skill(
        framework, "Premiers secours", valid_days=365, renewal_course=course
    )
    today = timezone.localdate()
    soon, renewed = member(organisation), member(organisation)
    evidence(
        organisation,
        soon,
        first_aid,
        2,
        Evidence.Source.COURSE,
        observed_on=today - timedelta(days=340),
    )
    evidence(
        organisation,
        renewed,
        first_aid,
        2,
        Evidence.Source.COURSE,
        observed_on=today - timedelta(days=370),
    )
    evidence(
        organisation,
        renewed,
        first_aid,
        2,
        Evidence.Source.COURSE,
        observed_on=today - timedelta(days=5),
        reference="renewal",
    )
    client_a.force_login(member(organisation, Role.COORDINATOR))

    text = client_a.get(reverse("skills_expiry")).content.decode()

    assert soon.get_full_name() in text
    assert (today + timedelta(days=25)).strftime("%d/%m/%Y") in text
    assert "Premiers secours : recyclage" in text
    assert renewed.get_full_name() not in text


def test_the_gap_report_closes_after_a_tagged_course_and_shows_the_bus_factor(
    framework, client_a
):
    organisation = framework.organisation
    welcoming = skill(framework)
    accueil = front_desk(organisation, welcoming, level=2)
    lea = member(organisation, team=accueil, user__first_name="Léa")
    michel = member(organisation, team=accueil, user__first_name="Michel")
    evidence(organisation, michel, welcoming, 3, Evidence.Source.ASSESSMENT)
    course = make_course(organisation, title="Accueillir", lessons=1)
    SkillTag.objects.create(
        organisation=organisation,
        object_id=f"urn:relais:course:{course.pk}",
        skill=welcoming,
        level=2,
    )
    client_a.force_login(member(organisation, Role.COORDINATOR))

    def gap_row():
        export = client_a.get(reverse("skills_gaps"), {"export": "csv"})
        lines = b"".join(export.streaming_content).decode().splitlines()
        return lines[1].split(",")

    page = client_a.get(reverse("skills_gaps")).content.decode()
    assert "1 / 2" in page and lea.get_full_name() in page
    assert gap_row()[3:7] == ["2", "1", "1", "1"]  # holders, meet, below, coverage

    complete_course(organisation, lea, course)

    assert gap_row()[3:7] == ["2", "2", "0", "2"]


def test_expiry_reminders_go_once_before_and_on_the_day_with_a_frozen_clock(
    framework, time_machine
):
    from django.core import mail

    from relais_skills.reminders import send_expiry_reminders

    organisation = framework.organisation
    course = make_course(organisation, title="Premiers secours : recyclage")
    first_aid = skill(
        framework, "Premiers secours", valid_days=730, renewal_course=course
    )
    lea = member(organisation, user__first_name="Léa")
    sophie = member(organisation, Role.COORDINATOR)
    evidence(
        organisation,
        lea,
        first_aid,
        2,
        Evidence.Source.COURSE,
        observed_on=date(2030, 3, 1),
    )
    expiry = date(2030, 3, 1) + timedelta(days=730)  # 2032-02-29: a leap year

    time_machine.move_to(expiry - timedelta(days=41))  # too early
    assert send_expiry_reminders() == 0
    time_machine.move_to(expiry - timedelta(days=30))
    mail.outbox = []
    assert send_expiry_reminders() == 2  # Léa, then Sophie's list
    to_lea, to_sophie = mail.outbox
    assert to_lea.to == [lea.email] and "30" in to_lea.subject
    assert "Premiers secours : recyclage" in to_lea.body
    assert f"/learn/course/{course.pk}/" in to_lea.body
    assert to_sophie.to == [sophie.email] and lea.get_full_name() in to_sophie.body
    assert send_expiry_reminders() == 0  # once
    time_machine.move_to(expiry)  # the day itself
    assert send_expiry_reminders() == 2
    time_machine.move_to(expiry + timedelta(days=1))
    assert send_expiry_reminders() == 0
    assert proficiency.lapse_expired() == 1
    assert level_of(lea, first_aid) == (0, 0)


def test_progress_over_time_counts_levels_gained_by_source_with_a_chart(
    framework, client_a
):
    organisation = framework.organisation
    welcoming = skill(framework)
    lea = member(organisation)
    today = timezone.localdate()
    evidence(organisation, lea, welcoming, 1, Evidence.Source.COURSE, observed_on=today)
    evidence(organisation, lea, welcoming, 2, Evidence.Source.MENTOR, observed_on=today)
    evidence(organisation, lea, welcoming, 3, Evidence.Source.SELF, observed_on=today)
    client_a.force_login(member(organisation, Role.COORDINATOR))

    page = client_a.get(reverse("skills_progress")).content.decode()
    assert (
        '<svg role="img"' in page
        and "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
    )
    export = client_a.get(reverse("skills_progress"), {"export": "csv"})
    last = b"".join(export.streaming_content).decode().splitlines()[-1]
    assert last == f"{today:%Y-%m},1,1,0,2"  # the self-assessment is not a gain


def test_the_onboarding_funnel_counts_each_cohort_at_each_step(framework, client_a):
    from courses.completion import complete_step
    from courses.learning import assign_path
    from courses.models import OnboardingPath, PathStep

    organisation = framework.organisation
    path = OnboardingPath.objects.create(organisation=organisation, title="Accueil")
    first = PathStep.objects.create(
        path=path, kind="checklist", title="Visite", sort_order=0
    )
    PathStep.objects.create(
        path=path, kind="checklist", title="Permanence", sort_order=1
    )
    start = date(2030, 1, 6)
    people = [member(organisation) for _i in range(3)]
    assignments = [assign_path(p, path, start) for p in people]
    complete_step(assignments[0], first, organisation)
    complete_step(assignments[1], first, organisation)
    client_a.force_login(member(organisation, Role.COORDINATOR))

    export = client_a.get(reverse("skills_funnel"), {"path": path.pk, "export": "csv"})
    lines = b"".join(export.streaming_content).decode().splitlines()

    assert lines[0].split(",")[2:4] == ["Visite", "Permanence"]
    assert lines[1].startswith("2030-01,3,2,0,0")


# The admin ---------------------------------------------------------------------------


def test_a_coordinator_writes_a_framework_with_its_scale_in_the_admin(skills, client_a):
    client_a.force_login(member(skills, Role.COORDINATOR))
    url = reverse("wagtailsnippets_skills_framework:add")
    bad = client_a.post(url, {"name": "Entraide", "levels": "seul", "rule": "highest"})
    assert bad.status_code == 200 and not Framework.objects.exists()
    client_a.post(
        url,
        {
            "name": "Entraide",
            "levels": "débutant\nautonome\nexpert",
            "rule": "highest",
        },
    )
    framework = Framework.objects.get()
    assert (framework.organisation, framework.levels) == (
        skills,
        ["débutant", "autonome", "expert"],
    )


def test_admin_choices_stay_in_the_organisation(framework, client_a, org_b):
    organisation = framework.organisation
    ours = make_course(organisation, title="Notre cours")
    theirs = make_course(org_b, title="Leur cours")
    client_a.force_login(member(organisation, Role.COORDINATOR))
    skill_form = client_a.get(reverse("wagtailsnippets_skills_skill:add"))
    tag_form = client_a.get(reverse("wagtailsnippets_skills_skilltag:add"))
    for page in (skill_form, tag_form):
        text = page.content.decode()
        assert "Notre cours" in text and "Leur cours" not in text
    their_framework = Framework.objects.create(organisation=org_b, name="B")
    edit = reverse("wagtailsnippets_skills_framework:edit", args=[their_framework.pk])
    assert client_a.get(edit).status_code == 404
    assert theirs.pk and ours.pk


def test_a_trainer_tags_an_activity_with_the_level_it_develops(framework, client_a):
    organisation = framework.organisation
    welcoming = skill(framework)
    course = make_course(organisation, title="Accueillir")
    client_a.force_login(member(organisation, Role.TRAINER))
    frameworks = client_a.get(reverse("wagtailsnippets_skills_framework:list"))
    assert frameworks.status_code in (302, 403)  # Wagtail sends them home
    client_a.post(
        reverse("wagtailsnippets_skills_skilltag:add"),
        {
            "object_id": f"urn:relais:course:{course.pk}",
            "skill": welcoming.pk,
            "level": 2,
        },
    )
    tag = SkillTag.objects.get()
    assert (tag.organisation, tag.label, tag.level) == (organisation, "Accueillir", 2)


def test_a_large_matrix_export_runs_in_the_background_with_progress_then_downloads(
    framework, client_a, settings
):
    import io

    from openpyxl import load_workbook

    from relais_skills.models import Job

    settings.LMS_SKILLS_EXPORT_INLINE_ROWS = 2  # "large" from 3 people
    organisation = framework.organisation
    welcoming = skill(framework)
    people = [member(organisation) for _i in range(3)]
    for level, person in enumerate(people, start=1):
        evidence(organisation, person, welcoming, level, Evidence.Source.COURSE)
    sophie = member(organisation, Role.COORDINATOR)
    client_a.force_login(sophie)

    started = client_a.get(reverse("skills_matrix"), {"export": "xlsx"})

    job = Job.objects.get(kind="matrix-export")
    assert started.status_code == 302
    assert started["Location"] == reverse("skills_job", args=[job.pk])
    assert (job.status, job.done, job.total) == ("done", 4, 4)  # with Sophie
    page = client_a.get(started["Location"]).content.decode()
    download = reverse("skills_job_download", args=[job.pk])
    assert download in page
    sheet = load_workbook(
        io.BytesIO(b"".join(client_a.get(download).streaming_content))
    ).active
    levels = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert levels == {
        **{p.get_full_name(): n for n, p in enumerate(people, start=1)},
        sophie.get_full_name(): 0,
    }
    client_a.force_login(people[0])
    assert client_a.get(download).status_code in (302, 403, 404)


def test_a_member_adopts_its_federations_framework_and_uses_its_skills(
    skills, org_b, enable_plugin, client_a
):
    from lms.models import OrganisationSettings

    federation = org_b
    settings_a = OrganisationSettings.for_organisation(skills)
    settings_a.federation = federation
    settings_a.save()
    shared = Framework.objects.create(
        organisation=federation, name="Référentiel fédéral", shared_with_members=True
    )
    private = Framework.objects.create(organisation=federation, name="Interne")
    safeguarding = skill(shared, "Protection de l'enfance")
    client_a.force_login(member(skills, Role.COORDINATOR))
    page = client_a.get(reverse("skills_adoption")).content.decode()
    assert "Référentiel fédéral" in page and "Interne" not in page
    assert (
        client_a.post(reverse("skills_adoption_toggle", args=[private.pk])).status_code
        == 404
    )

    client_a.post(reverse("skills_adoption_toggle", args=[shared.pk]))

    assert list(Framework.objects.available_to(skills)) == [shared]
    assert not Framework.objects.for_organisation(skills).exists()  # not editable
    matrix = client_a.get(reverse("skills_matrix")).content.decode()
    assert "Protection de l" in matrix and safeguarding.pk


def test_a_passed_tagged_quiz_is_evidence_of_its_skill(framework):
    organisation = framework.organisation
    welcoming = skill(framework)
    SkillTag.objects.create(
        organisation=organisation,
        object_id="urn:relais:quiz:42",
        skill=welcoming,
        level=1,
    )
    lea = member(organisation)
    record_statement(
        actor=lea,
        organisation=organisation,
        verb="failed",
        object_id="urn:relais:quiz:42",
        authority=Authority.PLATFORM,
    )
    assert not Evidence.objects.exists()
    record_statement(
        actor=lea,
        organisation=organisation,
        verb="passed",
        object_id="urn:relais:quiz:42",
        authority=Authority.PLATFORM,
    )
    [passed] = Evidence.objects.all()
    assert (passed.source, passed.level) == (Evidence.Source.ACTIVITY, 1)


def test_the_profile_and_the_gap_report_read_a_fixed_number_of_queries(
    framework, client_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organisation = framework.organisation
    accueil = front_desk(organisation, skill(framework, "Base"), level=1)
    lea = member(organisation, team=accueil)
    client_a.force_login(member(organisation, Role.COORDINATOR))
    urls = [
        reverse("skills:person", args=[lea.memberships.get().pk]),
        reverse("skills_gaps"),
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client_a.get(url).status_code == 200
            found.append(len(queries))
        return found

    counts()
    few = counts()
    profile = RoleProfile.objects.get()
    for i in range(6):
        more = skill(framework, f"Compétence {i}")
        Requirement.objects.create(profile=profile, skill=more, level=2)
        evidence(organisation, lea, more, 1, Evidence.Source.COURSE)
        evidence(organisation, lea, more, 3, Evidence.Source.SELF)
        member(organisation, team=accueil)
    assert counts() == few


def test_the_gap_reports_downloads_read_as_many_queries_for_two_roles_as_for_six(
    framework, client_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organisation = framework.organisation
    client_a.force_login(member(organisation, Role.COORDINATOR))

    def add_role(number):
        team = Team.objects.create(organisation=organisation, name=f"Équipe {number}")
        profile = RoleProfile.objects.create(
            organisation=organisation, name=f"Rôle {number}", team=team
        )
        for level in (1, 2):
            needed = skill(framework, f"Compétence {number}.{level}")
            Requirement.objects.create(profile=profile, skill=needed, level=level)
            holder = member(organisation, team=team)
            evidence(organisation, holder, needed, level, Evidence.Source.COURSE)

    def counts():
        found = {}
        for export in ("csv", "xlsx"):
            with CaptureQueriesContext(connection) as queries:
                response = client_a.get(reverse("skills_gaps"), {"export": export})
                content = b"".join(response.streaming_content)  # read in here
            assert response.status_code == 200 and content
            found[export] = len(queries)
        return found

    for number in range(2):
        add_role(number)
    counts()
    two_roles = counts()
    for number in range(2, 6):
        add_role(number)

    assert counts() == two_roles
    export = client_a.get(reverse("skills_gaps"), {"export": "csv"})
    assert len(b"".join(export.streaming_content).decode().splitlines()) == 1 + 12


def test_the_dashboard_says_how_far_the_roles_needs_are_and_the_next_course(
    framework, client_a
):
    organisation = framework.organisation
    welcoming = skill(framework)
    accueil = front_desk(organisation, welcoming, level=2)
    lea = member(organisation, team=accueil)
    course = make_course(organisation, title="Accueillir le public")
    SkillTag.objects.create(
        organisation=organisation,
        object_id=f"urn:relais:course:{course.pk}",
        skill=welcoming,
        level=2,
    )
    client_a.force_login(lea)
    page = client_a.get(reverse("lms:dashboard")).content.decode()
    assert "0 of 1" in page or "0 sur 1" in page
    assert f'href="{reverse("courses:course", args=[course.pk])}"' in page


def test_an_activity_inside_a_lesson_can_be_tagged(framework, client_a):
    organisation = framework.organisation
    course = make_course(organisation, title="Découvrir", lessons=1, charter=True)
    lesson = course.get_children().specific().get()
    [charter] = [block for block in lesson.body if block.block_type == "acknowledge"]
    client_a.force_login(member(organisation, Role.TRAINER))
    form = client_a.get(reverse("wagtailsnippets_skills_skilltag:add")).content.decode()
    assert f"urn:relais:activity:{lesson.pk}:{charter.id}" in form


def test_a_huge_framework_offers_the_persons_skills_and_a_search_not_every_skill(
    framework, client_a, settings
):
    """A 200,000-skill ESCO framework once made /skills/ a page of 400,000 options:
    past LMS_SKILLS_MAX_CHOICES a list offers what the roles need, what the person
    has and what they search for, and any skill of the framework is still accepted."""
    settings.LMS_SKILLS_MAX_CHOICES = 20
    organisation = framework.organisation
    Skill.objects.bulk_create(
        Skill(framework=framework, name=f"Compétence ESCO {i:04}") for i in range(400)
    )
    needed = skill(framework, "Accueil du public")
    held = skill(framework, "Gestion des stocks")
    lea = member(organisation, team=front_desk(organisation, needed))
    evidence(organisation, lea, held, 2, Evidence.Source.SELF)
    client_a.force_login(lea)

    def offered(page):
        lists = re.findall(
            r'<select name="skill".*?</select>', page.content.decode(), re.S
        )
        return [pk for found in lists for pk in re.findall(r'value="(\d+)"', found)]

    page = client_a.get(reverse("skills:mine"))
    assert "skill_search" in page.content.decode()
    # Two forms (self-assessment, experience), each offering Léa's two skills.
    assert sorted(offered(page)) == sorted([str(needed.pk), str(held.pk)] * 2)

    found = client_a.get(reverse("skills:mine"), {"skill_search": "ESCO 012"})
    # 0120 to 0129, and Léa's two, in each form.
    assert len(offered(found)) == 2 * 12

    far = Skill.objects.get(name="Compétence ESCO 0399")
    answer = client_a.post(
        reverse("skills:self_assess"), {"skill": far.pk, "level": 2, "note": ""}
    )
    assert answer.status_code == 302
    assert level_of(lea, far) == (0, 2)
