"""Outgoing webhooks (lms.webhooks), against a real HTTP receiver on loopback that
verifies every request with the ``standardwebhooks`` library, as a subscriber would:
signed deliveries, retries with the same webhook-id, replay from the log, endpoints
disabled after failing, the URL checks (SSRF), and each organisation's walls."""

import io
import json
import threading
import urllib.error
import urllib.request
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError
from wagtail.models import Site

from lms.models import Notification, Role
from lms.people import join_organisation
from lms.webhooks import delivery as sending
from lms.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory, member

JOINED = "relais.person.joined.v1"


class Receiver:
    """A subscriber's server: verifies each request with its copy of the secret
    (400 when it does not verify), answers the next planned status (200 when the
    plan is empty), and keeps what it received."""

    def __init__(self):
        self.secret = ""
        self.plan = []
        self.received = []
        self.answer_body = b"ok"
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except WebhookVerificationError:
                    payload, verified = None, False
                status = (
                    (receiver.plan.pop(0) if receiver.plan else 200)
                    if verified
                    else 400
                )
                receiver.received.append(
                    {
                        "id": headers.get("webhook-id"),
                        "headers": headers,
                        "body": body,
                        "payload": payload,
                        "verified": verified,
                        "status": status,
                    }
                )
                self.send_response(status)
                self.send_header("Content-Length", str(len(receiver.answer_body)))
                self.end_headers()
                self.wfile.write(receiver.answer_body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/relais"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback(settings):
    """Tests call a server on loopback over http: allowed here only."""
    settings.LMS_WEBHOOKS_ALLOW_HTTP = True
    settings.LMS_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    return settings


@pytest.fixture
def receiver(loopback):
    server = Receiver()
    yield server
    server.close()


def subscribe(organisation, receiver, event_types=(JOINED,)):
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url=receiver.url,
        event_types=list(event_types),
        secret=sending.new_secret(),
    )
    receiver.secret = endpoint.secret
    return endpoint


def someone_joins(organisation, capture):
    with capture(execute=True):
        join_organisation(UserFactory(), organisation)


def due(delivery, clock):
    """Run the minutely command once the delivery's next attempt is due."""
    delivery.refresh_from_db()
    clock.move_to(delivery.next_attempt_at + timedelta(seconds=1))
    out = io.StringIO()
    call_command("send_webhooks", stdout=out)
    return dict(
        (name, int(count))
        for name, count in (part.split(": ") for part in out.getvalue().split(", "))
    )


def test_an_event_reaches_the_endpoint_signed_per_standard_webhooks(
    org_a, receiver, django_capture_on_commit_callbacks
):
    endpoint = subscribe(org_a, receiver)
    someone_joins(org_a, django_capture_on_commit_callbacks)

    (request,) = receiver.received
    assert request["verified"]
    assert request["id"].startswith("msg_")
    assert request["headers"]["webhook-signature"].startswith("v1,")
    assert request["payload"]["type"] == JOINED
    assert request["payload"]["data"]["organisation_id"] == org_a.pk
    assert request["payload"]["data"]["role"] == Role.LEARNER
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.webhook_id == request["id"]
    assert delivery.body.encode() == request["body"]
    assert (delivery.attempts, delivery.response_status) == (1, 200)


