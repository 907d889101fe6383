"""Small organisations with one of everything the REST API serves, and tokens."""

from datetime import timedelta

from django.utils import timezone

from courses.badges import award_badge
from courses.learning import assign_path, enrol
from courses.models import BadgeClass, OnboardingPath, PathStep
from courses.statements import Authority, record_statement
from lms.api.models import ApiToken
from lms.api.scopes import all_scopes
from lms.models import Membership, Role, Team
from tests.factories import make_course, member
from tests.test_learning import png


def token(organisation, *, role=Role.COORDINATOR, user=None, scopes=None):
    """A token's secret: personal when ``user`` is given, else an organisation
    token acting with ``role``; every scope unless ``scopes``."""
    fields = (
        {"kind": ApiToken.Kind.PERSONAL, "user": user}
        if user is not None
        else {"kind": ApiToken.Kind.ORGANISATION, "role": role}
    )
    return ApiToken.issue(
        organisation=organisation,
        name="test",
        scopes=all_scopes() if scopes is None else scopes,
        **fields,
    )[1]


def seed(organisation, learners=2, tag="a"):
    """People, a team, a course with enrolments, an onboarding path on which
    the first learner is late, statements and a badge award each."""
    team = Team.objects.create(organisation=organisation, name=f"Accueil {tag}")
    people = [member(organisation, Role.LEARNER) for _ in range(learners)]
    Membership.objects.filter(organisation=organisation, user__in=people).update(
        team=team
    )
    course = make_course(organisation, title=f"Accueillir {tag}", lessons=1)
    path = OnboardingPath.objects.create(
        organisation=organisation, title=f"Premiers pas {tag}", role=Role.LEARNER
    )
    PathStep.objects.create(path=path, kind="checklist", title="Charte", due_days=3)
    badge = BadgeClass.objects.create(
        organisation=organisation,
        name=f"Bénévole {tag}",
        description="d",
        criteria="c",
        image=png(),
    )
    today = timezone.localdate()
    for number, person in enumerate(people):
        enrol(person, course, organisation)
        # The first learner started long ago: the step is late.
        assign_path(person, path, today - timedelta(days=30 if number == 0 else 0))
        record_statement(
            actor=person,
            organisation=organisation,
            verb="experienced",
            object_id=f"urn:relais:course:{course.pk}",
            authority=Authority.PLATFORM,
        )
        award_badge(badge, person, organisation, rule=f"manual:{tag}")
    return people
