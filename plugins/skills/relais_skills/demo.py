"""Demo content (PRODUCT.md): the skills framework of Entraide Quartier (30 skills in
5 groups, eight of them ESCO's, imported from ``demo_data/``), what three roles
need, the two demo courses tagged with what they develop, and a year of evidence
for 40-odd people: course completions, Sophie's assessments, mentors'
confirmations, self-assessments and prior experience. A few certificates lapse
within 90 days (Michel's first aid among them), one has lapsed (Nadia's); Léa, who
starts on Monday, still has every gap of the front desk, the hygiene one closed
by a course she can take.

Idempotent: everything is matched before it is created, and each piece of
evidence carries a reference (``demo:<days ago>``, or the course's activity id
as a completion would), so a second run records nothing.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lms.models import Kind, Membership, PluginActivation, Role, RoleGroup, Team
from relais_skills import proficiency
from relais_skills.esco import parse_esco
from relais_skills.imports import save_tree
from relais_skills.models import (
    Evidence,
    Framework,
    Requirement,
    RoleProfile,
    Skill,
    SkillGroup,
    SkillTag,
)

FRAMEWORK = "Compétences Entraide Quartier"
LEVELS = ["notions", "autonome", "confirmé", "peut former"]
ESCO_FILE = Path(__file__).parent / "demo_data" / "esco_skills_fr.csv"
ESCO = "http://data.europa.eu/esco/skill/"

GROUPS = {
    "Accueil et écoute": "Recevoir les personnes, les écouter et les orienter.",
    "Hygiène et sécurité": "Protéger les personnes accueillies et les bénévoles.",
    "Logistique et distribution": "Des dons aux colis : stocker, préparer, distribuer.",
    "Accompagnement scolaire": "Aider les enfants du quartier dans leur scolarité.",
    "Vie associative": "Faire vivre l'association et ses équipes.",
}
FIRST_AID = "premiers secours"
HYGIENE = "hygiène alimentaire (attestation)"
# group, name, description, days a certificate is valid
SKILLS = [
    ("Accueil et écoute", "accueil du public",
     "Accueillir chaque personne avec respect et sans jugement, et lui expliquer "
     "comment fonctionne l'association.", None),
    ("Accueil et écoute", "écoute active",
     "Laisser parler, reformuler, repérer ce qui n'est pas dit.", None),
    ("Accueil et écoute", "orientation vers les partenaires sociaux",
     "Orienter vers le CCAS, la CAF, les assistantes sociales et les autres "
     "associations du quartier.", None),
    ("Accueil et écoute", "tenue du registre d'accueil",
     "Inscrire les familles, vérifier les justificatifs et tenir le fichier à jour "
     "dans le respect du RGPD.", None),
    ("Hygiène et sécurité", HYGIENE,
     "Attestation de formation aux bases de l'hygiène alimentaire, à renouveler "
     "tous les trois ans.", 1095),
    ("Hygiène et sécurité", FIRST_AID,
     "Attestation PSC1 : protéger, alerter, secourir. À recycler tous les deux ans.",
     730),
    ("Hygiène et sécurité", "chaîne du froid",
     "Contrôler et noter les températures, du camion au réfrigérateur (0 à 4 °C).",
     None),
    ("Hygiène et sécurité", "sécurité incendie et évacuation",
     "Connaître les issues de secours, les extincteurs et le point de "
     "rassemblement.", None),
    ("Hygiène et sécurité", "gestes et postures",
     "Porter les charges sans se blesser : jambes pliées, dos droit, à deux "
     "au-delà de 25 kg.", None),
    ("Logistique et distribution", "gestion des stocks",
     "Ranger, compter et suivre les stocks ; premier entré, premier sorti.", None),
    ("Logistique et distribution", "préparation des colis",
     "Composer les colis selon la taille du foyer et les régimes alimentaires.",
     None),
    ("Logistique et distribution", "tenue d'un poste de distribution",
     "Servir les familles, gérer la file d'attente et l'émargement.", None),
    ("Logistique et distribution", "conduite du camion frigorifique",
     "Permis B, utilitaire de 12 m³ : vérifier le groupe froid avant de partir.",
     None),
    ("Logistique et distribution", "tri des denrées collectées",
     "Vérifier les dates, trier par famille de produits, écarter ce qui ne peut "
     "pas être distribué.", None),
    ("Accompagnement scolaire", "aide aux devoirs (primaire)",
     "Accompagner un enfant du CP au CM2 dans ses devoirs, sans faire à sa place.",
     None),
    ("Accompagnement scolaire", "aide aux devoirs (collège)",
     "Expliquer les notions de français et de mathématiques du collège.", None),
    ("Accompagnement scolaire", "soutien en français langue étrangère",
     "Aider des enfants et des parents qui apprennent le français.", None),
    ("Accompagnement scolaire", "relation avec les familles et l'école",
     "Faire le lien avec les parents et, avec leur accord, les enseignants.", None),
    ("Vie associative", "connaître l'association et ses valeurs",
     "L'histoire, la charte du bénévole et les quatre équipes d'Entraide Quartier.",
     None),
    ("Vie associative", "animer une équipe",
     "Organiser une permanence, répartir les rôles, accueillir les nouveaux "
     "bénévoles.", None),
    ("Vie associative", "planifier les permanences",
     "Tenir le planning des bénévoles et trouver un remplaçant en cas d'absence.",
     None),
    ("Vie associative", "tenir un stand de collecte",
     "Présenter l'association aux clients d'un magasin et recevoir les dons.", None),
]  # fmt: skip
# The ESCO skills of demo_data/esco_skills_fr.csv and the group each goes in.
ESCO_GROUPS = {
    f"{ESCO}77b636e8-fab3-41a8-8022-1e0a354059dc": "Accueil et écoute",
    f"{ESCO}e37d64dc-0f05-4ee8-b065-bf76f70d8f5c": "Accueil et écoute",
    f"{ESCO}96de2e86-e287-41f2-88ab-15a2343afc6f": "Accueil et écoute",
    f"{ESCO}d9449998-c1f5-478c-a103-2255398cf0b6": "Hygiène et sécurité",
    f"{ESCO}dacaebb5-5d85-4f3e-9adb-7c82b4f53189": "Logistique et distribution",
    f"{ESCO}699e7c26-6502-4e78-a823-3656ff5a5b8b": "Accompagnement scolaire",
    f"{ESCO}60c78287-22eb-4103-9c8c-28deaa460da0": "Vie associative",
    f"{ESCO}c10d5d87-36cf-42f5-8a12-e560fb5f4af8": "Vie associative",
}
# ESCO writes the typographic apostrophe.
EMPATHY = "faire preuve d\u2019empathie"
PRIVACY = "respecter les obligations de confidentialité"
CONFLICTS = "résoudre les conflits"
HYGIENE_RULES = "mettre en application des normes d\u2019hygiène"
FOOD_WASTE = "éliminer des déchets alimentaires"
TEACHING = "instruire autrui"
TEAMWORK = "travailler en équipe"
INTERCULTURAL = "faire preuve de compétences interculturelles"

DISCOVER = "Découvrir Entraide Quartier"
HYGIENE_COURSE = "Hygiène alimentaire : les bases"
# course title: (skill, level it develops)
TAGS = {
    DISCOVER: [("connaître l'association et ses valeurs", 2), ("accueil du public", 1)],
    HYGIENE_COURSE: [(HYGIENE, 2), (HYGIENE_RULES, 2), ("chaîne du froid", 1)],
}
# role: (description, team, named holders, [(skill, minimum level)])
PROFILES = {
    "Bénévole d'accueil": (
        "Accueille les familles, les écoute et les oriente.",
        "Accueil",
        [],
        [("accueil du public", 2), (HYGIENE, 2), (EMPATHY, 2), (PRIVACY, 2),
         ("orientation vers les partenaires sociaux", 1),
         ("connaître l'association et ses valeurs", 2)],
    ),
    "Bénévole distribution": (
        "Prépare et distribue les colis, dans le respect de la chaîne du froid.",
        "Distribution",
        [],
        [(HYGIENE, 2), ("chaîne du froid", 2), ("tenue d'un poste de distribution", 2),
         ("gestes et postures", 1), ("gestion des stocks", 1), (TEAMWORK, 2)],
    ),
    "Responsable d'équipe": (
        "Anime une équipe de bénévoles et tient ses permanences.",
        None,
        ["mentor", "nadia", "jean", "marc.vidal"],
        [("animer une équipe", 3), (FIRST_AID, 2), (CONFLICTS, 2),
         ("planifier les permanences", 2)],
    ),
}  # fmt: skip

# first name, last name, team, days since start
VOLUNTEERS = [
    ("Camille", "Lefèvre", "Accueil", 900),
    ("Thomas", "Girard", "Accueil", 420),
    ("Fatou", "Diallo", "Accueil", 150),
    ("Hugo", "Lambert", "Accueil", 60),
    ("Chloé", "Fontaine", "Accueil", 1300),
    ("Mehdi", "Khelifi", "Accueil", 240),
    ("Élodie", "Perrin", "Accueil", 35),
    ("Bernard", "Chevalier", "Accueil", 2600),
    ("Aïcha", "Traoré", "Accueil", 500),
    ("Julien", "Faure", "Distribution", 1500),
    ("Sarah", "Cohen", "Distribution", 700),
    ("Mamadou", "Sow", "Distribution", 320),
    ("Nathalie", "Blanc", "Distribution", 1100),
    ("Kevin", "Nguyen", "Distribution", 90),
    ("Odile", "Masson", "Distribution", 2100),
    ("Rachid", "Amrani", "Distribution", 480),
    ("Pauline", "Roche", "Distribution", 45),
    ("Antoine", "Gauthier", "Distribution", 800),
    ("Claire", "Dubois", "Aide aux devoirs", 650),
    ("Lucas", "Mercier", "Aide aux devoirs", 120),
    ("Amina", "Bouzid", "Aide aux devoirs", 260),
    ("Gérard", "Lemoine", "Aide aux devoirs", 1700),
    ("Manon", "Picard", "Aide aux devoirs", 75),
    ("Samuel", "Lévy", "Aide aux devoirs", 400),
    ("Zoé", "Marchand", "Aide aux devoirs", 30),
    ("Hélène", "Caron", "Aide aux devoirs", 1000),
    ("Youssef", "El Idrissi", "Aide aux devoirs", 210),
    ("Marc", "Vidal", "Collecte", 1600),
    ("Sylvie", "Renaud", "Collecte", 950),
    ("Ousmane", "Ba", "Collecte", 180),
    ("Lucie", "Arnaud", "Collecte", 55),
    ("Damien", "Brun", "Collecte", 600),
    ("Françoise", "Gilbert", "Collecte", 2400),
    ("Karima", "Saïdi", "Collecte", 330),
    ("Paul", "Henry", "Collecte", 140),
    ("Léon", "Barbier", "Collecte", 25),
]
# What each team practises, besides the courses.
TEAM_SKILLS = {  # (what the role needs, what some also do)
    "Accueil": (
        ["accueil du public", EMPATHY, PRIVACY,
         "orientation vers les partenaires sociaux"],
        ["écoute active", "tenue du registre d'accueil", CONFLICTS, INTERCULTURAL],
    ),
    "Distribution": (
        ["tenue d'un poste de distribution", "chaîne du froid",
         "gestes et postures", "gestion des stocks", TEAMWORK],
        ["préparation des colis", FOOD_WASTE, "conduite du camion frigorifique"],
    ),
    "Aide aux devoirs": (
        ["aide aux devoirs (primaire)", "relation avec les familles et l'école",
         TEACHING],
        ["aide aux devoirs (collège)", "soutien en français langue étrangère",
         EMPATHY],
    ),
    "Collecte": (
        ["tenir un stand de collecte", "tri des denrées collectées",
         "gestes et postures"],
        [TEAMWORK, "gestion des stocks", "sécurité incendie et évacuation"],
    ),
}  # fmt: skip
# Who confirms what they saw at work, per team (Collecte: Sophie assesses).
MENTORS = {"Accueil": "mentor", "Distribution": "nadia", "Aide aux devoirs": "jean"}
MENTOR_NOTES = [
    "Confirmé lors d'une permanence.",
    "Vu en situation : à l'aise et attentif.",
    "Observé pendant la distribution du samedi.",
    "Fait seul, sans hésitation.",
]
ASSESSMENT_NOTES = [
    "Bilan de fin de période d'essai.",
    "Entretien annuel avec Sophie.",
    "Évalué sur le terrain.",
]

Source = Evidence.Source
SOPHIE = "coordinatrice"


@dataclass(frozen=True)
class Shown:
    """One piece of evidence, ``days_ago`` before today."""

    skill: str
    level: int
    source: str
    days_ago: int
    author: str | None = None  # a username
    note: str = ""


@dataclass(frozen=True)
class Completed:
    """A course completed ``days_ago``: evidence for each skill it is tagged with."""

    course: str
    days_ago: int


# The people of the story, by username. Certificates are dated so that Michel's
# first aid lapses within 30 days, Julien's hygiene within 60, Camille's first aid
# within 90, and Nadia's first aid lapsed 10 days ago.
STORY = {
    "benevole": [  # Léa starts on Monday: only what she says of herself so far.
        Shown("accueil du public", 2, Source.SELF, 0, None,
              "Deux étés de caisse au supermarché : j'aime le contact."),
        Shown(EMPATHY, 3, Source.SELF, 0),
    ],
    "mentor": [
        Completed(DISCOVER, 360),
        Completed(HYGIENE_COURSE, 250),
        Shown("accueil du public", 4, Source.ASSESSMENT, 340, SOPHIE,
              "Six ans d'accueil : forme les nouveaux."),
        Shown("écoute active", 3, Source.ASSESSMENT, 340, SOPHIE),
        Shown(EMPATHY, 3, Source.ASSESSMENT, 340, SOPHIE),
        Shown(PRIVACY, 3, Source.ASSESSMENT, 200, SOPHIE),
        Shown("orientation vers les partenaires sociaux", 3, Source.ASSESSMENT, 200,
              SOPHIE),
        Shown(CONFLICTS, 3, Source.ASSESSMENT, 120, SOPHIE,
              "A désamorcé calmement une dispute dans la file d'attente."),
        Shown("animer une équipe", 2, Source.ASSESSMENT, 300, SOPHIE),
        Shown("animer une équipe", 3, Source.ASSESSMENT, 90, SOPHIE,
              "Tient seul la permanence du mardi depuis l'automne."),
        Shown("planifier les permanences", 2, Source.ASSESSMENT, 90, SOPHIE),
        Shown(FIRST_AID, 2, Source.ASSESSMENT, 730 - 12, SOPHIE,
              "Attestation PSC1, Croix-Rouge française."),
    ],
    "nadia": [
        Completed(DISCOVER, 355),
        Completed(HYGIENE_COURSE, 300),
        Shown("tenue d'un poste de distribution", 4, Source.ASSESSMENT, 330, SOPHIE),
        Shown("préparation des colis", 3, Source.ASSESSMENT, 330, SOPHIE),
        Shown("gestion des stocks", 3, Source.ASSESSMENT, 330, SOPHIE),
        Shown("chaîne du froid", 3, Source.ASSESSMENT, 200, SOPHIE),
        Shown("conduite du camion frigorifique", 3, Source.PRIOR, 340, None,
              "Permis C, six ans de livraisons."),
        Shown("animer une équipe", 3, Source.ASSESSMENT, 150, SOPHIE),
        Shown(CONFLICTS, 2, Source.ASSESSMENT, 60, SOPHIE),
        Shown("planifier les permanences", 3, Source.ASSESSMENT, 150, SOPHIE),
        Shown(FIRST_AID, 2, Source.ASSESSMENT, 730 + 10, SOPHIE,
              "Attestation PSC1, Protection civile."),
    ],
    "jean": [
        Completed(DISCOVER, 350),
        Shown("aide aux devoirs (collège)", 4, Source.PRIOR, 360, None,
              "Professeur de mathématiques pendant 35 ans."),
        Shown("aide aux devoirs (collège)", 4, Source.ASSESSMENT, 300, SOPHIE),
        Shown("aide aux devoirs (primaire)", 3, Source.ASSESSMENT, 300, SOPHIE),
        Shown(TEACHING, 4, Source.ASSESSMENT, 200, SOPHIE),
        Shown("relation avec les familles et l'école", 3, Source.ASSESSMENT, 100,
              SOPHIE),
        Shown("animer une équipe", 2, Source.ASSESSMENT, 180, SOPHIE),
        Shown("animer une équipe", 3, Source.SELF, 30),
        Shown("planifier les permanences", 2, Source.ASSESSMENT, 180, SOPHIE),
        Shown(CONFLICTS, 2, Source.MENTOR, 45, "mentor"),
    ],
    "ines": [  # Nadia's mentee (the mentoring demo), here for 24 days
        Completed(DISCOVER, 22),
        Completed(HYGIENE_COURSE, 16),
        Shown("tenue d'un poste de distribution", 1, Source.MENTOR, 18, "nadia",
              "Visite de l'entrepôt, rôle de chacun le samedi."),
        Shown("tenue d'un poste de distribution", 2, Source.MENTOR, 6, "nadia",
              "Première distribution : a géré la file avec calme."),
        Shown("chaîne du froid", 2, Source.SELF, 3),
    ],
    "formateur": [
        Completed(DISCOVER, 365),
        Completed(HYGIENE_COURSE, 365),
        Shown(TEACHING, 4, Source.ASSESSMENT, 280, SOPHIE),
        Shown(FIRST_AID, 3, Source.ASSESSMENT, 150, SOPHIE,
              "Moniteur de premiers secours (PAE FPSC)."),
    ],
    SOPHIE: [
        Shown("animer une équipe", 4, Source.PRIOR, 365, None,
              "Coordinatrice d'un centre social pendant huit ans."),
        Shown("orientation vers les partenaires sociaux", 4, Source.SELF, 200),
    ],
    "marc.vidal": [
        Shown("animer une équipe", 3, Source.ASSESSMENT, 210, SOPHIE),
        Shown("planifier les permanences", 3, Source.ASSESSMENT, 210, SOPHIE),
        Shown(CONFLICTS, 2, Source.ASSESSMENT, 210, SOPHIE),
        Shown(FIRST_AID, 2, Source.ASSESSMENT, 400, SOPHIE, "Attestation PSC1."),
    ],
    "julien.faure": [Completed(HYGIENE_COURSE, 1095 - 41)],
    "camille.lefevre": [
        Shown(FIRST_AID, 2, Source.ASSESSMENT, 730 - 75, SOPHIE, "Attestation PSC1.")
    ],
    "amina.bouzid": [
        Shown("aide aux devoirs (primaire)", 3, Source.PRIOR, 250, None,
              "Animatrice en centre de loisirs (BAFA), trois ans.")
    ],
    "gerard.lemoine": [
        Shown("aide aux devoirs (collège)", 3, Source.PRIOR, 365, None,
              "Ingénieur retraité, a aidé ses petits-enfants.")
    ],
}  # fmt: skip


def username_of(first, last):
    return slugify(f"{first} {last}").replace("-", ".")


def construct_demo(site, people):
    PluginActivation.objects.get_or_create(organisation=site, app_label="skills")
    courses = _courses()
    skills = _framework(site, courses)
    _tag_courses(site, courses, skills)
    users = {**_volunteers(site), **people}
    users.update(
        get_user_model().objects.in_bulk(
            [name for name in STORY if name not in users], field_name="username"
        )
    )
    _profiles(site, skills, users)
    _evidence(site, skills, courses, users)


def _courses():
    from courses.models import CoursePage

    return {
        course.title: course
        for course in CoursePage.objects.filter(title__in=TAGS).order_by("pk")
    }


def _framework(site, courses):
    """{name: Skill}, each with its framework loaded."""
    framework, _created = Framework.objects.get_or_create(
        organisation=site,
        name=FRAMEWORK,
        defaults={
            "levels": LEVELS,
            "description": "Ce que les bénévoles savent faire, équipe par équipe. "
            "Quelques compétences viennent d'ESCO (© Union européenne).",
        },
    )
    groups = {}
    for name, description in GROUPS.items():
        groups[name], _created = SkillGroup.objects.get_or_create(
            framework=framework,
            parent=None,
            name=name,
            defaults={"description": description},
        )
    existing = set(
        Skill.objects.filter(framework=framework, uri="").values_list("name", flat=True)
    )
    renewal = courses.get(HYGIENE_COURSE)
    Skill.objects.bulk_create(
        Skill(
            framework=framework,
            group=groups[group],
            name=name,
            description=description,
            valid_days=valid_days,
            renewal_course=renewal if name == HYGIENE else None,
        )
        for group, name, description, valid_days in SKILLS
        if name not in existing
    )
    _import_esco(framework, groups)
    return {
        skill.name: skill
        for skill in Skill.objects.filter(framework=framework).select_related(
            "framework"
        )
    }


def _import_esco(framework, groups):
    """ESCO's rows through the importer, as a coordinator's upload would go; the
    skills then join the association's own groups instead of ESCO's."""
    tree, problems = parse_esco(
        ESCO_FILE.read_bytes(), names={"skills": ESCO_FILE.name}
    )
    if problems:  # the file ships with the plugin: a problem is a bug
        raise ValueError(problems.as_messages())
    tree.groups = []
    for node in tree.skills:
        node.parent = None  # an ESCO import leaves a skill without parent in place
    with transaction.atomic():
        save_tree(framework, tree)
    for skill in Skill.objects.filter(
        framework=framework, uri__in=ESCO_GROUPS, group=None
    ):
        skill.group = groups[ESCO_GROUPS[skill.uri]]
        skill.save(update_fields=["group"])


def _tag_courses(site, courses, skills):
    for title, tags in TAGS.items():
        course = courses.get(title)
        if course is None:
            continue
        for name, level in tags:
            SkillTag.objects.get_or_create(
                organisation=site,
                object_id=f"urn:relais:course:{course.pk}",
                skill=skills[name],
                defaults={"level": level, "label": course.title},
            )


def _volunteers(site):
    """The association's other volunteers, without a login: {username: User}."""
    User = get_user_model()
    wanted = {username_of(row[0], row[1]): row for row in VOLUNTEERS}
    users = User.objects.in_bulk(list(wanted), field_name="username")
    User.objects.bulk_create(
        User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@entraide-quartier.example",
            password=make_password(None),  # demo people without a login
        )
        for username, (first, last, _team, _days) in wanted.items()
        if username not in users
    )
    users = User.objects.in_bulk(list(wanted), field_name="username")
    teams = {team.name: team for team in Team.objects.filter(organisation=site)}
    members = set(
        Membership.objects.filter(
            organisation=site, user__in=users.values()
        ).values_list("user_id", flat=True)
    )
    today = timezone.localdate()
    Membership.objects.bulk_create(
        Membership(
            user=users[username],
            organisation=site,
            role=Role.LEARNER,
            kind=Kind.VOLUNTEER,
            team=teams.get(team),
            start_date=today - timedelta(days=days),
        )
        for username, (_first, _last, team, days) in wanted.items()
        if users[username].pk not in members
    )
    # What Membership.save() does one by one: the role's group in the organisation.
    group = RoleGroup.for_role(site, Role.LEARNER).group
    User.groups.through.objects.bulk_create(
        [User.groups.through(user=user, group=group) for user in users.values()],
        ignore_conflicts=True,
    )
    return users


