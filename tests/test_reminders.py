"""Reminders: with a frozen clock, exactly one reminder per due step and day."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from courses.completion import complete_step
from courses.learning import assign_path
from courses.models import OnboardingPath, PathStep
from courses.reminders import is_reminder_day
from courses.tasks import send_reminders
from lms.models import Role
from tests.factories import member

PARIS = ZoneInfo("Europe/Paris")
START = date(2026, 11, 30)  # a Monday


def at(day, hour=8):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)
    )


@pytest.fixture
def path(org_a):
    path = OnboardingPath.objects.create(organisation=org_a, title="Bienvenue")
    PathStep.objects.create(path=path, kind="checklist", title="Charte", due_days=2)
    PathStep.objects.create(path=path, kind="checklist", title="Permanence", due_days=4)
    return path


def test_the_schedule_is_two_days_before_on_the_day_then_weekly_when_late():
    due = date(2026, 12, 10)
    days = [due + timedelta(days=offset) for offset in range(-4, 16)]
    reminded = [day - due for day in days if is_reminder_day(due, day)]
    assert [delta.days for delta in reminded] == [-2, 0, 1, 8, 15]


def test_exactly_one_reminder_per_due_step_and_day(org_a, path):
    lea = member(org_a, user__first_name="Léa")
    assign_path(lea, path, START)
    with at(START + timedelta(days=2)):  # "Charte" due today, "Permanence" in 2 days
        send_reminders.call()
        send_reminders.call()  # the daily job ran twice: nothing more
        call_command("send_reminders", stdout=io.StringIO())
    reminders = [m for m in mail.outbox if m.to == [lea.email]]
    assert len(reminders) == 1
    assert "Charte" in reminders[0].body and "Permanence" in reminders[0].body
    with at(START + timedelta(days=3)):  # "Charte" is one day late
        send_reminders.call()
    reminders = [m for m in mail.outbox if m.to == [lea.email]]
    assert len(reminders) == 2
    assert "Charte" in reminders[1].body and "Permanence" not in reminders[1].body


def test_done_steps_and_people_who_left_get_no_reminder(org_a, path):
    lea = member(org_a)
    assignment = assign_path(lea, path, START)
    complete_step(assignment, path.steps.get(title="Charte"), org_a)
    gone = member(org_a, is_active=False)
    assign_path(gone, path, START)
    with at(START + timedelta(days=2)):
        send_reminders.call()
    assert [m.to for m in mail.outbox] == [[lea.email]]
    assert "Charte" not in mail.outbox[0].body


def test_coordinators_get_one_digest_of_late_steps_on_mondays(org_a, path):
    coordinator = member(org_a, Role.COORDINATOR)
    assign_path(
        member(org_a, user__first_name="Léa", user__last_name="Martin"), path, START
    )
    with at(START + timedelta(days=6)):  # Sunday: no digest
        send_reminders.call()
    assert not [m for m in mail.outbox if m.to == [coordinator.email]]
    with at(START + timedelta(days=7)):  # Monday
        send_reminders.call()
        send_reminders.call()
    digests = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert len(digests) == 1
    assert "Léa Martin" in digests[0].body


def test_a_badge_about_to_expire_is_announced_once_with_the_course_that_renews_it(
    org_a,
):
    from courses.badges import award_badge
    from courses.models import BadgeClass
    from tests.factories import make_course
    from tests.test_learning import png

    course = make_course(org_a, title="Premiers secours")
    badge = BadgeClass.objects.create(
        organisation=org_a,
        name="PSC1",
        description="d",
        criteria="c",
        image=png(),
        course=course,
        valid_days=365,
    )
    lea = member(org_a)
    with at(START):
        award_badge(badge, lea, org_a, rule="manual")
    with at(START + timedelta(days=300)):
        send_reminders.call()
    assert not mail.outbox
    with at(START + timedelta(days=340)):
        send_reminders.call()
        send_reminders.call()
    (notice,) = mail.outbox
    assert "PSC1" in notice.subject
    assert course.learn_url() in notice.body
