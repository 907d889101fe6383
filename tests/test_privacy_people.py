"""A person's data requests, the organisation's answers, retention and the access
log (issue 19, part B)."""

import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from lms.access_log import log_access
from lms.data_requests import RequestRefused, decide_erasure, request_erasure
from lms.models import Membership, Role
from lms.models.privacy import (
    AccessLogEntry,
    DataExport,
    ErasureRequest,
    ErasureStatus,
    JobStatus,
    PrivacySettings,
    RetentionRun,
    pseudonym,
)
from lms.retention import apply_retention, apply_retention_rules, inactive_volunteers
from tests.factories import member


def _zip_bytes():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lms.json", "{}")
    return buffer.getvalue()


def _ready_export(organisation, user, **fields):
    export = DataExport.objects.create(
        organisation=organisation,
        user=user,
        status=JobStatus.READY,
        progress=100,
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
        **fields,
    )
    export.file.save("relais-data.zip", ContentFile(_zip_bytes()))
    return export


@pytest.fixture
def lea(org_a):
    return member(org_a, Role.LEARNER)


# --- My data -------------------------------------------------------------------


def test_my_data_is_in_every_members_account_menu(client_a, org_a):
    for role in Role.values:
        user = member(org_a, role)
        client_a.force_login(user)
        response = client_a.get(reverse("lms:dashboard"))
        assert reverse("lms:my_data").encode() in response.content, role


def test_my_data_page_offers_an_export_and_an_erasure_request(client_a, lea):
    client_a.force_login(lea)
    response = client_a.get(reverse("lms:my_data"))
    assert response.status_code == 200
    assert b"export_request" not in response.content  # the URL, not the name
    assert reverse("lms:export_request").encode() in response.content
    assert reverse("lms:erasure_request").encode() in response.content