def _profiles(site, skills, users):
    teams = {team.name: team for team in Team.objects.filter(organisation=site)}
    for name, (description, team, holders, needs) in PROFILES.items():
        profile, _created = RoleProfile.objects.get_or_create(
            organisation=site,
            name=name,
            defaults={"description": description, "team": teams.get(team)},
        )
        profile.holders.add(*(users[u] for u in holders if u in users))
        for skill, level in needs:
            Requirement.objects.get_or_create(
                profile=profile, skill=skills[skill], defaults={"level": level}
            )


def _volunteer_evidence(team, started, rng):
    """A volunteer's year: the welcome course, the hygiene course for those who
    handle food, skills confirmed at work (some assessed again later, one level
    up), a self-assessment."""
    window = min(started, 360)  # evidence starts with them, within the year
    # Newcomers take the welcome course in their first days; the others took it
    # some time in the year it has existed.
    first = (
        max(window - rng.randint(1, 14), 1) if started < 360 else rng.randint(150, 360)
    )
    if rng.random() < 0.9:
        yield Completed(DISCOVER, first)
    if rng.random() < (0.25 if team == "Aide aux devoirs" else 0.85):
        yield Completed(HYGIENE_COURSE, max(first - rng.randint(5, 40), 1))
    confirmer = MENTORS.get(team)
    core, extras = TEAM_SKILLS[team]
    seasoned = started >= 120
    chosen = [skill for skill in core if rng.random() < (0.8 if seasoned else 0.4)]
    chosen += rng.sample(extras, rng.randint(0, 2))
    for skill in chosen:
        level = rng.choice([2, 2, 2, 3, 3, 4] if seasoned else [1, 1, 2])
        day = rng.randint(1, first)
        # Half the time the level was reached in two steps: a mentor saw one level
        # below, Sophie assessed the next some months later.
        if level > 1 and day + 30 <= first and rng.random() < 0.5:
            earlier = rng.randint(day + 30, first)
            yield _confirmed(skill, level - 1, earlier, confirmer, rng)
            yield Shown(
                skill,
                level,
                Source.ASSESSMENT,
                day,
                SOPHIE,
                rng.choice(ASSESSMENT_NOTES),
            )
        else:
            yield _confirmed(skill, level, day, confirmer, rng)
    yield Shown(
        rng.choice(core + extras), rng.randint(1, 4), Source.SELF, rng.randint(1, first)
    )
    if rng.random() < 0.15:
        yield Shown(
            FIRST_AID,
            2,
            Source.ASSESSMENT,
            rng.randint(1, window),
            SOPHIE,
            "Attestation PSC1.",
        )


