"""Coordinators follow newcomers along their onboarding paths.

The path view lists up to thousands of people, so each row is prepared in Python
(plain strings and numbers) and the template stays flat: one form for the whole
table, no per-cell template logic.
"""

from collections import defaultdict

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.completion import complete_step
from courses.learning import assign_path, next_step, percent, step_states
from courses.models import OnboardingPath, PathAssignment, PathStep, StepCompletion
from lms.exports import spreadsheet_response
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
    """One row per person on the path with their step states, from three plain
    queries (values, not model instances: this view lists thousands of people)."""
    team, role = request.GET.get("team", ""), request.GET.get("role", "")
    members = (
        Membership.objects.for_organisation(request.organisation)
        .active()
        .filter(user__path_assignments__path=path)
    )
    if team.isdigit():
        members = members.filter(team_id=team)
    if role in Role.values:
        members = members.filter(role=role)
    members = {
        member["user_id"]: member
        for member in members.values(
            "pk",
            "user_id",
            "role",
            "team__name",
            "user__first_name",
            "user__last_name",
            "user__username",
            "user__email",
        )
    }
    done = defaultdict(dict)
    for assignment_id, step_id, completed_at in StepCompletion.objects.filter(
        assignment__path=path
    ).values_list("assignment_id", "step_id", "completed_at"):
        done[assignment_id][step_id] = completed_at
    steps, today, rows = list(path.steps.all()), timezone.localdate(), []
    for assignment_id, user_id, start_date in (
        PathAssignment.objects.filter(path=path)
        .order_by("start_date")
        .values_list("pk", "user_id", "start_date")
    ):
        member = members.get(user_id)
        if member is None:
            continue
        states = step_states(steps, start_date, done[assignment_id], today)
        full_name = f"{member['user__first_name']} {member['user__last_name']}"
        rows.append(
            {
                "assignment_id": assignment_id,
                "start_date": start_date,
                "member": member,
                "name": full_name.strip() or member["user__username"],
                "states": states,
                "percent": percent(states),
                "overdue": sum(state.overdue for state in states),
                "next": next_step(states),
            }
        )
    return rows


class _Dates(dict):
    """Short dates formatted once per request: a path view repeats few dates."""

    def __missing__(self, day):
        self[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        return self[day]


def _cells(row, dates, late, confirm_label):
    """(css class, text, confirm value, button label) per step, for the template."""
    cells = []
    for state in row["states"]:
        confirm = label = ""
        if state.done:
            css, text = "cell--done", "✓ " + dates[timezone.localdate(state.done_at)]
        elif state.overdue:
            css, text = "cell--overdue", late
        else:
            css, text = "", dates[state.due]
        if not state.done and state.step.kind == "checklist":
            confirm = f"{row['assignment_id']}:{state.step.pk}"
            label = confirm_label % {"step": state.step.title, "name": row["name"]}
        cells.append((css, text, confirm, label))
    return cells


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
    dates, late = _Dates(), _("late")
    confirm_label = _("Confirm %(step)s for %(name)s")
    for row in rows:
        row["cells"] = _cells(row, dates, late, confirm_label)
        row["since"] = dates[row["start_date"]]
        # Plain strings: the template then skips number localisation per cell.
        row["percent_text"] = str(row["percent"])
        row["member_pk"] = str(row["member"]["pk"])
        row["overdue_text"] = str(row["overdue"])
    return render(
        request,
        "courses/coordination/path_people.html",
        {
            "path": path,
            "steps": list(path.steps.all()),
            "rows": rows,
            "people_url": reverse("lms:people"),
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
def confirm_task(request, pk):
    """Confirms the checklist task of the pressed button ("<assignment>:<step>")."""
    path = _path(request, pk)
    assignment_pk, _sep, step_pk = request.POST.get("confirm", "").partition(":")
    if not (assignment_pk.isdigit() and step_pk.isdigit()):
        messages.error(request, _("Choose a task to confirm."))
        return redirect("courses:path_people", pk=path.pk)
    assignment = get_object_or_404(
        PathAssignment.objects.filter(
            path=path,
            user__memberships__organisation=request.organisation,
            user__memberships__is_active=True,
        ),
        pk=assignment_pk,
    )
    # Not ``path.steps.filter``: on the prefetched path it filters every path's
    # steps. A step no statement completes is the coordinator's to confirm.
    step = get_object_or_404(
        PathStep.objects.filter(path=path, kind="checklist"), pk=step_pk
    )
    complete_step(assignment, step, request.organisation, confirmed_by=request.user)
    messages.success(request, _("Task confirmed."))
    if request.POST.get("next") == "dashboard":  # the button on the dashboard
        return redirect("lms:dashboard")
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
                row["name"],
                member["user__email"],
                member["team__name"] or "",
                str(Role(member["role"]).label),
                row["start_date"].isoformat(),
                row["percent"],
                row["overdue"],
                *[_status(state) for state in row["states"]],
            ]
        )
    return header, body


def _status(state):
    if state.done:
        return state.done_at.date().isoformat()
    if state.overdue:
        return _("overdue")
    return _("due %(date)s") % {"date": state.due.isoformat()}


def _export(path, rows, kind):
    header, body = _table(path, rows)
    return spreadsheet_response(header, body, f"onboarding-{path.pk}", kind, path.title)


@require_POST
@manages_people
def assign(request, membership_pk):
    """Assign a path by hand (the role's paths are assigned on joining)."""
    membership = get_object_or_404(
        Membership.objects.for_organisation(request.organisation).active(),
        pk=membership_pk,
    )
    path_pk = request.POST.get("path", "")
    path = get_object_or_404(_paths(request), pk=path_pk if path_pk.isdigit() else 0)
    assign_path(membership.user, path, membership.start_date)
    messages.success(request, _("Onboarding path assigned."))
    return redirect("lms:person", pk=membership.pk)
