"""Mentoring: matching, the life of a pair, its privacy, its e-mails and reminders."""

import itertools
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from wagtail import hooks

from courses.learning import assign_path
from courses.models import OnboardingPath, PathStep, Statement, StepCompletion
from lms.models import Role, Team
from lms.people import join_organisation
from lms.signals import skill_confirmed
from lms.skills import SkillChoice
from relais_mentoring import matching, pairs, reminders, waiting
from relais_mentoring.models import (
    CheckIn,
    Concern,
    Goal,
    MentoringRequest,
    MentorProfile,
    Note,
    Pairing,
    ProgrammeSettings,
    Session,
)
from tests.factories import UserFactory, make_course, member

PRIVATE = "Léa hésite encore, ne pas la brusquer"
SHARED = "Questions pour samedi : badge et horaires"
CHECK_IN = "Michel parle trop vite"
CONCERN = "Il me tutoie et me téléphone le soir"


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch):
    """Each test runs inside one transaction that never commits: run the work
    waiting for a commit (e-mails, signals) at once, as the commit would."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def mentoring(org_a, enable_plugin):
    enable_plugin(org_a, "mentoring")
    return org_a


def mentor_in(organisation, *, capacity=2, team=None, **fields):
    user = member(organisation, Role.MENTOR, team=team)
    MentorProfile.objects.create(
        organisation=organisation,
        user=user,
        status=MentorProfile.Status.APPROVED,
        capacity=capacity,
        team=team,
        languages=fields.get("languages", ["fr"]),
        availability=fields.get("availability", []),
    )
    return user


def newcomer_in(organisation, **preferences):
    user = member(organisation, Role.LEARNER)
    MentoringRequest.objects.create(
        organisation=organisation, user=user, languages=["fr"], **preferences
    )
    return user


def active_pair(organisation, mentor=None, mentee=None):
    mentor = mentor or mentor_in(organisation)
    mentee = mentee or newcomer_in(organisation)
    coordinator = member(organisation, Role.COORDINATOR)
    pairing = pairs.propose(organisation, mentor=mentor, mentee=mentee, by=coordinator)
    pairs.accept(pairing, mentor)
    return pairs.accept(pairing, mentee)


def as_user(client, user):
    client.force_login(user)
    return client


# Matching -------------------------------------------------------------------------


def person(user_id, **fields):
    defaults = {
        "name": f"p{user_id}",
        "team_id": None,
        "languages": frozenset({"fr"}),
        "availability": frozenset(),
    }
    return {**defaults, "user_id": user_id, **fields}


def mentor(user_id, capacity=1, load=0, courses=(), **fields):
    return matching.Mentor(
        **person(user_id, **fields),
        courses=frozenset(courses),
        capacity=capacity,
        load=load,
    )


def newcomer(user_id, needs=(), **fields):
    return matching.Newcomer(**person(user_id, **fields), needs=frozenset(needs))


def total(assignment):
    return sum(fit.score for _newcomer, fit in assignment)


def best_by_brute_force(newcomers, mentors):
    """The greatest total score over every assignment respecting capacities."""
    options = [None, *mentors]
    best = 0
    for choice in itertools.product(options, repeat=len(newcomers)):
        used = [m.user_id for m in choice if m is not None]
        if any(used.count(m.user_id) > m.room for m in mentors):
            continue
        scores = [
            matching.fit(n, m).score
            for n, m in zip(newcomers, choice, strict=True)
            if m is not None
        ]
        if all(score >= matching.MINIMUM_SCORE for score in scores):
            best = max(best, sum(scores))
    return best


def test_the_batch_assignment_is_the_optimum_a_greedy_choice_misses():
    """Hand-checked: Anne fits Marc best (team 30 + room 10 = 40) but Bruno fits
    only Marc (team 30 + room 10); Anne also fits Zoé (shared course: 30 + room 10).
    Greedy gives Marc to Anne (40) and leaves Bruno with Zoé (10): total 50.
    The optimum is Anne with Zoé (40) and Bruno with Marc (40): 80."""
    nobody = frozenset()  # no languages given: no language points either way
    marc = mentor(10, capacity=1, team_id=1, languages=nobody)
    zoe = mentor(11, capacity=1, team_id=2, courses={100}, languages=nobody)
    anne = newcomer(1, team_id=1, needs={100}, languages=nobody)
    bruno = newcomer(2, team_id=1, languages=nobody)
    assert matching.fit(anne, marc).score == 40
    assert matching.fit(anne, zoe).score == 40
    assert matching.fit(bruno, marc).score == 40
    assert matching.fit(bruno, zoe).score == 10

    assignment = matching.assign([anne, bruno], [marc, zoe])

    pairs_ = {(n.user_id, fit.mentor.user_id) for n, fit in assignment}
    assert pairs_ == {(1, 11), (2, 10)}
    assert total(assignment) == 80


def test_the_batch_assignment_respects_capacities_and_matches_brute_force():
    """Random small cohorts: never over a mentor's room, always the optimum."""
    rng = random.Random(7)
    for _round in range(40):
        mentors = [
            mentor(
                100 + i,
                capacity=rng.randint(1, 3),
                load=0,
                team_id=rng.randint(1, 3),
                courses={rng.randint(1, 4)},
                languages=frozenset(rng.sample(["fr", "en", "ar"], rng.randint(1, 2))),
                availability=frozenset(rng.sample(["mon-am", "tue-pm", "sat-am"], 2)),
            )
            for i in range(3)
        ]
        newcomers = [
            newcomer(
                i,
                team_id=rng.randint(1, 3),
                needs={rng.randint(1, 4), rng.randint(1, 4)},
                languages=frozenset(rng.sample(["fr", "en", "ar"], 1)),
                availability=frozenset(rng.sample(["mon-am", "tue-pm", "sat-am"], 2)),
            )
            for i in range(rng.randint(2, 5))
        ]
        assignment = matching.assign(newcomers, mentors)
        per_mentor = [fit.mentor.user_id for _n, fit in assignment]
        for m in mentors:
            assert per_mentor.count(m.user_id) <= m.capacity
        assert len({n.user_id for n, _fit in assignment}) == len(assignment)
        assert total(assignment) == best_by_brute_force(newcomers, mentors)


