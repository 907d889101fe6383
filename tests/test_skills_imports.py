"""Skills frameworks in and out: ESCO's CSV files and the framework CSV, imported
all or nothing in a background job, and the admin screens around them."""

import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms.models import Role
from relais_skills import imports
from relais_skills.csvframework import HEADER, parse_framework_csv
from relais_skills.esco import Selection, parse_esco
from relais_skills.imports import CSV_IMPORT, ESCO_IMPORT, store_upload
from relais_skills.models import Framework, Job, Skill, SkillGroup
from relais_skills.tasks import run_import
from tests.factories import make_organisation, member

SHARED = Path(__file__).resolve().parents[2] / "shared" / "esco"
SAMPLE = SHARED / "sample"
FULL = SHARED / "v1.0-full"
needs_sample = pytest.mark.skipif(
    not SAMPLE.exists(), reason="../shared/esco/sample (real ESCO files) is absent"
)
needs_full = pytest.mark.skipif(
    not FULL.exists(), reason="../shared/esco/v1.0-full (real ESCO files) is absent"
)


APOS = "\u2019"  # the typographic apostrophe ESCO writes in French
ESCO = "http://data.europa.eu/esco/skill/"
ROOT, SOCIAL, HEALTH = ESCO + "g-root", ESCO + "g-social", ESCO + "g-health"
WELCOME, EMPATHY, HYGIENE, LISTEN = (ESCO + s for s in ("s1", "s2", "s3", "s4"))

# ESCO v1.0's layout: 7 columns, CRLF, alternative labels one per line, quoted
# multi-line descriptions, typographic apostrophes.
SKILLS_FR = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,"
    "description\r\n"
    f"KnowledgeSkillCompetence,{WELCOME},skill/competence,transversal,"
    'accueillir le public,"recevoir le public\naccueillir des visiteurs",'
    '"Recevoir les personnes avec bienveillance.\r\nÉcouter leur demande."\r\n'
    f"KnowledgeSkillCompetence,{EMPATHY},skill/competence,transversal,"
    f"faire preuve d{APOS}empathie,,\r\n"
    f"KnowledgeSkillCompetence,{HYGIENE},skill/competence,cross-sector,"
    f"appliquer les règles d{APOS}hygiène alimentaire,hygiène des aliments,"
    f"Respecter les règles d{APOS}hygiène.\r\n"
    f"KnowledgeSkillCompetence,{LISTEN},skill/competence,transversal,"
    "écouter activement,,Prêter attention.\r\n"
)
# v1.1+'s wider layout: LF, " | " between other names, a BOM.
SKILLS_EN = "\ufeff" + (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,status,altLabels,"
    "description,broaderConceptUri,broaderConceptPT\n"
    f"KnowledgeSkillCompetence,{WELCOME},skill/competence,transversal,"
    "welcome the public,released,receive the public | greet visitors,"
    '"Receive people kindly.\nListen to what they ask.",,\n'
    f"KnowledgeSkillCompetence,{EMPATHY},skill/competence,transversal,"
    "show empathy,released,,,,\n"
    f"KnowledgeSkillCompetence,{HYGIENE},skill/competence,cross-sector,"
    "apply food hygiene rules,released,food hygiene,Follow hygiene rules.,,\n"
    f"KnowledgeSkillCompetence,{LISTEN},skill/competence,transversal,"
    "listen actively,released,,Pay attention.,,\n"
)
GROUPS_FR = (
    "conceptType,conceptUri,preferredLabel,altLabels,description\r\n"
    f"SkillGroup,{ROOT},compétences transversales,,\r\n"
    f"SkillGroup,{SOCIAL},interaction sociale,,Travailler avec les autres.\r\n"
    f"SkillGroup,{HEALTH},santé et sécurité,,\r\n"
)
GROUPS_EN = (
    "conceptType,conceptUri,preferredLabel,altLabels,description\n"
    f"SkillGroup,{ROOT},transversal skills,,\n"
    f"SkillGroup,{SOCIAL},social interaction,,Working with others.\n"
    f"SkillGroup,{HEALTH},health and safety,,\n"
)
# "écouter activement" sits under another skill, as ESCO does: it goes to the
# nearest group above.
RELATIONS = (
    "conceptType,conceptUri,broaderType,broaderUri\r\n"
    f"SkillGroup,{SOCIAL},SkillGroup,{ROOT}\r\n"
    f"SkillGroup,{HEALTH},SkillGroup,{ROOT}\r\n"
    f"KnowledgeSkillCompetence,{WELCOME},SkillGroup,{SOCIAL}\r\n"
    f"KnowledgeSkillCompetence,{EMPATHY},SkillGroup,{SOCIAL}\r\n"
    f"KnowledgeSkillCompetence,{HYGIENE},SkillGroup,{HEALTH}\r\n"
    f"KnowledgeSkillCompetence,{LISTEN},KnowledgeSkillCompetence,{WELCOME}\r\n"
)


def files(language="fr", skills=None, groups=None, relations=RELATIONS):
    return {
        "skills": (skills or (SKILLS_FR if language == "fr" else SKILLS_EN)).encode(),
        "groups": (groups or (GROUPS_FR if language == "fr" else GROUPS_EN)).encode(),
        "relations": relations.encode() if relations else None,
    }


def run_job(organisation, kind, uploads, **params):
    """Store ``uploads`` ({role: bytes}) as the admin does and run the job."""
    stored = {
        role: store_upload(SimpleUploadedFile(f"{role}.csv", data), "test", role)
        for role, data in uploads.items()
        if data is not None
    }
    params.setdefault("framework", None)
    params.setdefault("framework_name", "Entraide")
    job = Job.objects.create(
        organisation=organisation, kind=kind, params={**params, "files": stored}
    )
    run_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_esco(organisation, language="fr", **params):
    uploads = {
        key: params.pop(key) if key in params else value
        for key, value in files(language).items()
    }
    return run_job(organisation, ESCO_IMPORT, uploads, language=language, **params)


