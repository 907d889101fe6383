"""The coordinator's pipeline: applications by status (overall and per mission),
one application with its notes, thread, meeting and decisions, reactivity, and the
funnel report."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.exports import spreadsheet_response
from lms.models.people import PEOPLE_MANAGERS
from lms.views.access import role_required
from relais_recruitment import pipeline, reports
from relais_recruitment.forms import MeetingForm, MessageForm, NotesForm
from relais_recruitment.models import Application, Mission

manages_people = role_required(*PEOPLE_MANAGERS)


def _applications(request):
    return Application.objects.for_organisation(request.organisation)


def _columns(applications):
    by_status = {status: [] for status in Application.Status.values}
    for application in applications:
        by_status[application.status].append(application)
    return [
        (Application.Status(status).label, status, rows)
        for status, rows in by_status.items()
    ]


@manages_people
def pipeline_board(request, mission_id=None):
    """Applications in columns by status: every mission's, or one mission's."""
    missions = Mission.objects.for_organisation(request.organisation).annotate(
        waiting=Count(
            "applications", filter=Q(applications__status=Application.Status.NEW)
        )
    )
    applications = _applications(request).select_related("mission")
    mission = None
    if mission_id is not None:
        mission = get_object_or_404(missions, pk=mission_id)
        applications = applications.filter(mission=mission)
    return render(
        request,
        "relais_recruitment/pipeline.html",
        {
            "mission": mission,
            "missions": missions,
            "columns": _columns(applications),
            "reactivity": reports.reactivity(request.organisation, mission=mission),
        },
    )


def _application(request, application_id):
    return get_object_or_404(
        _applications(request).select_related("mission", "invitation", "membership"),
        pk=application_id,
    )


@manages_people
def application(request, application_id):
    application = _application(request, application_id)
    return render(
        request,
        "relais_recruitment/application.html",
        {
            "application": application,
            "thread": application.messages.select_related("author"),
            "message_form": MessageForm(),
            "notes_form": NotesForm(instance=application),
            "meeting_form": MeetingForm(instance=application),
            "moves": [
                (status, Application.Status(status).label)
                for status in (
                    Application.Status.CONTACTED,
                    Application.Status.MEETING,
                )
                if application.can_move_to(status)
            ],
        },
    )


def _back(application):
    return redirect("recruitment:application", application_id=application.pk)


@require_POST
@manages_people
def move(request, application_id):
    application = _application(request, application_id)
    status = request.POST.get("status", "")
    if status not in Application.Status.values:
        raise Http404
    try:
        if status == Application.Status.ACCEPTED:
            pipeline.accept(application, by=request.user)
            messages.success(
                request,
                _("%(name)s is accepted: their invitation is on its way.")
                % {"name": application.name},
            )
        else:
            pipeline.move(application, status, by=request.user)
            messages.success(request, _("Application moved."))
    except pipeline.NotAllowed as refusal:
        messages.error(request, refusal.message)
    return _back(application)


@require_POST
@manages_people
def write(request, application_id):
    application = _application(request, application_id)
    form = MessageForm(request.POST)
    if not application.is_open and application.status != Application.Status.ACCEPTED:
        messages.error(request, _("This application is closed."))
    elif form.is_valid():
        pipeline.write(application, form.cleaned_data["body"], by=request.user)
        messages.success(
            request, _("Message sent to %(email)s.") % {"email": application.email}
        )
    else:
        messages.error(request, _("Write a message first (5000 characters at most)."))
    return _back(application)


@require_POST
@manages_people
def notes(request, application_id):
    application = _application(request, application_id)
    form = NotesForm(request.POST, instance=application)
    if form.is_valid():
        form.save()
        messages.success(request, _("Notes saved."))
    return _back(application)


@require_POST
@manages_people
def meeting(request, application_id):
    application = _application(request, application_id)
    form = MeetingForm(
        request.POST, instance=Application.objects.get(pk=application.pk)
    )
    if not form.is_valid():
        messages.error(request, _("Give the meeting's date and time."))
        return _back(application)
    try:
        pipeline.plan_meeting(
            application,
            form.cleaned_data["meeting_at"],
            form.cleaned_data["meeting_place"],
            by=request.user,
        )
    except pipeline.NotAllowed as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Meeting planned: the invitation is on its way."))
    return _back(application)


@manages_people
def funnel(request):
    return render(
        request,
        "relais_recruitment/funnel.html",
        {"rows": reports.funnel(request.organisation)},
    )


@manages_people
def funnel_export(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    header, rows = reports.funnel_table(request.organisation)
    return spreadsheet_response(
        header, rows, "recruitment-funnel", kind, title=_("Recruitment funnel")
    )


@manages_people
def applications_export(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    applications = _applications(request).select_related("mission")
    header = [_("Name"), _("E-mail"), _("Phone"), _("Mission"), _("Status"), _("Sent")]
    rows = [
        [
            a.name,
            a.email,
            a.phone,
            a.mission.title,
            a.get_status_display(),
            a.created_at.date(),
        ]
        for a in applications
    ]
    return spreadsheet_response(
        header, rows, "applications", kind, title=_("Applications")
    )
