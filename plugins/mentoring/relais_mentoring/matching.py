"""Who should mentor whom: an explainable score, a ranking, and a batch assignment.

The score adds up five visible parts (out of 100), each with the sentence that
explains it, so a coordinator sees *why* a mentor is proposed:

* same team (30);
* the courses of the newcomer's onboarding paths the mentor offers to help with (30);
* shared availability (20);
* a common language (10, and a penalty when there is none);
* room left (10, proportional to free places; a full mentor is never proposed).

The batch assignment maximises the total score of a cohort under the mentors'
capacities with scipy's ``linear_sum_assignment`` (each free place of a mentor is one
column), so it is optimal, not greedy.

Everything here works on plain frozen data loaded in a few queries, which keeps a
ranking against thousands of mentors fast (see ``docs/performance.md``).
"""

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.optimize import linear_sum_assignment

WEIGHTS = {"team": 30, "courses": 30, "availability": 20, "language": 10, "room": 10}
NO_COMMON_LANGUAGE = -25
# Below this a pairing is not worth proposing in a batch: it would be chance.
MINIMUM_SCORE = 10


@dataclass(frozen=True)
class Mentor:
    user_id: int
    name: str
    team_id: int | None
    courses: frozenset
    languages: frozenset
    availability: frozenset
    capacity: int
    load: int

    @property
    def room(self):
        return self.capacity - self.load


@dataclass(frozen=True)
class Newcomer:
    user_id: int
    name: str
    team_id: int | None
    needs: frozenset  # course ids of their paths not yet completed
    languages: frozenset
    availability: frozenset
    course_titles: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Fit:
    mentor: Mentor
    score: int
    reasons: tuple  # (points, sentence)


def _parts(newcomer: Newcomer, mentor: Mentor):
    """(reason, points, detail) for each part of the fit, without words: scoring
    thousands of pairs must not build thousands of sentences."""
    parts = []
    if newcomer.team_id is not None and newcomer.team_id == mentor.team_id:
        parts.append(("team", WEIGHTS["team"], None))
    if newcomer.needs:
        shared = newcomer.needs & mentor.courses
        if shared:
            points = round(WEIGHTS["courses"] * len(shared) / len(newcomer.needs))
            parts.append(("courses", points, shared))
    if newcomer.availability and mentor.availability:
        common = newcomer.availability & mentor.availability
        if common:
            points = round(
                WEIGHTS["availability"] * len(common) / len(newcomer.availability)
            )
            parts.append(("availability", points, len(common)))
    if newcomer.languages and mentor.languages:
        if newcomer.languages & mentor.languages:
            parts.append(("language", WEIGHTS["language"], None))
        else:
            parts.append(("no-language", NO_COMMON_LANGUAGE, None))
    if mentor.room > 0:
        points = round(WEIGHTS["room"] * mentor.room / mentor.capacity)
        parts.append(("room", points, mentor.room))
    return parts


def score(newcomer: Newcomer, mentor: Mentor) -> int:
    return max(0, sum(points for _reason, points, _detail in _parts(newcomer, mentor)))


def _sentence(newcomer, reason, detail):
    if reason == "team":
        return _("Same team")
    if reason == "courses":
        titles = sorted(newcomer.course_titles.get(c, "") for c in detail)
        return _("Can help with %(courses)s") % {"courses": ", ".join(titles)}
    if reason == "availability":
        return ngettext(
            "%(count)d time slot in common", "%(count)d time slots in common", detail
        ) % {"count": detail}
    if reason == "language":
        return _("Speaks a common language")
    if reason == "no-language":
        return _("No common language")
    return ngettext("%(count)d place free", "%(count)d places free", detail) % {
        "count": detail
    }


def fit(newcomer: Newcomer, mentor: Mentor) -> Fit:
    """The score with the sentence that explains each of its parts."""
    parts = _parts(newcomer, mentor)
    return Fit(
        mentor,
        max(0, sum(points for _reason, points, _detail in parts)),
        tuple(
            (points, _sentence(newcomer, reason, detail))
            for reason, points, detail in parts
        ),
    )


def rank(newcomer: Newcomer, mentors, limit=10) -> list[Fit]:
    """The best mentors with room for ``newcomer``, best first (ties: least loaded),
    explained."""
    scored = [
        (score(newcomer, mentor), mentor)
        for mentor in mentors
        if mentor.room > 0 and mentor.user_id != newcomer.user_id
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1].load, pair[1].name))
    return [fit(newcomer, mentor) for _score, mentor in scored[:limit]]


