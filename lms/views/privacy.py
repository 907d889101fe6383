"""Privacy, for people and for the organisation.

A person ("My data", any role): export everything Relais holds about them here,
follow its making, download it (theirs only, until it expires), ask for erasure.
Coordinators, admins and the data-protection contact: decide erasure requests.
Organisation admins: retention rules and their dry-run report, the access log.
Coordinators and admins: the register of processing, to print or download.
Everything is read through ``for_organisation()``: another organisation's request
or export is not found (404), and so is another person's export.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from lms import data_requests, register, retention
from lms.access_log import log_access
from lms.models import Membership, Role
from lms.models.people import PEOPLE_MANAGERS
from lms.models.privacy import (
    AccessLogEntry,
    DataExport,
    ErasureRequest,
    ErasureStatus,
    PrivacySettings,
)
from lms.views.access import member_required, role_required

admins_only = role_required(Role.ADMIN)
managers = role_required(*PEOPLE_MANAGERS)


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    APPROVE, KEEP, REFUSE = "approve", "keep", "refuse"
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (APPROVE, gettext_lazy("Erase everything")),
            (KEEP, gettext_lazy("Erase, but keep what the law requires")),
            (REFUSE, gettext_lazy("Refuse")),
        ],
    )
    kept_models = forms.MultipleChoiceField(
        label=gettext_lazy("Data the association must keep"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            'Only with "Erase, but keep what the law requires". Data kept by '
            "law (such as this request) is always kept."
        ),
    )
    kept_explanation = forms.CharField(
        label=gettext_lazy("What must be kept, and why"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Required to keep some data or to refuse: the person receives it. "
            "For instance: accounting records of donations are kept ten years "
            "(legal obligation)."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kept_models"].choices = register.keepable(organisation)

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.KEEP and not data.get("kept_models"):
            self.add_error("kept_models", _("Choose the data that must be kept."))
        if (
            data.get("decision") in (self.KEEP, self.REFUSE)
            and not data.get("kept_explanation", "").strip()
        ):
            self.add_error(
                "kept_explanation",
                _("Say what must be kept and why: the person is told."),
            )
        return data


class RetentionForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = [
            "postal_address",
            "data_protection_contact",
            "candidate_retention_days",
            "inactive_volunteer_years",
            "export_retention_days",
            "upload_retention_days",
        ]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (
            "candidate_retention_days",
            "inactive_volunteer_years",
            "export_retention_days",
            "upload_retention_days",
        ):
            self.fields[name].min_value = 1
            self.fields[name].widget.attrs["min"] = 1
        members = Membership.objects.for_organisation(organisation).active()
        self.fields["data_protection_contact"].queryset = (
            self.fields["data_protection_contact"]
            .queryset.filter(pk__in=members.values("user"))
            .order_by("last_name", "first_name")
        )
        self.fields["data_protection_contact"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


# --- a person's own data --------------------------------------------------------


def _exports(request):
    return DataExport.objects.for_organisation(request.organisation).filter(
        user=request.user
    )


def _erasures(request):
    return ErasureRequest.objects.for_organisation(request.organisation)


@member_required
def my_data(request):
    return render(
        request,
        "lms/my_data.html",
        {
            "exports": _exports(request)[:5],
            "erasures": _erasures(request).filter(person=request.user)[:5],
            "erasure_form": ErasureRequestForm(),
            "settings": PrivacySettings.for_organisation(request.organisation),
        },
    )


@require_POST
@member_required
def export_request(request):
    data_requests.request_export(request.organisation, request.user)
    messages.success(
        request,
        _("Your export is being prepared. This page shows when it is ready."),
    )
    return redirect("lms:my_data")


@member_required
def export_status(request, dataexport_id):
    export = get_object_or_404(_exports(request), pk=dataexport_id)
    return JsonResponse(
        {
            "status": export.status,
            "progress": export.progress,
            "ready": export.is_downloadable,
        },
        headers={"Cache-Control": "no-store"},
    )


@member_required
def export_download(request, dataexport_id):
    """The person's own export, and nobody else's: another person, coordinators
    included, gets a 404, as for an export that does not exist."""
    export = get_object_or_404(_exports(request), pk=dataexport_id)
    if not export.is_downloadable:
        raise Http404
    DataExport.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
    from lms.private_files import download_response

    return download_response(export.file, export.file.name.rsplit("/", 1)[-1])


@require_POST
@member_required
def erasure_request(request):
    form = ErasureRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the form."))
        return redirect("lms:my_data")
    try:
        with transaction.atomic():
            erasure = data_requests.request_erasure(
                request.organisation, request.user, form.cleaned_data["reason"]
            )
            transaction.on_commit(lambda: data_requests.tell_deciders(erasure))
    except data_requests.RequestRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _(
                "Your request is recorded. The association answers within a month; "
                "you will receive its answer by e-mail."
            ),
        )
    return redirect("lms:my_data")


# --- erasure decisions ------------------------------------------------------------


def _decider(view):
    @member_required
    def wrapped(request, *args, **kwargs):
        if not data_requests.may_decide_erasures(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__module__ = view.__module__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_decider
def erasure_requests(request):
    requests_ = _erasures(request).select_related("person", "decided_by")
    return render(
        request,
        "lms/erasure_requests.html",
        {
            "pending": requests_.filter(status=ErasureStatus.PENDING),
            "decided": requests_.exclude(status=ErasureStatus.PENDING)[:50],
        },
    )


@_decider
def erasure_decide(request, erasurerequest_id):
    erasure = get_object_or_404(
        _erasures(request).select_related("person"), pk=erasurerequest_id
    )
    if erasure.status != ErasureStatus.PENDING:
        messages.info(request, _("This request was already decided."))
        return redirect("lms:erasure_requests")
    form = DecisionForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            with transaction.atomic():
                data_requests.decide_erasure(
                    erasure,
                    decided_by=request.user,
                    approve=decision != DecisionForm.REFUSE,
                    kept_explanation=form.cleaned_data["kept_explanation"]
                    if decision != DecisionForm.APPROVE
                    else "",
                    kept_models=form.cleaned_data["kept_models"]
                    if decision == DecisionForm.KEEP
                    else (),
                )
        except data_requests.RequestRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Decision recorded; the person is told by e-mail.")
                if decision == DecisionForm.REFUSE
                else _("Approved: the erasure runs in the background."),
            )
        return redirect("lms:erasure_requests")
    membership = (
        Membership.objects.for_organisation(request.organisation)
        .filter(user=erasure.person)
        .select_related("team")
        .first()
    )
    if erasure.person:
        log_access(request, erasure.person, gettext_noop("erasure request"))
    return render(
        request,
        "lms/erasure_decide.html",
        {"erasure": erasure, "member": membership, "form": form},
        status=400 if form.errors else 200,
    )


# --- the organisation's rules and logs ----------------------------------------------


@admins_only
def retention_settings(request):
    settings = PrivacySettings.for_organisation(request.organisation)
    form = RetentionForm(
        request.POST or None, instance=settings, organisation=request.organisation
    )
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "dry_run":
        retention.apply_retention(request.organisation, dry_run=True)
        messages.success(request, _("Dry run done: nothing was deleted."))
        return redirect("lms:retention")
    if request.method == "POST" and action == "confirm":
        if retention.last_dry_run(request.organisation) is None:
            messages.error(request, _("Run a dry run and read its report first."))
        elif retention.confirm_first_run(request.organisation, request.user):
            messages.success(
                request, _("Confirmed: the rules were applied and now run every day.")
            )
        return redirect("lms:retention")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect("lms:retention")
    return render(
        request,
        "lms/retention.html",
        {
            "form": form,
            "settings": settings,
            "dry_run": retention.last_dry_run(request.organisation),
            "runs": retention.runs(request.organisation),
        },
        status=400 if form.errors else 200,
    )


@admins_only
def access_log(request):
    entries = (
        AccessLogEntry.objects.for_organisation(request.organisation)
        .select_related("viewer", "person")
        .order_by("-at")
    )
    query = request.GET.get("q", "").strip()
    if query:
        entries = entries.filter(person__last_name__icontains=query) | entries.filter(
            person__first_name__icontains=query
        )
    return render(
        request,
        "lms/access_log.html",
        {
            "entries": entries[:200],
            "query": query,
            "total": AccessLogEntry.objects.for_organisation(
                request.organisation
            ).aggregate(n=Count("pk"))["n"],
        },
    )


@managers
def processing_register(request):
    return render(
        request,
        "lms/processing_register.html",
        register.context(request.organisation),
    )


@managers
def processing_register_docx(request):
    return register.docx_response(request.organisation)
