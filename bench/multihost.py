"""A multi-host proof on one machine (issue 22, acceptance 4).

Two application hosts (gunicorn), each bound to its own loopback address
(127.0.0.2 and 127.0.0.3: separate processes, not network namespaces), and a
worker host (``manage.py rqworker``) share one PostgreSQL database and one Redis.
Learners, spread across both hosts, finish every lesson of a course through HTTP
(GET the lesson, POST "done"), while a coordinator invites newcomers, whose
e-mails the worker sends. Part-way through, host A is killed (SIGKILL, workers
included): a request that fails is retried on host B, as a load balancer would;
and the worker is killed (SIGKILL, its work horse too), then started again, and the
sweep cron runs hands its unfinished jobs over again. Afterwards the database must
hold, for every learner, every lesson completed once, the course completed once
and one platform "completed" statement for it, and every invitation once with
one e-mail sent: 0 answers lost, 0 jobs lost, 0 duplicates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_multihost \\
    REDIS_URL=redis://127.0.0.1:6379/3 python -m bench.multihost --learners 100

The database is created and migrated if needed, then emptied of the previous run's
organisation. Traffic stays on the loopback; every loop is bounded.
"""

import argparse
import contextlib
import email
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTNAME = "multihost.test"
ADDRESSES = ("127.0.0.2", "127.0.0.3")
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The worker's heartbeat and the sweep's patience, short: a run lasts a minute.
# REQUEUE_AFTER: a job the killed worker had taken from Redis but not started is
# still "queued"; the sweep hands it over again after this (15 minutes in
# production, 10 seconds here).
JOBS_ENV = {
    "LMS_JOB_HEARTBEAT": "0.5",
    "LMS_JOB_STALE_AFTER": "3",
    "LMS_JOB_REQUEUE_AFTER": "10",
}


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


def session_of(user):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "lms.auth.UsernameOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def seed(learners, lessons):
    """An organisation, a course of ``lessons`` lessons, ``learners`` enrolled
    learners with a session each, a coordinator's session; (course id, lesson ids,
    {user id: session key}, the coordinator's session key)."""
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
        sessions[learner.pk] = session_of(learner)
    lesson_ids = [lesson.pk for lesson in course.get_lessons()]
    coordinator = session_of(member(organisation, Role.COORDINATOR))
    return course.pk, lesson_ids, sessions, coordinator


def free_port(address):
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def host_env(**extra):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(),
        **JOBS_ENV,
        **extra,
    }