def assign(newcomers, mentors) -> list[tuple[Newcomer, Fit]]:
    """The cohort assignment of greatest total score that respects capacities.

    Each free place of a mentor is a column of the score matrix; the solver picks
    at most one place per newcomer and one newcomer per place. Pairings below
    ``MINIMUM_SCORE`` (and people with no place left) stay unmatched.
    """
    newcomers = list(newcomers)
    places = [
        mentor for mentor in mentors if mentor.room > 0 for _i in range(mentor.room)
    ]
    if not newcomers or not places:
        return []
    # Scores depend on the mentor, not the place: compute each pair once.
    distinct = list({mentor.user_id: mentor for mentor in places}.values())
    column_of = {mentor.user_id: i for i, mentor in enumerate(distinct)}
    scores = np.array([[score(n, m) for m in distinct] for n in newcomers], dtype=float)
    for i, newcomer in enumerate(newcomers):
        if newcomer.user_id in column_of:  # nobody mentors themselves
            scores[i, column_of[newcomer.user_id]] = -1
    columns = [column_of[mentor.user_id] for mentor in places]
    rows, chosen = linear_sum_assignment(scores[:, columns], maximize=True)
    return [
        (newcomers[row], fit(newcomers[row], places[place]))
        for row, place in zip(rows, chosen, strict=True)
        if scores[row, columns[place]] >= MINIMUM_SCORE
    ]


# Loading from the database ------------------------------------------------------


def _name(first, last, username):
    return f"{first} {last}".strip() or username


def mentors_of(organisation) -> list[Mentor]:
    """Approved mentors there, with their current load (proposed and active pairs)."""
    from relais_mentoring.models import MentorProfile, Pairing

    profiles = MentorProfile.objects.for_organisation(organisation).filter(
        status=MentorProfile.Status.APPROVED, user__is_active=True
    )
    loads = dict(
        Pairing.objects.for_organisation(organisation)
        .current()
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    courses = {}
    for profile_id, course_id in MentorProfile.courses.through.objects.filter(
        mentorprofile__in=profiles
    ).values_list("mentorprofile_id", "coursepage_id"):
        courses.setdefault(profile_id, set()).add(course_id)
    return [
        Mentor(
            user_id=row["user_id"],
            name=_name(
                row["user__first_name"], row["user__last_name"], row["user__username"]
            ),
            team_id=row["team_id"],
            courses=frozenset(courses.get(row["pk"], ())),
            languages=frozenset(row["languages"]),
            availability=frozenset(row["availability"]),
            capacity=row["capacity"],
            load=loads.get(row["user_id"], 0),
        )
        for row in profiles.values(
            "pk",
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "team_id",
            "languages",
            "availability",
            "capacity",
        )
    ]


def newcomers_of(organisation, requests) -> list[Newcomer]:
    """``requests`` (open MentoringRequests) as newcomers, with the courses their
    onboarding paths still need."""
    from courses.models import PathAssignment, PathStep
    from courses.models.records import Enrolment
    from lms.models import Membership

    requests = list(requests.values("user_id", "languages", "availability"))
    user_ids = [row["user_id"] for row in requests]
    members = {
        row["user_id"]: row
        for row in Membership.objects.for_organisation(organisation)
        .filter(user_id__in=user_ids)
        .values(
            "user_id",
            "team_id",
            "user__first_name",
            "user__last_name",
            "user__username",
        )
    }
    paths = {}
    for user_id, path_id in PathAssignment.objects.filter(
        user_id__in=user_ids, path__organisation=organisation
    ).values_list("user_id", "path_id"):
        paths.setdefault(user_id, set()).add(path_id)
    path_courses, titles = {}, {}
    for path_id, course_id, title in PathStep.objects.filter(
        path_id__in={p for ps in paths.values() for p in ps}, course__isnull=False
    ).values_list("path_id", "course_id", "course__title"):
        path_courses.setdefault(path_id, set()).add(course_id)
        titles[course_id] = title
    completed = set(
        Enrolment.objects.filter(
            user_id__in=user_ids, completed_at__isnull=False
        ).values_list("user_id", "course_id")
    )
    newcomers = []
    for row in requests:
        member = members.get(row["user_id"])
        if member is None:  # left the organisation
            continue
        needs = {
            course
            for path in paths.get(row["user_id"], ())
            for course in path_courses.get(path, ())
            if (row["user_id"], course) not in completed
        }
        newcomers.append(
            Newcomer(
                user_id=row["user_id"],
                name=_name(
                    member["user__first_name"],
                    member["user__last_name"],
                    member["user__username"],
                ),
                team_id=member["team_id"],
                needs=frozenset(needs),
                languages=frozenset(row["languages"]),
                availability=frozenset(row["availability"]),
                course_titles={course: titles[course] for course in needs},
            )
        )
    return newcomers