def _confirmed(skill, level, day, confirmer, rng):
    if confirmer:
        return Shown(
            skill, level, Source.MENTOR, day, confirmer, rng.choice(MENTOR_NOTES)
        )
    return Shown(
        skill, level, Source.ASSESSMENT, day, SOPHIE, rng.choice(ASSESSMENT_NOTES)
    )


def _evidence(site, skills, courses, users):
    """Everything through ``proficiency.record`` (levels and expiry recomputed as
    for real evidence), skipping, in one query, what an earlier run recorded."""
    plan = []
    for first, last, team, started in VOLUNTEERS:
        username = username_of(first, last)
        certificates = _certificates(STORY.get(username, []))
        rng = random.Random(f"relais-demo:{username}")  # noqa: S311 (fake data)
        plan.extend(
            (username, item)
            for item in _volunteer_evidence(team, started, rng)
            if _certificate(item) not in certificates
        )
    plan.extend((name, item) for name, story in STORY.items() for item in story)

    by_id = {skill.pk: skill for skill in skills.values()}
    tags = {}
    for tag in SkillTag.objects.for_organisation(site).filter(
        object_id__startswith="urn:relais:course:", skill__in=by_id
    ):
        tags.setdefault(tag.object_id, []).append(
            (by_id[tag.skill_id], tag.level, tag.label)
        )
    done = set(
        Evidence.objects.for_organisation(site).values_list(
            "user_id", "skill_id", "source", "reference"
        )
    )
    today = timezone.localdate()
    for username, item in plan:
        user = users.get(username)
        if user is None:  # a person of another plugin's demo, not installed here
            continue
        for skill, level, source, author, note, reference in _pieces(
            item, skills, courses, tags
        ):
            if (user.pk, skill.pk, source, reference) in done:
                continue
            done.add((user.pk, skill.pk, source, reference))
            proficiency.record(
                organisation=site,
                user=user,
                skill=skill,
                level=level,
                source=source,
                observed_on=today - timedelta(days=item.days_ago),
                author=users.get(author),
                note=note,
                reference=reference,
            )


def _certificate(item):
    """The skill whose certificate ``item`` brings (or renews), if any."""
    if isinstance(item, Completed):
        return HYGIENE if item.course == HYGIENE_COURSE else None
    return item.skill if item.skill in (FIRST_AID, HYGIENE) else None


def _certificates(story):
    # A certificate of the story stays the latest of its skill (else the expiry
    # report would rightly leave it out as renewed).
    return {_certificate(item) for item in story} - {None}


def _pieces(item, skills, courses, tags):
    """(skill, level, source, author, note, reference) for one planned item."""
    if isinstance(item, Shown):
        yield (
            skills[item.skill],
            item.level,
            item.source,
            item.author,
            item.note,
            f"demo:{item.days_ago}",
        )
        return
    course = courses.get(item.course)
    if course is None:
        return
    object_id = f"urn:relais:course:{course.pk}"
    for skill, level, label in tags.get(object_id, ()):
        # As a completion records it (receivers.evidence_from_statement).
        yield skill, level, Source.COURSE, None, label, object_id
