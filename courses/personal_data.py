"""Personal data the learning core keeps (see ``lms.privacy``)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.privacy import ERASED, Basis, Erase, PersonalData


def lessons_followed_there(queryset, organisation):
    """Progress rows (``user``, ``lesson``) of lessons of the courses the person
    follows in ``organisation``: a federation's shared lesson has no owner of
    its own, the enrolment says where it was learnt."""
    from courses.models import Enrolment

    paths = Enrolment.objects.filter(
        organisation=organisation, user__in=queryset.values("user")
    ).values_list("course__path", flat=True)
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(lesson__path__startswith=path)
    return queryset.filter(condition)


def baked_badges(rows):
    """Each awarded badge as the PNG a verifier reads (the assertion baked in)."""
    from courses.badges import baked_png

    return [
        (f"badge-{award.uuid}.png", baked_png(award))
        for award in rows.select_related("badge__organisation", "recipient")
        if award.revoked_at is None
    ]


LEARNING = _("Follow a person's learning: courses, lessons, activities and scores")
LEARNING_RETENTION = _(
    "As long as the person is a member; anonymised when they leave, so the "
    "organisation's completion figures still add up"
)

PERSONAL_DATA = [
    PersonalData(
        model="courses.Statement",
        person="actor",
        organisation="organisation",
        fields=["verb", "object_id", "result", "context", "timestamp", "authority"],
        purpose=LEARNING,
        basis=Basis.CONTRACT,
        retention=LEARNING_RETENTION,
        erase=Erase.ANONYMISE,
        anonymise={"actor": ERASED, "context": None},
    ),
    PersonalData(
        model="courses.Enrolment",
        person="user",
        organisation="organisation",
        fields=["course", "enrolled_at", "progress", "completed_at", "last_lesson"],
        purpose=LEARNING,
        basis=Basis.CONTRACT,
        retention=_("As long as the person is a member"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="courses.LessonProgress",
        person="user",
        organisation=lessons_followed_there,
        fields=["lesson", "started_at", "completed_at"],
        purpose=LEARNING,
        basis=Basis.CONTRACT,
        retention=_("As long as the person is a member"),
    ),
    PersonalData(
        model="courses.ActivityCompletion",
        person="user",
        organisation=lessons_followed_there,
        fields=["lesson", "block_id", "completed_at", "score"],
        purpose=LEARNING,
        basis=Basis.CONTRACT,
        retention=_("As long as the person is a member"),
    ),
    PersonalData(
        model="courses.PathAssignment",
        person="user",
        organisation="path__organisation",
        fields=["path", "start_date", "assigned_at", "completed_at"],
        purpose=_("Guide a newcomer through their onboarding path"),
        basis=Basis.CONTRACT,
        retention=_("As long as the person is a member"),
    ),
    PersonalData(
        model="courses.StepCompletion",
        person="assignment__user",
        organisation="assignment__path__organisation",
        fields=["step", "completed_at"],
        purpose=_("Guide a newcomer through their onboarding path"),
        basis=Basis.CONTRACT,
        retention=_("As long as the person is a member"),
    ),
    PersonalData(
        model="courses.StepCompletion",
        person="confirmed_by",
        organisation="assignment__path__organisation",
        fields=["confirmed_by"],
        purpose=_("Show who confirmed a newcomer's step"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the newcomer's path is kept"),
        erase=Erase.ANONYMISE,
        anonymise={"confirmed_by": None},
    ),
    PersonalData(
        model="courses.ReminderLog",
        person="user",
        organisation="step__path__organisation",
        fields=["step", "day"],
        purpose=_("Remind a newcomer of a step once a day at most"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the person is a member"),
    ),
    PersonalData(
        model="courses.DigestLog",
        person="user",
        organisation="organisation",
        fields=["day"],
        purpose=_("Send a coordinator one digest a week at most"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the person is a member"),
    ),
    # Before the award's own entry: erasing anonymises the award, after which
    # the credential would no longer lead to the person.
    PersonalData(
        model="courses.BadgeCredential",
        person="award__recipient",
        organisation="award__badge__organisation",
        fields=["award", "issued_at", "compact_jws"],
        purpose=_("Award Open Badges a person can show to others"),
        basis=Basis.CONTRACT,
        retention=_(
            "As long as the badge is kept; deleted with the person's data, and "
            "the copy they hold is then listed as revoked"
        ),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="courses.BadgeAward",
        person="recipient",
        organisation="badge__organisation",
        fields=[
            "badge",
            "rule",
            "issued_on",
            "expires",
            "evidence",
            "revoked_at",
            "revocation_reason",
        ],
        purpose=_("Award Open Badges a person can show to others"),
        basis=Basis.CONTRACT,
        retention=_(
            "As long as the person is a member; then revoked and anonymised, so "
            "a verifier holding the badge learns it is no longer valid"
        ),
        erase=Erase.ANONYMISE,
        anonymise={
            "recipient": ERASED,
            "evidence": "",
            "revoked_at": timezone.now,
            "revocation_reason": "Withdrawn at the holder's request",
        },
        export_files=baked_badges,
    ),
    PersonalData(
        model="courses.BadgeAward",
        person="awarded_by",
        organisation="badge__organisation",
        fields=["awarded_by"],
        purpose=_("Show who awarded a badge by hand"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the badge is kept"),
        erase=Erase.ANONYMISE,
        anonymise={"awarded_by": None},
    ),
]