def test_an_endpoint_not_subscribed_to_the_event_hears_nothing(
    org_a, receiver, django_capture_on_commit_callbacks
):
    subscribe(org_a, receiver, ["relais.badge.awarded.v1"])
    someone_joins(org_a, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_failed_attempts_are_retried_later_with_the_same_webhook_id(
    org_a, receiver, time_machine, django_capture_on_commit_callbacks
):
    endpoint = subscribe(org_a, receiver)
    receiver.plan = [500, 500]
    started = timezone.now()
    someone_joins(org_a, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.RETRYING
    # Five minutes (with jitter) before the second attempt; nothing due before.
    first_wait = delivery.next_attempt_at - started
    assert timedelta(minutes=3) < first_wait < timedelta(minutes=7)
    assert sending.send_due(now=started + timedelta(minutes=2))["queued"] == 0
    assert len(receiver.received) == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert due(delivery, time_machine)["queued"] == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.RETRYING
    second_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert second_wait > first_wait  # exponential
    with django_capture_on_commit_callbacks(execute=True):
        due(delivery, time_machine)
    delivery.refresh_from_db()

    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert [r["status"] for r in receiver.received] == [500, 500, 200]
    assert all(r["verified"] for r in receiver.received)
    assert len({r["id"] for r in receiver.received}) == 1  # idempotency key
    assert len({r["body"] for r in receiver.received}) == 1
    assert delivery.attempt_log.count() == 3
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0  # a success forgives


def test_a_delivery_is_given_up_after_its_last_attempt(
    org_a, receiver, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.LMS_WEBHOOKS_MAX_ATTEMPTS = 2
    endpoint = subscribe(org_a, receiver)
    receiver.plan = [500, 500, 500]
    someone_joins(org_a, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        due(delivery, time_machine)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.next_attempt_at is None
    assert len(receiver.received) == 2


def test_a_delivery_job_run_twice_sends_once(
    org_a, receiver, django_capture_on_commit_callbacks
):
    from lms.webhooks.tasks import deliver_webhook

    endpoint = subscribe(org_a, receiver)
    someone_joins(org_a, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert deliver_webhook.call(delivery.pk) == "skipped"
    assert len(receiver.received) == 1


def test_a_delivery_whose_worker_died_mid_send_is_taken_back(
    org_a, receiver, django_capture_on_commit_callbacks
):
    endpoint = subscribe(org_a, receiver)
    someone_joins(org_a, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.SENDING,
        last_attempt_at=timezone.now() - timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = sending.send_due()
    assert (done["reclaimed"], done["queued"]) == (1, 1)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert len({r["id"] for r in receiver.received}) == 1
    assert len(receiver.received) == 2


def test_finished_deliveries_are_forgotten_after_the_log_period(
    org_a, receiver, django_capture_on_commit_callbacks
):
    endpoint = subscribe(org_a, receiver)
    someone_joins(org_a, django_capture_on_commit_callbacks)
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert sending.send_due()["forgotten"] >= 1
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def admin_client(client, organisation):
    admin = member(organisation, Role.ADMIN)
    client.defaults["HTTP_HOST"] = organisation.hostname
    client.force_login(admin)
    return client, admin


def test_an_admin_replays_a_delivery_from_the_log_with_the_same_webhook_id(
    org_a, receiver, client, django_capture_on_commit_callbacks
):
    endpoint = subscribe(org_a, receiver)
    someone_joins(org_a, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    client, _admin = admin_client(client, org_a)

    page = client.get(reverse("webhooks_delivery", args=[delivery.pk]))
    assert delivery.webhook_id in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks_replay", args=[delivery.pk]))
    assert response.status_code == 302

    first, again = receiver.received
    assert again["verified"] and again["id"] == first["id"]
    assert again["body"] == first["body"]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert [a.replay for a in delivery.attempt_log.all()] == [False, True]


def test_an_endpoint_that_keeps_failing_is_disabled_and_its_admins_told(
    org_a, receiver, settings, django_capture_on_commit_callbacks
):
    settings.LMS_WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    admin = member(org_a, Role.ADMIN)
    coordinator = member(org_a, Role.COORDINATOR)
    endpoint = subscribe(org_a, receiver)
    receiver.plan = [503] * 10
    for _ in range(2):
        someone_joins(org_a, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 2

    someone_joins(org_a, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "3" in endpoint.disabled_reason
    # Nothing waits for a disabled endpoint, and nothing more is sent to it.
    assert not WebhookDelivery.objects.filter(
        endpoint=endpoint, status__in=sending.WAITING
    ).exists()
    someone_joins(org_a, django_capture_on_commit_callbacks)
    assert len(receiver.received) == 3
    told = Notification.objects.filter(kind="lms.webhook_disabled")
    assert [n.person for n in told] == [admin]
    assert coordinator not in [n.person for n in told]


def test_an_endpoint_failing_every_attempt_for_days_is_disabled(
    org_a, receiver, django_capture_on_commit_callbacks
):
    endpoint = subscribe(org_a, receiver)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(days=6), consecutive_failures=4
    )
    receiver.plan = [500]
    someone_joins(org_a, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.is_active


def test_switching_a_disabled_endpoint_on_again_forgets_its_failures(
    org_a, receiver, client
):
    endpoint = subscribe(org_a, receiver)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, consecutive_failures=25, disabled_reason="Disabled"
    )
    client, _admin = admin_client(client, org_a)
    response = client.post(
        reverse("webhooks_endpoint", args=[endpoint.pk]),
        {"url": endpoint.url, "event_types": [JOINED], "is_active": "on"},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert (endpoint.consecutive_failures, endpoint.disabled_reason) == (0, "")


def post_directly(url, body, headers):
    """The status a request forged by someone else gets from the receiver."""
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_the_receiver_rejects_a_tampered_body_or_another_secret(
    org_a, receiver, django_capture_on_commit_callbacks
):
    subscribe(org_a, receiver)
    someone_joins(org_a, django_capture_on_commit_callbacks)
    (sent,) = receiver.received
    headers = {
        name: sent["headers"][name]
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
    }
    tampered = sent["body"].replace(b'"role":"learner"', b'"role":"admin"')
    assert tampered != sent["body"]
    assert post_directly(receiver.url, tampered, headers) == 400
    # Signed with another secret (a rotated one the receiver was not given).
    other = Webhook(sending.new_secret())
    headers["webhook-signature"] = other.sign(sent["id"], timezone.now(), sent["body"])
    assert post_directly(receiver.url, sent["body"], headers) == 400
    assert [r["verified"] for r in receiver.received] == [True, False, False]


def test_a_rotated_secret_the_receiver_lacks_fails_the_delivery(
    org_a, receiver, django_capture_on_commit_callbacks
):
    endpoint = subscribe(org_a, receiver)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=sending.new_secret())
    someone_joins(org_a, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.response_status) == ("retrying", 400)


def test_a_long_answer_is_truncated_in_the_log(
    org_a, receiver, settings, django_capture_on_commit_callbacks
):
    settings.LMS_WEBHOOKS_RESPONSE_LIMIT = 100
    receiver.answer_body = b"x" * 5000
    endpoint = subscribe(org_a, receiver)
    someone_joins(org_a, django_capture_on_commit_callbacks)
    attempt = WebhookAttempt.objects.get(delivery__endpoint=endpoint)
    assert attempt.response_body == "x" * 100 + "…"


# ------------------------------------------------------------------ URL checks


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(sending.UnsafeURL):
        sending.check_url(url)


def test_plain_http_is_refused_in_production(settings):
    settings.LMS_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    with pytest.raises(sending.UnsafeURL, match="https"):
        sending.check_url("http://127.0.0.1/hook")


def test_an_endpoint_with_a_private_address_is_not_saved(org_a, client):
    client, _admin = admin_client(client, org_a)
    response = client.post(
        reverse("webhooks_add"),
        {"url": "https://127.0.0.1/hook", "event_types": [JOINED]},
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["url"]
    assert "127.0.0.1" in error and error in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_address_is_checked_again_at_delivery_time(
    org_a, receiver, settings, django_capture_on_commit_callbacks
):
    endpoint = subscribe(org_a, receiver)
    # Saved while allowed (or a name that now resolves to a private address).
    settings.LMS_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    someone_joins(org_a, django_capture_on_commit_callbacks)
    assert receiver.received == []
    attempt = WebhookAttempt.objects.get(delivery__endpoint=endpoint)
    assert "127.0.0.1" in attempt.error  # "… is on a private or local network"
    assert attempt.response_status is None


# ------------------------------------------------------------ admin and walls


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(org_a, loopback, client):
    client, admin = admin_client(client, org_a)
    response = client.post(
        reverse("webhooks_add"),
        {
            "url": "http://127.0.0.1:9/hook",
            "description": "CRM",
            "event_types": [JOINED, "relais.badge.awarded.v1"],
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.url == reverse("webhooks_endpoint", args=[endpoint.pk])
    assert endpoint.organisation == org_a and endpoint.created_by == admin
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in client.get(response.url).content.decode()
    assert endpoint.secret not in client.get(response.url).content.decode()
    revealed = client.post(reverse("webhooks_secret", args=[endpoint.pk]))
    assert endpoint.secret in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]


def test_an_unknown_event_type_is_refused(org_a, loopback, client):
    client, _admin = admin_client(client, org_a)
    response = client.post(
        reverse("webhooks_add"),
        {"url": "http://127.0.0.1:9/hook", "event_types": ["relais.nothing.v1"]},
    )
    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_only_organisation_admins_manage_webhooks(org_a, client):
    endpoint = WebhookEndpoint.objects.create(
        organisation=org_a,
        url="https://example.org/hook",
        secret=sending.new_secret(),
    )
    client.defaults["HTTP_HOST"] = org_a.hostname
    for role in (Role.COORDINATOR, Role.TRAINER):
        client.force_login(member(org_a, role))
        for url in (
            reverse("webhooks_endpoints"),
            reverse("webhooks_endpoint", args=[endpoint.pk]),
        ):
            response = client.get(url)
            # Refused: Wagtail's admin turns the 403 into a way back to its home.
            assert response.status_code in (302, 403)
            assert endpoint.url not in response.content.decode()
        response = client.post(reverse("webhooks_secret", args=[endpoint.pk]))
        assert response.status_code in (302, 403)
        assert endpoint.secret not in response.content.decode()


def test_an_admin_of_a_never_sees_or_replays_what_belongs_to_b(
    org_a, org_b, receiver, client, django_capture_on_commit_callbacks
):
    theirs = subscribe(org_b, receiver)
    someone_joins(org_b, django_capture_on_commit_callbacks)
    their_delivery = WebhookDelivery.objects.get(endpoint=theirs)
    client, _admin = admin_client(client, org_a)

    listing = client.get(reverse("webhooks_endpoints")).content.decode()
    assert theirs.url not in listing
    for name, pk in [
        ("webhooks_endpoint", theirs.pk),
        ("webhooks_delete", theirs.pk),
        ("webhooks_delivery", their_delivery.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
    for name, pk in [
        ("webhooks_secret", theirs.pk),
        ("webhooks_rotate", theirs.pk),
        ("webhooks_delete", theirs.pk),
        ("webhooks_replay", their_delivery.pk),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(name, args=[pk]))
        assert response.status_code == 404
        assert theirs.secret not in response.content.decode()
    # A's admin on B's host is a stranger there.
    client.defaults["HTTP_HOST"] = org_b.hostname
    response = client.get(reverse("webhooks_endpoint", args=[theirs.pk]))
    assert response.status_code in (302, 403)
    assert len(receiver.received) == 1  # never replayed
    theirs.refresh_from_db()
    assert WebhookEndpoint.objects.filter(pk=theirs.pk, secret=theirs.secret).exists()


def test_an_organisation_s_events_go_to_its_own_endpoints_only(
    org_a, org_b, receiver, django_capture_on_commit_callbacks
):
    subscribe(org_b, receiver)
    someone_joins(org_a, django_capture_on_commit_callbacks)
    assert receiver.received == []


# ------------------------------------------------------------- plugins' events


def test_the_recruitment_plugin_announces_an_application_where_it_is_enabled(
    org_a, org_b, receiver, enable_plugin, django_capture_on_commit_callbacks
):
    from relais_recruitment import pipeline
    from relais_recruitment.models import Mission

    received = "relais.recruitment.application_received.v1"
    enable_plugin(org_a, "recruitment")
    for organisation in (org_b, org_a):  # the receiver verifies with A's secret
        subscribe(organisation, receiver, [received])
    missions = [
        Mission.objects.create(
            organisation=organisation,
            title="Accueil du public",
            description="Accueillir les familles.",
            city="Lyon",
            postal_code="69003",
            status=Mission.Status.OPEN,
        )
        for organisation in (org_a, org_b)
    ]
    for mission in missions:
        with django_capture_on_commit_callbacks(execute=True):
            pipeline.submit(
                mission,
                {"name": "Nadia", "email": "nadia@example.org"},
                language="fr",
            )
    (request,) = receiver.received  # only A enabled recruitment
    assert request["payload"]["type"] == received
    assert request["payload"]["data"]["mission_id"] == missions[0].pk
    assert "nadia" not in request["body"].decode().lower()  # ids only


def test_the_skills_plugin_announces_an_expiring_certificate(
    org_a, receiver, enable_plugin, time_machine, django_capture_on_commit_callbacks
):
    from relais_skills.models import Evidence, Framework, Skill
    from relais_skills.reminders import send_expiry_reminders

    enable_plugin(org_a, "skills")
    expiring = "relais.skills.certificate_expiring.v1"
    subscribe(org_a, receiver, [expiring])
    first_aid = Skill.objects.create(
        framework=Framework.objects.create(organisation=org_a, name="Entraide"),
        name="Premiers secours",
        valid_days=730,
    )
    lea = member(org_a)
    evidence = Evidence.objects.create(
        organisation=org_a,
        user=lea,
        skill=first_aid,
        level=2,
        source=Evidence.Source.COURSE,
        observed_on=date(2030, 3, 1),
        expires_on=date(2032, 3, 1),
    )
    time_machine.move_to(date(2032, 2, 20))
    with django_capture_on_commit_callbacks(execute=True):
        send_expiry_reminders()
    (request,) = receiver.received
    assert request["verified"]
    assert request["payload"]["data"] == {
        "organisation_id": org_a.pk,
        "user_id": lea.pk,
        "evidence_id": evidence.pk,
        "skill_id": first_aid.pk,
        "expires_on": "2032-03-01",
        "days_left": 10,
    }


def test_a_plugin_s_events_are_offered_only_where_it_is_enabled(org_a, enable_plugin):
    from lms.webhooks.catalogue import events_for

    types = {event.event_type for event in events_for(org_a)}
    assert {JOINED, "relais.badge.awarded.v1", "relais.path.completed.v1"} <= types
    assert "relais.recruitment.application_received.v1" not in types
    enable_plugin(org_a, "recruitment")
    types = {event.event_type for event in events_for(Site.objects.get(pk=org_a.pk))}
    assert "relais.recruitment.application_received.v1" in types


def test_payloads_of_the_catalogue_are_json_with_type_timestamp_and_data(org_a):
    from courses.events import BadgeAwarded
    from lms.webhooks.catalogue import body_of

    body = json.loads(body_of(BadgeAwarded(user_id=7, badge_id=3, award_id=11), org_a))
    assert body["type"] == "relais.badge.awarded.v1"
    assert body["timestamp"].endswith("Z")
    assert body["data"] == {
        "organisation_id": org_a.pk,
        "user_id": 7,
        "badge_id": 3,
        "award_id": 11,
    }


def test_an_admin_deletes_an_endpoint_after_confirming(org_a, client):
    endpoint = WebhookEndpoint.objects.create(
        organisation=org_a, url="https://example.org/hook", secret=sending.new_secret()
    )
    client, _admin = admin_client(client, org_a)
    page = client.get(reverse("webhooks_delete", args=[endpoint.pk]))
    assert page.status_code == 200 and endpoint.url in page.content.decode()
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    response = client.post(reverse("webhooks_delete", args=[endpoint.pk]))
    assert response.url == reverse("webhooks_endpoints")
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_new_secret_replaces_the_old_one(org_a, client):
    endpoint = WebhookEndpoint.objects.create(
        organisation=org_a, url="https://example.org/hook", secret=sending.new_secret()
    )
    old = endpoint.secret
    client, _admin = admin_client(client, org_a)
    response = client.post(reverse("webhooks_rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    assert endpoint.secret in client.get(response.url).content.decode()  # once


def test_the_endpoints_listing_shows_the_organisation_s_endpoints(org_a, client):
    WebhookEndpoint.objects.create(
        organisation=org_a,
        url="https://crm.example.org/hook",
        event_types=[JOINED],
        secret=sending.new_secret(),
    )
    client, _admin = admin_client(client, org_a)
    page = client.get(reverse("webhooks_endpoints")).content.decode()
    assert "https://crm.example.org/hook" in page and JOINED in page


def test_erasing_a_person_deletes_the_deliveries_about_them(
    org_a, receiver, django_capture_on_commit_callbacks
):
    from lms.privacy.engines import erase_person

    endpoint = subscribe(org_a, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        lea = join_organisation(UserFactory(), org_a).user
        join_organisation(UserFactory(), org_a)
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 2
    erase_person(lea, org_a)
    assert not WebhookDelivery.objects.filter(person=lea).exists()
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1
