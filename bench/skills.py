"""Skills benchmark: the HR matrix of 10,000 people x 300 skills, the gap report of a
1,000-person organisation, and the full matrix export in the background.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_bench \\
        .venv/bin/python -m bench.skills [--rounds 7]

Seeds, once, two organisations of its own with the skills plugin enabled, each with
12 teams, a framework of 300 skills in 18 groups under 6 (first aid and fire safety
are certificates that expire), a role profile per team (12 to 20 skills at levels 1
to 3) and three profiles held by named people:

- ``skills.bench.test``: 10,000 active members (the coordinator among them) and 300
  who have left;
- ``gaps.bench.test``: 1,000 active members and 30 who have left.

About a fifth of the person x skill cells hold something: skills a person's roles
need much more often than the others, some skills far more common than others,
a validated level, a self-assessed one, or both; evidence rows behind a sixth of
them and behind every certificate.

Then, in-process with Django's test client as the organisation's coordinator,
interleaved rounds, wall-clock medians (part of the time is PostgreSQL's):

1. the first page (50 people) of the matrix report, next to two baselines: the
   organisation's home page, and a plain ``values()`` read of the same rows (the
   50 memberships with names and teams, the 300 skills, their cells);
2. the gap report's page of the 1,000-person organisation, next to its home page and
   a ``values()`` read of what it reads (members, holders, requirements, levels);
   its CSV download (every requirement) for information.
3. the full XLSX export by the export task (``tasks.export_matrix``) in a fresh
   process: wall time and that process's peak RSS (``VmHWM``; not ``ru_maxrss``,
   which a child started with vfork/exec inherits from this larger process), next
   to its RSS just before the export; then the file is opened with
   openpyxl (read-only) and checked: 10,001 rows, 302 columns, the headings, and
   the same levels as the database. Baselines: the same rows read with
   ``values_list()`` in chunks, and openpyxl writing a sheet of that size from
   memory (the floor of any XLSX export).

A wrong file or a missed target exits non-zero.
"""

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.mentoring import Stopwatch, interleaved
from bench.run import setup

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
ROOT = Path(__file__).resolve().parents[1]
MATRIX_HOST, GAPS_HOST = "skills.bench.test", "gaps.bench.test"
ORGANISATIONS = {MATRIX_HOST: (10_000, 300), GAPS_HOST: (1_000, 30)}  # active, left
TARGETS = {"matrix": 500, "gaps": 1_000, "export": 60, "export_mib": 300}
BATCH = 10_000
# Top-level groups, each with three groups of skills.
GROUPS = {
    "Accueil et orientation": [
        "Accueil du public",
        "Orientation et droits",
        "Langues et interprétariat",
    ],
    "Aide alimentaire": ["Distribution", "Hygiène alimentaire", "Épicerie solidaire"],
    "Logistique": ["Stock et entrepôt", "Transport", "Collecte"],
    "Accompagnement": ["Aide aux devoirs", "Accompagnement social", "Écoute"],
    "Numérique": ["Outils bureautiques", "Démarches en ligne", "Communication"],
    "Sécurité et secours": [
        "Premiers secours",
        "Sécurité incendie",
        "Prévention des risques",
    ],
}
CERTIFICATES = {"Premiers secours": 730, "Sécurité incendie": 1095}  # valid days
ASPECTS = [
    "notions de base",
    "procédures",
    "outils",
    "réglementation",
    "situations difficiles",
    "travail en équipe",
    "transmission aux nouveaux",
    "qualité",
    "sécurité",
    "organisation",
    "relation aux personnes",
    "planification",
    "suivi des dossiers",
    "évaluation",
    "imprévus",
    "documentation",
    "encadrement",
]
SKILLS = 300
# Teams and the groups of skills their role profile draws on (indexes in the flat
# list of the 18 groups, in the order above).
TEAMS = {
    "Accueil": [0, 1, 2],
    "Distribution": [3, 4],
    "Épicerie": [5, 4],
    "Entrepôt": [6, 8],
    "Transport": [7, 6],
    "Collecte": [8, 5],
    "Aide aux devoirs": [9, 14],
    "Accompagnement": [10, 1],
    "Écoute": [11, 10],
    "Numérique": [12, 13, 14],
    "Maraudes": [11, 15],
    "Vestiaire": [0, 6],
}
# Profiles held by named people: (groups drawn on, levels, share of people).
NAMED_PROFILES = {
    "Référent sécurité": ([15, 16, 17], (2, 3), 0.015),
    "Formateur interne": ([0, 3, 9, 12], (3, 4), 0.01),
    "Responsable d'équipe": ([1, 6, 10, 17], (2, 3), 0.012),
}
FIRST_NAMES = ["Amina", "Bruno", "Chloé", "Driss", "Élodie", "Fatou", "Gaël", "Hana"]
LAST_NAMES = ["Martin", "Benali", "Nguyen", "Diallo", "Rossi", "Kowalski", "Silva"]
HOME, VALUES = "home page (baseline)", "values() of the same rows (baseline)"


