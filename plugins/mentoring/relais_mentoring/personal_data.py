"""Personal data the mentoring plugin keeps (see ``lms.privacy``).

A pair's record (its sessions, goals, notes, check-ins, feedback, concerns and
skill confirmations) is about both its members: erasing either one deletes it.
"""

from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData

MENTORING = _("Pair newcomers with experienced volunteers and follow the pairs")
WHILE_MEMBER = _("As long as the person is a member")


def _pair_record(model, fields, pairing="pairing", **extra):
    return PersonalData(
        model=model,
        person=[f"{pairing}__mentor", f"{pairing}__mentee"],
        organisation=f"{pairing}__organisation",
        fields=fields,
        purpose=MENTORING,
        basis=Basis.CONSENT,
        retention=_("As long as both members are members; deleted with the pair"),
        **extra,
    )


def _cleared(model, lookup, organisation):
    """Someone else's row that names the person in passing: the name goes."""
    return PersonalData(
        model=model,
        person=lookup,
        organisation=organisation,
        fields=[lookup],
        purpose=_("Show who acted on a mentoring record"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the record is kept"),
        erase=Erase.ANONYMISE,
        anonymise={lookup: None},
    )


PERSONAL_DATA = [
    PersonalData(
        model="mentoring.MentorProfile",
        person="user",
        organisation="organisation",
        fields=[
            "status",
            "courses",
            "areas",
            "languages",
            "availability",
            "team",
            "location",
            "capacity",
            "bio",
            "created_at",
            "reviewed_at",
        ],
        purpose=MENTORING,
        basis=Basis.CONSENT,
        retention=WHILE_MEMBER,
    ),
    _cleared("mentoring.MentorProfile", "reviewed_by", "organisation"),
    PersonalData(
        model="mentoring.MentoringRequest",
        person="user",
        organisation="organisation",
        fields=["languages", "availability", "note", "created_at", "closed_at"],
        purpose=MENTORING,
        basis=Basis.CONSENT,
        retention=WHILE_MEMBER,
    ),
    PersonalData(
        model="mentoring.Pairing",
        person=["mentor", "mentee"],
        organisation="organisation",
        fields=[
            "mentor",
            "mentee",
            "status",
            "score",
            "proposed_at",
            "started_at",
            "ended_at",
            "end_reason",
        ],
        purpose=MENTORING,
        basis=Basis.CONSENT,
        retention=_("As long as both members are members"),
    ),
    _cleared("mentoring.Pairing", "proposed_by", "organisation"),
    _cleared("mentoring.Pairing", "ended_by", "organisation"),
    _pair_record("mentoring.Goal", ["title", "target_date", "status"]),
    _pair_record(
        "mentoring.Session", ["starts_at", "format", "place", "topics", "status"]
    ),
    _pair_record("mentoring.Note", ["author", "body", "shared", "created_at"]),
    _pair_record(
        "mentoring.CheckIn",
        ["user", "usefulness", "comment", "created_at"],
        pairing="session__pairing",
    ),
    _pair_record("mentoring.Feedback", ["user", "side", "rating", "comment"]),
    _pair_record(
        "mentoring.Concern", ["raised_by", "body", "created_at", "handled_at"]
    ),
    _pair_record(
        "mentoring.SkillConfirmation",
        ["skill_label", "level", "level_label", "note", "created_at"],
    ),
    _cleared("mentoring.Concern", "handled_by", "pairing__organisation"),
    PersonalData(
        model="mentoring.Notice",
        person="user",
        organisation=None,
        fields=["kind", "key", "sent_at"],
        purpose=_("Send each mentoring reminder once"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the account exists"),
    ),
]
