"""The personal data the core keeps (``lms.privacy`` contract)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="lms.DataExport",
        person="user",
        organisation="organisation",
        fields=["user", "created_at", "finished_at", "expires_at", "downloaded_at"],
        files=["file"],
        purpose=_("Give a person a copy of everything the association holds on them"),
        basis=Basis.LEGAL_OBLIGATION,
        retention=_("The file is deleted after the organisation's export period"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="lms.ErasureRequest",
        person="person",
        organisation="organisation",
        fields=["person", "reason", "language", "requested_at"],
        purpose=_("Answer a person's erasure request and keep proof of the answer"),
        basis=Basis.LEGAL_OBLIGATION,
        retention=_(
            "Kept as the log of the request, naming the person only by a "
            "pseudonymous reference once their data is erased"
        ),
        erase=Erase.ANONYMISE,
        anonymise={"person": None, "reason": "", "language": ""},
    ),
    PersonalData(
        model="lms.AccessLogEntry",
        person="person",
        organisation="organisation",
        fields=["person", "viewer", "what", "path", "at"],
        purpose=_(
            "Show who viewed a person's skills evidence, mentoring details or data"
        ),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("Deleted with the person it is about"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="lms.PrivacySettings",
        person=("data_protection_contact", "retention_confirmed_by"),
        organisation="organisation",
        fields=["data_protection_contact", "retention_confirmed_by"],
        purpose=_("Name who answers data-protection requests for the association"),
        basis=Basis.LEGAL_OBLIGATION,
        retention=_("Until another member is named"),
        erase=Erase.ANONYMISE,
        anonymise={"data_protection_contact": None, "retention_confirmed_by": None},
    ),
]

NOT_PERSONAL = {
    "lms.RetentionRun": "counts per retention rule; names nobody",
}