def seed():
    """Both organisations, once, in one transaction."""
    from django.db import connection, transaction
    from wagtail.models import Site

    if not Site.objects.filter(hostname=GAPS_HOST).exists():
        rng = random.Random(42)  # noqa: S311 (fake people)
        with transaction.atomic():
            for host, (active, left) in ORGANISATIONS.items():
                _organisation(host, rng, active, left)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Site.objects.get(hostname=MATRIX_HOST)


def _organisation(host, rng, active, left):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from wagtail.models import Page, Site

    from lms.models import HomePage, Membership, PluginActivation, Role, Team
    from relais_skills.models import Framework

    prefix = host.split(".")[0]
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title=host, slug=f"{prefix}-bench")
    )
    site = Site.objects.create(hostname=host, port=80, root_page=home, site_name=prefix)
    PluginActivation.objects.create(organisation=site, app_label="skills")
    framework = Framework.objects.create(organisation=site, name="Référentiel")
    groups, skills = _framework(framework)
    teams = Team.objects.bulk_create(Team(organisation=site, name=n) for n in TEAMS)

    User = get_user_model()
    password = make_password(None)
    roles = [Role.LEARNER, Role.MENTOR, Role.TRAINER]
    # One of the active members is the coordinator, created apart so that her
    # membership puts her in the role's group (the admin's rights).
    people = [
        (n < active - 1, rng.randrange(len(TEAMS) + 1))  # (active, team)
        for n in range(active - 1 + left)
    ]
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}-{n}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=f"{rng.choice(LAST_NAMES)} {n}",
            email=f"{prefix}-{n}@example.org",
            password=password,
        )
        for n in range(len(people))
    )
    today = timezone.localdate()
    Membership.objects.bulk_create(
        Membership(
            user=user,
            organisation=site,
            role=rng.choices(roles, [85, 10, 5])[0],
            team=teams[team] if team < len(TEAMS) else None,  # 1 in 13: no team
            start_date=today - timedelta(days=rng.randrange(2000)),
            is_active=is_active,
        )
        for user, (is_active, team) in zip(users, people, strict=True)
    )
    coordinator = User.objects.create(
        username=f"{prefix}-coordinator",
        first_name="Sophie",
        last_name="Coordinatrice",
        password=password,
    )
    Membership.objects.create(
        user=coordinator, organisation=site, role=Role.COORDINATOR, team=teams[0]
    )
    staying = [u for u, (is_active, _t) in zip(users, people, strict=True) if is_active]
    needs = _profiles(site, rng, groups, skills, teams, staying)
    # Those who left keep their levels: the reports must leave them out.
    members = [
        (user, teams[team].pk if team < len(TEAMS) else None)
        for user, (_active, team) in zip(users, people, strict=True)
    ]
    _cells(site, rng, skills, [*members, (coordinator, teams[0].pk)], needs, today)


def _framework(framework):
    """The 18 groups of skills under their 6, and the 300 skills."""
    from relais_skills.models import Skill, SkillGroup

    groups = []
    for top, names in GROUPS.items():
        parent = SkillGroup.objects.create(framework=framework, name=top)
        groups += SkillGroup.objects.bulk_create(
            SkillGroup(framework=framework, parent=parent, name=name) for name in names
        )
    skills = Skill.objects.bulk_create(
        Skill(
            framework=framework,
            group=groups[n % len(groups)],
            name=f"{groups[n % len(groups)].name} : {ASPECTS[n // len(groups)]}",
            valid_days=CERTIFICATES.get(groups[n % len(groups)].name),
        )
        for n in range(SKILLS)
    )
    return groups, skills


