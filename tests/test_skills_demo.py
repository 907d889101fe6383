"""The skills part of the demo (seed_demo): Entraide Quartier's framework, three
role profiles, a year of evidence for 40-odd people, certificates about to lapse,
and Léa's gaps; seeded twice, nothing doubles."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from lms.models import Membership, PluginActivation
from relais_skills.models import (
    Evidence,
    Framework,
    Proficiency,
    Requirement,
    RoleProfile,
    Skill,
    SkillGroup,
    SkillTag,
)
from relais_skills.profiles import gaps

ESCO = "http://data.europa.eu/esco/skill/"
DEMO_MODELS = [
    Framework,
    SkillGroup,
    Skill,
    RoleProfile,
    Requirement,
    RoleProfile.holders.through,
    SkillTag,
    Evidence,
    Proficiency,
    Membership,
    get_user_model(),
]


@pytest.fixture
def site(db):
    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    return Site.objects.get(is_default_site=True)


def user(username):
    return get_user_model().objects.get(username=username)


def test_seeding_again_changes_nothing(site):
    counts = {model: model.objects.count() for model in DEMO_MODELS}
    levels = set(Proficiency.objects.values_list("user", "skill", "level"))
    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    assert {model: model.objects.count() for model in DEMO_MODELS} == counts
    assert set(Proficiency.objects.values_list("user", "skill", "level")) == levels
    assert PluginActivation.objects.filter(organisation=site, app_label="skills")


def test_the_framework_has_thirty_skills_in_five_groups_some_from_esco(site):
    framework = Framework.objects.get(organisation=site)
    assert framework.name == "Compétences Entraide Quartier"
    assert framework.levels == ["notions", "autonome", "confirmé", "peut former"]
    assert set(framework.groups.values_list("name", flat=True)) == {
        "Accueil et écoute",
        "Hygiène et sécurité",
        "Logistique et distribution",
        "Accompagnement scolaire",
        "Vie associative",
    }
    skills = framework.skills.all()
    assert 28 <= skills.count() <= 32
    assert not skills.filter(group=None).exists()
    esco = dict(skills.filter(uri__startswith=ESCO).values_list("uri", "name"))
    assert len(esco) == 8
    # ESCO's own French label and description came through the importer.
    teamwork = skills.get(uri=f"{ESCO}60c78287-22eb-4103-9c8c-28deaa460da0")
    assert teamwork.name == "travailler en équipe"
    assert teamwork.description.startswith("Travailler avec confiance")
    assert teamwork.group.name == "Vie associative"


def test_certificates_expire_and_hygiene_is_renewed_by_its_course(site):
    skills = Skill.objects.filter(framework__organisation=site)
    assert skills.get(name="premiers secours").valid_days == 730
    hygiene = skills.get(name="hygiène alimentaire (attestation)")
    assert hygiene.valid_days == 1095
    assert hygiene.renewal_course.title == "Hygiène alimentaire : les bases"


def test_three_role_profiles_say_what_each_role_needs(site):
    profiles = {p.name: p for p in RoleProfile.objects.for_organisation(site)}
    assert set(profiles) == {
        "Bénévole d'accueil",
        "Bénévole distribution",
        "Responsable d'équipe",
    }

    def needs(name):
        return dict(profiles[name].requirements.values_list("skill__name", "level"))

    assert profiles["Bénévole d'accueil"].team.name == "Accueil"
    assert needs("Bénévole d'accueil")["accueil du public"] == 2
    assert needs("Bénévole d'accueil")["hygiène alimentaire (attestation)"] == 2
    assert profiles["Bénévole distribution"].team.name == "Distribution"
    leads = profiles["Responsable d'équipe"]
    assert leads.team is None
    assert user("mentor") in leads.holders.all()
    assert needs("Responsable d'équipe")["animer une équipe"] == 3


def test_the_demo_courses_are_tagged_with_the_skills_they_develop(site):
    from courses.models import CoursePage

    for title, skill in [
        ("Découvrir Entraide Quartier", "connaître l'association et ses valeurs"),
        ("Hygiène alimentaire : les bases", "hygiène alimentaire (attestation)"),
    ]:
        course = CoursePage.objects.get(title=title)
        assert SkillTag.objects.filter(
            organisation=site,
            object_id=f"urn:relais:course:{course.pk}",
            skill__name=skill,
        ).exists()


def test_forty_people_have_a_year_of_mixed_evidence(site):
    evidence = Evidence.objects.for_organisation(site)
    people = set(evidence.values_list("user", flat=True))
    members = set(
        Membership.objects.for_organisation(site)
        .active()
        .values_list("user", flat=True)
    )
    assert len(people) >= 40
    assert people <= members
    assert {member.team.name for member in Membership.objects.filter(
        user__in=people, team__isnull=False
    ).select_related("team")} == {"Accueil", "Distribution", "Aide aux devoirs",
                                  "Collecte"}  # fmt: skip
    assert set(evidence.values_list("source", flat=True)) >= {
        Evidence.Source.COURSE,
        Evidence.Source.ASSESSMENT,
        Evidence.Source.MENTOR,
        Evidence.Source.SELF,
        Evidence.Source.PRIOR,
    }
    assert evidence.filter(author=user("coordinatrice"), source="assessment")
    assert evidence.filter(author=user("mentor"), source="mentor")
    # Spread over the last twelve months, for progress over time.
    today = timezone.localdate()
    months = {
        (today - day).days // 30
        for day in evidence.values_list("observed_on", flat=True)
        if day >= today - timedelta(days=365)
    }
    assert months >= set(range(12))
    # Levels come from that evidence, as the framework's rule says.
    assert Proficiency.objects.filter(organisation=site, level__gte=3).count() > 20


def test_a_few_certificates_lapse_within_30_60_and_90_days_and_one_has(site, client):
    client.force_login(user("coordinatrice"))
    page = client.get(reverse("skills_expiry"), HTTP_HOST="localhost:8000")
    rows = {
        item.user.get_full_name(): (item.skill.name, item.days)
        for item in page.context["object_list"]
    }
    assert rows == {
        "Nadia Haddad": ("premiers secours", -10),
        "Michel Roux": ("premiers secours", 12),
        "Julien Faure": ("hygiène alimentaire (attestation)", 41),
        "Camille Lefèvre": ("premiers secours", 75),
    }
    # The lapsed certificate no longer counts; the others still do.
    first_aid = Skill.objects.get(framework__organisation=site, name="premiers secours")
    standing = dict(
        Proficiency.objects.filter(skill=first_aid).values_list(
            "user__username", "level"
        )
    )
    assert standing["nadia"] == 0
    assert standing["mentor"] == 2


def test_lea_starts_with_gaps_the_hygiene_course_can_close(site):
    lea = user("benevole")
    found = {gap.requirement.skill.name: gap for gap in gaps(site, lea)}
    assert found and not any(gap.met for gap in found.values())
    hygiene = found["hygiène alimentaire (attestation)"]
    assert [title for title, _pk in hygiene.courses] == [
        "Hygiène alimentaire : les bases"
    ]
    # What she says of herself is shown, never counted.
    assert found["accueil du public"].self_level == 2
    assert found["accueil du public"].level == 0
