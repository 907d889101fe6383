"""Heavy work per organisation (issue 22, limits): package processing and imports
share the workers of every organisation, so one organisation has at most
``LMS_HEAVY_JOBS_PER_ORGANISATION`` unfinished; one more upload is refused with a
clear message and nothing is stored. Every task marked ``@heavy`` has its upload
here: a new one fails the first test until it is added."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lms import limits
from lms.models import BackgroundJob, Role
from relais_h5p.models import H5PContent
from relais_h5p.tasks import process_package as process_h5p
from relais_scorm.models import ScormPackage
from relais_scorm.tasks import process_package as process_scorm
from relais_skills.csvframework import HEADER
from relais_skills.models import Job
from relais_skills.tasks import run_import
from tests import h5p_packages, scorm_kit
from tests.factories import member

CSV = (",".join(HEADER) + "\ngroup,,Accueil,,,,\nskill,,Écouter,Accueil,,,\n").encode()

# task: (plugin, who uploads, where, what, the rows an accepted upload adds)
UPLOADS = {
    process_h5p: (
        "h5p",
        Role.TRAINER,
        lambda: "/admin/snippets/h5p/h5pcontent/add/",
        lambda: {
            "title": "Accueil",
            "package": SimpleUploadedFile("accueil.h5p", h5p_packages.package()),
        },
        H5PContent,
    ),
    process_scorm: (
        "scorm",
        Role.TRAINER,
        lambda: "/admin/snippets/scorm/scormpackage/add/",
        lambda: {
            "title": "Accueil",
            "package": SimpleUploadedFile("accueil.zip", scorm_kit.scorm12(scos=1)),
        },
        ScormPackage,
    ),
    run_import: (
        "skills",
        Role.COORDINATOR,
        lambda: reverse("skills_import_csv"),
        lambda: {"file": SimpleUploadedFile("cadre.csv", CSV), "new_name": "Copie"},
        Job,
    ),
}


@pytest.fixture(autouse=True)
def stores(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with (
        h5p_packages.storage_in(storages["packages"], tmp_path / "packages"),
        h5p_packages.storage_in(storages["private"], tmp_path / "private"),
    ):
        yield


def test_every_heavy_task_has_its_upload_here():
    assert {task.module_path for task in UPLOADS} == limits._heavy_tasks


def _busy(organisation, task, count):
    for state in ("pending", "queued", "running")[:count] + ("running",) * (count - 3):
        BackgroundJob.objects.create(
            organisation=organisation, task=task.module_path, args=[0], state=state
        )


def _upload(organisation, task, django_capture_on_commit_callbacks):
    _plugin, role, url, data, _model = UPLOADS[task]
    client = Client(HTTP_HOST=organisation.hostname)
    client.force_login(member(organisation, role))
    with django_capture_on_commit_callbacks():  # queued, not run: still unfinished
        return client.post(url(), data())


@pytest.mark.parametrize("task", UPLOADS, ids=lambda task: task.module_path)
def test_one_upload_over_the_limit_is_refused_and_stores_nothing(
    task, org_a, org_b, enable_plugin, settings, django_capture_on_commit_callbacks
):
    settings.LMS_HEAVY_JOBS_PER_ORGANISATION = 3
    plugin, _role, _url, _data, model = UPLOADS[task]
    for organisation in (org_a, org_b):
        enable_plugin(organisation, plugin)
    _busy(org_a, task, 3)
    rows, jobs = model.objects.count(), BackgroundJob.objects.count()

    response = _upload(org_a, task, django_capture_on_commit_callbacks)
    assert response.status_code in (200, 400)
    text = response.content.decode()
    # In the people's language (French here, the organisation's).
    assert "3 imports ou envois de votre organisation sont encore en cours" in text
    assert (model.objects.count(), BackgroundJob.objects.count()) == (rows, jobs)

    # Another organisation's uploads are not held up by A's.
    response = _upload(org_b, task, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert model.objects.count() == rows + 1

    # One of A's finishes: A's next upload is accepted.
    BackgroundJob.objects.filter(organisation=org_a, state="running").update(
        state="done"
    )
    response = _upload(org_a, task, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert model.objects.count() == rows + 2


def test_the_refusal_says_how_many_in_english_too(org_a, settings):
    from django.utils import translation

    settings.LMS_HEAVY_JOBS_PER_ORGANISATION = 1
    assert limits.heavy_work_refused(org_a) is None
    _busy(org_a, process_scorm, 1)
    with translation.override("en"):
        assert limits.heavy_work_refused(org_a) == (
            "1 upload or import of your organisation is still being processed. "
            "Try again when it has finished: nothing was saved."
        )