def test_a_full_mentor_is_never_proposed_and_reasons_add_up_to_the_score():
    full = mentor(10, capacity=2, load=2, team_id=1)
    free = mentor(
        11, capacity=2, load=1, team_id=1, courses={5}, availability={"tue-am"}
    )
    far = mentor(12, capacity=2, languages=frozenset({"en"}))
    lea = newcomer(
        1,
        team_id=1,
        needs={5, 6},
        availability=frozenset({"tue-am", "sat-am"}),
        course_titles={5: "Hygiène", 6: "Accueil"},
    )

    with translation.override("fr"):
        fits = matching.rank(lea, [full, free, far])

    assert [f.mentor.user_id for f in fits] == [11, 12]
    best = fits[0]
    assert (
        best.score
        == sum(points for points, _why in best.reasons)
        == 30 + 15 + 10 + 10 + 5
    )
    assert any("Hygiène" in str(why) for _points, why in best.reasons)
    assert (matching.NO_COMMON_LANGUAGE, "Pas de langue commune") in [
        (points, str(why)) for points, why in fits[1].reasons
    ]


def test_newcomers_need_the_courses_of_their_paths_they_have_not_completed(
    mentoring,
):
    course = make_course(mentoring, title="Hygiène alimentaire")
    path = OnboardingPath.objects.create(organisation=mentoring, title="Accueil")
    PathStep.objects.create(path=path, kind="course", title="H", course=course)
    lea = newcomer_in(mentoring)
    assign_path(lea, path, timezone.localdate())
    michel = mentor_in(mentoring)
    MentorProfile.objects.get(user=michel).courses.add(course)

    [who] = matching.newcomers_of(mentoring, MentoringRequest.objects.filter(user=lea))
    [fit] = matching.rank(who, matching.mentors_of(mentoring))

    assert who.needs == {course.pk}
    assert "Hygiène alimentaire" in str(fit.reasons[0][1])


