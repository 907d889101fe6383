"""Coordinators follow newcomers along their onboarding paths."""

import csv
import io

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.completion import complete_step
from courses.learning import next_step, path_state, percent
from courses.models import OnboardingPath, PathAssignment, PathStep, StepCompletion
from lms.models import Membership, Role, Team
from lms.models.people import PEOPLE_MANAGERS
from lms.views.access import role_required

manages_people = role_required(*PEOPLE_MANAGERS)


def _paths(request):
    return OnboardingPath.objects.for_organisation(request.organisation)


@manages_people
def paths(request):
    return render(
        request, "courses/coordination/paths.html", {"paths": _paths(request)}
    )


def _rows(request, path):
    """One row per person on the path, with their step states; constant queries."""
    members = {
        membership.user_id: membership
        for membership in Membership.objects.for_organisation(request.organisation)
        .active()
        .select_related("user", "team")
    }
    team, role = request.GET.get("team", ""), request.GET.get("role", "")
    assignments = (
        PathAssignment.objects.filter(path=path, user_id__in=members)
        .prefetch_related(
            Prefetch(
                "completions",
                queryset=StepCompletion.objects.only(
                    "step_id", "completed_at", "assignment_id"
                ),
            )
        )
        .order_by("start_date")
    )
    rows = []
    for assignment in assignments:
        membership = members[assignment.user_id]
        if team.isdigit() and membership.team_id != int(team):
            continue
        if role in Role.values and membership.role != role:
            continue
        assignment.path = path  # shares the prefetched steps
        states = path_state(assignment, assignment.completions.all())
        rows.append(
            {
                "assignment": assignment,
                "member": membership,
                "states": states,
                "percent": percent(states),
                "overdue": sum(state.overdue for state in states),
                "next": next_step(states),
            }
        )
    return rows


def _path(request, pk):
    return get_object_or_404(
        _paths(request).prefetch_related(
            Prefetch("steps", queryset=PathStep.objects.select_related("course"))
        ),
        pk=pk,
    )


@manages_people
def path_people(request, pk):
    path = _path(request, pk)
    export = request.GET.get("export")
    rows = _rows(request, path)
    if export in ("csv", "xlsx"):
        return _export(path, rows, export)
    return render(
        request,
        "courses/coordination/path_people.html",
        {
            "path": path,
            "steps": list(path.steps.all()),
            "rows": rows,
            "teams": Team.objects.filter(organisation=request.organisation),
            "roles": Role.choices,
            "filters": {
                "team": request.GET.get("team", ""),
                "role": request.GET.get("role", ""),
            },
        },
    )


@require_POST
@manages_people
def confirm_task(request, pk, assignment_pk, step_pk):
    path = _path(request, pk)
    assignment = get_object_or_404(
        PathAssignment.objects.filter(
            path=path, user__memberships__organisation=request.organisation
        ),
        pk=assignment_pk,
    )
    step = get_object_or_404(path.steps.filter(kind="checklist"), pk=step_pk)
    complete_step(assignment, step, request.organisation, confirmed_by=request.user)
    messages.success(request, _("Task confirmed."))
    return redirect("courses:path_people", pk=path.pk)


def _table(path, rows):
    steps = list(path.steps.all())
    header = [
        _("Name"),
        _("E-mail"),
        _("Team"),
        _("Role"),
        _("Start date"),
        _("Progress (%)"),
        _("Overdue steps"),
        *[step.title for step in steps],
    ]
    body = []
    for row in rows:
        member = row["member"]
        body.append(
            [
                member.user.get_full_name() or member.user.username,
                member.user.email,
                member.team.name if member.team else "",
                member.get_role_display(),
                row["assignment"].start_date.isoformat(),
                row["percent"],
                row["overdue"],
                *[
                    state.done_at.date().isoformat()
                    if state.done
                    else (
                        _("overdue")
                        if state.overdue
                        else _("due %(date)s") % {"date": state.due.isoformat()}
                    )
                    for state in row["states"]
                ],
            ]
        )
    return header, body


def _export(path, rows, kind):
    header, body = _table(path, rows)
    filename = f"onboarding-{path.pk}.{kind}"
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(body)
        # A BOM lets spreadsheet software open accents correctly.
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = path.title[:31]
        sheet.append(header)
        for line in body:
            sheet.append(line)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
