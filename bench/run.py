"""Relais benchmark: learner and coordinator pages against a bare Wagtail page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_bench \\
        .venv/bin/python -m bench.run [--rounds 7] [--load-seconds 4]

Seeds the dataset once (bench/seed.py), then for each page reports queries per
request, CPU ms per request in-process, and requests/s with p50/p95 latency under
load (gunicorn, 8 concurrent clients on loopback). The machine is shared and noisy,
so every figure is measured next to the bare page in the same run, A/B interleaved,
and the medians and ratios are what count.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

from bench.server import gunicorn

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
ROOT = Path(__file__).resolve().parents[1]
HOST = "bench.test"
CLIENTS = 8
COORDINATOR = "coordinator path view (1,000 people)"
ALONE = "coordinator path view, one client"


def setup(seed=None):
    """Django on the bench database, migrated and seeded (``bench.seed`` unless a
    benchmark brings its own seed)."""
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if seed is None:
        from bench.seed import seed

    started = time.monotonic()
    site = seed()
    print(f"dataset ready in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return site


def pages(site):
    from django.contrib.auth import get_user_model

    from courses.models import Enrolment, OnboardingPath

    learner = get_user_model().objects.get(username="bench0")
    coordinator = get_user_model().objects.get(username="bench-coordinator")
    enrolment = Enrolment.objects.filter(user=learner).select_related("course").first()
    lesson = enrolment.course.specific.get_lessons().first()
    path = OnboardingPath.objects.get(organisation=site)
    return {
        "bare Wagtail page": (learner, "/"),
        "dashboard": (learner, "/dashboard/"),
        "course page": (learner, f"/learn/course/{enrolment.course_id}/"),
        "lesson page": (learner, f"/learn/lesson/{lesson.pk}/"),
        COORDINATOR: (
            coordinator,
            f"/coordination/paths/{path.pk}/",
        ),
    }


def in_process(targets, rounds):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for name, (user, url) in targets.items():
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        clients[name] = (client, url, len(queries))
    cpu = {name: [] for name in targets}
    for _round in range(rounds):
        for name, (
            client,
            url,
            _q,
        ) in clients.items():  # interleaved with the bare page
            for _ in range(5):
                start = time.process_time()
                client.get(url)
                cpu[name].append((time.process_time() - start) * 1000)
    return {
        name: {"queries": clients[name][2], "cpu_ms": statistics.median(values)}
        for name, values in cpu.items()
    }


def session_cookie(user):
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def hammer(port, url, cookie, seconds, clients=CLIENTS):
    """Keep-alive clients for ``seconds``; returns (requests/s, latencies in ms)."""
    latencies, lock, deadline = [], threading.Lock(), time.monotonic() + seconds
    errors = []

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            connection.request("GET", url, headers={"Host": HOST, "Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
            mine.append((time.perf_counter() - start) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{url}: {len(errors)} errors, e.g. {errors[0]}")
    return len(latencies) / (time.monotonic() - started), latencies


def under_load(targets, rounds, seconds):
    with gunicorn() as port:
        cookies = {name: session_cookie(user) for name, (user, _url) in targets.items()}
        results = {name: {"rps": [], "p50": [], "p95": []} for name in targets}
        results[ALONE] = {"rps": [], "p50": [], "p95": []}
        for _round in range(rounds):
            runs = [(name, url, CLIENTS) for name, (_user, url) in targets.items()]
            # A coordinator reads the report alone: also measured with one client.
            runs.append((ALONE, targets[COORDINATOR][1], 1))
            for name, url, clients in runs:
                cookie = cookies[COORDINATOR if name == ALONE else name]
                rps, latencies = hammer(port, url, cookie, seconds, clients)
                latencies.sort()
                results[name]["rps"].append(rps)
                results[name]["p50"].append(latencies[len(latencies) // 2])
                results[name]["p95"].append(latencies[int(len(latencies) * 0.95)])
        return {
            name: {key: statistics.median(values) for key, values in figures.items()}
            for name, figures in results.items()
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--load-rounds", type=int, default=3)
    parser.add_argument("--load-seconds", type=float, default=4)
    options = parser.parse_args()
    site = setup()
    targets = pages(site)
    cpu = in_process(targets, options.rounds)
    load = under_load(targets, options.load_rounds, options.load_seconds)
    bare = "bare Wagtail page"
    rows = []
    print("| page | queries | CPU ms (x bare) | req/s (x bare) | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in [*targets, ALONE]:
        measured = COORDINATOR if name == ALONE else name
        row = {
            "page": name,
            **cpu[measured],
            **load[name],
            "cpu_ratio": cpu[measured]["cpu_ms"] / cpu[bare]["cpu_ms"],
            "rps_ratio": load[name]["rps"] / load[bare]["rps"],
        }
        rows.append(row)
        print(
            f"| {name} | {row['queries']} "
            f"| {row['cpu_ms']:.1f} ({row['cpu_ratio']:.2f}x) "
            f"| {row['rps']:.0f} ({row['rps_ratio']:.2f}x) | {row['p50']:.0f} "
            f"| {row['p95']:.0f} |"
        )
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
