"""Exactly-once completion under concurrency (issue 22, acceptance 3).

Ten requests that each finish the same course for the same learner, at the same
moment, through the real views and each on its own database connection: one course
completion, one completion per activity, one platform "completed" statement for the
course, one badge. The database constraints hold it, not Python checks.
"""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.learning import enrol
from courses.models import (
    ActivityCompletion,
    BadgeAward,
    Enrolment,
    LessonProgress,
    Statement,
)
from courses.statements import VERBS, Authority, record_statement
from tests.factories import make_course, member
from tests.test_trust_completion import badge

REQUESTS = 10


def course_statements(learner, course):
    return Statement.objects.filter(
        actor=learner,
        verb=VERBS["completed"],
        object_id=f"urn:relais:course:{course.pk}",
        authority=Authority.PLATFORM,
    )


def post_at_once(learner, url, data):
    """POST ``data`` to ``url`` from REQUESTS threads released together, each with
    its own client and database connection; the status codes."""
    barrier, statuses = threading.Barrier(REQUESTS), []

    def post():
        try:
            client = Client(HTTP_HOST="a.test")
            client.force_login(learner)
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_acceptances_complete_the_course_once(org_a):
    learner = member(org_a)
    course = make_course(org_a, lessons=1, charter=True)
    lesson = course.get_lessons().get()
    block_id = next(c.id for c in lesson.body if c.block_type == "acknowledge")
    course_badge = badge(org_a, course=course)
    enrol(learner, course, org_a)
    url = reverse("courses:acknowledge", args=[lesson.pk, block_id])

    statuses = post_at_once(learner, url, {"accept": "yes"})

    assert statuses == [302] * REQUESTS
    assert Enrolment.objects.get(user=learner, course=course).completed_at
    assert ActivityCompletion.objects.filter(user=learner, lesson=lesson).count() == 1
    assert course_statements(learner, course).count() == 1
    accepted = Statement.objects.filter(
        actor=learner, verb=VERBS["accepted"], authority=Authority.PLATFORM
    )
    assert accepted.count() == 1
    assert BadgeAward.objects.filter(recipient=learner, badge=course_badge).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_lesson_done_clicks_complete_the_course_once(org_a):
    learner = member(org_a)
    course = make_course(org_a, lessons=2)
    first, last = course.get_lessons()
    course_badge = badge(org_a, course=course)
    enrol(learner, course, org_a)
    record_statement(
        actor=learner,
        organisation=org_a,
        verb="completed",
        object_id=f"urn:relais:lesson:{first.pk}",
        authority=Authority.PLATFORM,
    )

    statuses = post_at_once(learner, reverse("courses:lesson_done", args=[last.pk]), {})

    assert statuses == [302] * REQUESTS
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert (enrolment.progress, bool(enrolment.completed_at)) == (100, True)
    assert (
        LessonProgress.objects.filter(user=learner, completed_at__isnull=False).count()
        == 2
    )
    assert course_statements(learner, course).count() == 1
    assert BadgeAward.objects.filter(recipient=learner, badge=course_badge).count() == 1


def test_the_database_refuses_a_second_platform_completion_of_a_course(org_a):
    learner = member(org_a)
    course = make_course(org_a, lessons=1)
    object_id = f"urn:relais:course:{course.pk}"

    def completed(authority=Authority.PLATFORM):
        return Statement.objects.create(
            organisation=org_a,
            actor=learner,
            verb=VERBS["completed"],
            object_id=object_id,
            timestamp=timezone.now(),
            authority=authority,
        )

    completed()
    completed(Authority.LEARNER)  # a learner's own report is not counted: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        completed()
    assert course_statements(learner, course).count() == 1