def names(framework):
    return dict(Skill.objects.filter(framework=framework).values_list("uri", "name"))


def group_of(framework, uri):
    skill = Skill.objects.select_related("group__parent").get(
        framework=framework, uri=uri
    )
    chain, group = [], skill.group
    while group is not None:
        chain.append(group.uri)
        group = group.parent
    return chain


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def skills_on(org_a, enable_plugin, media):
    enable_plugin(org_a, "skills")
    return org_a


@pytest.fixture
def coordinator_client(client_a, skills_on):
    client_a.force_login(member(skills_on, Role.COORDINATOR))
    return client_a


# ---------------------------------------------------------------------------
# Reading ESCO's files (no database)


def test_both_esco_layouts_read_into_the_same_tree():
    french, problems_fr = parse_esco(**_as_kwargs(files("fr")))
    english, problems_en = parse_esco(**_as_kwargs(files("en")))
    assert not problems_fr and not problems_en
    assert [s.uri for s in french.skills] == [s.uri for s in english.skills]
    assert [(s.uri, s.parent) for s in french.skills] == [
        (s.uri, s.parent) for s in english.skills
    ]
    welcome_fr, welcome_en = french.skills[0], english.skills[0]
    assert welcome_fr.alt_labels == "recevoir le public\naccueillir des visiteurs"
    assert welcome_en.alt_labels == "receive the public\ngreet visitors"
    assert welcome_fr.description == (
        "Recevoir les personnes avec bienveillance.\nÉcouter leur demande."
    )
    assert french.skills[1].name == f"faire preuve d{APOS}empathie"


def test_a_skill_under_another_skill_goes_to_the_nearest_group():
    tree, _problems = parse_esco(**_as_kwargs(files("fr")))
    parents = {skill.uri: skill.parent for skill in tree.skills}
    assert parents[LISTEN] == SOCIAL
    assert {g.uri: g.parent for g in tree.groups} == {
        ROOT: None,
        SOCIAL: ROOT,
        HEALTH: ROOT,
    }
    assert tree.groups[0].uri == ROOT  # parents come first


def test_without_a_groups_file_v1_1_skills_name_their_own_groups():
    skills = SKILLS_EN.replace(
        "Pay attention.,,", f"Pay attention.,{SOCIAL},social interaction"
    )
    tree, problems = parse_esco(skills.encode())
    assert not problems
    assert [(g.uri, g.name) for g in tree.groups] == [(SOCIAL, "social interaction")]
    assert {s.uri: s.parent for s in tree.skills}[LISTEN] == SOCIAL


def test_search_ignores_case_accents_and_typographic_apostrophes():
    tree, problems = parse_esco(
        **_as_kwargs(files("fr")),
        selection=Selection.from_text(search="HYGIENE d'hygiène"),
    )
    assert not problems
    assert [s.uri for s in tree.skills] == [HYGIENE]
    assert [g.uri for g in tree.groups] == [ROOT, HEALTH]


def test_a_wrong_file_lists_a_hundred_rows_and_counts_the_rest():
    header = SKILLS_FR.split("\r\n", 1)[0]
    rows = [f"KnowledgeSkillCompetence,{ESCO}{n},,,,," for n in range(150)]
    _tree, problems = parse_esco("\r\n".join([header, *rows]).encode())
    messages = problems.as_messages()
    assert len(messages) == 102
    assert messages[0]["row"] == 2 and "150" not in messages[-1]["reason"]
    assert "50" in messages[-1]["reason"]
    # What it means for the import is never among the rows left unlisted.
    assert messages[-2]["row"] == 0 and problems.blocking


def _as_kwargs(uploads):
    return {
        "skills": uploads["skills"],
        "groups": uploads["groups"],
        "relations": uploads["relations"],
    }


# ---------------------------------------------------------------------------
# Importing ESCO


def test_french_then_english_updates_the_same_skills_in_the_new_language(skills_on):
    job = import_esco(skills_on, "fr")
    assert job.status == Job.Status.DONE, job.messages
    framework = Framework.objects.get(organisation=skills_on, name="Entraide")
    assert (
        names(framework)[HYGIENE] == f"appliquer les règles d{APOS}hygiène alimentaire"
    )

    job = import_esco(skills_on, "en", framework=framework.pk)
    assert job.status == Job.Status.DONE, job.messages
    assert Skill.objects.filter(framework=framework).count() == 4
    assert SkillGroup.objects.filter(framework=framework).count() == 3
    assert names(framework)[HYGIENE] == "apply food hygiene rules"
    assert SkillGroup.objects.get(uri=SOCIAL).name == "social interaction"
    assert Skill.objects.get(uri=WELCOME).alt_labels == (
        "receive the public\ngreet visitors"
    )
    assert job.messages[0]["summary"]["skills_updated"] == 4
    assert job.messages[0]["summary"]["skills_created"] == 0


def test_importing_again_changes_nothing_but_a_changed_label(skills_on):
    import_esco(skills_on, "fr")
    framework = Framework.objects.get(name="Entraide")
    Skill.objects.filter(uri=HYGIENE).update(valid_days=730)
    before = set(Skill.objects.values_list("pk", "uri", "name", "group_id"))

    job = import_esco(skills_on, "fr", framework=framework.pk)
    assert job.messages[0]["summary"]["skills_unchanged"] == 4
    assert set(Skill.objects.values_list("pk", "uri", "name", "group_id")) == before

    renamed = SKILLS_FR.replace("écouter activement", "écouter vraiment")
    job = import_esco(skills_on, "fr", framework=framework.pk, skills=renamed.encode())
    assert job.messages[0]["summary"]["skills_updated"] == 1
    assert Skill.objects.count() == 4
    assert Skill.objects.get(uri=LISTEN).name == "écouter vraiment"
    # What ESCO does not know stays as the coordinator set it.
    assert Skill.objects.get(uri=HYGIENE).valid_days == 730


