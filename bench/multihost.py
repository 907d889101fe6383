"""A multi-host proof on one machine (issue 22, acceptance 4).

Two application hosts (gunicorn), each bound to its own loopback address
(127.0.0.2 and 127.0.0.3: separate processes, not network namespaces), share one
PostgreSQL database and one Redis. Learners, spread across both hosts, finish every
lesson of a course through HTTP (GET the lesson, POST "done"). Part-way through,
host A is killed (SIGKILL, workers included): a learner whose request fails
retries on host B, as a load balancer would. Afterwards the database must hold, for
every learner, every lesson completed once, the course completed once and one
platform "completed" statement for it: 0 answers lost, 0 duplicates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_multihost \\
    REDIS_URL=redis://127.0.0.1:6379/3 python -m bench.multihost --learners 100

The database is created and migrated if needed, then emptied of the previous run's
organisation. Traffic stays on the loopback; every loop is bounded.

Not covered here yet: a worker host and its restart (background jobs are the
tracked-job mechanism's, issue 22 part A).
"""

import argparse
import contextlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTNAME = "multihost.test"
ADDRESSES = ("127.0.0.2", "127.0.0.3")
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def setup_django():
    from django.conf import settings

    if settings.configured:  # inside the test suite: its database
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def database_url():
    """The URL of the database this process uses, for the hosts it starts."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def seed(learners, lessons):
    """An organisation, a course of ``lessons`` lessons, ``learners`` enrolled
    learners with a session each; (course id, lesson ids, {user id: session key})."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from wagtail.models import Page, Site

    from courses.learning import enrol
    from lms.models import Role
    from tests.factories import make_course, make_organisation, member

    call_command("migrate", verbosity=0)
    for site in Site.objects.filter(hostname=HOSTNAME):
        Page.objects.get(pk=site.root_page_id).delete()
        site.delete()
    organisation = make_organisation("Entraide Multihost", HOSTNAME)
    course = make_course(organisation, "Plusieurs hôtes", lessons=lessons)
    sessions = {}
    for _ in range(learners):
        learner = member(organisation, Role.LEARNER)
        enrol(learner, course, organisation)
        session = SessionStore()
        session[SESSION_KEY] = str(learner.pk)
        session[BACKEND_SESSION_KEY] = "lms.auth.UsernameOrEmailBackend"
        session[HASH_SESSION_KEY] = learner.get_session_auth_hash()
        session.create()
        sessions[learner.pk] = session.session_key
    lesson_ids = [lesson.pk for lesson in course.get_lessons()]
    return course.pk, lesson_ids, sessions


def free_port(address):
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def start_host(address, port):
    """gunicorn on ``address``, in its own process group (to kill it whole)."""
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "lms.wsgi"),
            *("--workers", "2", "--bind", f"{address}:{port}"),
            *("--log-level", "error"),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url(),
        },
        start_new_session=True,
    )
    for _ in range(150):
        try:
            socket.create_connection((address, port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not start on {address}:{port}")


class Learner:
    """One learner's browser: a session cookie, a host it started on, and the
    load balancer's retry on the other host when a request fails."""

    def __init__(self, session_key, hosts, first):
        # Cookies kept by hand: a browser sends them to the balancer's one name,
        # whichever host answers behind it.
        self.cookies = {"sessionid": session_key}
        self.hosts, self.current = hosts, first
        self.retries = 0

    def request(self, method, path, **kwargs):
        import requests

        for _attempt in range(8):
            address, port = self.hosts[self.current]
            try:
                response = requests.request(
                    method,
                    f"http://{address}:{port}{path}",
                    headers={"Host": HOSTNAME},
                    cookies=self.cookies,
                    allow_redirects=False,
                    timeout=30,
                    **kwargs,
                )
                if response.status_code < 500:
                    self.cookies.update(response.cookies.get_dict())
                    return response
            except requests.RequestException:
                pass
            self.retries += 1
            self.current = 1 - self.current  # the balancer sends it elsewhere
            time.sleep(0.2)
        raise RuntimeError(f"{method} {path} failed on both hosts")

    def finish_lesson(self, lesson_id):
        page = self.request("GET", f"/learn/lesson/{lesson_id}/")
        token = TOKEN.search(page.content)
        if page.status_code != 200 or token is None:
            raise RuntimeError(f"lesson {lesson_id}: {page.status_code}")
        done = self.request(
            "POST",
            f"/learn/lesson/{lesson_id}/done/",
            data={"csrfmiddlewaretoken": token.group(1).decode()},
        )
        if done.status_code != 302:
            raise RuntimeError(f"lesson {lesson_id} done: {done.status_code}")


def count(course_id, lesson_ids, learner_ids):
    from courses.models import Enrolment, LessonProgress, Statement
    from courses.statements import VERBS, Authority

    return {
        "lessons completed": LessonProgress.objects.filter(
            user_id__in=learner_ids,
            lesson_id__in=lesson_ids,
            completed_at__isnull=False,
        ).count(),
        "courses completed": Enrolment.objects.filter(
            user_id__in=learner_ids, course_id=course_id, completed_at__isnull=False
        ).count(),
        "course statements": Statement.objects.filter(
            actor_id__in=learner_ids,
            object_id=f"urn:relais:course:{course_id}",
            verb=VERBS["completed"],
            authority=Authority.PLATFORM,
        ).count(),
    }


def run(learners=100, lessons=4, concurrency=20, kill_after=0.4):
    """Run the proof; returns its figures (a dict)."""
    setup_django()
    course_id, lesson_ids, sessions = seed(learners, lessons)
    from django.db import connections

    connections.close_all()
    hosts = [(address, free_port(address)) for address in ADDRESSES]
    processes = [start_host(*host) for host in hosts]
    total = learners * lessons
    finished, errors, lock = [0], [], threading.Lock()
    killed_at = [None]
    people = [
        Learner(key, hosts, first=index % 2)
        for index, key in enumerate(sessions.values())
    ]

    def take_course(learner):
        try:
            for lesson_id in lesson_ids:
                learner.finish_lesson(lesson_id)
                with lock:
                    finished[0] += 1
                    if killed_at[0] is None and finished[0] >= total * kill_after:
                        killed_at[0] = finished[0]
                        os.killpg(processes[0].pid, signal.SIGKILL)
        except RuntimeError as error:
            errors.append(str(error))

    started = time.monotonic()
    try:
        random.shuffle(people)
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(take_course, people))
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):  # host A, killed
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    elapsed = time.monotonic() - started
    counts = count(course_id, lesson_ids, list(sessions))
    return {
        "learners": learners,
        "lessons each": lessons,
        "answers expected": total,
        "answers acknowledged": finished[0],
        "host A killed after": killed_at[0],
        "retries on the other host": sum(p.retries for p in people),
        "errors": len(errors),
        "seconds": round(elapsed, 1),
        **counts,
        "answers lost": total - counts["lessons completed"],
        "duplicate course completions": counts["course statements"]
        - counts["courses completed"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--lessons", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=20)
    arguments = parser.parse_args()
    figures = run(arguments.learners, arguments.lessons, arguments.concurrency)
    for name, value in figures.items():
        print(f"{name}: {value}")
    ok = (
        figures["answers lost"] == 0
        and figures["duplicate course completions"] == 0
        and figures["courses completed"] == arguments.learners
        and figures["errors"] == 0
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