# The life of a pair -----------------------------------------------------------------


def test_both_accept_before_the_pairing_starts_and_the_request_closes(mentoring):
    michel, lea = mentor_in(mentoring), newcomer_in(mentoring)
    sophie = member(mentoring, Role.COORDINATOR)
    pairing = pairs.propose(mentoring, mentor=michel, mentee=lea, by=sophie)
    assert {m.to[0] for m in mail.outbox} == {michel.email, lea.email}

    pairs.accept(pairing, lea)
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.PROPOSED
    pairs.accept(pairing, michel)

    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE and pairing.started_at
    assert MentoringRequest.objects.get(user=lea).closed_at is not None


def test_accepting_a_proposal_addressed_to_someone_else_is_refused(mentoring, client_a):
    lea, other = newcomer_in(mentoring), newcomer_in(mentoring)
    pairing = pairs.propose(mentoring, mentor=mentor_in(mentoring), mentee=lea, by=lea)

    response = as_user(client_a, other).post(
        reverse("mentoring:accept", args=[pairing.uuid])
    )

    assert response.status_code == 403
    assert "pas le vôtre" in text_of(response)
    pairing.refresh_from_db()
    assert pairing.mentee_accepted_at is None and pairing.mentor_accepted_at is None


def test_a_proposal_beyond_a_mentors_capacity_is_refused_and_changes_nothing(
    mentoring, client_a
):
    michel = mentor_in(mentoring, capacity=1)
    active_pair(mentoring, mentor=michel)
    lea = newcomer_in(mentoring)
    sophie = member(mentoring, Role.COORDINATOR)

    response = as_user(client_a, sophie).post(
        reverse("mentoring:propose", args=[lea.pk]),
        {"mentor": michel.pk},
        follow=True,
    )

    assert "autant de nouveaux" in response.content.decode()
    assert not Pairing.objects.filter(mentee=lea).exists()


def test_a_newcomer_has_one_mentor_at_a_time(mentoring):
    lea = newcomer_in(mentoring)
    active_pair(mentoring, mentee=lea)
    with pytest.raises(pairs.Refused):
        pairs.propose(mentoring, mentor=mentor_in(mentoring), mentee=lea, by=lea)
    assert Pairing.objects.filter(mentee=lea).count() == 1


def test_either_side_ends_with_a_reason_and_the_coordinator_is_told(
    mentoring, client_a
):
    pairing = active_pair(mentoring)
    mail.outbox = []
    client = as_user(client_a, pairing.mentee)

    refused = client.post(reverse("mentoring:end", args=[pairing.uuid]), {"reason": ""})
    assert refused.status_code == 400
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.ACTIVE

    client.post(
        reverse("mentoring:end", args=[pairing.uuid]), {"reason": "Je déménage."}
    )

    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ENDED
    assert pairing.end_reason == "Je déménage."
    coordinators = {m.to[0] for m in mail.outbox if "Je déménage." in m.body}
    assert coordinators == {
        pairing.mentor.email,
        pairing.proposed_by.email,
    }