def test_a_group_brings_everything_under_it_and_the_groups_above(skills_on):
    job = import_esco(skills_on, "fr", roots=SOCIAL)
    assert job.status == Job.Status.DONE, job.messages
    framework = Framework.objects.get(name="Entraide")
    assert set(names(framework)) == {WELCOME, EMPATHY, LISTEN}
    assert set(SkillGroup.objects.values_list("uri", flat=True)) == {ROOT, SOCIAL}


def test_a_search_brings_the_matching_skills_with_their_groups(skills_on):
    job = import_esco(skills_on, "fr", search="empathie")
    assert job.status == Job.Status.DONE, job.messages
    assert list(Skill.objects.values_list("uri", flat=True)) == [EMPATHY]
    assert group_of(Framework.objects.get(), EMPATHY) == [SOCIAL, ROOT]


def test_the_hierarchy_is_kept(skills_on):
    import_esco(skills_on, "fr")
    framework = Framework.objects.get()
    assert group_of(framework, WELCOME) == [SOCIAL, ROOT]
    assert group_of(framework, HYGIENE) == [HEALTH, ROOT]
    assert group_of(framework, LISTEN) == [SOCIAL, ROOT]


BROKEN = [
    (
        "missing column",
        {"skills": SKILLS_FR.replace("preferredLabel", "label")},
        ("skills.csv", 1, "preferredLabel"),
    ),
    (
        "groups file given as the skills file",
        {"skills": GROUPS_FR},
        ("skills.csv", 2, "skillGroups_"),
    ),
    (
        "row with one cell too many",
        {"skills": SKILLS_FR.replace("Prêter attention.", "Prêter,attention.")},
        ("skills.csv", 5, "7"),
    ),
    (
        "loop in the hierarchy",
        {"relations": RELATIONS + f"SkillGroup,{ROOT},SkillGroup,{HEALTH}\r\n"},
        # Reported where the walk closes the circle: either relation of it.
        ("relations.csv", (3, 8), "santé et sécurité"),
    ),
]


