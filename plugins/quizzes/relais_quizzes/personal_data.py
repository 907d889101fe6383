"""Personal data the quizzes plugin keeps (see ``lms.privacy``)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import ERASED, Basis, Erase, PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="quizzes.Attempt",
        person="user",
        organisation="organisation",
        fields=[
            "quiz",
            "number",
            "state",
            "started_at",
            "submitted_at",
            "score",
            "max_score",
            "passed",
        ],
        purpose=_("Grade a person's quiz attempts and show them their results"),
        basis=Basis.CONTRACT,
        retention=_(
            "As long as the person is a member; then anonymised, so the quiz's "
            "statistics (which question most people miss) still add up"
        ),
        erase=Erase.ANONYMISE,
        anonymise={"user": ERASED},
    ),
    PersonalData(
        model="quizzes.Slot",
        person="attempt__user",
        organisation="attempt__organisation",
        fields=["position", "response", "saved_at", "fraction"],
        purpose=_("Grade a person's quiz attempts and show them their results"),
        basis=Basis.CONTRACT,
        retention=_("Kept with its attempt, anonymised with it"),
        # The answers stay with the anonymised attempt: the statistics need them.
        erase=Erase.ANONYMISE,
        anonymise={"reviewed_by": None},
    ),
    PersonalData(
        model="quizzes.Slot",
        person="reviewed_by",
        organisation="attempt__organisation",
        fields=["reviewed_by"],
        purpose=_("Show who graded an answer by hand"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the attempt is kept"),
        erase=Erase.ANONYMISE,
        anonymise={"reviewed_by": None},
    ),
]
