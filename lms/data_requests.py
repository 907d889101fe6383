"""A person's requests about their data, and the organisation's answers.

* An export: ``request_export()`` saves a ``DataExport`` and, on commit, the
  ``build_export`` task asks ``lms.privacy.export_person`` for the ZIP, keeps it in
  the private storage and lets only that person download it until it expires.
* An erasure: ``request_erasure()``; a coordinator, admin or the organisation's
  data-protection contact decides (``decide_erasure()``: approve, approve but keep
  some data with the reason, or refuse with the reason); an approved request runs
  ``lms.privacy.erase_person`` in the ``run_erasure`` task. The person hears of the
  decision and of the outcome by e-mail in their language; the request stays as the
  log, naming the person only by a pseudonymous reference once erased.
"""

import tempfile
from datetime import timedelta

from django.core.files.base import File
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from lms import jobs
from lms.mail import language_of, link
from lms.models import Membership
from lms.models.people import PEOPLE_MANAGERS
from lms.models.privacy import (
    DataExport,
    ErasureRequest,
    ErasureStatus,
    JobStatus,
    PrivacySettings,
)


class RequestRefused(Exception):
    """A request that cannot be made or decided now; the message says why."""


# --- the engines, through one thin door ---------------------------------------


def _engine(name):
    """``lms.privacy``'s export or erasure function (imported when used: the
    contract's engines live in their own package)."""
    from lms.privacy import engines

    return getattr(engines, name)


# --- exports -------------------------------------------------------------------


def request_export(organisation, user):
    """A new export for ``user`` in ``organisation``, built in the background; the
    one already in the making when there is one (a double click makes one)."""
    current = (
        DataExport.objects.for_organisation(organisation)
        .filter(user=user, status__in=[JobStatus.PENDING, JobStatus.RUNNING])
        .first()
    )
    if current:
        return current
    try:
        with transaction.atomic():
            export = DataExport.objects.create(organisation=organisation, user=user)
    except IntegrityError:  # a concurrent click won the constraint
        return (
            DataExport.objects.for_organisation(organisation)
            .filter(user=user, status__in=[JobStatus.PENDING, JobStatus.RUNNING])
            .get()
        )
    jobs.submit(build_export, export.pk, organisation=organisation, requested_by=user)
    return export


@task()
def build_export(export_id: int) -> bool:
    """Make the ZIP of one export; does nothing once it is made. A run that died
    half-way (a killed worker) is taken up again by ``lms.jobs``' retry, which
    lets one run at a time claim the job."""
    claimed = DataExport.objects.filter(
        pk=export_id, status__in=[JobStatus.PENDING, JobStatus.RUNNING]
    ).update(status=JobStatus.RUNNING, progress=1)
    if not claimed:
        return False
    export = DataExport.objects.select_related("organisation", "user").get(pk=export_id)
    export_person = _engine("export_person")
    # The engine writes the whole ZIP in one call: the page shows it started,
    # then done (a spooled file: memory for small exports, disk past 20 MB).
    DataExport.objects.filter(pk=export_id).update(progress=10)
    with tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024) as target:
        # An error fails the job (lms.jobs retries it, then export_failed).
        export_person(export.user, export.organisation, target)
        DataExport.objects.filter(pk=export_id).update(progress=90)
        target.seek(0)
        stamp = timezone.localdate().isoformat()
        export.file.save(f"relais-data-{stamp}.zip", File(target), save=False)
    days = PrivacySettings.for_organisation(export.organisation).export_retention_days
    now = timezone.now()
    DataExport.objects.filter(pk=export_id, status=JobStatus.RUNNING).update(
        file=export.file.name,
        status=JobStatus.READY,
        progress=100,
        finished_at=now,
        expires_at=now + timedelta(days=days),
    )
    return True


def export_failed(job):
    """``lms.jobs``' end of a failed export: the person reads it on her page."""
    DataExport.objects.filter(
        pk=job.args[0], status__in=[JobStatus.PENDING, JobStatus.RUNNING]
    ).update(status=JobStatus.FAILED, failure=job.message[:2000], progress=0)


def erasure_failed(job):
    ErasureRequest.objects.filter(
        pk=job.args[0],
        status__in=[ErasureStatus.APPROVED, ErasureStatus.PARTIAL],
        finished_at__isnull=True,
    ).update(status=ErasureStatus.FAILED, report={"failure": job.message[:2000]})


def expire_exports(organisation, now=None, dry_run=False):
    """Delete the files of exports past their expiry, or older than the
    organisation's retention; returns how many."""
    now = now or timezone.now()
    days = PrivacySettings.for_organisation(organisation).export_retention_days
    due = (
        DataExport.objects.for_organisation(organisation)
        .exclude(status=JobStatus.EXPIRED)
        .filter(Q(expires_at__lte=now) | Q(created_at__lte=now - timedelta(days=days)))
        .exclude(status__in=[JobStatus.PENDING, JobStatus.RUNNING])
    )
    count = 0
    for export in due:
        count += 1
        if dry_run:
            continue
        if export.file:
            export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(
            status=JobStatus.EXPIRED, file=""
        )
    return count


# --- erasure -------------------------------------------------------------------


