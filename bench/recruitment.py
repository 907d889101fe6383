"""Recruitment benchmark: a federation's public board of volunteer missions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_bench \\
        .venv/bin/python -m bench.recruitment [--rounds 40]

Seeds, once, a federation (``federation.recruitment.bench.test``) with 300 member
associations that have the recruitment plugin on and 10,000 open missions among
them (plus 1,500 drafts, full and closed ones the board must skip), each with a
town, a theme, a few weekly slots, some remote. Then, in-process, as an anonymous
visitor (the board needs no login), interleaved rounds of each request, wall-clock:
the federation's board unfiltered, its second page, a text search, a town, a theme,
remote only, two slots of the week grid and everything at once, next to the
baseline, the federation's bare home page. Reports the queries, p50 and p95 of
each; a p95 of 100 ms or more, or a board that lists a mission it should not,
exits non-zero.
"""

import argparse
import os
import random
import statistics
import sys
import time

from bench.run import setup

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
FEDERATION = "federation.recruitment.bench.test"
MEMBERS = 300
OPEN_MISSIONS = 10_000
OTHER_MISSIONS = 1_500
TARGET_MS = 100
TOWNS = [
    ("Lyon", "69003"),
    ("Villeurbanne", "69100"),
    ("Vénissieux", "69200"),
    ("Bron", "69500"),
    ("Vaulx-en-Velin", "69120"),
    ("Saint-Priest", "69800"),
    ("Caluire", "69300"),
    ("Oullins", "69600"),
]
THEMES = ["Aide alimentaire", "Accueil", "Éducation", "Santé", "Culture", "Sport"]
WORDS = ["accueil", "distribution", "collecte", "devoirs", "maraude", "épicerie"]


def seed():
    from wagtail.models import Page, Site

    from lms.models import HomePage, OrganisationSettings, PluginActivation
    from relais_recruitment.models import Mission

    existing = Site.objects.filter(hostname=FEDERATION).first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Fédération (bench)", slug="recruitment-bench")
    )
    federation = Site.objects.create(
        hostname=FEDERATION, port=80, root_page=home, site_name="Fédération bench"
    )
    members = Site.objects.bulk_create(
        Site(
            hostname=f"asso{n}.recruitment.bench.test",
            port=80,
            root_page=home,
            site_name=f"Association {n}",
        )
        for n in range(MEMBERS)
    )
    OrganisationSettings.objects.bulk_create(
        OrganisationSettings(site=member, federation=federation) for member in members
    )
    PluginActivation.objects.bulk_create(
        PluginActivation(organisation=site, app_label="recruitment")
        for site in [federation, *members]
    )
    randomly = random.Random(17)  # noqa: S311 (a reproducible dataset)
    slots = [
        f"{d}-{p}"
        for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        for p in ("am", "pm", "eve")
    ]
    missions = []
    for n in range(OPEN_MISSIONS + OTHER_MISSIONS):
        town, postal = randomly.choice(TOWNS)
        word = randomly.choice(WORDS)
        missions.append(
            Mission(
                organisation=members[n % MEMBERS],
                title=f"Mission {word} n° {n}",
                description=f"Rejoignez l'équipe {word} de l'association "
                f"{n % MEMBERS}.",
                theme=randomly.choice(THEMES),
                city=town,
                postal_code=postal,
                address="1 rue de la République",
                remote=randomly.random() < 0.1,
                slots=randomly.sample(slots, randomly.randint(0, 4)),
                status=(
                    Mission.Status.OPEN
                    if n < OPEN_MISSIONS
                    else randomly.choice(["draft", "full", "closed"])
                ),
            )
        )
    Mission.objects.bulk_create(missions, batch_size=2000)
    from django.utils import timezone

    Mission.objects.filter(
        status=Mission.Status.OPEN, published_at__isnull=True
    ).update(published_at=timezone.now())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return federation


REQUESTS = {
    "baseline: bare home page": "/",
    "board, unfiltered": "/recruitment/",
    "board, page 2": "/recruitment/?page=2",
    "search 'collecte'": "/recruitment/?q=collecte",
    "town 'villeurbanne'": "/recruitment/?place=villeurbanne",
    "theme": "/recruitment/?theme=%C3%89ducation",
    "remote only": "/recruitment/?remote=on",
    "two slots": "/recruitment/?availability=sat-am&availability=wed-pm",
    "all at once": "/recruitment/?q=accueil&place=69&theme=Accueil"
    "&availability=sat-am&remote=",
}


def measure(site, rounds):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=site.hostname)
    times = {name: [] for name in REQUESTS}
    queries = {}
    for url in REQUESTS.values():  # warm caches (templates, settings)
        assert client.get(url).status_code == 200, url
    for _round in range(rounds):
        for name, url in REQUESTS.items():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
            assert response.status_code == 200, (url, response.status_code)
            times[name].append(elapsed * 1000)
            queries[name] = len(captured.captured_queries)
    return {
        name: {
            "queries": queries[name],
            "p50": statistics.median(values),
            "p95": statistics.quantiles(values, n=20)[-1],
        }
        for name, values in times.items()
    }


def check(site):
    """The board lists exactly the members' open missions."""
    from relais_recruitment.board import board_missions
    from relais_recruitment.models import Mission

    listed = board_missions(site, {})
    wrong = listed.exclude(status=Mission.Status.OPEN).count()
    return {
        "missions listed": listed.count(),
        "listed but not open": wrong,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    options = parser.parse_args()
    site = setup(seed)
    facts = check(site)
    figures = measure(site, options.rounds)
    print(
        f"\nFederation board: {MEMBERS} associations, {facts['missions listed']:,} "
        f"open missions listed, {options.rounds} rounds, anonymous visitor"
    )
    print("| request | queries | p50 ms | p95 ms | target |")
    print("| --- | --- | --- | --- | --- |")
    wrong = []
    for name, figure in figures.items():
        met = ""
        if not name.startswith("baseline"):
            ok = figure["p95"] < TARGET_MS
            met = f"p95 under {TARGET_MS} ms: {'met' if ok else 'MISSED'}"
            if not ok:
                wrong.append(f"{name} p95 {figure['p95']:.0f} ms")
        print(
            f"| {name} | {figure['queries']} | {figure['p50']:.1f} "
            f"| {figure['p95']:.1f} | {met} |"
        )
    if facts["missions listed"] != OPEN_MISSIONS or facts["listed but not open"]:
        wrong.append(f"board lists {facts}")
    if wrong:
        sys.exit("FAILED: " + "; ".join(wrong))


if __name__ == "__main__":
    main()