def _profiles(site, rng, groups, skills, teams, users):
    """Role profiles with their requirements; returns {user id or team id: {skill
    id: level}} as (kind, id) keys, what each person's roles need."""
    from relais_skills.models import Requirement, RoleProfile

    in_group = {}
    for skill in skills:
        in_group.setdefault(skill.group_id, []).append(skill)
    needs, requirements = {}, []

    def require(profile, group_indexes, levels, count):
        pool = [s for g in group_indexes for s in in_group[groups[g].pk]]
        # Everyone also needs a few skills of the first aid and reception groups.
        chosen = rng.sample(pool, min(count, len(pool)))
        chosen += rng.sample(in_group[groups[15].pk] + in_group[groups[0].pk], 3)
        wanted = {s.pk: rng.randint(*levels) for s in chosen}
        requirements.extend(
            Requirement(profile=profile, skill_id=pk, level=level, sort_order=n)
            for n, (pk, level) in enumerate(wanted.items())
        )
        return wanted

    for team, (name, group_indexes) in zip(teams, TEAMS.items(), strict=True):
        profile = RoleProfile.objects.create(
            organisation=site, name=f"Bénévole {name}", team=team
        )
        needs["team", team.pk] = require(
            profile, group_indexes, (1, 3), rng.randint(9, 17)
        )
    for name, (group_indexes, levels, share) in NAMED_PROFILES.items():
        profile = RoleProfile.objects.create(organisation=site, name=name)
        holders = rng.sample(users, int(share * len(users)))
        profile.holders.set(holders)
        wanted = require(profile, group_indexes, levels, 12)
        for user in holders:
            mine = needs.setdefault(("user", user.pk), {})
            for pk, level in wanted.items():
                mine[pk] = max(level, mine.get(pk, 0))
    Requirement.objects.bulk_create(requirements)
    return needs


def _cells(site, rng, skills, members, needs, today):
    """Proficiencies (about a fifth of the cells) and evidence behind some."""
    from relais_skills.models import Evidence, Proficiency

    # Some skills are far more common than others.
    common = {s.pk: 0.03 + 0.3 * rng.random() ** 2 for s in skills}
    sources = [
        Evidence.Source.COURSE,
        Evidence.Source.ASSESSMENT,
        Evidence.Source.MENTOR,
        Evidence.Source.ACTIVITY,
    ]
    cells, evidence = [], []
    for user, team in members:
        breadth = rng.uniform(0.5, 1.5)
        wanted = dict(needs.get(("team", team), {}))
        for pk, level in needs.get(("user", user.pk), {}).items():
            wanted[pk] = max(level, wanted.get(pk, 0))
        for skill in skills:
            needed = wanted.get(skill.pk)
            if rng.random() >= (0.7 if needed else breadth * common[skill.pk]):
                continue
            kind = rng.random()  # validated only, both, or self-assessed only
            level = 0
            if kind < 0.85:
                level = (
                    min(max(needed + rng.choice((-1, 0, 0, 1)), 1), 4)
                    if needed
                    else rng.choices((1, 2, 3, 4), (40, 30, 20, 10))[0]
                )
            self_level = 0
            if kind >= 0.6:  # people rate themselves near what they show, or above
                base = level or needed or rng.choice((1, 2, 3))
                self_level = min(max(base + rng.choice((-1, 0, 1, 1)), 1), 4)
            observed = today - timedelta(days=rng.randrange(700))
            expires = None
            if level and skill.valid_days:  # still valid: the daily job lapses others
                expires = today + timedelta(days=rng.randrange(5, skill.valid_days))
                observed = expires - timedelta(days=skill.valid_days)
            cells.append(
                Proficiency(
                    organisation=site,
                    user=user,
                    skill=skill,
                    level=level,
                    self_level=self_level,
                    expires_on=expires,
                )
            )
            if level and (expires or rng.random() < 0.17):
                evidence.append(
                    Evidence(
                        organisation=site,
                        user=user,
                        skill=skill,
                        level=level,
                        source=rng.choices(sources, (50, 25, 15, 10))[0],
                        observed_on=observed,
                        expires_on=expires,
                    )
                )
            if self_level and rng.random() < 0.17:
                evidence.append(
                    Evidence(
                        organisation=site,
                        user=user,
                        skill=skill,
                        level=self_level,
                        source=Evidence.Source.SELF,
                        observed_on=observed,
                        note="Je me sens à l'aise.",
                    )
                )
        if len(cells) >= BATCH:
            Proficiency.objects.bulk_create(cells)
            cells = []
        if len(evidence) >= BATCH:
            Evidence.objects.bulk_create(evidence)
            evidence = []
    Proficiency.objects.bulk_create(cells)
    Evidence.objects.bulk_create(evidence)


