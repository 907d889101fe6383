"""HR reports in the Wagtail admin, one organisation's people only: the skills
matrix (a heatmap) and the certificates that expire. They are Wagtail report views,
so filters and the CSV/XLSX downloads work as everywhere in the admin; exports read
people in chunks, so memory stays flat however many rows there are.
"""

from collections import OrderedDict, defaultdict
from itertools import groupby
from operator import itemgetter

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.reports import ReportView

from lms.exports import cell, finish_sheet, heatmap, sheet_title
from lms.models import Membership, Team
from lms.models.people import PEOPLE_MANAGERS
from relais_skills import matrix
from relais_skills.models import (
    Evidence,
    Framework,
    Proficiency,
    Requirement,
    RoleProfile,
)


def _organisation_teams(request):
    return Team.objects.filter(organisation=request.organisation)


def _organisation_profiles(request):
    return RoleProfile.objects.for_organisation(request.organisation)


def _organisation_groups(request):
    from relais_skills.models import SkillGroup

    return SkillGroup.objects.filter(
        framework__in=Framework.objects.available_to(request.organisation)
    ).order_by("name")


class MatrixFilters(WagtailFilterSet):
    name = django_filters.CharFilter(
        label=_("Name"), method="filter_name", lookup_expr="icontains"
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=_organisation_teams
    )
    profile = django_filters.ModelChoiceFilter(
        label=_("Role profile"),
        queryset=_organisation_profiles,
        method="filter_profile",
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Skill group"), queryset=_organisation_groups, method="filter_group"
    )

    class Meta:
        model = Membership
        fields = ["team"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(
            Q(user__first_name__icontains=value) | Q(user__last_name__icontains=value)
        )

    def filter_profile(self, queryset, name, value):
        held = Q(user__in=value.holders.all())
        if value.team_id:
            held |= Q(team_id=value.team_id)
        return queryset.filter(held)

    def filter_group(self, queryset, name, value):
        return queryset  # chooses the columns (skills), not the people


class ManagersOnly:
    """Coordinators/HR and organisation admins of the request's organisation."""

    def dispatch(self, request, *args, **kwargs):
        membership = getattr(request, "membership", None)
        if not (
            request.user.is_superuser
            or (membership and membership.role in PEOPLE_MANAGERS)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    frozen_columns = 0

    @cached_property
    def header_buttons(self):
        """The downloads as buttons in view, not in the "⋯" menu: these reports
        are made to be handed on."""
        from wagtail.admin.widgets.button import HeaderButton

        buttons = list(super().header_buttons)
        if self.show_export_buttons:
            buttons += [
                HeaderButton(
                    _("Download Excel (XLSX)"),
                    url=self.xlsx_export_url,
                    icon_name="download",
                    priority=10,
                ),
                HeaderButton(
                    _("Download CSV"),
                    url=self.csv_export_url,
                    icon_name="download",
                    priority=20,
                ),
            ]
        return buttons

    @cached_property
    def header_more_buttons(self):
        exports = {self.xlsx_export_url, self.csv_export_url}
        return [b for b in super().header_more_buttons if b.url not in exports]

    def preprocess_field_value(self, field, value, export_format):
        # Names typed by people are data, never spreadsheet formulas.
        return cell(super().preprocess_field_value(field, value, export_format))

    def write_xlsx(self, queryset, output):
        """Wagtail's export, with the report's name on the sheet (not "Sheet1"),
        the header kept in view, and ``finish_xlsx`` for what a report adds."""
        from openpyxl import Workbook
        from wagtail.admin.views.mixins import ExcelDateFormatter

        workbook = Workbook(write_only=True, iso_dates=True)
        sheet = workbook.create_sheet(title=sheet_title(self.page_title))
        fields = list(self.list_export)
        finish_sheet(sheet, len(fields), frozen_columns=self.frozen_columns)
        sheet.append(self.get_heading(queryset, field) for field in fields)
        date_format = ExcelDateFormatter().get()
        rows = 0
        for item in queryset:
            sheet.append(
                self.generate_xlsx_row(
                    sheet, self.to_row_dict(item), date_format=date_format
                )
            )
            rows += 1
        self.finish_xlsx(sheet, rows)
        workbook.save(output)

    def finish_xlsx(self, sheet, rows):
        pass


class MatrixReport(ManagersOnly, ReportView):
    page_title = _("Skills matrix")
    header_icon = "table"
    index_url_name = "skills_matrix"
    index_results_url_name = "skills_matrix_results"
    results_template_name = "relais_skills/reports/matrix_results.html"
    filterset_class = MatrixFilters
    export_filename = "skills-matrix"
    paginate_by = 50
    frozen_columns = matrix.FIRST_LEVEL_COLUMN - 1  # names stay in view

    def get_queryset(self):
        return (
            Membership.objects.for_organisation(self.request.organisation)
            .active()
            .select_related("user", "team")
            .order_by("user__last_name", "user__first_name", "pk")
        )

    @cached_property
    def skills(self):
        group = self.filters.form.cleaned_data.get("group") if self.filters else None
        return matrix.columns(self.request.organisation, group)

    @property
    def list_export(self):
        return ["name", "team", *(f"skill_{skill.pk}" for skill in self.skills)]

    def get_heading(self, queryset, field):
        headings = {"name": _("Person"), "team": _("Team")}
        headings.update({f"skill_{s.pk}": s.name for s in self.skills})
        return str(headings[field])

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:  # exports read the people in chunks (matrix.with_levels)
            return object_list
        people = list(object_list)
        found = matrix.levels(
            self.request.organisation, [m.user_id for m in people], self.skills
        )
        for member in people:
            member.cells = [
                (skill, *found.get((member.user_id, skill.pk), (0, 0)))
                for skill in self.skills
            ]
            member.profile_url = reverse("skills:person", args=[member.pk])
        return people

    def to_row_dict(self, item):
        return OrderedDict(
            zip(self.list_export, matrix.row(item, self.skills), strict=True)
        )

    def render_to_response(self, context, **response_kwargs):
        """Large XLSX exports run in the background: the job page shows the
        progress, then the download."""
        rows = context["object_list"]
        if (
            self.is_export
            and self.request.GET.get("export") == self.FORMAT_XLSX
            and rows.count() > getattr(settings, "LMS_SKILLS_EXPORT_INLINE_ROWS", 2000)
        ):
            return self._export_in_background()
        return super().render_to_response(context, **response_kwargs)

    def _export_in_background(self):
        from django.db import transaction
        from django.shortcuts import redirect
        from django.utils.translation import get_language

        from lms import jobs
        from relais_skills.models import Job
        from relais_skills.tasks import export_matrix

        params = self.request.GET.copy()
        params.pop("export", None)
        with transaction.atomic():  # the export's row and its job's, together
            job = Job.objects.create(
                organisation=self.request.organisation,
                kind="matrix-export",
                params={"filters": params.dict(), "ui_language": get_language()},
                created_by=self.request.user,
            )
            jobs.submit(
                export_matrix,
                job.pk,
                organisation=self.request.organisation,
                request=self.request,
                waiting_note=_("The export will start in a few minutes."),
            )
        return redirect("skills_job", pk=job.pk)

    def stream_csv(self, queryset):
        return super().stream_csv(
            matrix.with_levels(self.request.organisation, queryset, self.skills)
        )

    def write_xlsx(self, queryset, output):
        return super().write_xlsx(
            matrix.with_levels(self.request.organisation, queryset, self.skills),
            output,
        )

    def finish_xlsx(self, sheet, rows):
        heatmap(
            sheet,
            matrix.FIRST_LEVEL_COLUMN,
            len(self.list_export),
            rows + 1,
            matrix.LEVEL_COLOURS,
        )

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["skills"] = self.skills
        context["scale"] = max(
            (len(s.framework.levels) for s in self.skills), default=4
        )
        return context


class ExpiryFilters(WagtailFilterSet):
    within = django_filters.ChoiceFilter(
        label=_("Expiring within"),
        choices=[("30", _("30 days")), ("60", _("60 days")), ("90", _("90 days"))],
        method="filter_within",
        empty_label=_("90 days"),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=_organisation_teams, method="filter_team"
    )

    class Meta:
        model = Evidence
        fields = []

    def filter_within(self, queryset, name, value):
        return queryset.filter(
            expires_on__lte=timezone.localdate() + timezone.timedelta(days=int(value))
        )

    def filter_team(self, queryset, name, value):
        return queryset.filter(
            user__memberships__team=value,
            user__memberships__organisation=value.organisation,
        )


def expiring_certificates(organisation):
    """Certificates of the organisation's active people expired within the last
    year or expiring within 90 days, renewed ones left out (the expiry report and
    the dashboard count the same)."""
    today = timezone.localdate()
    members = Membership.objects.for_organisation(organisation)
    return (
        Evidence.objects.for_organisation(organisation)
        .filter(
            expires_on__isnull=False,
            expires_on__gte=today - timezone.timedelta(days=365),
            expires_on__lte=today + timezone.timedelta(days=90),
            user__in=members.active().values("user"),
        )
        .exclude(source__in=[Evidence.Source.SELF, Evidence.Source.PRIOR])
        # Renewed since: a later certificate of the same person and skill.
        .exclude(
            Exists(
                Evidence.objects.filter(
                    organisation=organisation,
                    user=OuterRef("user"),
                    skill=OuterRef("skill"),
                    observed_on__gt=OuterRef("observed_on"),
                ).exclude(source__in=[Evidence.Source.SELF, Evidence.Source.PRIOR])
            )
        )
        .order_by("expires_on", "user__last_name")
    )


class ExpiryReport(ManagersOnly, ReportView):
    """Certificates expired or expiring within 90 days: the latest evidence of each
    person in each skill that expires."""

    page_title = _("Expiring certifications")
    header_icon = "date"
    index_url_name = "skills_expiry"
    index_results_url_name = "skills_expiry_results"
    results_template_name = "relais_skills/reports/expiry_results.html"
    filterset_class = ExpiryFilters
    export_filename = "skills-expiring"
    list_export = [
        "person",
        "skill.name",
        "level",
        "observed_on",
        "expires_on",
        "state",
    ]

    def get_heading(self, queryset, field):
        return str(
            {
                "person": _("Person"),
                "skill.name": _("Skill"),
                "level": _("Level"),
                "observed_on": _("Obtained on"),
                "expires_on": _("Expires on"),
                "state": _("State"),
            }[field]
        )

    def get_queryset(self):
        return expiring_certificates(self.request.organisation).select_related(
            "user", "skill__renewal_course"
        )

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:
            return object_list
        return self._decorate(object_list)

    def _decorate(self, object_list):
        today = timezone.localdate()
        for item in object_list:
            item.person = item.user.get_full_name() or item.user.get_username()
            item.state = str(_("expired") if item.expires_on < today else _("expiring"))
            item.days = (item.expires_on - today).days
            item.ago = -item.days
        return object_list

    def to_row_dict(self, item):
        self._decorate([item])
        return super().to_row_dict(item)


class GapFilters(WagtailFilterSet):
    profile = django_filters.ModelChoiceFilter(
        label=_("Role profile"), queryset=_organisation_profiles
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=_organisation_teams, method="filter_team"
    )

    class Meta:
        model = Requirement
        fields = ["profile"]

    def filter_team(self, queryset, name, value):
        return queryset  # counts only that team's people (see GapReport)


class GapReport(ManagersOnly, ReportView):
    """Per requirement of each role profile: how many of the people holding the role
    meet it, who falls short, and how many people in the whole organisation can do
    it at that level (the bus factor: one person means the team depends on them)."""

    page_title = _("Gaps and coverage")
    header_icon = "warning"
    index_url_name = "skills_gaps"
    index_results_url_name = "skills_gaps_results"
    results_template_name = "relais_skills/reports/gap_results.html"
    filterset_class = GapFilters
    export_filename = "skills-gaps"
    list_export = [
        "profile.name",
        "skill.name",
        "level",
        "holders",
        "meeting",
        "below_count",
        "coverage",
        "below_names",
    ]

    def get_heading(self, queryset, field):
        return str(
            {
                "profile.name": _("Role"),
                "skill.name": _("Skill"),
                "level": _("Minimum level"),
                "holders": _("People in the role"),
                "meeting": _("Meet it"),
                "below_count": _("Below it"),
                "coverage": _("Whole organisation at that level"),
                "below_names": _("Who is below"),
            }[field]
        )

    def get_queryset(self):
        return (
            Requirement.objects.filter(profile__organisation=self.request.organisation)
            .select_related("profile", "skill")
            .order_by("profile__name", "skill__name")
        )

    @cached_property
    def _people(self):
        """Active members: {user id: (name, team id)}, and who holds each profile."""
        organisation = self.request.organisation
        rows = (
            Membership.objects.for_organisation(organisation)
            .active()
            .values_list(
                "user_id",
                "user__first_name",
                "user__last_name",
                "user__username",
                "team_id",
            )
        )
        members = {
            user_id: (f"{first} {last}".strip() or username, team_id)
            for user_id, first, last, username, team_id in rows
        }
        holders = {}
        for profile in RoleProfile.objects.for_organisation(
            organisation
        ).prefetch_related("holders"):
            ids = {u.pk for u in profile.holders.all()}
            if profile.team_id:
                ids |= {
                    u for u, (_n, team) in members.items() if team == profile.team_id
                }
            holders[profile.pk] = ids & members.keys()
        return members, holders

    def _decorate(self, requirements):
        """Count, for each requirement, who meets it, who is below and who can do
        it. One query reads the levels of every skill the requirements name, a
        skill at a time, so a download of every requirement costs the same queries
        as a page and holds one skill's levels at once."""
        members, holders = self._people
        team = self.filters.form.cleaned_data.get("team") if self.filters else None
        counted = {
            u
            for u, (_name, team_id) in members.items()
            if not team or team_id == team.pk
        }

        def count(requirement, levels):  # levels: {user id: level} in its skill
            people = holders.get(requirement.profile_id, set()) & counted
            below = sorted(
                members[u][0] for u in people if levels.get(u, 0) < requirement.level
            )
            requirement.holders = len(people)
            requirement.below_count = len(below)
            requirement.meeting = len(people) - len(below)
            requirement.below_names = ", ".join(below)
            requirement.coverage = sum(
                1
                for u, level in levels.items()
                if level >= requirement.level and u in counted
            )
            requirement.fragile = requirement.coverage <= 1

        by_skill = defaultdict(list)
        for requirement in requirements:
            by_skill[requirement.skill_id].append(requirement)
        rows = (
            Proficiency.objects.filter(
                organisation=self.request.organisation,
                skill_id__in=by_skill,
                level__gt=0,  # no row and level 0 both mean "none"
            )
            .order_by("skill_id")
            .values_list("skill_id", "user_id", "level")
            .iterator()
        )
        for skill_id, found in groupby(rows, key=itemgetter(0)):
            levels = {user_id: level for _skill, user_id, level in found}
            for requirement in by_skill.pop(skill_id):
                count(requirement, levels)
        for nobody_has_it in by_skill.values():
            for requirement in nobody_has_it:
                count(requirement, {})
        return requirements

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:  # the downloads decorate every requirement at once
            return object_list
        return self._decorate(list(object_list))

    def stream_csv(self, queryset):
        return super().stream_csv(self._decorate(list(queryset)))

    def write_xlsx(self, queryset, output):
        return super().write_xlsx(self._decorate(list(queryset)), output)


def _month_name(day):
    """ "janvier 2026" rather than "2026-01": boards read these."""
    from django.utils import formats

    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def _months(today, count=12):
    """The first day of each of the last ``count`` months, oldest first."""
    first, months = today.replace(day=1), []
    for _i in range(count):
        months.append(first)
        first = (first - timezone.timedelta(days=1)).replace(day=1)
    return months[::-1]


class ProgressReport(ManagersOnly, ReportView):
    """Levels gained per month over the last year, by where the evidence came from
    (courses and activities, mentors, assessments): a chart and the same numbers
    as a table."""

    page_title = _("Progress over time")
    header_icon = "history"
    index_url_name = "skills_progress"
    index_results_url_name = "skills_progress_results"
    results_template_name = "relais_skills/reports/progress_results.html"
    export_filename = "skills-progress"
    paginate_by = None
    list_export = ["month", "learning", "mentoring", "assessment", "total"]
    SOURCES = {
        "learning": (Evidence.Source.COURSE, Evidence.Source.ACTIVITY),
        "mentoring": (Evidence.Source.MENTOR,),
        "assessment": (Evidence.Source.ASSESSMENT,),
    }

    def get_heading(self, queryset, field):
        return str(
            {
                "month": _("Month"),
                "learning": _("From courses and activities"),
                "mentoring": _("From mentors"),
                "assessment": _("From assessments"),
                "total": _("Total"),
            }[field]
        )

    def get_queryset(self):
        from django.db.models import Count
        from django.db.models.functions import TruncMonth

        months = _months(timezone.localdate())
        counts = {}
        for month, source, count in (
            Evidence.objects.for_organisation(self.request.organisation)
            .filter(observed_on__gte=months[0])
            .exclude(source__in=[Evidence.Source.SELF, Evidence.Source.PRIOR])
            .annotate(month=TruncMonth("observed_on"))
            .values_list("month", "source")
            .annotate(count=Count("pk"))
        ):
            counts[month, source] = count
        rows = []
        for month in months:
            # The page and chart name the month; exports keep 2026-01 (it sorts).
            row = {"month": month.strftime("%Y-%m"), "month_name": _month_name(month)}
            for name, sources in self.SOURCES.items():
                row[name] = sum(counts.get((month, s), 0) for s in sources)
            row["total"] = sum(row[name] for name in self.SOURCES)
            rows.append(row)
        return rows

    def to_row_dict(self, item):
        return OrderedDict((field, item[field]) for field in self.list_export)

    def get_context_data(self, *args, **kwargs):
        from lms.charts import stacked_bar_chart

        context = super().get_context_data(*args, **kwargs)
        rows = context["object_list"]
        context["chart"] = stacked_bar_chart(
            _("Levels gained per month, by source"),
            [row["month_name"] for row in rows],
            {
                _("From courses and activities"): [r["learning"] for r in rows],
                _("From mentors"): [r["mentoring"] for r in rows],
                _("From assessments"): [r["assessment"] for r in rows],
            },
            y_title=_("Pieces of evidence"),
        )
        return context


class FunnelFilters(WagtailFilterSet):
    path = django_filters.ModelChoiceFilter(
        label=_("Onboarding path"), queryset=lambda request: _paths(request)
    )

    class Meta:
        model = Membership
        fields = []


def _paths(request):
    from courses.models import OnboardingPath

    return OnboardingPath.objects.for_organisation(request.organisation)


class FunnelReport(ManagersOnly, ReportView):
    """For one onboarding path, each monthly cohort (by start date): how many were
    assigned, reached each step, and finished, with the median days it took."""

    page_title = _("Onboarding funnel")
    header_icon = "list-ol"
    index_url_name = "skills_funnel"
    index_results_url_name = "skills_funnel_results"
    results_template_name = "relais_skills/reports/funnel_results.html"
    filterset_class = FunnelFilters
    export_filename = "onboarding-funnel"
    paginate_by = None

    @cached_property
    def path(self):
        form = self.filters.form if self.filters else None
        chosen = form.cleaned_data.get("path") if form and form.is_valid() else None
        return chosen or _paths(self.request).order_by("title").first()

    @cached_property
    def steps(self):
        return list(self.path.steps.order_by("sort_order")) if self.path else []

    @property
    def list_export(self):
        return [
            "cohort",
            "assigned",
            *(f"step_{step.pk}" for step in self.steps),
            "completed",
            "median_days",
        ]

    def get_heading(self, queryset, field):
        headings = {
            "cohort": _("Cohort (start month)"),
            "assigned": _("Joined"),
            "completed": _("Completed the path"),
            "median_days": _("Median days to complete"),
        }
        headings.update({f"step_{s.pk}": s.title for s in self.steps})
        return str(headings[field])

    def get_queryset(self):
        from statistics import median

        from courses.models import PathAssignment, StepCompletion

        if self.path is None:
            return []
        cohorts = {}
        assignments = PathAssignment.objects.filter(path=self.path).values_list(
            "pk", "start_date", "completed_at"
        )
        month_of = {}
        for pk, start, completed_at in assignments:
            cohort = cohorts.setdefault(
                start.strftime("%Y-%m"),
                {
                    "month": start.replace(day=1),
                    "assigned": 0,
                    "completed": 0,
                    "days": [],
                    "steps": {},
                },
            )
            month_of[pk] = start.strftime("%Y-%m")
            cohort["assigned"] += 1
            if completed_at:
                cohort["completed"] += 1
                cohort["days"].append((timezone.localdate(completed_at) - start).days)
        for assignment_id, step_id in StepCompletion.objects.filter(
            assignment__path=self.path
        ).values_list("assignment_id", "step_id"):
            steps = cohorts[month_of[assignment_id]]["steps"]
            steps[step_id] = steps.get(step_id, 0) + 1
        rows = []
        for cohort, data in sorted(cohorts.items(), reverse=True):
            row = {
                "cohort": cohort,
                "cohort_name": _month_name(data["month"]),
                "assigned": data["assigned"],
                "completed": data["completed"],
                "median_days": median(data["days"]) if data["days"] else None,
                "steps": [data["steps"].get(step.pk, 0) for step in self.steps],
            }
            row.update(
                {
                    f"step_{s.pk}": n
                    for s, n in zip(self.steps, row["steps"], strict=True)
                }
            )
            rows.append(row)
        return rows

    def filter_queryset(self, queryset):
        return queryset  # the filter chooses the path (see ``path``)

    def to_row_dict(self, item):
        return OrderedDict((field, item[field]) for field in self.list_export)

    def get_context_data(self, *args, **kwargs):
        from lms.charts import bar_chart

        context = super().get_context_data(*args, **kwargs)
        rows = context["object_list"]
        context.update(path=self.path, steps=self.steps)
        if rows:
            labels = [_("Joined"), *(s.title for s in self.steps), _("Completed")]
            values = [
                sum(r["assigned"] for r in rows),
                *(sum(r["steps"][i] for r in rows) for i in range(len(self.steps))),
                sum(r["completed"] for r in rows),
            ]
            context["chart"] = bar_chart(
                _("People at each step, all cohorts"), labels, values
            )
            context["totals"] = list(zip(labels, values, strict=True))
        return context