def test_a_ready_export_downloads_for_its_owner_as_a_private_attachment(
    client_a, org_a, lea
):
    export = _ready_export(org_a, lea)
    client_a.force_login(lea)
    response = client_a.get(reverse("lms:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(BytesIO(body)).namelist() == ["lms.json"]
    export.refresh_from_db()
    assert export.downloaded_at is not None


@pytest.mark.parametrize("role", Role.values)
def test_nobody_else_of_the_organisation_downloads_a_persons_export(
    client_a, org_a, lea, role
):
    export = _ready_export(org_a, lea)
    client_a.force_login(member(org_a, role))
    assert (
        client_a.get(reverse("lms:export_download", args=[export.pk])).status_code
        == 404
    )
    assert (
        client_a.get(reverse("lms:export_status", args=[export.pk])).status_code == 404
    )


def test_the_owner_cannot_download_her_export_from_another_organisation(
    client, org_a, org_b, lea
):
    export = _ready_export(org_a, lea)
    Membership.objects.create(user=lea, organisation=org_b, role=Role.LEARNER)
    client.force_login(lea)
    response = client.get(
        reverse("lms:export_download", args=[export.pk]), HTTP_HOST="b.test"
    )
    assert response.status_code == 404


def test_an_expired_export_is_not_downloadable(client_a, org_a, lea):
    export = _ready_export(org_a, lea)
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client_a.force_login(lea)
    assert (
        client_a.get(reverse("lms:export_download", args=[export.pk])).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_log_in(client_a, org_a, lea):
    export = _ready_export(org_a, lea)
    response = client_a.get(reverse("lms:export_download", args=[export.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_status_of_an_export_in_progress_is_read_by_its_owner(client_a, org_a, lea):
    export = DataExport.objects.create(
        organisation=org_a, user=lea, status=JobStatus.RUNNING, progress=40
    )
    client_a.force_login(lea)
    data = client_a.get(reverse("lms:export_status", args=[export.pk])).json()
    assert data == {"status": "running", "progress": 40, "ready": False}


def test_one_export_at_a_time_is_a_database_constraint(org_a, lea):
    from django.db import IntegrityError, transaction

    DataExport.objects.create(organisation=org_a, user=lea)
    with pytest.raises(IntegrityError), transaction.atomic():
        DataExport.objects.create(organisation=org_a, user=lea)


# --- erasure requests ------------------------------------------------------------


def test_a_person_asks_for_erasure_and_the_deciders_are_told(
    client_a, org_a, lea, django_capture_on_commit_callbacks
):
    coordinator = member(org_a, Role.COORDINATOR)
    client_a.force_login(lea)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            reverse("lms:erasure_request"), {"reason": "Je déménage."}
        )
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get()
    assert erasure.person == lea
    assert erasure.reason == "Je déménage."
    assert erasure.reference == pseudonym(lea.pk, org_a.pk)
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_a_second_request_while_one_waits_changes_nothing(client_a, org_a, lea):
    request_erasure(org_a, lea)
    client_a.force_login(lea)
    response = client_a.post(
        reverse("lms:erasure_request"), {"reason": ""}, follow=True
    )
    assert ErasureRequest.objects.count() == 1
    assert "still waiting" in response.content.decode() or "toujours" in (
        response.content.decode()
    )


def test_a_refusal_needs_its_reason_and_the_person_is_told_in_her_language(
    client_a, org_a, lea, django_capture_on_commit_callbacks
):
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(
        user=lea, defaults={"preferred_language": "en"}
    )
    erasure = request_erasure(org_a, lea)
    coordinator = member(org_a, Role.COORDINATOR)
    client_a.force_login(coordinator)
    url = reverse("lms:erasure_decide", args=[erasure.pk])
    response = client_a.post(url, {"decision": "refuse", "kept_explanation": ""})
    assert response.status_code == 400
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.PENDING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            url,
            {
                "decision": "refuse",
                "kept_explanation": "Your donation receipts are kept ten years.",
            },
        )
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.REFUSED
    assert erasure.decided_by == coordinator
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [lea.email]
    assert "refused" in mail.outbox[0].subject
    assert "ten years" in mail.outbox[0].body


def test_a_decision_is_taken_once(org_a, lea):
    erasure = request_erasure(org_a, lea)
    coordinator = member(org_a, Role.COORDINATOR)
    decide_erasure(
        erasure, decided_by=coordinator, approve=False, kept_explanation="Loi."
    )
    with pytest.raises(RequestRefused):
        decide_erasure(
            erasure, decided_by=coordinator, approve=False, kept_explanation="Loi."
        )


@pytest.mark.parametrize("role", [Role.LEARNER, Role.MENTOR, Role.TRAINER])
def test_other_roles_do_not_decide_erasure_requests(client_a, org_a, lea, role):
    erasure = request_erasure(org_a, lea)
    client_a.force_login(member(org_a, role))
    assert client_a.get(reverse("lms:erasure_requests")).status_code == 403
    url = reverse("lms:erasure_decide", args=[erasure.pk])
    assert client_a.post(url, {"decision": "approve"}).status_code == 403
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.PENDING


def test_the_data_protection_contact_decides_whatever_her_role(client_a, org_a, lea):
    contact = member(org_a, Role.MENTOR)
    settings = PrivacySettings.for_organisation(org_a)
    settings.data_protection_contact = contact
    settings.save()
    request_erasure(org_a, lea)
    client_a.force_login(contact)
    response = client_a.get(reverse("lms:erasure_requests"))
    assert response.status_code == 200
    assert lea.get_full_name() in response.content.decode()


def test_another_organisations_request_is_not_found(client_a, org_a, org_b, lea):
    stranger = member(org_b, Role.LEARNER)
    erasure = request_erasure(org_b, stranger)
    client_a.force_login(member(org_a, Role.COORDINATOR))
    url = reverse("lms:erasure_decide", args=[erasure.pk])
    assert client_a.get(url).status_code == 404


def test_waiting_requests_are_in_the_coordinators_action_list(client_a, org_a, lea):
    request_erasure(org_a, lea)
    client_a.force_login(member(org_a, Role.COORDINATOR))
    response = client_a.get(reverse("lms:dashboard"))
    assert reverse("lms:erasure_requests").encode() in response.content


# --- access log ------------------------------------------------------------------


def test_a_coordinator_viewing_a_persons_page_is_logged(client_a, org_a, lea):
    coordinator = member(org_a, Role.COORDINATOR)
    membership = Membership.objects.get(user=lea)
    client_a.force_login(coordinator)
    client_a.get(reverse("lms:person", args=[membership.pk]))
    entry = AccessLogEntry.objects.get()
    assert (entry.viewer, entry.person, entry.organisation) == (
        coordinator,
        lea,
        org_a,
    )
    assert entry.what == "person page"


def test_viewing_ones_own_data_is_not_logged(rf, org_a, lea):
    request = rf.get("/")
    request.user, request.organisation = lea, org_a
    assert log_access(request, lea, "skills") is None
    assert not AccessLogEntry.objects.exists()


def test_the_access_log_is_the_admins_only(client_a, org_a, lea):
    admin = member(org_a, Role.ADMIN)
    coordinator = member(org_a, Role.COORDINATOR)
    AccessLogEntry.objects.create(
        organisation=org_a, viewer=coordinator, person=lea, what="person page"
    )
    client_a.force_login(coordinator)
    assert client_a.get(reverse("lms:access_log")).status_code == 403
    client_a.force_login(admin)
    response = client_a.get(reverse("lms:access_log"))
    assert response.status_code == 200
    assert lea.get_full_name() in response.content.decode()


def test_the_access_log_page_runs_a_fixed_number_of_queries(
    client_a, org_a, django_assert_max_num_queries
):
    admin = member(org_a, Role.ADMIN)
    for _ in range(15):
        AccessLogEntry.objects.create(
            organisation=org_a,
            viewer=admin,
            person=member(org_a),
            what="person page",
        )
    client_a.force_login(admin)
    with django_assert_max_num_queries(15):
        assert client_a.get(reverse("lms:access_log")).status_code == 200


# --- retention -------------------------------------------------------------------


def test_the_daily_run_is_dry_until_the_admin_confirms(org_a, lea):
    export = _ready_export(org_a, lea)
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert apply_retention_rules.call(org_a.pk) is False
    run = RetentionRun.objects.get()
    assert run.dry_run
    assert {"rule": "exports", "label": "Data exports deleted", "count": 1} in (
        run.report
    )
    export.refresh_from_db()
    assert export.status == JobStatus.READY and export.file.storage.exists(
        export.file.name
    )


def test_the_admin_reads_the_dry_run_then_confirms_the_first_run(client_a, org_a, lea):
    admin = member(org_a, Role.ADMIN)
    export = _ready_export(org_a, lea)
    name = export.file.name
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    client_a.force_login(admin)
    url = reverse("lms:retention")
    client_a.post(url, {"action": "confirm"})
    assert PrivacySettings.for_organisation(org_a).retention_confirmed_at is None
    client_a.post(url, {"action": "dry_run"})
    page = client_a.get(url).content.decode()
    assert "dry-run-report" in page
    client_a.post(url, {"action": "confirm"})
    settings = PrivacySettings.for_organisation(org_a)
    assert settings.retention_confirmed_by == admin
    export.refresh_from_db()
    assert export.status == JobStatus.EXPIRED
    assert not export.file
    assert not DataExport.file.field.storage.exists(name)


def test_retention_deletes_exactly_the_exports_due_and_is_twice_run_safe(org_a, lea):
    import time_machine

    PrivacySettings.objects.create(organisation=org_a, export_retention_days=7)
    with time_machine.travel("2026-12-01 10:00", tick=False):
        old = _ready_export(org_a, lea)
    with time_machine.travel("2026-12-06 10:00", tick=False):
        recent = _ready_export(org_a, member(org_a))
    with time_machine.travel("2026-12-08 12:00", tick=False):
        first = apply_retention(org_a, dry_run=False)
        second = apply_retention(org_a, dry_run=False)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == JobStatus.EXPIRED and not old.file
    assert recent.status == JobStatus.READY and recent.file
    assert first.report[0]["count"] == 1
    assert second.report[0]["count"] == 0


def test_volunteers_inactive_for_the_set_years_are_due_and_staff_are_not(org_a):
    import time_machine

    with time_machine.travel("2022-06-01 10:00", tick=False):
        gone = member(org_a, Role.LEARNER)
        coordinator = member(org_a, Role.COORDINATOR)
    with time_machine.travel("2023-06-01 10:00", tick=False):
        recent = member(org_a, Role.LEARNER)
    with time_machine.travel("2025-05-31", tick=False):
        due = inactive_volunteers(org_a, timezone.localdate(), 3)
    assert due == []
    with time_machine.travel("2025-06-02", tick=False):
        due = inactive_volunteers(org_a, timezone.localdate(), 3)
    assert [m.user for m in due] == [gone]
    assert coordinator != gone and recent != gone


def test_retention_settings_refuse_a_zero_period_and_change_nothing(client_a, org_a):
    admin = member(org_a, Role.ADMIN)
    client_a.force_login(admin)
    response = client_a.post(
        reverse("lms:retention"),
        {
            "action": "save",
            "candidate_retention_days": "0",
            "inactive_volunteer_years": "3",
            "export_retention_days": "7",
            "upload_retention_days": "30",
        },
    )
    assert response.status_code == 400
    assert PrivacySettings.for_organisation(org_a).candidate_retention_days == 183


def test_the_retention_page_is_the_admins_only(client_a, org_a):
    client_a.force_login(member(org_a, Role.COORDINATOR))
    assert client_a.get(reverse("lms:retention")).status_code == 403


# --- through the real engines (lms.privacy) ----------------------------------------


def test_an_export_is_built_in_the_background_with_who_viewed_her(
    client_a, org_a, lea, django_capture_on_commit_callbacks
):
    import json

    coordinator = member(org_a, Role.COORDINATOR)
    AccessLogEntry.objects.create(
        organisation=org_a, viewer=coordinator, person=lea, what="person page"
    )
    client_a.force_login(lea)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("lms:export_request"))
        client_a.post(reverse("lms:export_request"))  # a double click: one export
    export = DataExport.objects.get()
    assert export.status == JobStatus.READY and export.progress == 100
    assert export.expires_at - export.finished_at == timedelta(days=7)
    response = client_a.get(reverse("lms:export_download", args=[export.pk]))
    archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("lms/data.json"))
    [entry] = data["AccessLogEntry"]
    assert entry["what"] == "person page"
    everything = "".join(
        archive.read(name).decode() for name in archive.namelist() if ".json" in name
    )
    assert lea.email in everything


def test_an_approved_erasure_runs_keeps_only_a_reference_and_tells_the_person(
    client_a, org_a, lea, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    address, name = lea.email, lea.last_name
    erasure = request_erasure(org_a, lea, "Je pars.")
    AccessLogEntry.objects.create(
        organisation=org_a, viewer=None, person=lea, what="person page"
    )
    coordinator = member(org_a, Role.COORDINATOR)
    client_a.force_login(coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            reverse("lms:erasure_decide", args=[erasure.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.DONE
    assert erasure.person is None and erasure.reason == ""
    assert erasure.reference == pseudonym(lea.pk, org_a.pk)
    assert erasure.decided_by == coordinator
    assert erasure.report["entries"]
    assert not AccessLogEntry.objects.exists()
    assert not get_user_model().objects.filter(email=address).exists()
    assert name not in str(erasure.report)
    assert [m.to for m in mail.outbox] == [[address]]
    page = client_a.get(reverse("lms:erasure_requests")).content.decode()
    assert erasure.reference in page and name not in page


def test_a_partial_erasure_keeps_what_the_decider_named_with_the_reason(
    client_a, org_a, lea, django_capture_on_commit_callbacks
):
    erasure = request_erasure(org_a, lea)
    client_a.force_login(member(org_a, Role.COORDINATOR))
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(
            reverse("lms:erasure_decide", args=[erasure.pk]),
            {
                "decision": "keep",
                "kept_models": ["lms.Membership"],
                "kept_explanation": "Le registre des adhérents est tenu dix ans.",
            },
        )
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.DONE
    kept = [e for e in erasure.report["entries"] if e["model"] == "lms.Membership"]
    assert kept[0]["action"] == "kept"
    assert kept[0]["reason"] == "Le registre des adhérents est tenu dix ans."
    assert Membership.objects.filter(organisation=org_a, user_id=lea.pk).exists()


def test_inactive_volunteers_are_anonymised_once_under_a_frozen_clock(org_a):
    import time_machine
    from django.contrib.auth import get_user_model

    with time_machine.travel("2022-06-01 10:00", tick=False):
        gone = member(org_a, Role.LEARNER)
    with time_machine.travel("2024-06-01 10:00", tick=False):
        stays = member(org_a, Role.LEARNER)
    address = gone.email
    with time_machine.travel("2025-06-02 03:00", tick=False):
        first = apply_retention(org_a, dry_run=False)
        second = apply_retention(org_a, dry_run=False)
    counts = [
        {line["rule"]: line["count"] for line in run.report} for run in (first, second)
    ]
    assert counts[0]["inactive_volunteers"] == 1
    assert counts[1]["inactive_volunteers"] == 0
    assert not get_user_model().objects.filter(email=address).exists()
    assert get_user_model().objects.filter(pk=stays.pk, email=stays.email).exists()
    log = ErasureRequest.objects.get()
    assert log.origin == "retention" and log.person is None


def test_the_demo_holds_a_leaver_whose_erasure_waits_and_lea_exports_her_data(
    client, db, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    users = get_user_model().objects
    lea, sophie = users.get(username="benevole"), users.get(username="coordinatrice")
    erasure = ErasureRequest.objects.get(status=ErasureStatus.PENDING)
    assert erasure.person.username == "ancienne-benevole"
    host = {"HTTP_HOST": "127.0.0.1:8000"}
    client.force_login(lea)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lms:export_request"), **host)
    export = DataExport.objects.get(user=lea)
    assert export.status == JobStatus.READY, export.failure
    client.force_login(sophie)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("lms:erasure_decide", args=[erasure.pk]),
            {"decision": "approve"},
            **host,
        )
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.DONE, erasure.report
