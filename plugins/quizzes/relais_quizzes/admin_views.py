"""Import and export of question banks in the admin."""

from django import forms
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
    _can(request, "add")
    organisation = request.organisation
    form = ImportForm(
        request.POST or None, request.FILES or None, organisation=organisation
    )
    report = outcome = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = parse(upload.name, upload.read())
        if report.ok:
            outcome = import_report(report, organisation, form.cleaned_data["category"])
        else:
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "relais_quizzes/admin/import.html",
        {"form": form, "report": report, "outcome": outcome},
        status=status,
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