def test_a_joining_learner_waits_for_a_mentor(
    mentoring, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        join_organisation(UserFactory(), mentoring, role=Role.LEARNER)
        join_organisation(UserFactory(), mentoring, role=Role.TRAINER)
    assert MentoringRequest.objects.filter(organisation=mentoring).count() == 1


# Sessions, the step, the calendar -----------------------------------------------------


def test_the_first_session_held_completes_meet_your_mentor_through_a_statement(
    mentoring, client_a
):
    pairing = active_pair(mentoring)
    path = OnboardingPath.objects.create(organisation=mentoring, title="Accueil")
    step = PathStep.objects.create(path=path, kind="mentor", title="Rencontrer")
    assign_path(pairing.mentee, path, timezone.localdate())
    when = timezone.localtime() - timedelta(hours=2)

    response = as_user(client_a, pairing.mentor).post(
        reverse("mentoring:add_session", args=[pairing.uuid]),
        {
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "format": "in_person",
            "topics": "Premier contact",
            "action": "log",
        },
    )

    assert response.status_code == 302
    statement = Statement.objects.get(actor=pairing.mentee)
    assert statement.verb.endswith("/attended")
    assert statement.object_id == pairs.SESSION_ACTIVITY
    assert StepCompletion.objects.filter(step=step).exists()


def test_a_session_for_a_pair_you_are_not_in_is_refused(mentoring, client_a):
    pairing = active_pair(mentoring)
    stranger = mentor_in(mentoring)

    response = as_user(client_a, stranger).post(
        reverse("mentoring:add_session", args=[pairing.uuid]),
        {
            "starts_at": "2030-01-01T10:00",
            "duration_minutes": 45,
            "format": "phone",
            "action": "plan",
        },
    )

    assert response.status_code == 403
    assert not Session.objects.exists()


def test_a_bad_session_keeps_what_was_typed_and_saves_nothing(mentoring, client_a):
    pairing = active_pair(mentoring)
    response = as_user(client_a, pairing.mentor).post(
        reverse("mentoring:add_session", args=[pairing.uuid]),
        {
            "starts_at": "pas une date",
            "duration_minutes": 2,
            "format": "phone",
            "topics": "Le planning du samedi",
            "action": "plan",
        },
    )
    assert response.status_code == 400
    assert "Le planning du samedi" in response.content.decode()
    assert not Session.objects.exists()


def test_a_planned_session_invites_both_with_an_ics_in_the_right_time_zone(
    mentoring, client_a
):
    pairing = active_pair(mentoring)
    mail.outbox = []
    client = as_user(client_a, pairing.mentee)
    client.post(
        reverse("mentoring:add_session", args=[pairing.uuid]),
        {
            "starts_at": "2030-07-02T18:30",  # summer time in Paris: UTC+2
            "duration_minutes": 30,
            "format": "video",
            "place": "https://visio.example.org/abc",
            "action": "plan",
        },
    )
    session = Session.objects.get()
    assert session.starts_at == datetime(2030, 7, 2, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert {m.to[0] for m in mail.outbox} == {
        pairing.mentor.email,
        pairing.mentee.email,
    }
    attached = mail.outbox[0].attachments[0]
    downloaded = client.get(reverse("mentoring:ics", args=[session.uuid]))
    assert downloaded["Content-Type"].startswith("text/calendar")

    for raw in (attached[1], downloaded.content):
        calendar = icalendar.Calendar.from_ical(raw)
        [event] = calendar.walk("VEVENT")
        start = event.decoded("dtstart")
        assert start.tzinfo.key == "Europe/Paris"
        assert start == datetime(2030, 7, 2, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))
        assert event.decoded("dtend") - start == timedelta(minutes=30)
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
        assert event["LOCATION"] == "https://visio.example.org/abc"


def test_a_check_in_is_given_once_after_a_held_session(mentoring):
    pairing = active_pair(mentoring)
    session = pairs.log_session(
        pairing,
        pairing.mentor,
        starts_at=timezone.now() - timedelta(hours=1),
        duration_minutes=30,
        format="phone",
    )
    pairs.check_in(session, pairing.mentee, 4, "Utile")
    with pytest.raises(pairs.Refused):
        pairs.check_in(session, pairing.mentee, 5)
    assert CheckIn.objects.get().usefulness == 4


# Privacy -----------------------------------------------------------------------------


def written_pair(organisation):
    """A pair that wrote everything private there is to write."""
    pairing = active_pair(organisation)
    Note.objects.create(pairing=pairing, author=pairing.mentor, body=PRIVATE)
    Note.objects.create(
        pairing=pairing, author=pairing.mentee, body=SHARED, shared=True
    )
    session = pairs.log_session(
        pairing,
        pairing.mentor,
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=30,
        format="phone",
    )
    pairs.check_in(session, pairing.mentee, 2, CHECK_IN)
    Goal.objects.create(
        pairing=pairing, title="Tenir l'accueil", created_by=pairing.mentor
    )
    concern = pairs.raise_concern(pairing, pairing.mentee, CONCERN)
    return pairing, session, concern


def every_get_url(pairing, session, concern):
    return [
        reverse("mentoring:home"),
        reverse("mentoring:offer"),
        reverse("mentoring:request"),
        reverse("mentoring:pair", args=[pairing.uuid]),
        reverse("mentoring:raise_concern", args=[pairing.uuid]),
        reverse("mentoring:ics", args=[session.uuid]),
        reverse("mentoring:check_in", args=[session.uuid]),
        reverse("mentoring:programme"),
        reverse("mentoring:export", args=["csv"]),
        reverse("mentoring:export", args=["xlsx"]),
        reverse("mentoring:mentors"),
        reverse("mentoring:batch"),
        reverse("mentoring:concern", args=[concern.pk]),
        reverse("lms:dashboard"),
        *(
            reverse("lms:person", args=[person.memberships.get().pk])
            for person in (pairing.mentor, pairing.mentee)
        ),
    ]


def text_of(response):
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        return " ".join(
            str(c) for row in sheet.iter_rows(values_only=True) for c in row
        )
    return response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.LEARNER, Role.MENTOR, Role.TRAINER, Role.COORDINATOR, Role.ADMIN]
)
def test_notes_and_check_in_comments_reach_no_one_outside_their_readers(
    mentoring, client_a, role
):
    pairing, session, concern = written_pair(mentoring)
    outsider = member(mentoring, role)
    client = as_user(client_a, outsider)
    for url in every_get_url(pairing, session, concern):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        text = text_of(response)
        assert PRIVATE not in text and SHARED not in text, url
        assert CHECK_IN not in text, url
        if role not in (Role.COORDINATOR, Role.ADMIN):
            assert CONCERN not in text, url
    pair_page = client.get(reverse("mentoring:pair", args=[pairing.uuid]))
    assert pair_page.status_code == 403


