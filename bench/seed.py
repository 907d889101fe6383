"""Seed the benchmark dataset: 10,000 people, 200 courses, 2,000 lessons and about
1,000,000 statement and progress rows, plus an onboarding path with 1,000 people.

Bulk inserts in batches; Wagtail pages through the page tree API. Idempotent: does
nothing when the dataset is already there.
"""

import random
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page, Site

from courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    OnboardingPath,
    PathAssignment,
    PathStep,
    Statement,
    StepCompletion,
)
from lms.models import HomePage, Membership, Role, Team

PEOPLE, COURSES, LESSONS_PER_COURSE = 10_000, 200, 10
ENROLMENTS_PER_PERSON, PATH_PEOPLE = 2, 1_000
STATEMENTS = 800_000  # plus ~200,000 progress rows
BATCH = 10_000
random.seed(42)


def seed():
    if Site.objects.filter(hostname="bench.test").exists():
        return Site.objects.get(hostname="bench.test")
    with transaction.atomic():
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Bench", slug="bench"))
        site = Site.objects.create(
            hostname="bench.test",
            port=80,
            root_page=home,
            site_name="Bench",
            is_default_site=False,
        )
        lessons = _catalogue(home)
        users = _people(site)
        _learning(site, users, lessons)
        _path(site, users, lessons)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return site


def _catalogue(home):
    catalogue = home.add_child(
        instance=CourseIndexPage(title="Formations", slug="formations")
    )
    lessons = {}
    for number in range(COURSES):
        course = catalogue.add_child(
            instance=CoursePage(
                title=f"Formation {number}",
                slug=f"formation-{number}",
                summary="Bench.",
            )
        )
        lessons[course.pk] = [
            course.add_child(
                instance=LessonPage(
                    title=f"Leçon {n}",
                    slug=f"lecon-{n}",
                    body=[("text", "<p>" + "Texte de la leçon. " * 40 + "</p>")],
                )
            ).pk
            for n in range(LESSONS_PER_COURSE)
        ]
    return lessons


def _people(site):
    User = get_user_model()
    teams = [
        Team.objects.create(organisation=site, name=f"Équipe {n}") for n in range(4)
    ]
    User.objects.bulk_create(
        [
            User(
                username=f"bench{n}",
                email=f"bench{n}@example.org",
                first_name="Bénévole",
                last_name=str(n),
                password="md5$x$x",
            )
            for n in range(PEOPLE)
        ],
        batch_size=BATCH,
    )
    users = list(User.objects.filter(username__startswith="bench").order_by("pk"))
    today = timezone.localdate()
    Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                organisation=site,
                role=Role.LEARNER,
                team=teams[n % 4],
                start_date=today - timedelta(days=n % 60),
            )
            for n, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    coordinator = User.objects.create(username="bench-coordinator", password="md5$x$x")
    Membership.objects.create(
        user=coordinator, organisation=site, role=Role.COORDINATOR
    )
    return users


def _learning(site, users, lessons):
    now = timezone.now()
    course_ids = list(lessons)
    enrolments, progress = [], []
    for user in users:
        for course_id in random.sample(course_ids, ENROLMENTS_PER_PERSON):
            done = random.randint(0, LESSONS_PER_COURSE)
            enrolments.append(
                Enrolment(
                    user=user,
                    course_id=course_id,
                    organisation=site,
                    progress=done * 10,
                    last_lesson_id=lessons[course_id][max(done - 1, 0)],
                    last_activity_at=now,
                )
            )
            for lesson_id in lessons[course_id][:done]:
                progress.append(
                    LessonProgress(user=user, lesson_id=lesson_id, completed_at=now)
                )
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
    verbs = [
        "http://adlnet.gov/expapi/verbs/experienced",
        "http://adlnet.gov/expapi/verbs/completed",
    ]
    all_lessons = [pk for pks in lessons.values() for pk in pks]
    for start in range(0, STATEMENTS, BATCH):
        Statement.objects.bulk_create(
            [
                Statement(
                    id=uuid.uuid4(),
                    organisation=site,
                    actor=random.choice(users),
                    verb=random.choice(verbs),
                    object_id=f"urn:relais:lesson:{random.choice(all_lessons)}",
                    timestamp=now - timedelta(minutes=n),
                )
                for n in range(start, min(start + BATCH, STATEMENTS))
            ]
        )


def _path(site, users, lessons):
    course_id = next(iter(lessons))
    path = OnboardingPath.objects.create(
        organisation=site, title="Bienvenue", role=Role.LEARNER
    )
    steps = [
        PathStep.objects.create(
            path=path,
            kind="course",
            title="Découvrir",
            course_id=course_id,
            due_days=2,
            sort_order=0,
        ),
        PathStep.objects.create(
            path=path, kind="acknowledge", title="Règlement", due_days=3, sort_order=1
        ),
        PathStep.objects.create(
            path=path, kind="checklist", title="Permanence", due_days=7, sort_order=2
        ),
        PathStep.objects.create(
            path=path, kind="checklist", title="Bilan", due_days=30, sort_order=3
        ),
    ]
    today = timezone.localdate()
    assignments = PathAssignment.objects.bulk_create(
        [
            PathAssignment(
                user=user, path=path, start_date=today - timedelta(days=n % 40)
            )
            for n, user in enumerate(users[:PATH_PEOPLE])
        ]
    )
    now = timezone.now()
    StepCompletion.objects.bulk_create(
        [
            StepCompletion(assignment=assignment, step=step, completed_at=now)
            for n, assignment in enumerate(assignments)
            for step in steps[: n % 4]
        ]
    )
