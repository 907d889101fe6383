"""Personal data the skills plugin keeps (see ``lms.privacy``)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData


def leave_role_profiles(rows, user):
    """The roles stay; only the person leaves their holders."""
    touched = 0
    for profile in rows:
        profile.holders.remove(user)
        touched += 1
    return touched


SKILLS = _("Know who can do what, and whose certificates expire")
WHILE_MEMBER = _("As long as the person is a member")

PERSONAL_DATA = [
    PersonalData(
        model="skills.Evidence",
        person="user",
        organisation="organisation",
        fields=[
            "skill",
            "level",
            "source",
            "observed_on",
            "expires_on",
            "author",
            "note",
            "private_note",
            "url",
            "reference",
            "created_at",
        ],
        files=["attachment"],
        purpose=SKILLS,
        basis=Basis.LEGITIMATE_INTEREST,
        retention=WHILE_MEMBER,
    ),
    PersonalData(
        model="skills.Evidence",
        person="author",
        organisation="organisation",
        fields=["author"],
        purpose=_("Show who vouched for a person's skill"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the evidence is kept"),
        erase=Erase.ANONYMISE,
        anonymise={"author": None},
    ),
    PersonalData(
        model="skills.Proficiency",
        person="user",
        organisation="organisation",
        fields=["skill", "level", "expires_on"],
        purpose=SKILLS,
        basis=Basis.LEGITIMATE_INTEREST,
        retention=WHILE_MEMBER,
    ),
    PersonalData(
        model="skills.Notice",
        person="user",
        organisation="evidence__organisation",
        fields=["evidence", "kind"],
        purpose=_("Announce an expiring certificate once"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=WHILE_MEMBER,
    ),
    PersonalData(
        model="skills.RoleProfile",
        person="holders",
        organisation="organisation",
        fields=["name", "holders"],
        purpose=_("Know which roles a person holds"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=WHILE_MEMBER,
        # The role stays; only the person leaves its holders.
        erase=Erase.ANONYMISE,
        eraser=leave_role_profiles,
    ),
    PersonalData(
        model="skills.Job",
        person="created_by",
        organisation="organisation",
        fields=["kind", "status", "created_at", "finished_at"],
        files=["result"],
        purpose=_("Import frameworks and export the skills matrix for the board"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_(
            "Exports are documents about every member: all of them are deleted "
            "when anyone's data is erased"
        ),
        names_anyone={"kind": "export"},
    ),
]