def test_superusers_read_no_note_either(mentoring, client_a, admin_user):
    pairing, session, concern = written_pair(mentoring)
    client = as_user(client_a, admin_user)
    for url in every_get_url(pairing, session, concern):
        text = text_of(client.get(url))
        assert PRIVATE not in text and SHARED not in text and CHECK_IN not in text


def test_each_member_reads_their_own_notes_and_the_shared_ones_only(
    mentoring, client_a
):
    pairing, session, concern = written_pair(mentoring)
    mentor_page = as_user(client_a, pairing.mentor).get(pairing.get_absolute_url())
    assert PRIVATE in mentor_page.content.decode()
    assert SHARED in mentor_page.content.decode()
    # The mentee reads the shared note, not the mentor's private one; the mentor
    # never reads the concern or the mentee's check-in comment.
    for user in (pairing.mentee, pairing.mentor):
        client = as_user(client_a, user)
        for url in every_get_url(pairing, session, concern):
            text = text_of(client.get(url))
            if user == pairing.mentee:
                assert PRIVATE not in text, url
            else:
                assert CONCERN not in text and CHECK_IN not in text, url


def test_a_member_cannot_delete_the_others_note(mentoring, client_a):
    pairing, _session, _concern = written_pair(mentoring)
    shared = Note.objects.get(body=SHARED)
    response = as_user(client_a, pairing.mentor).post(
        reverse("mentoring:delete_note", args=[pairing.uuid, shared.pk])
    )
    assert response.status_code == 302
    assert Note.objects.filter(pk=shared.pk).exists()


def test_coordinators_read_a_concern_the_mentor_is_never_told_of(mentoring, client_a):
    pairing, _session, concern = written_pair(mentoring)
    coordinator = pairing.proposed_by
    concern_mails = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert concern_mails and all(CONCERN not in m.body for m in mail.outbox)
    assert not [
        m
        for m in mail.outbox
        if m.to == [pairing.mentor.email] and "confidenti" in m.subject
    ]

    page = as_user(client_a, coordinator).get(
        reverse("mentoring:concern", args=[concern.pk])
    )
    assert CONCERN in page.content.decode()
    as_user(client_a, coordinator).post(reverse("mentoring:concern", args=[concern.pk]))
    assert Concern.objects.get().handled_by == coordinator


