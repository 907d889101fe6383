"""What the recruitment plugin's missions and applications keep about people
(issue 19's contract, read by ``lms.privacy``)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import ERASED, Basis, Erase, PersonalData

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

# ---- volunteer time, drifting away, departures (branch recruitment-time) ----
TIME_PERSONAL_DATA = [
    PersonalData(
        model="recruitment.HourEntry",
        person="user",
        organisation="organisation",
        fields=["date", "minutes", "activity", "team", "comment", "status"],
        purpose=_(
            "Count the time volunteers give, and value it in the association's "
            "yearly accounts (contributions volontaires en nature)"
        ),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_(
            "Kept while the person volunteers; on erasure the hours stay in the "
            "accounts' totals without their name or comment"
        ),
        erase=Erase.ANONYMISE,
        anonymise={"user": ERASED, "comment": ""},
    ),
    PersonalData(
        model="recruitment.DriftNotice",
        person="user",
        organisation="organisation",
        fields=["kind", "period", "sent_at"],
        purpose=_("Send a volunteer drifting away one check-in message, not several"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("Deleted with the person's data"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="recruitment.Departure",
        person="user",
        organisation="organisation",
        fields=["left_on", "comment", "would_come_back", "would_recommend"],
        purpose=_("Understand why volunteers leave, in totals for the board"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_(
            "On erasure the answers stay in the board's totals without the "
            "person's name or comment"
        ),
        erase=Erase.ANONYMISE,
        anonymise={"user": None, "comment": ""},
    ),
]
# ---- end of volunteer time ----

PERSONAL_DATA += TIME_PERSONAL_DATA
