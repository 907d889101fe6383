"""Admin screens to bring skills frameworks in and out: ESCO's files, the
framework CSV (``relais_skills.csvframework``), and the page that follows an
import running in the background.

For coordinators/HR and organisation admins of an organisation that enabled the
plugin. The URLs below are meant for Wagtail's ``register_admin_urls`` (under
``/admin/``); their names start with ``skills_``.
"""

import re
import uuid
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import jobs
from lms.exports import spreadsheet_response
from lms.limits import heavy_work_refused
from lms.models.people import PEOPLE_MANAGERS
from lms.plugins.activation import enabled_for_request
from lms.private_files import download_response
from lms.views.access import role_required
from relais_skills import esco
from relais_skills.csvframework import HEADER
from relais_skills.imports import (
    CSV_IMPORT,
    ESCO_IMPORT,
    choose,
    framework_export_rows,
    live_progress,
    retryable,
    store_upload,
    tracked_job,
)
from relais_skills.models import Framework, Job
from relais_skills.tasks import run_import

DEFAULT_MAX_UPLOAD_MB = 50
FILE_LANGUAGE = re.compile(r"[_-]([a-z]{2})(?:-[a-z]{2})?\.csv$", re.IGNORECASE)
# The languages ESCO is published in, as its file names spell them.
ESCO_LANGUAGES = frozenset({
    "ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "is", "it", "lt", "lv", "mt", "nl", "no", "pl", "pt", "ro", "sk", "sl",
    "sv", "uk",
})  # fmt: skip
# A job in these states is no longer working: its page stops polling.
SETTLED = frozenset({
    Job.Status.DONE, Job.Status.FAILED, Job.Status.CHOOSING, Job.Status.CANCELLED,
})  # fmt: skip


