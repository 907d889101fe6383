"""Personal data the SCORM plugin keeps (see ``lms.privacy``)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import ERASED, Basis, Erase, PersonalData

PLAYING = _("Let a person resume a SCORM package and record their results")

PERSONAL_DATA = [
    PersonalData(
        model="scorm.ScormAttempt",
        person="user",
        organisation="organisation",
        fields=[
            "package",
            "activity",
            "number",
            "objectives",
            "completion",
            "success",
            "score",
            "total_seconds",
            "started_at",
            "finished_at",
        ],
        purpose=PLAYING,
        basis=Basis.CONTRACT,
        retention=_(
            "As long as the person is a member; then anonymised, so the "
            "package's results still add up"
        ),
        erase=Erase.ANONYMISE,
        anonymise={"user": ERASED},
    ),
    PersonalData(
        model="scorm.ScoState",
        person="attempt__user",
        organisation="attempt__organisation",
        fields=["item", "cmi", "completion", "success", "score", "total_seconds"],
        purpose=PLAYING,
        basis=Basis.CONTRACT,
        retention=_("Kept with its attempt; what the package stored is emptied"),
        # The package's own data model may hold the learner's name and free text.
        erase=Erase.ANONYMISE,
        anonymise={"cmi": {}, "versions": {}, "session": ""},
    ),
    PersonalData(
        model="scorm.GlobalObjective",
        person="user",
        organisation="organisation",
        fields=["objective", "measure"],
        purpose=PLAYING,
        basis=Basis.CONTRACT,
        retention=_("As long as the person is a member"),
    ),
    PersonalData(
        model="scorm.ScormPackage",
        person="uploaded_by",
        organisation="organisation",
        fields=["title", "uploaded_by"],
        purpose=_("Show who uploaded a package"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the package is kept"),
        erase=Erase.ANONYMISE,
        anonymise={"uploaded_by": None},
    ),
]