# Scoping -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEARNER, Role.MENTOR, Role.TRAINER])
def test_only_coordinators_open_the_programme(mentoring, client_a, role):
    client = as_user(client_a, member(mentoring, role))
    for name in ("programme", "mentors", "batch"):
        assert client.get(reverse(f"mentoring:{name}")).status_code == 403


def test_another_organisations_pairs_are_not_found(
    mentoring, org_b, enable_plugin, client
):
    enable_plugin(org_b, "mentoring")
    pairing, session, concern = written_pair(mentoring)
    coordinator_b = member(org_b, Role.COORDINATOR)
    pairing.mentee.memberships.create(organisation=org_b, role=Role.LEARNER)
    client.defaults["HTTP_HOST"] = "b.test"
    client.force_login(coordinator_b)
    assert (
        client.get(reverse("mentoring:concern", args=[concern.pk])).status_code == 404
    )
    assert (
        pairing.mentee.get_full_name()
        not in client.get(reverse("mentoring:programme")).content.decode()
    )
    client.force_login(pairing.mentee)
    assert client.get(pairing.get_absolute_url()).status_code == 404
    assert client.get(reverse("mentoring:ics", args=[session.uuid])).status_code == 404


def test_mentoring_pages_are_not_found_where_the_plugin_is_off(org_a, client_a):
    client = as_user(client_a, member(org_a, Role.COORDINATOR))
    assert client.get(reverse("mentoring:programme")).status_code == 404


# Coordinators -------------------------------------------------------------------------


def test_the_programme_shows_waiting_newcomers_quiet_pairs_and_full_mentors(
    mentoring, client_a
):
    michel = mentor_in(mentoring, capacity=1)
    quiet = active_pair(mentoring, mentor=michel)
    Pairing.objects.filter(pk=quiet.pk).update(
        started_at=timezone.now() - timedelta(weeks=5)
    )
    lea = newcomer_in(mentoring)
    MentoringRequest.objects.filter(user=lea).update(
        created_at=timezone.now() - timedelta(days=4)
    )

    page = as_user(client_a, quiet.proposed_by).get(reverse("mentoring:programme"))

    text = text_of(page)
    assert lea.get_full_name() in text and "4 jours" in text
    assert "pas de séance récente" in text
    assert "complet" in text


def test_the_export_lists_the_pairs_in_csv_and_xlsx(mentoring, client_a):
    pairing, _session, _concern = written_pair(mentoring)
    client = as_user(client_a, pairing.proposed_by)
    csv = client.get(reverse("mentoring:export", args=["csv"])).content.decode()
    assert pairing.mentee.get_full_name() in csv
    xlsx = text_of(client.get(reverse("mentoring:export", args=["xlsx"])))
    assert pairing.mentor.get_full_name() in xlsx


