"""H5P benchmark: package processing time and memory, and statement throughput.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_bench \\
        .venv/bin/python -m bench.h5p

- Upload and extract ``../shared/h5p/interactive-video.h5p`` (3.6 MB), cold (libraries
  written to the store) and warm (libraries already there); median of 3 each.
- Peak memory while processing a generated 95 MB package, in a fresh process.
- Statements recorded per second through the player endpoint by 16 concurrent clients
  (gunicorn, 2 workers, batches of 10 as the player sends them), then a row count to
  prove nothing was lost or duplicated.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench.server import gunicorn

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "h5p"
CLIENTS, BATCH, SECONDS = 16, 10, 10


def setup(media):
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ["MEDIA_ROOT"] = media
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench.seed import seed

    return seed()


def process(site, data, name):
    from django.core.files.base import ContentFile

    from relais_h5p.models import H5PContent
    from relais_h5p.tasks import process_package

    started = time.perf_counter()
    content = H5PContent.objects.create(
        organisation=site, title=name, package=ContentFile(data, name=name)
    )
    outcome = process_package.call(content.pk)
    assert outcome == "ready", outcome
    return time.perf_counter() - started, content


def processing_times(site):
    from relais_h5p.models import H5PLibrary

    data = (SHARED / "interactive-video.h5p").read_bytes()
    cold = []
    for _ in range(3):
        H5PLibrary.objects.all().delete()  # the store starts empty
        cold.append(process(site, data, "iv.h5p")[0])
    warm = [process(site, data, "iv.h5p")[0] for _ in range(3)]
    return statistics.median(cold), statistics.median(warm)


def big_package(path, megabytes=95):
    from tests import h5p_packages

    files = h5p_packages.members()
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        with archive.open("content/video.mp4", "w", force_zip64=True) as video:
            for _ in range(megabytes):
                video.write(os.urandom(1024 * 1024))  # incompressible, like a video


MEMORY_PROBE = """
import os, resource, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
django.setup()
from django.core.files import File
from wagtail.models import Site
from relais_h5p.models import H5PContent
from relais_h5p.tasks import process_package
site = Site.objects.get(hostname="bench.test")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb") as upload:
    content = H5PContent.objects.create(organisation=site, title="big",
                                        package=File(upload, name="big.h5p"))
print(process_package.call(content.pk), before,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory(media):
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "big.h5p"
        big_package(path)
        size = path.stat().st_size
        result = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, str(path)],
            cwd=ROOT,
            env={**os.environ, "MEDIA_ROOT": media},
            capture_output=True,
            text=True,
            check=True,
        )
    outcome, before, after = result.stdout.split()[-3:]
    assert outcome == "ready", result.stdout
    return size, int(before) / 1024, int(after) / 1024  # MiB (ru_maxrss is in KiB)


def throughput(site, content):
    from django.contrib.auth import get_user_model

    from courses.learning import enrol
    from courses.models import CoursePage, LessonPage, Statement
    from lms.models import PluginActivation
    from relais_h5p.player import Grant

    PluginActivation.objects.get_or_create(organisation=site, app_label="h5p")
    course = CoursePage.objects.live().descendant_of(site.root_page).first()
    lesson = LessonPage.objects.child_of(course).first()
    lesson.body = [
        ("h5p", {"content": content, "required": True, "pass_threshold": 0.8})
    ]
    lesson.save()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    learner = get_user_model().objects.get(username="bench1")
    enrol(learner, course, site)
    grant = Grant(
        learner.pk,
        lesson.pk,
        lesson.body[0].id,
        str(content.uuid),
        site.pk,
        "http://bench.test",
    )
    url = f"/h5p/play/{grant.token()}/xapi"
    before = Statement.objects.filter(object_id=grant.activity).count()

    sent, lock = [], threading.Lock()
    with gunicorn() as port:
        deadline = time.monotonic() + SECONDS

        def client():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine = 0
            while time.monotonic() < deadline:
                batch = [
                    {
                        "id": str(uuid.uuid4()),
                        "verb": {"id": "http://adlnet.gov/expapi/verbs/interacted"},
                    }
                    for _ in range(BATCH)
                ]
                connection.request(
                    "POST",
                    url,
                    json.dumps(batch),
                    # The player's endpoints answer on the content origin only.
                    {"Host": "content.bench.test", "Content-Type": "text/plain"},
                )
                response = connection.getresponse()
                answer = json.loads(response.read())
                assert answer["recorded"] == BATCH, answer
                mine += BATCH
            with lock:
                sent.append(mine)

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    stored = Statement.objects.filter(object_id=grant.activity).count() - before
    return sum(sent) / elapsed, sum(sent), stored


def main():
    with tempfile.TemporaryDirectory() as media:
        site = setup(media)
        if not SHARED.is_dir():
            sys.exit("needs ../shared/h5p for the real Interactive Video package")
        cold, warm = processing_times(site)
        size, rss_before, rss_after = peak_memory(media)
        _seconds, content = process(
            site, (SHARED / "multiple-choice.h5p").read_bytes(), "mc.h5p"
        )
        rate, sent, stored = throughput(site, content)
    print("| measure | figure |")
    print("| --- | --- |")
    print(
        f"| Interactive Video (3.6 MB), upload + extract, empty store | {cold:.2f} s |"
    )
    print(f"| same, libraries already stored | {warm:.2f} s |")
    print(
        f"| {size / 2**20:.0f} MB package: peak RSS of the process "
        f"| {rss_after:.0f} MiB ({rss_after - rss_before:+.0f} MiB while processing) |"
    )
    print(
        f"| statements recorded, {CLIENTS} clients, batches of {BATCH} "
        f"| {rate:.0f}/s ({sent} sent, {stored} stored) |"
    )


if __name__ == "__main__":
    main()
