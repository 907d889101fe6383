"""What the recruitment plugin's missions and applications keep about people
(issue 19's contract, read by ``lms.privacy``)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="recruitment.Application",
        person="email",
        organisation="organisation",
        fields=["name", "email", "phone", "availability", "motivation", "notes"],
        files=[],
        purpose=_("Answer a volunteer's application to a mission"),
        basis=Basis.CONSENT,
        retention=_(
            "Deleted after the organisation's retention period (by default 180 days "
            "after the last exchange) unless the candidate joins"
        ),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="recruitment.Message",
        person="application__email",
        organisation="application__organisation",
        fields=["body"],
        files=[],
        purpose=_("The conversation between a candidate and the coordinators"),
        basis=Basis.CONSENT,
        retention=_("Deleted with the application"),
        erase=Erase.DELETE,
    ),
]
# Models that relate to a person but hold nothing personal, with the reason.
NOT_PERSONAL = {
    "recruitment.Mission": "a mission an organisation publishes; names no person",
    "recruitment.WaitingReminder": "the day a reminder about an application went "
    "out; deleted with it",
    "recruitment.MissionViews": "a count of page views per day; records no visitor",
}