def may_decide_erasures(request):
    """Coordinators, admins and the organisation's data-protection contact."""
    user, membership = request.user, request.membership
    if user.is_superuser or (membership and membership.role in PEOPLE_MANAGERS):
        return True
    if membership is None:
        return False
    # The menu and the dashboard ask on one request: one query.
    if not hasattr(request, "_lms_dpo_id"):
        request._lms_dpo_id = (
            PrivacySettings.objects.filter(organisation=request.organisation)
            .values_list("data_protection_contact_id", flat=True)
            .first()
        )
    return request._lms_dpo_id == user.pk


def request_erasure(organisation, user, reason=""):
    """Record ``user``'s erasure request; refused while one is waiting."""
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(
                organisation=organisation,
                person=user,
                reason=reason.strip(),
                language=language_of(user, organisation),
            )
    except IntegrityError:
        raise RequestRefused(
            translation.gettext("Your earlier request is still waiting for an answer.")
        ) from None
    return erasure


def decide_erasure(
    erasure, *, decided_by, approve, kept_explanation="", kept_models=()
):
    """Approve (all, or keeping the declarations ``kept_models`` names, with why in
    ``kept_explanation``) or refuse (``kept_explanation`` says why). Only a waiting
    request is decided, once."""
    kept_explanation = kept_explanation.strip()
    if not approve and not kept_explanation:
        raise RequestRefused(
            translation.gettext("Say why the request is refused: the person is told.")
        )
    if approve:
        status = ErasureStatus.PARTIAL if kept_explanation else ErasureStatus.APPROVED
    else:
        status = ErasureStatus.REFUSED
    decided = ErasureRequest.objects.filter(
        pk=erasure.pk, status=ErasureStatus.PENDING
    ).update(
        status=status,
        decided_by=decided_by,
        decided_at=timezone.now(),
        kept_explanation=kept_explanation,
        kept_models=sorted(kept_models) if approve else [],
        finished_at=None if approve else timezone.now(),
    )
    if not decided:
        raise RequestRefused(translation.gettext("This request was already decided."))
    erasure.refresh_from_db()
    organisation = erasure.organisation
    if approve:
        jobs.submit(
            run_erasure, erasure.pk, organisation=organisation, requested_by=decided_by
        )
    else:
        jobs.submit(tell_person, erasure.pk, organisation=organisation)
    return erasure


def _report_as_json(report):
    """The engine's report (a mapping or an object with attributes) as JSON."""
    if report is None:
        return {}
    if isinstance(report, dict):
        return report
    for name in ("as_dict", "to_dict", "as_json"):
        if hasattr(report, name):
            return getattr(report, name)()
    import dataclasses

    if dataclasses.is_dataclass(report):
        return dataclasses.asdict(report)
    return {"summary": str(report)}


@task()
def run_erasure(erasure_id: int) -> bool:
    """Erase an approved request's person through every app's declaration, then
    tell them; the request keeps only the pseudonymous reference."""
    erasure = (
        ErasureRequest.objects.filter(
            pk=erasure_id,
            status__in=[ErasureStatus.APPROVED, ErasureStatus.PARTIAL],
            finished_at__isnull=True,
        )
        .select_related("person", "organisation")
        .first()
    )
    if erasure is None or erasure.person is None:
        return False
    person, organisation = erasure.person, erasure.organisation
    address = person.email
    language = erasure.language or language_of(person, organisation)
    erase_person = _engine("erase_person")
    # All or nothing; an error fails the job (retried, then erasure_failed).
    with transaction.atomic():
        report = erase_person(
            person,
            organisation,
            kept_reason=erasure.kept_explanation or None,
            keep=erasure.kept_models,
        )
        ErasureRequest.objects.filter(pk=erasure_id).update(
            status=ErasureStatus.DONE,
            finished_at=timezone.now(),
            report=_report_as_json(report),
            person=None,
            reason="",
        )
        # The address travels in the job's arguments until the e-mail is sent.
        jobs.submit(tell_person, erasure_id, address, language)
    return True


@task()
def tell_person(erasure_id: int, address: str = "", language: str = "") -> int:
    """E-mail the person the decision or the outcome, in their language. Once
    erased, the address comes from the task that erased them (the request no
    longer holds it)."""
    erasure = (
        ErasureRequest.objects.select_related("person", "organisation")
        .filter(pk=erasure_id)
        .first()
    )
    if erasure is None:
        return 0
    organisation = erasure.organisation
    if erasure.person is not None:
        address = address or erasure.person.email
        language = language or language_of(erasure.person, organisation)
    if not address:
        return 0
    with translation.override(language or "fr"):
        text = render_to_string(
            "lms/email/erasure_answer.txt",
            {
                "erasure": erasure,
                "organisation": organisation,
                "link": link(organisation, reverse("lms:my_data")),
            },
        )
    subject, _newline, body = text.strip().partition("\n")
    return EmailMessage(subject.strip(), body.strip() + "\n", to=[address]).send()


def tell_deciders(erasure):
    """E-mail those who may decide that a request waits (in their languages)."""
    from lms.mail import send

    organisation = erasure.organisation
    settings = PrivacySettings.for_organisation(organisation)
    deciders = {
        m.user
        for m in Membership.objects.for_organisation(organisation)
        .active()
        .filter(role__in=PEOPLE_MANAGERS, user__is_active=True)
        .select_related("user__wagtail_userprofile")
    }
    if settings.data_protection_contact_id:
        deciders.add(settings.data_protection_contact)
    url = link(organisation, reverse("lms:erasure_requests"))
    return sum(
        send("lms/email/erasure_waiting.txt", user, organisation, {"link": url})
        for user in deciders
    )