def test_the_programme_and_the_pair_space_read_a_fixed_number_of_queries(
    mentoring, client_a, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = member(mentoring, Role.COORDINATOR)
    client = as_user(client_a, coordinator)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    written_pair(mentoring)
    newcomer_in(mentoring)
    mentor_in(mentoring)
    count(reverse("mentoring:programme"))  # the first visit creates the settings
    few = count(reverse("mentoring:programme"))
    for _i in range(4):
        written_pair(mentoring)
        newcomer_in(mentoring)
        mentor_in(mentoring)
    assert count(reverse("mentoring:programme")) == few

    pairing, _session, _concern = written_pair(mentoring)
    client = as_user(client_a, pairing.mentor)
    count(pairing.get_absolute_url())  # the first visit counts the bell, then cached
    one = count(pairing.get_absolute_url())
    for _i in range(5):
        pairs.log_session(
            pairing,
            pairing.mentor,
            starts_at=timezone.now() - timedelta(days=2),
            duration_minutes=30,
            format="phone",
        )
        Goal.objects.create(pairing=pairing, title="But", created_by=pairing.mentor)
        Note.objects.create(pairing=pairing, author=pairing.mentor, body="n")
    assert count(pairing.get_absolute_url()) == one


def test_batch_matching_proposes_what_the_coordinator_ticks(mentoring, client_a):
    accueil = Team.objects.create(organisation=mentoring, name="Accueil")
    michel = mentor_in(mentoring, capacity=1, team=accueil)
    lea = member(mentoring, Role.LEARNER, team=accueil)
    MentoringRequest.objects.create(organisation=mentoring, user=lea, languages=["fr"])
    sophie = member(mentoring, Role.COORDINATOR)
    client = as_user(client_a, sophie)

    page = client.get(reverse("mentoring:batch"))
    assert f'value="{lea.pk}:{michel.pk}"' in page.content.decode()
    client.post(reverse("mentoring:batch"), {"pair": f"{lea.pk}:{michel.pk}"})

    assert Pairing.objects.get(mentee=lea).mentor == michel


def test_a_forged_batch_line_proposes_nothing(mentoring, client_a):
    michel, lea = mentor_in(mentoring), newcomer_in(mentoring)
    outsider = member(mentoring, Role.TRAINER)  # not an approved mentor
    client = as_user(client_a, member(mentoring, Role.COORDINATOR))
    client.post(
        reverse("mentoring:batch"),
        {"pair": [f"{lea.pk}:{michel.pk}", f"{lea.pk}:{outsider.pk}"]},
    )
    assert not Pairing.objects.exists()


def test_an_offer_to_mentor_is_approved_by_a_coordinator(mentoring, client_a):
    karim = member(mentoring, Role.LEARNER)
    client = as_user(client_a, karim)
    bad = client.post(reverse("mentoring:offer"), {"capacity": 0, "languages": ["fr"]})
    assert bad.status_code == 400 and not MentorProfile.objects.exists()
    client.post(
        reverse("mentoring:offer"),
        {"capacity": 2, "languages": ["fr", "ar"], "availability": ["sat-am"]},
    )
    offer = MentorProfile.objects.get(user=karim)
    assert offer.status == MentorProfile.Status.PENDING
    sophie = member(mentoring, Role.COORDINATOR)
    as_user(client_a, sophie).post(
        reverse("mentoring:review_offer", args=[offer.pk]), {"status": "approved"}
    )
    assert MentorProfile.objects.get(pk=offer.pk).status == "approved"
    assert karim.email in {m.to[0] for m in mail.outbox}


# Skills, without a hard import of any skills plugin -----------------------------------


def offer_a_skill(organisation, user):
    return [
        SkillChoice(
            "urn:skill:accueil", "Accueil du public", ((1, "Notions"), (2, "Autonome"))
        )
    ]


def test_a_mentor_confirms_a_skill_for_whichever_plugin_keeps_skills(
    mentoring, client_a, django_capture_on_commit_callbacks
):
    pairing = active_pair(mentoring)
    heard = []

    def receiver(sender, event, **kwargs):
        heard.append(event)

    skill_confirmed.connect(receiver)
    try:
        client = as_user(client_a, pairing.mentor)
        # No plugin offers skills: nothing to confirm, and a forged post is refused.
        assert (
            "Confirmer" not in client.get(pairing.get_absolute_url()).content.decode()
        )
        with hooks.register_temporarily("lms_skill_choices", offer_a_skill):
            page = client.get(pairing.get_absolute_url())
            assert "Accueil du public" in page.content.decode()
            as_user(client_a, pairing.mentee).post(
                reverse("mentoring:confirm_skill", args=[pairing.uuid]),
                {"skill": "urn:skill:accueil", "level": 2, "note": "Vu samedi"},
            )
            assert heard == []  # only the mentor vouches
            with django_capture_on_commit_callbacks(execute=True):
                as_user(client_a, pairing.mentor).post(
                    reverse("mentoring:confirm_skill", args=[pairing.uuid]),
                    {"skill": "urn:skill:accueil", "level": 2, "note": "Vue samedi"},
                )
    finally:
        skill_confirmed.disconnect(receiver)
    [event] = heard
    assert (event.user_id, event.skill, event.level, event.source) == (
        pairing.mentee_id,
        "urn:skill:accueil",
        2,
        "mentoring",
    )


# Reminders ----------------------------------------------------------------------------


def test_reminders_check_ins_nudges_and_digest_are_sent_once(mentoring):
    pairing = active_pair(mentoring)
    monday = timezone.make_aware(datetime(2030, 3, 4, 9, 0))  # a Monday
    session = Session.objects.create(
        pairing=pairing,
        starts_at=monday - timedelta(days=1),
        duration_minutes=30,
        status=Session.Status.HELD,
        created_by=pairing.mentor,
    )
    CheckIn.objects.create(session=session, user=pairing.mentor, usefulness=5)
    newcomer_in(mentoring)  # waiting: in the digest
    mail.outbox = []

    first = reminders.run(now=monday)

    assert first == {"check-ins": 1, "unlogged": 0, "nudges": 0, "digests": 1}
    assert [m.to for m in mail.outbox[:1]] == [[pairing.mentee.email]]
    assert reminders.run(now=monday) == {
        "check-ins": 0,
        "unlogged": 0,
        "nudges": 0,
        "digests": 0,
    }

    weeks = ProgrammeSettings.for_organisation(mentoring).nudge_after_weeks
    later = monday + timedelta(weeks=weeks, days=1)
    mail.outbox = []
    assert reminders.run(now=later)["nudges"] == 2
    assert {m.to[0] for m in mail.outbox if "revoir" in m.subject} == {
        pairing.mentor.email,
        pairing.mentee.email,
    }
    assert reminders.run(now=later)["nudges"] == 0


# Demo ---------------------------------------------------------------------------------


def test_the_demo_has_mentors_an_active_pair_and_lea_waiting(db):
    from django.core.management import call_command

    call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
    call_command(
        "seed_demo", "--i-know-this-is-not-production", verbosity=0
    )  # and again: nothing doubles

    approved = MentorProfile.objects.filter(status=MentorProfile.Status.APPROVED)
    assert set(approved.values_list("user__username", flat=True)) == {
        "mentor",
        "nadia",
        "jean",
    }
    [pair] = Pairing.objects.filter(status=Pairing.Status.ACTIVE)
    assert pair.sessions.filter(status=Session.Status.HELD).count() == 2
    assert pair.goals.count() == 2
    assert CheckIn.objects.filter(session__pairing=pair).count() == 4
    waiting_now = waiting.waiting_requests(pair.organisation)
    assert list(waiting_now.values_list("user__username", flat=True)) == ["benevole"]
    assert PathStep.objects.filter(kind="mentor", path__title="Bienvenue à l'accueil")
    assert Pairing.objects.count() == 1


def test_end_of_mentoring_feedback_is_given_once_by_each_and_aggregated(
    mentoring, client_a
):
    pairing = active_pair(mentoring)
    with pytest.raises(pairs.Refused):  # not before the end
        pairs.give_feedback(pairing, pairing.mentee, 5)
    pairs.end(pairing, pairing.mentor, "Objectifs atteints")
    mentee = as_user(client_a, pairing.mentee)
    url = reverse("mentoring:feedback", args=[pairing.uuid])
    assert mentee.post(url, {"rating": 9}).status_code == 400
    mentee.post(url, {"rating": 5, "comment": "Un vrai repère"})
    mentee.post(url, {"rating": 1})  # a second time changes nothing
    pairs.give_feedback(pairing, pairing.mentor, 4)

    page = text_of(
        as_user(client_a, pairing.proposed_by).get(reverse("mentoring:programme"))
    )

    assert "Côté mentors\u00a0: 4,0/5 (1)" in page
    assert "Côté nouvelles recrues\u00a0: 5,0/5 (1)" in page
    assert "Un vrai repère" in page