def managers_only(view):
    """Coordinators/HR and admins of an organisation where the plugin is on."""

    @role_required(*PEOPLE_MANAGERS)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if "skills" not in enabled_for_request(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def max_upload_bytes():
    megabytes = getattr(settings, "LMS_SKILLS_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
    return int(megabytes * 1024 * 1024)


class CsvFileField(forms.FileField):
    """A CSV file in UTF-8, under the size limit; refused with a sentence saying
    what to do otherwise."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                _("“%(name)s” is not a CSV file: the name must end in .csv.")
                % {"name": upload.name}
            )
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": round(limit / 1024 / 1024)}
            )
        problems = esco.Problems()
        esco.decode(upload.read(), upload.name, problems)
        upload.seek(0)
        if problems:
            problem = problems[0]
            if problem.row:
                raise forms.ValidationError(
                    _("Row %(row)s: %(reason)s")
                    % {"row": problem.row, "reason": problem.reason}
                )
            raise forms.ValidationError(problem.reason)
        return upload


class TargetForm(forms.Form):
    """Which framework receives the import: one of the organisation's own, or a
    new one by name."""

    framework = forms.ModelChoiceField(
        Framework.objects.none(),
        label=gettext_lazy("Into the framework"),
        required=False,
        empty_label=gettext_lazy("A new framework"),
    )
    new_name = forms.CharField(
        label=gettext_lazy("Name of the new framework"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["framework"].queryset = Framework.objects.owned_by(organisation)

    def clean(self):
        cleaned = super().clean()
        framework, name = cleaned.get("framework"), cleaned.get("new_name", "").strip()
        if framework is None and "framework" not in self.errors:
            if not name:
                self.add_error(
                    "new_name",
                    _("Choose a framework or give the new one a name."),
                )
            elif (
                Framework.objects.owned_by(self.organisation).filter(name=name).exists()
            ):
                self.add_error(
                    "new_name",
                    _("A framework named “%(name)s” already exists: choose it above.")
                    % {"name": name},
                )
        elif framework is not None and name:
            self.add_error(
                "new_name",
                _("Choose an existing framework or name a new one, not both."),
            )
        cleaned["new_name"] = name
        return cleaned

    def target_params(self):
        framework = self.cleaned_data["framework"]
        return {
            "framework": framework.pk if framework else None,
            "framework_name": framework.name
            if framework
            else self.cleaned_data["new_name"],
        }


class EscoImportForm(TargetForm):
    skills_file = CsvFileField(
        label=gettext_lazy("ESCO skills file"),
        help_text=gettext_lazy("skills_<language>.csv from ESCO's CSV download."),
    )
    groups_file = CsvFileField(
        label=gettext_lazy("Skill groups file"),
        required=False,
        help_text=gettext_lazy(
            "skillGroups_<language>.csv, in the same language: the names of the groups."
        ),
    )
    relations_file = CsvFileField(
        label=gettext_lazy("Hierarchy file"),
        required=False,
        help_text=gettext_lazy(
            "broaderRelationsSkillPillar.csv or skillsHierarchy_<language>.csv: how "
            "the groups nest and which group each skill belongs to. Without it, "
            "the groups are flat and the skills file's own broader concepts are "
            "used when it has them."
        ),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language of the files"))
    roots = forms.CharField(
        label=gettext_lazy("Only these groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "ESCO URIs of groups (or skills), one per line: each comes with "
            "everything under it."
        ),
    )
    search = forms.CharField(
        label=gettext_lazy("Only skills whose names contain"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "Words to look for in the names and other names, several searches "
            "separated by commas: “hygiène alimentaire, accueil”. The skills "
            "under the groups above and those found are all imported; with both "
            "fields empty, the whole file (13,000 skills for the full ESCO file)."
        ),
    )

    field_order = [
        "skills_file", "groups_file", "relations_file", "language", "roots",
        "search", "framework", "new_name",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
        self.fields["language"].initial = (get_language() or "fr").split("-")[0]

    def clean(self):
        cleaned = super().clean()
        upload, language = cleaned.get("skills_file"), cleaned.get("language")
        named = FILE_LANGUAGE.search(upload.name) if upload else None
        file_language = named.group(1).lower() if named else None
        if file_language in ESCO_LANGUAGES and language and file_language != language:
            self.add_error(
                "language",
                _(
                    "The file “%(name)s” seems to be in “%(file_language)s”, not "
                    "in the language chosen."
                )
                % {"name": upload.name, "file_language": file_language},
            )
        return cleaned


class CsvImportForm(TargetForm):
    file = CsvFileField(
        label=gettext_lazy("Framework file (CSV)"),
        help_text=gettext_lazy(
            "Columns: kind, uri, name, parent, description, alt_labels, "
            "valid_days, as in an exported framework."
        ),
    )

    field_order = ["file", "framework", "new_name"]


@managers_only
def index(request):
    organisation = request.organisation
    return render(
        request,
        "relais_skills/imports/index.html",
        {
            "frameworks": Framework.objects.owned_by(organisation),
            "jobs": Job.objects.for_organisation(organisation)
            .filter(kind__in=(ESCO_IMPORT, CSV_IMPORT))
            .select_related("created_by")[:10],
        },
    )


@managers_only
def import_esco(request):
    form = EscoImportForm(
        request.POST or None, request.FILES or None, organisation=request.organisation
    )
    if request.method == "POST" and form.is_valid() and not _refused(request, form):
        data = form.cleaned_data
        return _start(
            request,
            ESCO_IMPORT,
            {
                "skills": data["skills_file"],
                "groups": data["groups_file"],
                "relations": data["relations_file"],
            },
            {
                **form.target_params(),
                "language": data["language"],
                "roots": data["roots"],
                "search": data["search"],
            },
        )
    return _form_page(request, form, _("Import ESCO skills"))


@managers_only
def import_csv(request):
    form = CsvImportForm(
        request.POST or None, request.FILES or None, organisation=request.organisation
    )
    if request.method == "POST" and form.is_valid() and not _refused(request, form):
        return _start(
            request,
            CSV_IMPORT,
            {"file": form.cleaned_data["file"]},
            form.target_params(),
        )
    return _form_page(request, form, _("Import a framework (CSV)"))


def _form_page(request, form, title):
    return render(
        request,
        "relais_skills/imports/form.html",
        {"form": form, "title": title, "csv_header": ",".join(HEADER)},
        status=400 if form.is_bound else 200,
    )


def _refused(request, form):
    """Over the organisation's heavy-work limit: the form says so, nothing kept."""
    refused = heavy_work_refused(request.organisation)
    if refused:
        form.add_error(None, refused)
    return refused


def _start(request, kind, uploads, params):
    """Keep the files, record the job and run it once this is committed."""
    folder = uuid.uuid4().hex
    with transaction.atomic():
        files = {
            role: store_upload(upload, folder, role)
            for role, upload in uploads.items()
            if upload
        }
        job = Job.objects.create(
            organisation=request.organisation,
            kind=kind,
            params={**params, "files": files, "ui_language": get_language()},
            created_by=request.user,
        )
        jobs.submit(
            run_import,
            job.pk,
            organisation=request.organisation,
            request=request,
            waiting_note=_("The import will start in a few minutes."),
        )
    return redirect("skills_job", job.pk)


@managers_only
def export_csv(request, pk):
    framework = get_object_or_404(
        Framework.objects.owned_by(request.organisation), pk=pk
    )
    return spreadsheet_response(
        HEADER,
        framework_export_rows(framework),
        slugify(framework.name) or "framework",
        "csv",
    )


def _job(request, pk):
    return get_object_or_404(Job.objects.for_organisation(request.organisation), pk=pk)


class ChoiceForm(forms.Form):
    """What to do with a file some of whose rows cannot be imported."""

    choice = forms.ChoiceField(
        choices=[
            ("rest", gettext_lazy("Import the rest")),
            ("nothing", gettext_lazy("Import nothing")),
        ]
    )


@managers_only
def job_page(request, pk):
    job = _job(request, pk)
    done, total = live_progress(job)
    summary = next((m["summary"] for m in job.messages if "summary" in m), None)
    ready = next((m["ready"] for m in job.messages if "ready" in m), None)
    return render(
        request,
        "relais_skills/imports/job.html",
        {
            "job": job,
            "done": done,
            "total": total,
            "label": progress_label(job.status, done, total),
            "finished": job.status in SETTLED,
            "summary": summary,
            "ready": ready,
            "framework": summary
            and Framework.objects.owned_by(request.organisation)
            .filter(pk=summary["framework"])
            .first(),
            "language": summary and dict(settings.LANGUAGES).get(summary["language"]),
            "warnings": [m["warning"] for m in job.messages if "warning" in m],
            "problems": [m for m in job.messages if "reason" in m],
            "retry": retryable(job),
        },
    )


@managers_only
@require_POST
def job_choice(request, job_id):
    """Import the rows that can be, or nothing, for a job waiting for a choice."""
    job = _job(request, job_id)
    form = ChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to import the rest or nothing."))
        return redirect("skills_job", job.pk)
    import_rest = form.cleaned_data["choice"] == "rest"
    with transaction.atomic():
        if not choose(job, import_rest):
            messages.info(request, _("This import no longer waits for a choice."))
        elif import_rest:
            jobs.submit(
                run_import, job.pk, organisation=request.organisation, request=request
            )
        else:
            messages.success(request, _("Nothing was imported."))
    return redirect("skills_job", job.pk)


@managers_only
@require_POST
def job_retry(request, job_id):
    """Try again a job whose work failed on the way (not one refused for its
    files: those are fixed and imported again)."""
    job = _job(request, job_id)
    background = tracked_job(job)
    if background is None or not jobs.retry(background):
        messages.info(request, _("This job cannot be tried again."))
    return redirect("skills_job", job.pk)


@managers_only
def job_download(request, pk):
    """An export's file, for the managers of its organisation only (never a public
    media URL: it holds people's data)."""
    job = _job(request, pk)
    if job.status != Job.Status.DONE or not job.result:
        raise Http404
    return download_response(job.result, f"skills-matrix-{job.pk}.xlsx")


@managers_only
def job_status(request, pk):
    """What the job page polls every 2 s."""
    job = _job(request, pk)
    done, total = live_progress(job)
    return JsonResponse(
        {
            "status": job.status,
            "done": done,
            "total": total,
            "percent": int(100 * done / total) if total else 0,
            "finished": job.status in SETTLED,
            "label": progress_label(job.status, done, total),
        }
    )


def progress_label(status, done, total):
    if status == Job.Status.QUEUED:
        return _("Waiting to start…")
    if status == Job.Status.RUNNING and not total:
        return _("Reading the files…")
    return ngettext(
        "%(done)s of %(total)s item written",
        "%(done)s of %(total)s items written",
        total,
    ) % {"done": done, "total": total}


urlpatterns = [
    path("skills/imports/", index, name="skills_imports"),
    path("skills/imports/esco/", import_esco, name="skills_import_esco"),
    path("skills/imports/csv/", import_csv, name="skills_import_csv"),
    path("skills/imports/<int:pk>/", job_page, name="skills_job"),
    path("skills/imports/<int:pk>/status/", job_status, name="skills_job_status"),
    path("skills/imports/<int:job_id>/choice/", job_choice, name="skills_job_choice"),
    path("skills/imports/<int:job_id>/retry/", job_retry, name="skills_job_retry"),
    path("skills/imports/<int:pk>/download", job_download, name="skills_job_download"),
    path("skills/frameworks/<int:pk>/export.csv", export_csv, name="skills_export_csv"),
]
