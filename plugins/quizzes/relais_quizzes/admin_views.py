"""Import and export of question banks in the admin."""

import re
import secrets

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais_quizzes.imports import export, import_report, parse
from relais_quizzes.models import Question, QuestionCategory

MAX_FILE = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Moodle XML or GIFT file"),
        help_text=gettext_lazy(
            "A .xml file exported from Moodle's question bank, or a .gift / .txt "
            "file in GIFT format."
        ),
    )
    category = forms.ModelChoiceField(
        QuestionCategory.objects.none(),
        label=gettext_lazy("Put the questions in"),
        required=False,
        empty_label=gettext_lazy("The file's own categories"),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = QuestionCategory.objects.for_organisation(
            organisation
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


def _can(request, permission):
    if not request.user.has_perm(f"quizzes.{permission}_question"):
        raise PermissionDenied


def import_questions(request):
    """Upload, read, import. A file whose every question can be used is imported at
    once; one with questions that cannot be is held (in the cache, for this trainer
    and organisation only) until the trainer imports the rest or nothing."""
    _can(request, "add")
    organisation = request.organisation
    if request.method == "POST" and "decision" in request.POST:
        return _decide(request, organisation)
    form = ImportForm(
        request.POST or None, request.FILES or None, organisation=organisation
    )
    context = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        report = context["report"] = parse(upload.name, data)
        category = form.cleaned_data["category"]
        if not report.readable or (report.problems and not report.questions):
            status = 400
        elif report.ok:
            context["outcome"] = import_report(report, organisation, category)
        else:
            token = secrets.token_urlsafe(16)
            held = {
                "name": upload.name,
                "data": data,
                "category": category.pk if category else None,
            }
            cache.set(_held_key(request, token), held, HELD_SECONDS)
            context["held"] = token
    elif request.method == "POST":
        status = 400
    return render(request, "relais_quizzes/admin/import.html", context, status=status)


HELD_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _held_key(request, token):
    return f"quizzes:import:{request.organisation.pk}:{request.user.pk}:{token}"


def _decide(request, organisation):
    """The trainer's choice for a held file: import its usable questions, or none."""
    form = ImportForm(organisation=organisation)
    token = request.POST.get("held", "")
    key = _held_key(request, token) if _TOKEN.fullmatch(token) else None
    held = cache.get(key) if key else None
    # Deleting is what claims the file: of two clicks, one imports.
    if held is None or not cache.delete(key):
        messages.error(
            request, _("This file is no longer waiting for a choice: upload it again.")
        )
        return render(
            request, "relais_quizzes/admin/import.html", {"form": form}, status=409
        )
    if request.POST["decision"] != "rest":
        messages.info(request, _("Nothing was imported."))
        return render(request, "relais_quizzes/admin/import.html", {"form": form})
    report = parse(held["name"], held["data"])
    category = (
        QuestionCategory.objects.for_organisation(organisation)
        .filter(pk=held["category"])
        .first()
        if held["category"]
        else None
    )
    outcome = import_report(report, organisation, category)
    return render(
        request,
        "relais_quizzes/admin/import.html",
        {"form": form, "report": report, "outcome": outcome},
    )


def export_questions(request):
    _can(request, "change")
    organisation = request.organisation
    categories = QuestionCategory.objects.for_organisation(organisation)
    chosen = categories.filter(pk=request.GET.get("category") or 0).first()
    if "download" not in request.GET:
        return render(
            request, "relais_quizzes/admin/export.html", {"categories": categories}
        )
    questions = (
        Question.objects.for_organisation(organisation)
        .select_related("category__parent__parent")
        .prefetch_related("tags")
    )
    if chosen is not None:
        questions = questions.filter(category__in=chosen.with_descendants())
    response = HttpResponse(export(questions), content_type="application/xml")
    response["Content-Disposition"] = 'attachment; filename="questions.moodle.xml"'
    return response