# Measuring --------------------------------------------------------------------


def client_of(site):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST=site.hostname)
    prefix = site.hostname.split(".")[0]
    client.force_login(get_user_model().objects.get(username=f"{prefix}-coordinator"))
    return client


def page(client, url, params=None):
    def get(_round):
        started = time.perf_counter()
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)
        return [("page", time.perf_counter() - started)]

    return get


def matrix_page(site, rounds):
    from lms.models import Membership
    from relais_skills.models import Framework, Proficiency, Skill

    client = client_of(site)

    def rows(_round):
        watch = Stopwatch()
        skills = list(
            Skill.objects.filter(
                framework__in=Framework.objects.available_to(site)
            ).values("pk", "name", "group__name", "framework__levels")
        )
        people = list(
            Membership.objects.for_organisation(site)
            .active()
            .order_by("user__last_name", "user__first_name", "pk")
            .values(
                "pk",
                "user_id",
                "user__first_name",
                "user__last_name",
                "user__username",
                "team__name",
            )[:50]
        )
        list(
            Proficiency.objects.filter(
                organisation=site,
                user_id__in=[p["user_id"] for p in people],
                skill__in=[s["pk"] for s in skills],
            ).values_list("user_id", "skill_id", "level", "self_level")
        )
        watch.lap("rows")
        return watch.laps

    return interleaved(
        {
            HOME: page(client, "/"),
            VALUES: rows,
            "matrix, first page (50 people x 300 skills)": page(
                client, "/admin/skills/matrix/"
            ),
        },
        rounds,
    )


def gap_page(site, rounds):
    from lms.models import Membership
    from relais_skills.models import Proficiency, Requirement, RoleProfile

    client = client_of(site)

    def rows(_round):
        watch = Stopwatch()
        list(
            Membership.objects.for_organisation(site)
            .active()
            .values_list(
                "user_id",
                "user__first_name",
                "user__last_name",
                "user__username",
                "team_id",
            )
        )
        list(
            RoleProfile.holders.through.objects.filter(
                roleprofile__organisation=site
            ).values_list("roleprofile_id", "user_id")
        )
        requirements = list(
            Requirement.objects.filter(profile__organisation=site)
            .order_by("profile__name", "skill__name")
            .values("pk", "profile__name", "skill_id", "skill__name", "level")[:50]
        )
        list(
            Proficiency.objects.filter(
                organisation=site,
                skill_id__in={r["skill_id"] for r in requirements},
            ).values_list("user_id", "skill_id", "level")
        )
        watch.lap("rows")
        return watch.laps

    return interleaved(
        {
            HOME: page(client, "/"),
            VALUES: rows,
            "gap report page": page(client, "/admin/skills/gaps/"),
            "gap report, CSV of every requirement": page(
                client, "/admin/skills/gaps/", {"export": "csv"}
            ),
        },
        rounds,
    )


EXPORT_PROBE = """
import json, os, sys, time, django
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

def kib(field):  # VmRSS: now; VmHWM: the peak of this process since its exec
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1])

django.setup()
from django.contrib.auth import get_user_model
from wagtail.models import Site
from relais_skills.models import Job
from relais_skills.tasks import export_matrix
site = Site.objects.get(hostname=sys.argv[1])
coordinator = get_user_model().objects.get(username=sys.argv[2])
job = Job.objects.create(
    organisation=site, kind="matrix-export", created_by=coordinator,
    params={"filters": {}, "ui_language": "fr"},
)
before = kib("VmRSS")
started = time.perf_counter()
outcome = export_matrix.call(job.pk)
seconds = time.perf_counter() - started
peak = kib("VmHWM")
job.refresh_from_db()
print(json.dumps({"outcome": outcome, "seconds": seconds, "before": before,
                  "peak": peak, "path": job.result.path, "done": job.done,
                  "total": job.total}))
"""


