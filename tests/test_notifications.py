"""The notification centre (lms.notifications): notify, the bell, the list, marking
as read, preferences, e-mails at once and digests, in the reader's language."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.users.models import UserProfile

from lms import notifications as centre
from lms.models import (
    Delivery,
    Membership,
    Notification,
    NotificationDigest,
    NotificationPreference,
    OrganisationSettings,
    Role,
)
from lms.notifications import notify, register_notification_kind
from tests.factories import member

# A Monday at 7:00 UTC, a day when weekly digests also leave (LMS_DIGEST_WEEKDAY).
MONDAY = datetime.datetime(2026, 11, 30, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture
def kinds():
    """Kinds registered for the test, alone (the app's own kinds are set aside, so
    that the forms and lists see these only), and the app's back after it."""
    before = dict(centre._kinds)
    centre._kinds.clear()
    register_notification_kind(
        "lms.test_hello",
        # Existing catalogue entries, so the French rendering is real.
        label=_("Notifications"),
        text=_("Hello %(name)s,"),
        default=Delivery.AT_ONCE,
    )
    register_notification_kind(
        "lms.test_digest",
        label=_("People"),
        text=_("Hello %(name)s,"),
        default=Delivery.DAILY,
    )
    register_notification_kind(
        "community.test_news",
        label=_("Community"),
        text=_("Hello %(name)s,"),
        default=Delivery.AT_ONCE,
    )
    yield
    centre._kinds.clear()
    centre._kinds.update(before)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _speaks(user, language):
    UserProfile.objects.update_or_create(
        user=user, defaults={"preferred_language": language}
    )


def test_notify_stores_the_kind_and_parameters_not_text(
    org_a, kinds, django_capture_on_commit_callbacks
):
    person = member(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            "lms.test_hello", person=person, organisation=org_a, url="/x/", name="Léa"
        )
    stored = Notification.objects.get()
    assert stored == notification
    assert (stored.kind, stored.params, stored.url) == (
        "lms.test_hello",
        {"name": "Léa"},
        "/x/",
    )


def test_an_at_once_notification_is_mailed_in_the_recipients_language(
    org_a, kinds, django_capture_on_commit_callbacks
):
    french, english = member(org_a), member(org_a)
    _speaks(english, "en")
    with django_capture_on_commit_callbacks(execute=True):
        for person in (french, english):
            notify(
                "lms.test_hello",
                person=person,
                organisation=org_a,
                url="/x/",
                name="Léa",
            )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[french.email].subject == "Bonjour Léa,"
    assert by_address[english.email].subject == "Hello Léa,"
    assert "http://a.test/x/" in by_address[english.email].body