@pytest.mark.parametrize(
    ("changed", "where"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_a_malformed_file_says_where_and_imports_nothing(skills_on, changed, where):
    uploads = files("fr")
    uploads.update({role: text.encode() for role, text in changed.items()})
    job = run_job(skills_on, ESCO_IMPORT, uploads)
    assert job.status == Job.Status.FAILED
    file, rows, token = where
    rows = rows if isinstance(rows, tuple) else (rows,)
    assert any(
        m["file"] == file and m["row"] in rows and token in m["reason"]
        for m in job.messages
    ), job.messages
    assert not Framework.objects.exists()
    assert not Skill.objects.exists() and not SkillGroup.objects.exists()


# Rows that can be left out: the job waits for the coordinator's choice.
SKIPPABLE = [
    (
        "duplicate URI",
        {"skills": SKILLS_FR.replace(EMPATHY, WELCOME)},
        ("skills.csv", 3, WELCOME),
    ),
    (
        "empty URI",
        {"skills": SKILLS_FR.replace(HYGIENE, "")},
        ("skills.csv", 4, "conceptUri"),
    ),
    (
        "empty label",
        {"skills": SKILLS_FR.replace("écouter activement", "")},
        ("skills.csv", 5, "preferredLabel"),
    ),
    (
        "duplicate group URI",
        {"groups": GROUPS_FR.replace(HEALTH, SOCIAL)},
        ("groups.csv", 4, SOCIAL),
    ),
]


@pytest.mark.parametrize(
    ("changed", "where"),
    [case[1:] for case in SKIPPABLE],
    ids=[case[0] for case in SKIPPABLE],
)
def test_a_bad_row_is_reported_and_the_job_waits_for_a_choice(
    skills_on, media, changed, where
):
    uploads = files("fr")
    uploads.update({role: text.encode() for role, text in changed.items()})
    job = run_job(skills_on, ESCO_IMPORT, uploads)
    assert job.status == Job.Status.CHOOSING
    file, row, token = where
    problems = [m for m in job.messages if "reason" in m]
    assert [(m["file"], m["row"]) for m in problems] == [(file, row)]
    assert token in problems[0]["reason"] and problems[0]["skippable"]
    assert not Framework.objects.exists()
    assert not Skill.objects.exists() and not SkillGroup.objects.exists()
    # The files wait for the choice.
    assert len(list((media / "skills" / "imports").rglob("*.csv"))) == 3


def test_a_bad_row_next_to_a_broken_file_still_imports_nothing(skills_on):
    skills = SKILLS_FR.replace("écouter activement", "")
    relations = RELATIONS + f"SkillGroup,{ROOT},SkillGroup,{HEALTH}\r\n"
    job = import_esco(
        skills_on, "fr", skills=skills.encode(), relations=relations.encode()
    )
    assert job.status == Job.Status.FAILED
    assert not Framework.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_at_its_row(skills_on):
    latin1 = SKILLS_FR.replace(APOS, "'").encode("latin-1")
    job = run_job(skills_on, ESCO_IMPORT, {**files("fr"), "skills": latin1})
    assert job.status == Job.Status.FAILED
    # "Écouter", on the fourth line of the file, is in row 2 (a spreadsheet's).
    assert [(m["file"], m["row"]) for m in job.messages] == [("skills.csv", 2)]
    assert not Skill.objects.exists()


def test_a_broken_reimport_leaves_the_framework_as_it_was(skills_on):
    import_esco(skills_on, "fr")
    framework = Framework.objects.get()
    before = set(Skill.objects.values_list("uri", "name", "group_id"))
    broken = RELATIONS + f"SkillGroup,{ROOT},SkillGroup,{SOCIAL}\r\n"
    job = import_esco(
        skills_on, "en", framework=framework.pk, relations=broken.encode()
    )
    assert job.status == Job.Status.FAILED
    assert set(Skill.objects.values_list("uri", "name", "group_id")) == before


def test_an_unknown_group_imports_nothing(skills_on):
    job = import_esco(skills_on, "fr", roots=ESCO + "nowhere")
    assert job.status == Job.Status.FAILED
    assert ESCO + "nowhere" in job.messages[0]["reason"]
    assert not Framework.objects.exists()


@needs_sample
def test_the_sample_in_french_and_english_is_one_set_of_skills(skills_on):
    def sample(language):
        return {
            "skills": (SAMPLE / f"esco_sample_{language}.csv").read_bytes(),
            "groups": (SAMPLE / f"esco_sample_skillGroups_{language}.csv").read_bytes(),
            "relations": (
                SAMPLE / "esco_sample_broaderRelationsSkillPillar.csv"
            ).read_bytes(),
        }

    job = run_job(skills_on, ESCO_IMPORT, sample("fr"), language="fr")
    assert job.status == Job.Status.DONE, job.messages
    framework = Framework.objects.get()
    assert Skill.objects.count() == 147
    assert SkillGroup.objects.count() == 97
    initiative = ESCO + "001115fb-569f-4ee6-8381-c6807ef2527f"
    assert names(framework)[initiative] == f"faire preuve d{APOS}initiative"
    chain = group_of(framework, initiative)
    assert chain[0] == ESCO + "91860993-1a8b-4473-91f3-600aa1924bd0"
    assert SkillGroup.objects.get(uri=chain[-1]).parent is None
    assert len(chain) > 2

    job = run_job(
        skills_on, ESCO_IMPORT, sample("en"), language="en", framework=framework.pk
    )
    assert job.status == Job.Status.DONE, job.messages
    assert Skill.objects.count() == 147 and SkillGroup.objects.count() == 97
    assert names(framework)[initiative] == "show initiative"
    assert group_of(framework, initiative) == chain


@needs_sample
def test_the_sample_can_be_narrowed_to_what_an_association_needs(skills_on):
    job = run_job(
        skills_on,
        ESCO_IMPORT,
        {
            "skills": (SAMPLE / "esco_sample_fr.csv").read_bytes(),
            "groups": (SAMPLE / "esco_sample_skillGroups_fr.csv").read_bytes(),
            "relations": (
                SAMPLE / "esco_sample_broaderRelationsSkillPillar.csv"
            ).read_bytes(),
        },
        search="s'adapter, base de données des donneurs",
    )
    assert job.status == Job.Status.DONE, job.messages
    assert sorted(Skill.objects.values_list("name", flat=True)) == [
        "gérer la base de données des donneurs",
        "s'adapter au changement",
        f"s{APOS}adapter aux exigences physiques",
    ]
    for skill in Skill.objects.all():
        assert skill.group is not None  # with their groups, up to the top


def full_files(language):
    return {
        "skills": (
            FULL / f"skills_{'fr' if language == 'fr' else 'en-us'}.csv"
        ).read_bytes(),
        "groups": (FULL / f"skillGroups_{language}.csv").read_bytes(),
        "relations": (FULL / "broaderRelationsSkillPillar.csv").read_bytes(),
    }


@needs_full
def test_the_full_v1_0_file_imports_in_reasonable_time(skills_on):
    start = time.perf_counter()
    job = run_job(skills_on, ESCO_IMPORT, full_files("fr"), language="fr")
    first = time.perf_counter() - start
    assert job.status == Job.Status.DONE, job.messages[:3]
    assert Skill.objects.count() == 13485
    assert SkillGroup.objects.count() == 17
    assert job.done == job.total == 13485 + 17
    framework = Framework.objects.get()

    start = time.perf_counter()
    job = run_job(
        skills_on, ESCO_IMPORT, full_files("fr"), language="fr", framework=framework.pk
    )
    again = time.perf_counter() - start
    assert job.status == Job.Status.DONE, job.messages[:3]
    assert job.messages[0]["summary"]["skills_unchanged"] == 13485
    assert Skill.objects.count() == 13485
    # Generous bounds: a few seconds each on a laptop with SQLite.
    assert first < 60 and again < 60, (first, again)


@needs_full
def test_the_full_us_english_file_offers_to_leave_out_its_untranslated_skills(
    skills_on,
):
    """ESCO v1.0's en-us file leaves 13 skills without a label: each is listed,
    nothing is imported until the coordinator chooses, and the rest is ready."""
    job = run_job(skills_on, ESCO_IMPORT, full_files("en"), language="en")
    assert job.status == Job.Status.CHOOSING
    problems = [m for m in job.messages if "reason" in m]
    rows = [m["row"] for m in problems if m["file"] == "skills.csv"]
    assert len(rows) == 13 and rows[0] == 328
    assert all("preferredLabel" in m["reason"] for m in problems)
    ready = next(m["ready"] for m in job.messages if "ready" in m)
    assert ready["skills"] == 13485 - 13 and ready["rows"] == 13
    assert not Skill.objects.exists()


# ---------------------------------------------------------------------------
# The framework CSV


def framework_with_custom_items(organisation):
    import_esco(organisation, "fr")
    framework = Framework.objects.get(organisation=organisation)
    accueil = SkillGroup.objects.create(framework=framework, name="Accueil")
    soirs = SkillGroup.objects.create(
        framework=framework, name="Permanences du soir", parent=accueil
    )
    under_esco = SkillGroup.objects.create(
        framework=framework,
        name="Nos pratiques",
        parent=SkillGroup.objects.get(uri=SOCIAL),
    )
    Skill.objects.create(
        framework=framework, group=soirs, name="Fermer le local", valid_days=None
    )
    Skill.objects.create(
        framework=framework,
        group=accueil,
        name="Premiers secours",
        description="PSC1 à jour.\nRecyclage tous les deux ans.",
        alt_labels="PSC1\nsecourisme",
        valid_days=730,
    )
    Skill.objects.create(framework=framework, group=under_esco, name="Tutorat")
    Skill.objects.create(framework=framework, name="=SOMME(A1)")  # no group
    return framework


def comparable(framework):
    def place(group):
        chain = []
        while group is not None:
            chain.append(group.uri or group.name)
            group = group.parent
        return tuple(reversed(chain))

    groups = {
        (place(g), g.uri, g.name, g.description)
        for g in SkillGroup.objects.filter(framework=framework).select_related(
            "parent__parent__parent"
        )
    }
    skills = {
        (place(s.group), s.uri, s.name, s.description, s.alt_labels, s.valid_days)
        for s in Skill.objects.filter(framework=framework).select_related(
            "group__parent__parent"
        )
    }
    return groups, skills


def test_export_then_import_gives_the_same_framework(
    coordinator_client, skills_on, django_capture_on_commit_callbacks
):
    framework = framework_with_custom_items(skills_on)
    response = coordinator_client.get(reverse("skills_export_csv", args=[framework.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    exported = response.content
    assert exported.decode("utf-8-sig").splitlines()[0] == ",".join(HEADER)

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("skills_import_csv"),
            {"file": SimpleUploadedFile("entraide.csv", exported), "new_name": "Copie"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    copy = Framework.objects.get(name="Copie")
    assert comparable(copy) == comparable(framework)
    assert Skill.objects.get(framework=copy, name="=SOMME(A1)")  # no formula left

    # Importing the same file into the copy again adds nothing.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("skills_import_csv"),
            {
                "file": SimpleUploadedFile("entraide.csv", exported),
                "framework": copy.pk,
            },
        )
    job = Job.objects.latest("pk")
    assert job.status == Job.Status.DONE, job.messages
    assert (
        job.messages[0]["summary"]["skills_unchanged"]
        == Skill.objects.filter(framework=copy).count()
    )
    assert comparable(copy) == comparable(framework)


def test_an_edited_file_updates_skills_without_uri_by_their_path(skills_on):
    framework = framework_with_custom_items(skills_on)
    rows = imports.framework_export_rows(framework)
    edited = "\n".join(
        ",".join(f'"{cell}"' for cell in row)
        for row in [HEADER, *rows]
        if row[2] != "Tutorat"
    ).replace('"730"', '"365"')
    job = run_job(
        skills_on, CSV_IMPORT, {"file": edited.encode()}, framework=framework.pk
    )
    assert job.status == Job.Status.DONE, job.messages
    assert (
        Skill.objects.get(framework=framework, name="Premiers secours").valid_days
        == 365
    )
    assert (
        Skill.objects.filter(framework=framework, name="Premiers secours").count() == 1
    )
    assert Skill.objects.filter(framework=framework, name="Tutorat").exists()  # kept


def test_a_hand_written_file_names_parents_by_path_and_by_uri(skills_on):
    import_esco(skills_on, "fr")
    framework = Framework.objects.get()
    text = (
        "kind;name;parent;valid_days\n"
        "group;Accueil;;\n"
        "group;Soirs;Accueil;\n"
        "skill;Fermer le local;Accueil > Soirs;\n"
        f"skill;Premiers secours;{SOCIAL};730\n"
    )
    job = run_job(
        skills_on, CSV_IMPORT, {"file": text.encode()}, framework=framework.pk
    )
    assert job.status == Job.Status.DONE, job.messages
    assert Skill.objects.get(name="Fermer le local").group.parent.name == "Accueil"
    first_aid = Skill.objects.get(name="Premiers secours")
    assert (first_aid.group.uri, first_aid.valid_days) == (SOCIAL, 730)


def test_rows_may_come_in_any_order(skills_on):
    text = (
        "kind,uri,name,parent\n"
        f"skill,,Tutorat,{ESCO}child\n"
        f"group,{ESCO}child,Enfant,{ESCO}parent\n"
        "group,,Soirs,Accueil\n"
        f"group,{ESCO}parent,Parent,\n"
        "group,,Accueil,\n"
    )
    job = run_job(skills_on, CSV_IMPORT, {"file": text.encode()})
    assert job.status == Job.Status.DONE, job.messages
    assert Skill.objects.get().group.parent.name == "Parent"
    assert SkillGroup.objects.get(name="Soirs").parent.name == "Accueil"


# ---------------------------------------------------------------------------
# Where the groups come from

# v1.1+'s skillsHierarchy_<lang>.csv: one row per group, its ancestors before it.
HIERARCHY_EN = (
    "Level 0 URI,Level 0 preferred term,Level 1 URI,Level 1 preferred term,"
    "Level 2 URI,Level 2 preferred term,Description,Level 0 code,Level 1 code\n"
    f"{ROOT},transversal skills,,,,,All of them.,T,\n"
    f"{ROOT},transversal skills,{SOCIAL},social interaction,,,With others.,T,T1\n"
    f"{ROOT},transversal skills,{HEALTH},health and safety,,,,T,T2\n"
)


def skills_en_with_groups():
    """The v1.1+ skills file naming each skill's group, as ESCO's does."""
    return (
        SKILLS_EN.replace(
            '"Receive people kindly.\nListen to what they ask.",,',
            f'"Receive people kindly.\nListen to what they ask.",{SOCIAL},'
            "social interaction",
        )
        .replace("show empathy,released,,,,", f"show empathy,released,,,{SOCIAL},")
        .replace("Follow hygiene rules.,,", f"Follow hygiene rules.,{HEALTH},")
        .replace("Pay attention.,,", f"Pay attention.,{WELCOME},")
    )


def test_nested_groups_come_from_the_skills_hierarchy_file(skills_on):
    job = import_esco(
        skills_on,
        "en",
        skills=skills_en_with_groups().encode(),
        groups=None,
        relations=HIERARCHY_EN.encode(),
    )
    assert job.status == Job.Status.DONE, job.messages
    framework = Framework.objects.get()
    assert group_of(framework, EMPATHY) == [SOCIAL, ROOT]
    assert group_of(framework, HYGIENE) == [HEALTH, ROOT]
    assert group_of(framework, LISTEN) == [SOCIAL, ROOT]  # under a skill
    assert SkillGroup.objects.get(uri=ROOT).name == "transversal skills"
    assert SkillGroup.objects.get(uri=SOCIAL).description == "With others."
    assert not [m for m in job.messages if "warning" in m]


def test_without_a_hierarchy_file_the_groups_are_flat_and_the_import_says_so(
    skills_on,
):
    job = import_esco(
        skills_on,
        "en",
        skills=skills_en_with_groups().encode(),
        relations=None,
    )
    assert job.status == Job.Status.DONE, job.messages
    groups = SkillGroup.objects.all()
    assert {g.uri for g in groups} == {SOCIAL, HEALTH}
    assert all(g.parent is None for g in groups)
    warnings = [m["warning"] for m in job.messages if "warning" in m]
    assert any("skillsHierarchy" in w for w in warnings), warnings


def test_parsing_without_a_hierarchy_file_marks_the_tree_flat():
    with_file, _p = parse_esco(**_as_kwargs(files("fr")))
    without, _p = parse_esco(skills_en_with_groups().encode())
    assert not with_file.flat
    assert without.flat and {g.parent for g in without.groups} == {None}


EMPTY = ESCO + "g-empty"


def with_an_empty_group(uploads):
    """A group under "social interaction" that holds no skill of the file."""
    uploads["groups"] += f"SkillGroup,{EMPTY},groupe vide,,\r\n".encode()
    uploads["relations"] += f"SkillGroup,{EMPTY},SkillGroup,{SOCIAL}\r\n".encode()
    return uploads


@pytest.mark.parametrize(
    "params",
    [{"roots": SOCIAL}, {"search": "accueillir"}, {}],
    ids=["a group", "a search", "everything"],
)
def test_an_import_brings_no_group_without_skills(skills_on, params):
    uploads = with_an_empty_group(files("fr"))
    job = run_job(skills_on, ESCO_IMPORT, uploads, language="fr", **params)
    assert job.status == Job.Status.DONE, job.messages
    assert Skill.objects.exists()
    assert set(SkillGroup.objects.values_list("uri", flat=True)) <= {
        ROOT,
        SOCIAL,
        HEALTH,
    }
    for group in SkillGroup.objects.all():  # each holds a skill, here or below
        assert Skill.objects.filter(group__in=[group, *group.children.all()])


def test_without_the_groups_file_the_coordinator_is_told_why_skills_have_none(
    skills_on,
):
    job = import_esco(skills_on, "fr", groups=None)
    assert job.status == Job.Status.DONE, job.messages
    assert any("3" in m.get("warning", "") for m in job.messages), job.messages
    assert not SkillGroup.objects.exists()
    assert Skill.objects.filter(group=None).count() == 4


CSV_BROKEN = [
    ("unknown kind", "thing,,A,,,,\n", 2, "thing"),
    ("empty name", "skill,,,,,,\n", 2, "name"),
    ("unknown parent", "skill,,A,Nowhere,,,\n", 2, "Nowhere"),
    ("validity that is not a number", "skill,,A,,,,two years\n", 2, "two years"),
    (
        "parents in a circle",
        f"group,{ESCO}a,A,{ESCO}b,,,\ngroup,{ESCO}b,B,{ESCO}a,,,\n",
        3,
        "B",
    ),
    ("same path twice", "group,,A,,,,\ngroup,,A,,,,\n", 3, "A"),
    ("same URI twice", f"skill,{ESCO}x,A,,,,\nskill,{ESCO}x,B,,,,\n", 3, ESCO + "x"),
]


@pytest.mark.parametrize(
    ("body", "row", "token"),
    [case[1:] for case in CSV_BROKEN],
    ids=[case[0] for case in CSV_BROKEN],
)
def test_a_malformed_framework_file_says_where_and_imports_nothing(
    skills_on, body, row, token
):
    text = ",".join(HEADER) + "\ngroup,,Fine,,,,\n" + body
    # The fine row pushes the broken ones down by one.
    job = run_job(skills_on, CSV_IMPORT, {"file": text.encode()})
    assert job.status == Job.Status.FAILED
    assert any(m["row"] == row + 1 and token in m["reason"] for m in job.messages), (
        job.messages
    )
    assert not Framework.objects.exists() and not SkillGroup.objects.exists()


def test_framework_csv_parsing_needs_no_database():
    tree, problems = parse_framework_csv(
        b"kind,name,parent\ngroup,A,\ngroup,B,A\nskill,S,A > B\n"
    )
    assert not problems
    assert [g.key for g in tree.groups] == [("A",), ("A", "B")]
    assert tree.skills[0].parent == ("A", "B")


# ---------------------------------------------------------------------------
# The job in the background and its page


def post_esco(client, **extra):
    data = {
        "skills_file": SimpleUploadedFile("skills_fr.csv", SKILLS_FR.encode()),
        "groups_file": SimpleUploadedFile("skillGroups_fr.csv", GROUPS_FR.encode()),
        "relations_file": SimpleUploadedFile(
            "broaderRelationsSkillPillar.csv", RELATIONS.encode()
        ),
        "language": "fr",
        "new_name": "Entraide",
        **extra,
    }
    return client.post(reverse("skills_import_esco"), data)


class Recorder:
    """The cache, remembering the progress written to it."""

    def __init__(self, cache):
        self.cache, self.progress = cache, []

    def set(self, key, value, timeout=None):
        self.progress.append(value)
        self.cache.set(key, value, timeout)

    def __getattr__(self, name):
        return getattr(self.cache, name)


def test_the_job_runs_in_the_background_and_reports_its_progress(
    coordinator_client,
    skills_on,
    media,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(imports, "BATCH", 2)
    recorder = Recorder(imports.cache)
    monkeypatch.setattr(imports, "cache", recorder)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_esco(coordinator_client)
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("skills_job", args=[job.pk])
    assert job.status == Job.Status.DONE, job.messages
    assert job.done == job.total == 7  # 3 groups and 4 skills
    dones = [done for done, _total in recorder.progress]
    assert dones == sorted(dones) and len(dones) >= 4 and dones[-1] == 7
    assert not list((media / "skills" / "imports").rglob("*.csv"))  # cleaned up

    page = coordinator_client.get(response["Location"])
    assert page.status_code == 200
    assert "skills-import-summary" in page.content.decode()
    status = coordinator_client.get(reverse("skills_job_status", args=[job.pk]))
    assert status.json() == {
        "status": "done",
        "done": 7,
        "total": 7,
        "percent": 100,
        "finished": True,
        "label": status.json()["label"],
    }


def test_a_job_runs_once(skills_on):
    job = import_esco(skills_on, "fr")
    run_import.enqueue(job.pk)
    assert Skill.objects.count() == 4
    assert Job.objects.get().status == Job.Status.DONE


def test_a_waiting_job_page_refreshes_itself_and_polls(coordinator_client, skills_on):
    job = Job.objects.create(organisation=skills_on, kind=ESCO_IMPORT, params={})
    page = coordinator_client.get(reverse("skills_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page  # without JavaScript
    assert reverse("skills_job_status", args=[job.pk]) in page  # with it
    assert "relais_skills/imports/job.js" in page
    status = coordinator_client.get(reverse("skills_job_status", args=[job.pk]))
    assert status.json()["finished"] is False


def test_a_running_job_shows_the_progress_its_transaction_hides(
    coordinator_client, skills_on
):
    job = Job.objects.create(
        organisation=skills_on,
        kind=ESCO_IMPORT,
        params={},
        status=Job.Status.RUNNING,
        total=10,
    )
    imports.cache.set(imports.progress_key(job.pk), (4, 10))
    status = coordinator_client.get(reverse("skills_job_status", args=[job.pk]))
    imports.cache.delete(imports.progress_key(job.pk))
    assert (status.json()["done"], status.json()["percent"]) == (4, 40)


def test_the_rows_to_fix_are_shown_on_the_job_page(
    coordinator_client, skills_on, django_capture_on_commit_callbacks
):
    broken = SKILLS_FR.replace(EMPATHY, WELCOME)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_esco(
            coordinator_client,
            skills_file=SimpleUploadedFile("skills_fr.csv", broken.encode()),
        )
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "skills-import-problems" in page
    assert "skills_fr.csv" in page and WELCOME in page
    assert not Framework.objects.exists()


def waiting_job(client, django_capture_on_commit_callbacks):
    """An upload through the admin whose fourth skill has no label."""
    broken = SKILLS_FR.replace("écouter activement", "")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_esco(
            client, skills_file=SimpleUploadedFile("skills_fr.csv", broken.encode())
        )
    assert response.status_code == 302
    return Job.objects.get(), response["Location"]


def choose(client, job, choice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("skills_job_choice", args=[job.pk]), {"choice": choice}
        )
    assert response["Location"] == reverse("skills_job", args=[job.pk])
    return client.get(response["Location"]).content.decode()


def test_the_job_page_reports_each_bad_row_and_offers_the_choice(
    coordinator_client, skills_on, django_capture_on_commit_callbacks
):
    job, location = waiting_job(coordinator_client, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.CHOOSING
    page = coordinator_client.get(location).content.decode()
    assert "skills_fr.csv, ligne 5\u00a0: La colonne preferredLabel est vide." in page
    assert "1 ligne ne peut pas être importée" in page
    assert 'value="rest"' in page and "Importer les 3 autres compétences" in page
    assert 'value="nothing"' in page and "Ne rien importer" in page
    assert 'http-equiv="refresh"' not in page  # it waits for a person, not a job
    status = coordinator_client.get(reverse("skills_job_status", args=[job.pk]))
    assert status.json()["finished"] is True


def test_importing_the_rest_leaves_out_the_bad_rows_and_lists_them(
    coordinator_client, skills_on, media, django_capture_on_commit_callbacks
):
    job, _location = waiting_job(coordinator_client, django_capture_on_commit_callbacks)
    page = choose(coordinator_client, job, "rest", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.messages
    assert set(names(Framework.objects.get(name="Entraide"))) == {
        WELCOME,
        EMPATHY,
        HYGIENE,
    }
    assert "skills-import-summary" in page
    assert "Ces lignes ont été laissées de côté" in page
    assert "skills_fr.csv, ligne 5" in page
    assert not list((media / "skills" / "imports").rglob("*.csv"))


def test_importing_nothing_changes_nothing(
    coordinator_client, skills_on, media, django_capture_on_commit_callbacks
):
    job, _location = waiting_job(coordinator_client, django_capture_on_commit_callbacks)
    page = choose(
        coordinator_client, job, "nothing", django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert "Rien n'a été importé, comme vous l'avez choisi" in page
    assert "skills_fr.csv, ligne 5" in page
    assert not Framework.objects.exists() and not Skill.objects.exists()
    assert not list((media / "skills" / "imports").rglob("*.csv"))
    # A late "import the rest" (another tab) changes nothing either.
    choose(coordinator_client, job, "rest", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and not Skill.objects.exists()


def test_a_choice_that_is_neither_changes_nothing(
    coordinator_client, skills_on, django_capture_on_commit_callbacks
):
    job, _location = waiting_job(coordinator_client, django_capture_on_commit_callbacks)
    choose(coordinator_client, job, "everything", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Job.Status.CHOOSING and not Skill.objects.exists()


def test_the_choice_is_not_found_for_another_organisations_job(
    coordinator_client, skills_on, enable_plugin
):
    other = make_organisation("Les Amis du Parc", "b.test")
    enable_plugin(other, "skills")
    theirs = Job.objects.create(
        organisation=other,
        kind=ESCO_IMPORT,
        params={},
        status=Job.Status.CHOOSING,
    )
    response = coordinator_client.post(
        reverse("skills_job_choice", args=[theirs.pk]), {"choice": "rest"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Job.Status.CHOOSING


# ---------------------------------------------------------------------------
# Who may import, and what is refused at the door


@pytest.mark.parametrize("role", [Role.LEARNER, Role.MENTOR])
def test_people_without_the_admin_are_sent_away(client_a, skills_on, role):
    client_a.force_login(member(skills_on, role))
    for name in ("skills_imports", "skills_import_esco", "skills_import_csv"):
        response = client_a.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]
    assert post_esco(client_a).status_code == 302
    assert not Job.objects.exists()


def test_trainers_are_refused(client_a, skills_on):
    """Trainers use the admin, so Wagtail turns the refusal (PermissionDenied)
    into its usual redirect to the dashboard with a message; the page polled by
    script gets a plain 403."""
    client_a.force_login(member(skills_on, Role.TRAINER))
    for name in ("skills_imports", "skills_import_esco", "skills_import_csv"):
        response = client_a.get(reverse(name))
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    job = Job.objects.create(organisation=skills_on, kind=ESCO_IMPORT, params={})
    status = client_a.get(
        reverse("skills_job_status", args=[job.pk]),
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert status.status_code == 403
    assert post_esco(client_a).status_code == 302
    assert Job.objects.count() == 1 and not Framework.objects.exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_get_in(client_a, skills_on, role):
    client_a.force_login(member(skills_on, role))
    for name in ("skills_imports", "skills_import_esco", "skills_import_csv"):
        assert client_a.get(reverse(name)).status_code == 200


def test_another_organisations_framework_and_jobs_are_not_found(
    coordinator_client, skills_on, enable_plugin
):
    other = make_organisation("Les Amis du Parc", "b.test")
    enable_plugin(other, "skills")
    theirs = Framework.objects.create(organisation=other, name="Parc")
    job = Job.objects.create(organisation=other, kind=ESCO_IMPORT, params={})
    assert (
        coordinator_client.get(
            reverse("skills_export_csv", args=[theirs.pk])
        ).status_code
        == 404
    )
    assert (
        coordinator_client.get(reverse("skills_job", args=[job.pk])).status_code == 404
    )
    assert (
        coordinator_client.get(reverse("skills_job_status", args=[job.pk])).status_code
        == 404
    )
    response = post_esco(coordinator_client, framework=theirs.pk, new_name="")
    assert response.status_code == 400
    assert Job.objects.count() == 1 and not theirs.skills.exists()


def test_the_screens_are_not_found_where_the_plugin_is_off(client_a, org_a):
    client_a.force_login(member(org_a, Role.COORDINATOR))
    assert client_a.get(reverse("skills_imports")).status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("skills.xlsx", b"PK\x03\x04 not a csv"),
        ("skills_fr.csv", b"PK\x03\x04 a spreadsheet renamed"),
        ("skills_fr.csv", "conceptUri,preferredLabel\nx,hygiène\n".encode("latin-1")),
        ("skills_fr.csv", b"\x00\x01\x02"),
    ],
    ids=["wrong extension", "xlsx renamed", "not utf-8", "binary"],
)
def test_bad_uploads_are_refused_and_change_nothing(
    coordinator_client, media, name, data
):
    response = post_esco(coordinator_client, skills_file=SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert 'class="error-message"' in response.content.decode()
    assert not Job.objects.exists() and not Framework.objects.exists()
    assert not default_storage.exists("skills/imports")


def test_a_file_over_the_limit_is_refused(coordinator_client, settings):
    settings.LMS_SKILLS_MAX_UPLOAD_MB = 0.0001  # about 100 bytes
    response = post_esco(coordinator_client)
    assert response.status_code == 400
    assert "Mo" in response.content.decode() or "MB" in response.content.decode()
    assert not Job.objects.exists()


def test_the_language_chosen_must_match_the_file_name(coordinator_client):
    response = post_esco(coordinator_client, language="en")
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_a_new_framework_needs_a_free_name(coordinator_client, skills_on):
    Framework.objects.create(organisation=skills_on, name="Entraide")
    assert post_esco(coordinator_client).status_code == 400
    assert post_esco(coordinator_client, new_name="").status_code == 400
    assert not Job.objects.exists()