def start_worker(mail_dir):
    """The worker host: ``rqworker`` on every queue, sending e-mail into files."""
    return subprocess.Popen(
        [
            *(sys.executable, "manage.py", "rqworker"),
            *("--job-class", "django_tasks_rq.Job", "default", "high", "low"),
        ],
        cwd=ROOT,
        # django-environ reads the path after "filemail://" less its first "/".
        env=host_env(EMAIL_URL=f"filemail:///{mail_dir}"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill_worker(worker):
    """SIGKILL the worker and its work horse (a fork in a session of its own), as
    a host that goes down does."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    horses = [int(pid) for pid in children.read_text().split()]
    os.killpg(worker.pid, signal.SIGKILL)
    for horse in horses:
        with contextlib.suppress(ProcessLookupError):
            os.kill(horse, signal.SIGKILL)
    worker.wait(timeout=30)


def start_host(address, port):
    """gunicorn on ``address``, in its own process group (to kill it whole)."""
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "lms.wsgi"),
            *("--workers", "2", "--bind", f"{address}:{port}"),
            *("--log-level", "error"),
        ],
        cwd=ROOT,
        env=host_env(),
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


class Browser:
    """One person's browser: a session cookie, a host it started on, and the
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

    def invite(self, address):
        """The coordinator's invitation form. A retried POST whose first answer was
        lost finds the invitation made: the form says so (200), nothing doubles."""
        page = self.request("GET", "/people/invite/")
        token = TOKEN.search(page.content)
        if page.status_code != 200 or token is None:
            raise RuntimeError(f"invite form: {page.status_code}")
        sent = self.request(
            "POST",
            "/people/invite/",
            data={
                "csrfmiddlewaretoken": token.group(1).decode(),
                "email": address,
                "first_name": "Nouvelle",
                "last_name": "Recrue",
                "role": "learner",
                "kind": "volunteer",
                "start_date": time.strftime("%Y-%m-%d"),
            },
        )
        if sent.status_code not in (200, 302):
            raise RuntimeError(f"invite {address}: {sent.status_code}")


def count_invitations(addresses, mail_dir):
    """Invitations, their jobs and the e-mails the worker wrote, per address."""
    from collections import Counter

    from lms.models import BackgroundJob, Invitation

    invitations = Invitation.objects.filter(email__in=addresses)
    jobs = invitation_jobs()
    mailed = Counter()
    for path in Path(mail_dir).glob("*.log"):
        # The file backend appends each message, separated by a line of dashes.
        for message in path.read_text().split("-" * 79):
            if message.strip():
                mailed[email.message_from_string(message.strip())["To"]] += 1
    return {
        "invitations expected": len(addresses),
        "invitations made": invitations.count(),
        "invitation jobs done": jobs.filter(state=BackgroundJob.State.DONE).count(),
        "invitation jobs started again": jobs.filter(attempts__gt=1).count(),
        "invitation jobs not done": jobs.exclude(
            state=BackgroundJob.State.DONE
        ).count(),
        "invitation e-mails sent": sum(mailed[a] for a in addresses),
        "invitations without e-mail": sum(1 for a in addresses if not mailed[a]),
        "duplicate invitation e-mails": sum(max(0, mailed[a] - 1) for a in addresses),
    }


def invitation_jobs():
    from lms.models import BackgroundJob

    return BackgroundJob.objects.filter(
        organisation__hostname=HOSTNAME, task__endswith="send_invitation"
    )


def sweep_until_sent(timeout=120):
    """What the cron does every minute, as often as needed here: jobs of the killed
    worker, once their heartbeat is stale, are queued again."""
    from django.test import override_settings

    from lms import jobs
    from lms.models import BackgroundJob

    waiting = invitation_jobs().exclude(state__in=BackgroundJob.FINISHED)
    deadline = time.monotonic() + timeout
    patience = {name: float(JOBS_ENV[name]) for name in JOBS_ENV}
    with override_settings(**patience):
        while waiting.exists() and time.monotonic() < deadline:
            jobs.sweep()
            time.sleep(1)


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
    course_id, lesson_ids, sessions, coordinator = seed(learners, lessons)
    import django_rq
    from django.conf import settings
    from django.db import connections

    for name in settings.TASK_QUEUES:  # a previous run's leftovers
        django_rq.get_queue(name).empty()
    connections.close_all()
    mail_dir = tempfile.mkdtemp(prefix="relais-multihost-mail-")
    hosts = [(address, free_port(address)) for address in ADDRESSES]
    processes = [start_host(*host) for host in hosts]
    worker = [start_worker(mail_dir)]
    total = learners * lessons
    addresses = [f"recrue{n}@multihost.test" for n in range(max(learners // 2, 1))]
    finished, errors, lock = [0], [], threading.Lock()
    killed_at, worker_killed_at = [None], [None]
    people = [
        Browser(key, hosts, first=index % 2)
        for index, key in enumerate(sessions.values())
    ]
    sophie = Browser(coordinator, hosts, first=1)

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

    def invite_newcomers():
        try:
            for number, address in enumerate(addresses, 1):
                sophie.invite(address)
                if worker_killed_at[0] is None and number >= len(addresses) / 2:
                    worker_killed_at[0] = number
                    kill_worker(worker[0])
                    time.sleep(1)  # the host is down a moment, then back
                    worker[0] = start_worker(mail_dir)
        except RuntimeError as error:
            errors.append(str(error))

    started = time.monotonic()
    try:
        random.shuffle(people)
        with ThreadPoolExecutor(concurrency + 1) as pool:
            invitations = pool.submit(invite_newcomers)
            list(pool.map(take_course, people))
            invitations.result()
        sweep_until_sent()
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):  # host A, killed
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        kill_worker(worker[0])
    elapsed = time.monotonic() - started
    counts = count(course_id, lesson_ids, list(sessions))
    mails = count_invitations(addresses, mail_dir)
    return {
        "learners": learners,
        "lessons each": lessons,
        "answers expected": total,
        "answers acknowledged": finished[0],
        "host A killed after": killed_at[0],
        "worker killed after invitations": worker_killed_at[0],
        "retries on the other host": sum(p.retries for p in [*people, sophie]),
        "errors": len(errors),
        "seconds": round(elapsed, 1),
        **counts,
        "answers lost": total - counts["lessons completed"],
        "duplicate course completions": counts["course statements"]
        - counts["courses completed"],
        **mails,
        "jobs lost": mails["invitations expected"] - mails["invitation jobs done"],
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
        and figures["jobs lost"] == 0
        and figures["invitations without e-mail"] == 0
        and figures["duplicate invitation e-mails"] == 0
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