def export(site, media):
    """The export task in a fresh process: its seconds, its RSS before the export
    and its peak RSS (KiB, from ``/proc/self/status``). Not ``ru_maxrss``: Python
    starts the child with vfork/exec, and Linux hands the child the peak of this
    process, already larger after the rounds above."""
    result = subprocess.run(
        [sys.executable, "-c", EXPORT_PROBE, site.hostname, "skills-coordinator"],
        cwd=ROOT,
        env={**os.environ, "MEDIA_ROOT": media},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def export_baselines(site, people, skills_count):
    """Seconds to read the same rows with ``values_list()`` in chunks of 1,000, and
    for openpyxl to write a sheet of the same size from memory."""
    from openpyxl import Workbook

    from lms.models import Membership
    from relais_skills.models import Proficiency

    gc.collect()
    started = time.perf_counter()
    members = list(
        Membership.objects.for_organisation(site)
        .active()
        .order_by("user__last_name", "user__first_name", "pk")
        .values_list("user_id", "user__first_name", "user__last_name", "team__name")
    )
    for start in range(0, len(members), 1000):
        {
            (user, skill): (level, self_level)
            for user, skill, level, self_level in Proficiency.objects.filter(
                organisation=site,
                user_id__in=[m[0] for m in members[start : start + 1000]],
            ).values_list("user_id", "skill_id", "level", "self_level")
        }
    read = time.perf_counter() - started
    gc.collect()
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Matrice")
    sheet.append(["Personne", "Équipe", *(f"Skill {n}" for n in range(skills_count))])
    values = [n % 5 for n in range(skills_count)]
    for n in range(people):
        sheet.append([f"Personne {n}", "Accueil", *values])
    with tempfile.TemporaryFile() as output:
        workbook.save(output)
    return read, time.perf_counter() - started


def check_file(site, path):
    """What is wrong with the exported file: its shape, headings and levels, against
    the database."""
    from django.db.models import Count, Sum
    from django.utils import translation
    from openpyxl import load_workbook

    from lms.models import Membership
    from relais_skills import matrix
    from relais_skills.models import Proficiency

    skills = matrix.columns(site)
    with translation.override("fr"):
        headings = [translation.gettext("Person"), translation.gettext("Team")]
    workbook = load_workbook(path, read_only=True)
    sheet = workbook.active
    rows = widest = total = nonzero = 0
    header = None
    for row in sheet.iter_rows(values_only=True):
        rows += 1
        widest = max(widest, len(row))
        if header is None:
            header = list(row)
            continue
        levels = row[2:]
        total += sum(levels)
        nonzero += sum(1 for level in levels if level)
    workbook.close()
    active = Membership.objects.for_organisation(site).active().values("user")
    expected = Proficiency.objects.filter(
        organisation=site, user__in=active, level__gt=0
    ).aggregate(total=Sum("level"), cells=Count("pk"))
    return {
        "rows": rows,
        "columns": widest,
        "problems": [
            problem
            for problem, wrong in [
                (f"{rows:,} rows, not 10,001", rows != 10_001),
                (f"{widest} columns, not 302", widest != 302),
                (
                    "headings differ",
                    header != [*headings, *(s.name for s in skills)],
                ),
                (
                    f"levels sum {total:,} over {nonzero:,} cells, the database "
                    f"{expected['total']:,} over {expected['cells']:,}",
                    (total, nonzero) != (expected["total"], expected["cells"]),
                ),
            ]
            if wrong
        ],
    }


def facts(site):
    from lms.models import Membership
    from relais_skills.models import Evidence, Proficiency, Requirement, Skill

    active = Membership.objects.for_organisation(site).active()
    people = active.count()
    skills = Skill.objects.filter(framework__organisation=site).count()
    cells = Proficiency.objects.filter(
        organisation=site, user__in=active.values("user")
    )
    return {
        "people": people,
        "skills": skills,
        "cells": cells.count(),
        "validated": cells.filter(level__gt=0).count(),
        "self-assessed": cells.filter(self_level__gt=0).count(),
        "evidence": Evidence.objects.filter(organisation=site).count(),
        "requirements": Requirement.objects.filter(profile__organisation=site).count(),
        "share": cells.count() / (people * skills),
    }


def _table(title, figures, target):
    print(f"\n{title}")
    print("| measure | queries | ms (x home) | ms (x values()) | target |")
    print("| --- | --- | --- | --- | --- |")
    home, values = figures[HOME]["ms"], figures[VALUES]["ms"]
    for name, figure in figures.items():
        met = ""
        if name not in (HOME, VALUES) and target:
            met = f"under {target:,} ms: {'met' if figure['ms'] < target else 'MISSED'}"
            target = None  # the first measure after the baselines is the target's
        print(
            f"| {name} | {figure['queries']} | {figure['ms']:,.0f} "
            f"({figure['ms'] / home:.1f}x) | ({figure['ms'] / values:.1f}x) | {met} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    site = setup(seed)
    from wagtail.models import Site

    gaps_site = Site.objects.get(hostname=GAPS_HOST)
    for organisation in (site, gaps_site):
        shown = facts(organisation)
        print(
            f"{organisation.hostname}: {shown['people']:,} people x {shown['skills']} "
            f"skills, {shown['cells']:,} cells ({shown['share']:.0%}; "
            f"{shown['validated']:,} validated, {shown['self-assessed']:,} "
            f"self-assessed), {shown['evidence']:,} evidence, "
            f"{shown['requirements']} requirements",
            file=sys.stderr,
        )

    matrix_figures = matrix_page(site, options.rounds)
    gap_figures = gap_page(gaps_site, options.rounds)
    read, floor = export_baselines(site, 10_000, SKILLS)
    with tempfile.TemporaryDirectory() as media:
        exported = export(site, media)
        checked = check_file(site, exported["path"])

    _table(
        f"Matrix: 10,000 people x {SKILLS} skills, {options.rounds} rounds, medians",
        matrix_figures,
        TARGETS["matrix"],
    )
    _table(
        f"Gaps: 1,000 people, {options.rounds} rounds, medians",
        gap_figures,
        TARGETS["gaps"],
    )
    before, peak = exported["before"] / 1024, exported["peak"] / 1024
    print("\nFull XLSX export (the export task, a fresh process)")
    print("| measure | figure | target |\n| --- | --- | --- |")
    print(f"| values_list() of the same rows, by 1,000 (baseline) | {read:.1f} s | |")
    print(f"| openpyxl write-only, same size, from memory | {floor:.1f} s | |")
    print(
        f"| export task | {exported['seconds']:.1f} s "
        f"({exported['seconds'] / floor:.1f}x openpyxl) | under {TARGETS['export']} s:"
        f" {'met' if exported['seconds'] < TARGETS['export'] else 'MISSED'} |"
    )
    print(
        f"| peak RSS of the process (VmHWM) | {peak:.0f} MiB "
        f"(+{peak - before:.0f} MiB over its {before:.0f} MiB before the export) "
        f"| under {TARGETS['export_mib']} MB: "
        f"{'met' if peak * 1.048576 < TARGETS['export_mib'] else 'MISSED'} |"
    )
    print(
        f"| file (openpyxl, read-only) | {checked['rows']:,} rows x "
        f"{checked['columns']} columns, job {exported['done']:,}/"
        f"{exported['total']:,} | 10,001 x 302 |"
    )

    wrong = list(checked["problems"])
    if exported["outcome"] != "done":
        wrong.append(f"export ended {exported['outcome']}")
    for name, figures, target in [
        ("matrix page", matrix_figures, TARGETS["matrix"]),
        ("gap report page", gap_figures, TARGETS["gaps"]),
    ]:
        measured = next(f for n, f in figures.items() if n not in (HOME, VALUES))
        if measured["ms"] >= target:
            wrong.append(f"{name} not under {target} ms")
    if exported["seconds"] >= TARGETS["export"]:
        wrong.append(f"export not under {TARGETS['export']} s")
    if peak * 1.048576 >= TARGETS["export_mib"]:
        wrong.append(f"export peak RSS not under {TARGETS['export_mib']} MB")
    if wrong:
        sys.exit("FAILED: " + "; ".join(wrong))


if __name__ == "__main__":
    main()
