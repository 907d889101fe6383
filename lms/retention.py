"""The organisation's retention rules, applied daily (``manage.py apply_retention``
from cron, or the ``apply_retention_rules`` task).

Until an organisation admin has read a dry-run report and confirmed the first real
run (``/privacy/retention/``), the daily run only reports what it would do. Every
rule is idempotent: what it deletes or anonymises is gone, or marked, so a second
run the same day finds nothing due.

* data exports past their expiry or older than ``export_retention_days``: the file is
  deleted (the core's rule);
* volunteers inactive for ``inactive_volunteer_years`` (no login, or no login since
  they joined): anonymised through ``lms.privacy.erase_person``, each logged as an
  erasure whose origin is the retention rule;
* plugins apply their part on the ``lms.signals.retention_due`` signal (candidates
  never accepted, uploaded import files).
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task
from wagtail.models import Site

from lms.models import Kind, Membership
from lms.models.people import PEOPLE_MANAGERS
from lms.models.privacy import (
    ErasureOrigin,
    ErasureRequest,
    ErasureStatus,
    PrivacySettings,
    RetentionRun,
    pseudonym,
)
from lms.signals import RetentionDue, retention_due


@dataclass(frozen=True)
class RuleResult:
    """One line of a retention report: ``label`` is an English sentence marked with
    ``gettext_noop`` (shown translated), ``count`` how many were (or would be) done."""

    rule: str
    label: str
    count: int

    def as_json(self):
        return {"rule": self.rule, "label": self.label, "count": self.count}


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def inactive_volunteers(organisation, today, years):
    """Volunteers of the organisation whose last login (or, never logged in, their
    joining) is ``years`` or more before ``today``, not yet anonymised."""
    cutoff = _start_of(today.replace(year=today.year - years))
    memberships = (
        Membership.objects.for_organisation(organisation)
        .filter(kind=Kind.VOLUNTEER)
        .exclude(role__in=PEOPLE_MANAGERS)
        .annotate(last_seen=Coalesce("user__last_login", "joined_at"))
        .filter(last_seen__lt=cutoff)
        .exclude(user__is_superuser=True)
        .select_related("user")
    )
    done = set(
        ErasureRequest.objects.for_organisation(organisation)
        .filter(status=ErasureStatus.DONE)
        .values_list("reference", flat=True)
    )
    return [m for m in memberships if pseudonym(m.user_id, organisation.pk) not in done]


def _expire_exports(organisation, today, dry_run):
    from lms.data_requests import expire_exports

    # Exports expire to the minute (their page says until when), whatever the day.
    count = expire_exports(organisation, now=timezone.now(), dry_run=dry_run)
    return RuleResult("exports", gettext_noop("Data exports deleted"), count)


def _anonymise_inactive(organisation, today, years, dry_run):
    from lms.data_requests import _engine, _report_as_json

    due = inactive_volunteers(organisation, today, years)
    if due and not dry_run:
        erase_person = _engine("erase_person")
        for membership in due:
            with transaction.atomic():
                report = erase_person(membership.user, organisation)
                ErasureRequest.objects.create(
                    organisation=organisation,
                    reference=pseudonym(membership.user_id, organisation.pk),
                    origin=ErasureOrigin.RETENTION,
                    status=ErasureStatus.DONE,
                    decided_at=timezone.now(),
                    finished_at=timezone.now(),
                    report=_report_as_json(report),
                )
    return RuleResult(
        "inactive_volunteers",
        gettext_noop("Inactive volunteers anonymised"),
        len(due),
    )


def apply_retention(organisation, *, today=None, dry_run=True):
    """Apply (or, dry, count) every retention rule of ``organisation`` for
    ``today``; the run and its report are saved. Returns the ``RetentionRun``."""
    today = today or timezone.localdate()
    settings = PrivacySettings.for_organisation(organisation)
    results = [
        _expire_exports(organisation, today, dry_run),
        _anonymise_inactive(
            organisation, today, settings.inactive_volunteer_years, dry_run
        ),
    ]
    event = RetentionDue(
        organisation_id=organisation.pk,
        today=today.isoformat(),
        dry_run=dry_run,
        candidate_retention_days=settings.candidate_retention_days,
        inactive_volunteer_years=settings.inactive_volunteer_years,
        upload_retention_days=settings.upload_retention_days,
    )
    for _receiver, answer in retention_due.send(organisation, event):
        results.extend(answer or [])
    return RetentionRun.objects.create(
        organisation=organisation,
        dry_run=dry_run,
        report=[result.as_json() for result in results],
    )


@task()
def apply_retention_rules(organisation_id: int) -> bool:
    """The daily run of one organisation: real once its admin confirmed the first
    run, a dry run (a report for the admin) until then."""
    organisation = Site.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return False
    confirmed = PrivacySettings.for_organisation(organisation).retention_confirmed_at
    apply_retention(organisation, dry_run=confirmed is None)
    return confirmed is not None


def confirm_first_run(organisation, user):
    """The admin read the dry-run report and confirms: record it, and run now."""
    settings = PrivacySettings.for_organisation(organisation)
    if settings.pk is None:
        settings.save()
    updated = PrivacySettings.objects.filter(
        organisation=organisation, retention_confirmed_at__isnull=True
    ).update(retention_confirmed_at=timezone.now(), retention_confirmed_by=user)
    if updated:
        return apply_retention(organisation, dry_run=False)
    return None


def last_dry_run(organisation):
    return (
        RetentionRun.objects.for_organisation(organisation).filter(dry_run=True).first()
    )


def runs(organisation, limit=10):
    return RetentionRun.objects.for_organisation(organisation)[:limit]
