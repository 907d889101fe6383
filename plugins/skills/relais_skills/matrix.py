"""The skills matrix's data, for the report page and its exports alike: the
columns (skills) and the levels of people, read a chunk of people at a time so an
export of 10,000 people x 300 skills keeps memory flat."""

from django.db.models import Q

from relais_skills.models import Framework, Proficiency, Skill

CHUNK = 1000  # people read at once

# (background, text) per validated level: the page's heatmap (reports.css), for
# the XLSX export's conditional formats.
LEVEL_COLOURS = {
    0: ("F9FAFB", "374151"),
    1: ("DBEAFE", "1E3A8A"),
    2: ("93C5FD", "172554"),
    3: ("1D4ED8", "FFFFFF"),
    4: ("1E3A8A", "FFFFFF"),
    5: ("1E3A8A", "FFFFFF"),
    6: ("1E3A8A", "FFFFFF"),
}
FIRST_LEVEL_COLUMN = 3  # after the name and the team


def columns(organisation, group=None):
    skills = Skill.objects.filter(
        framework__in=Framework.objects.available_to(organisation)
    ).select_related("framework", "group")
    if group is not None:
        skills = skills.filter(Q(group=group) | Q(group__parent=group))
    return list(skills.order_by("group__name", "name"))


def levels(organisation, user_ids, skills):
    """{(user id, skill id): (validated level, self-assessed level)}."""
    return {
        (user_id, skill_id): (level, self_level)
        for user_id, skill_id, level, self_level in Proficiency.objects.filter(
            organisation=organisation, user_id__in=user_ids, skill__in=skills
        ).values_list("user_id", "skill_id", "level", "self_level")
    }


def with_levels(organisation, members, skills):
    """``members`` (a Membership queryset) one by one, each with ``.levels``."""
    chunk = []
    for member in members.iterator(chunk_size=CHUNK):
        chunk.append(member)
        if len(chunk) == CHUNK:
            yield from _chunk(organisation, chunk, skills)
            chunk = []
    yield from _chunk(organisation, chunk, skills)


def _chunk(organisation, people, skills):
    found = levels(organisation, [m.user_id for m in people], skills)
    for member in people:
        member.levels = found
        yield member


def row(member, skills):
    """A person's row: name, team, then the validated level in each skill."""
    return [
        member.user.get_full_name() or member.user.get_username(),
        member.team.name if member.team else "",
        *(member.levels.get((member.user_id, s.pk), (0, 0))[0] for s in skills),
    ]


def write_xlsx(job, members, skills, headings, output):
    """The whole matrix into ``output`` (a path or file), row by row with
    openpyxl's write-only workbook, telling ``job`` how far it got."""
    from django.utils.translation import gettext
    from openpyxl import Workbook

    from lms.exports import cell, finish_sheet, heatmap, sheet_title

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(gettext("Skills matrix")))
    finish_sheet(sheet, len(headings), frozen_columns=FIRST_LEVEL_COLUMN - 1)
    sheet.append([cell(heading) for heading in headings])
    job.total = members.count()
    job.save(update_fields=["total"])
    for done, member in enumerate(with_levels(job.organisation, members, skills), 1):
        values = row(member, skills)
        sheet.append([cell(values[0]), cell(values[1]), *values[2:]])
        if done % CHUNK == 0:
            job.done = done
            job.save(update_fields=["done"])
    heatmap(sheet, FIRST_LEVEL_COLUMN, len(headings), job.total + 1, LEVEL_COLOURS)
    workbook.save(output)
    job.done = job.total


def run_export(job_id):
    """Write the matrix a ``Job`` describes (its filters) into its result file,
    once: a job already started is left alone."""
    import logging
    import tempfile
    from types import SimpleNamespace

    from django.core.files import File
    from django.utils import timezone, translation

    from lms.models import Membership
    from relais_skills.models import Job
    from relais_skills.reports import MatrixFilters

    # A job left running by a worker that died is written again from the start.
    started = Job.objects.filter(
        pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).update(status=Job.Status.RUNNING)
    if not started:
        return None
    job = Job.objects.select_related("organisation").get(pk=job_id)
    organisation = job.organisation
    try:
        with translation.override(job.params.get("ui_language")):
            members = (
                Membership.objects.for_organisation(organisation)
                .active()
                .select_related("user", "team")
                .order_by("user__last_name", "user__first_name", "pk")
            )
            # The report's own filters, with the organisation the request had.
            filters = MatrixFilters(
                job.params.get("filters", {}),
                queryset=members,
                request=SimpleNamespace(organisation=organisation),
            )
            group = (
                filters.form.cleaned_data.get("group") if filters.is_valid() else None
            )
            skills = columns(organisation, group)
            headings = [
                str(translation.gettext("Person")),
                str(translation.gettext("Team")),
                *(s.name for s in skills),
            ]
            with tempfile.TemporaryFile() as output:
                write_xlsx(job, filters.qs, skills, headings, output)
                output.seek(0)
                job.result.save("skills-matrix.xlsx", File(output), save=False)
        job.status, job.finished_at = Job.Status.DONE, timezone.now()
        job.save(update_fields=["result", "status", "finished_at", "done", "total"])
    except Exception:
        logging.getLogger("lms").exception("Skills matrix export %s stopped", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            messages=[{"file": "", "row": 0,
                       "reason": translation.gettext(
                           "The export stopped on an unexpected error.")}],
        )  # fmt: skip
        raise
    return Job.Status.DONE
