"""Personal data the recruitment plugin keeps (the core's privacy contract)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import ERASED, Basis, Erase, PersonalData

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

PERSONAL_DATA = [*TIME_PERSONAL_DATA]