def test_the_organisations_language_when_the_person_chose_none(
    org_a, kinds, django_capture_on_commit_callbacks
):
    settings_a = OrganisationSettings.for_site(org_a)
    settings_a.language = "en"
    settings_a.save()
    person = member(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        notify("lms.test_hello", person=person, organisation=org_a, name="Léa")
    assert mail.outbox[0].subject == "Hello Léa,"


def test_nothing_is_mailed_before_the_transaction_commits(
    org_a, kinds, django_capture_on_commit_callbacks
):
    person = member(org_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify("lms.test_hello", person=person, organisation=org_a, name="Léa")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[person.email]]


def test_the_at_once_email_leaves_once_however_often_the_task_runs(
    org_a, kinds, django_capture_on_commit_callbacks
):
    person = member(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            "lms.test_hello", person=person, organisation=org_a, name="L"
        )
    assert centre.email_at_once([notification.pk]) == 0
    assert len(mail.outbox) == 1


def test_off_and_digest_kinds_send_nothing_at_once(
    org_a, kinds, django_capture_on_commit_callbacks
):
    person = member(org_a)
    NotificationPreference.objects.create(
        person=person, organisation=org_a, kind="lms.test_hello", delivery=Delivery.OFF
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify("lms.test_hello", person=person, organisation=org_a, name="L")
        notify("lms.test_digest", person=person, organisation=org_a, name="L")
    assert mail.outbox == []
    assert Notification.objects.filter(person=person).count() == 2


def test_a_plugin_kind_is_not_sent_where_the_plugin_is_off(org_a, kinds, enable_plugin):
    person = member(org_a)
    assert (
        notify("community.test_news", person=person, organisation=org_a, name="L")
        is None
    )
    assert not Notification.objects.exists()
    enable_plugin(org_a, "community")
    org_a.__dict__.pop("_lms_enabled_plugins", None)
    assert notify("community.test_news", person=person, organisation=org_a, name="L")


def test_an_unknown_kind_or_a_lazy_parameter_is_refused(org_a, kinds):
    person = member(org_a)
    with pytest.raises(ImproperlyConfigured):
        notify("lms.nope", person=person, organisation=org_a)
    with pytest.raises(TypeError):
        notify("lms.test_hello", person=person, organisation=org_a, name=_("People"))
    assert not Notification.objects.exists()


def test_a_kind_registered_twice_differently_is_an_error(kinds):
    with pytest.raises(ImproperlyConfigured):
        register_notification_kind(
            "lms.test_hello", label=_("People"), text=_("People")
        )
    with pytest.raises(ImproperlyConfigured):
        register_notification_kind("nodot", label=_("People"), text=_("People"))


# ---------------------------------------------------------------- the bell


def test_the_bell_counts_with_one_query_then_from_the_cache(
    org_a,
    kinds,
    client_a,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    person = member(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(3):
            notify("lms.test_digest", person=person, organisation=org_a, name="L")
    org_a.__dict__.pop("_lms_enabled_plugins", None)
    with django_assert_num_queries(2):  # enabled plugins, then the count
        assert centre.unread_count(person, org_a) == 3
    with django_assert_num_queries(0):
        assert centre.unread_count(person, org_a) == 3


def test_the_bell_is_on_every_page_and_moves_on_notify_and_read(
    org_a, kinds, client_a, django_capture_on_commit_callbacks
):
    person = member(org_a)
    client_a.force_login(person)
    assert (
        "Notifications, aucune non lue" in client_a.get("/dashboard/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            "lms.test_digest",
            person=person,
            organisation=org_a,
            url="/dashboard/",
            name="L",
        )
        notify("lms.test_digest", person=person, organisation=org_a, name="M")
    assert "Notifications, 2 non lues" in client_a.get("/dashboard/").content.decode()
    first = Notification.objects.filter(url="/dashboard/").get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert response.url == "/dashboard/"
    assert "Notifications, 1 non lue" in client_a.get("/dashboard/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post("/notifications/read/")
    assert (
        "Notifications, aucune non lue" in client_a.get("/dashboard/").content.decode()
    )
    assert not Notification.objects.unread().exists()


def test_the_list_shows_the_persons_own_in_their_language_with_fixed_queries(
    org_a, org_b, kinds, client_a, django_assert_max_num_queries
):
    person, other = member(org_a), member(org_a)
    member(org_b, user=person)
    for name in ("Léa", "Karim", "Sophie"):
        notify("lms.test_digest", person=person, organisation=org_a, name=name)
    notify("lms.test_digest", person=other, organisation=org_a, name="Secret Other")
    notify("lms.test_digest", person=person, organisation=org_b, name="Elsewhere Only")
    client_a.force_login(person)
    client_a.get("/dashboard/")
    with django_assert_max_num_queries(12):
        page = client_a.get("/notifications/").content.decode()
    assert "Bonjour Léa," in page and "Bonjour Sophie," in page
    assert "Secret Other" not in page and "Elsewhere Only" not in page
    for name in range(20):
        notify("lms.test_digest", person=person, organisation=org_a, name=f"n{name}")
    with django_assert_max_num_queries(12):
        client_a.get("/notifications/")


def test_someone_elses_notification_cannot_be_read(org_a, kinds, client_a):
    person, other = member(org_a), member(org_a)
    theirs = notify("lms.test_digest", person=other, organisation=org_a, name="L")
    client_a.force_login(person)
    assert client_a.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_an_outside_link_is_never_followed(org_a, kinds, client_a):
    person = member(org_a)
    notification = notify(
        "lms.test_digest",
        person=person,
        organisation=org_a,
        url="https://evil.test/",
        name="L",
    )
    client_a.force_login(person)
    response = client_a.post(f"/notifications/{notification.pk}/read/", {"open": "1"})
    assert response.url == "/notifications/"


def test_a_disabled_plugins_notifications_are_not_shown(
    org_a, kinds, enable_plugin, client_a
):
    person = member(org_a)
    enable_plugin(org_a, "community")
    notify("community.test_news", person=person, organisation=org_a, name="Plugin News")
    org_a.__dict__.pop("_lms_enabled_plugins", None)
    client_a.force_login(person)
    assert "Plugin News" in client_a.get("/notifications/").content.decode()
    from lms.models import PluginActivation

    PluginActivation.objects.filter(organisation=org_a, app_label="community").delete()
    page = client_a.get("/notifications/").content.decode()
    assert "Plugin News" not in page
    assert "aucune non lue" in page


# ---------------------------------------------------------------- preferences


def test_preferences_list_each_kind_and_save_the_choice(org_a, kinds, client_a):
    person = member(org_a)
    client_a.force_login(person)
    page = client_a.get("/notifications/preferences/").content.decode()
    assert "Personnes" in page  # the kind's label, in the reader's language
    assert "community.test_news" not in page  # its plugin is off: not offered
    response = client_a.post(
        "/notifications/preferences/",
        {"lms.test_hello": "weekly", "lms.test_digest": "off"},
    )
    assert response.status_code == 302
    assert centre.preferences(person, org_a) == {
        "lms.test_hello": "weekly",
        "lms.test_digest": "off",
    }


def test_a_bad_preference_changes_nothing(org_a, kinds, client_a):
    person = member(org_a)
    client_a.force_login(person)
    response = client_a.post(
        "/notifications/preferences/",
        {"lms.test_hello": "weekly", "lms.test_digest": "every-minute"},
    )
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()


# ---------------------------------------------------------------- digests


def test_one_daily_digest_per_person_and_day_and_none_when_nothing_is_new(org_a, kinds):
    lea, karim = member(org_a), member(org_a)
    _speaks(karim, "en")
    with time_machine.travel(MONDAY - datetime.timedelta(hours=5), tick=False):
        notify("lms.test_digest", person=lea, organisation=org_a, url="/a/", name="Un")
        notify("lms.test_digest", person=lea, organisation=org_a, name="Deux")
        notify("lms.test_digest", person=karim, organisation=org_a, name="One")
    with time_machine.travel(MONDAY, tick=False):
        assert centre.send_digests() == 2
        assert centre.send_digests() == 0  # the same day: nothing again
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "2 nouvelles notifications" in by_address[lea.email].subject
    assert "Bonjour Un," in by_address[lea.email].body
    assert "http://a.test/a/" in by_address[lea.email].body
    assert "1 new notification" in by_address[karim.email].subject
    assert NotificationDigest.objects.count() == 2
    mail.outbox = []
    with time_machine.travel(MONDAY + datetime.timedelta(days=1), tick=False):
        assert centre.send_digests() == 0  # nothing new since


def test_a_read_notification_is_left_out_of_the_digest(org_a, kinds):
    lea = member(org_a)
    with time_machine.travel(MONDAY - datetime.timedelta(hours=5), tick=False):
        read = notify("lms.test_digest", person=lea, organisation=org_a, name="Lu")
    centre.mark_read(lea, org_a, pk=read.pk)
    with time_machine.travel(MONDAY, tick=False):
        assert centre.send_digests() == 0
    assert mail.outbox == []


def test_weekly_digests_leave_on_the_digest_weekday_only(org_a, kinds):
    lea = member(org_a)
    NotificationPreference.objects.create(
        person=lea, organisation=org_a, kind="lms.test_digest", delivery=Delivery.WEEKLY
    )
    tuesday = MONDAY + datetime.timedelta(days=1)
    with time_machine.travel(tuesday, tick=False):
        notify("lms.test_digest", person=lea, organisation=org_a, name="Un")
        assert centre.send_digests() == 0
    next_monday = MONDAY + datetime.timedelta(days=7)
    with time_machine.travel(next_monday, tick=False):
        assert centre.send_digests() == 1
        assert centre.send_digests() == 0
    assert "semaine" in mail.outbox[0].subject
    digest = NotificationDigest.objects.get()
    assert (digest.delivery, digest.period, digest.count) == ("weekly", "2026-W50", 1)


def test_someone_who_left_gets_no_digest(org_a, kinds):
    lea = member(org_a)
    with time_machine.travel(MONDAY - datetime.timedelta(hours=1), tick=False):
        notify("lms.test_digest", person=lea, organisation=org_a, name="Un")
    Membership.objects.filter(user=lea).update(is_active=False)
    with time_machine.travel(MONDAY, tick=False):
        assert centre.send_digests() == 0


def test_the_digest_command_runs_the_job(org_a, kinds):
    from django.core.management import call_command

    lea = member(org_a)
    notify("lms.test_digest", person=lea, organisation=org_a, name="Un")
    with time_machine.travel(
        timezone.now() + datetime.timedelta(minutes=1), tick=False
    ):
        call_command("send_notification_digests", verbosity=0)
    assert len(mail.outbox) == 1


def test_members_of_every_role_reach_their_notifications(org_a, kinds, client_a):
    for role in Role.values:
        person = member(org_a, role)
        client_a.force_login(person)
        assert client_a.get("/notifications/").status_code == 200
        assert client_a.get("/notifications/preferences/").status_code == 200


def test_anonymous_people_are_sent_to_log_in(org_a, client_a):
    assert client_a.get("/notifications/").status_code == 302
    assert client_a.post("/notifications/read/").status_code == 302


def test_a_kind_for_admins_only_is_offered_to_admins_only(org_a, client_a):
    from lms.models import Role

    assert centre.kind("lms.webhook_disabled").roles == (Role.ADMIN,)
    assert centre.kind("community.unanswered").roles == (Role.TRAINER,)
    for role, offered in ((Role.LEARNER, False), (Role.ADMIN, True)):
        client_a.force_login(member(org_a, role))
        page = client_a.get("/notifications/preferences/").content.decode()
        assert ('name="lms.webhook_disabled"' in page) is offered, role
