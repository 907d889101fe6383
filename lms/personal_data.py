"""The core's personal data held by the notification centre (issue 19's contract)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="lms.Notification",
        person="person",
        organisation="organisation",
        fields=["kind", "params", "url", "created_at", "read_at", "emailed_at"],
        files=[],
        purpose=_(
            "Tell a person what happens in their organisation that concerns them"
        ),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("Read notifications are deleted after six months"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="lms.NotificationPreference",
        person="person",
        organisation="organisation",
        fields=["kind", "delivery"],
        files=[],
        purpose=_("Remember how a person wants to be told of each kind of news"),
        basis=Basis.CONTRACT,
        retention=_("Kept while the person is a member"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="lms.NotificationDigest",
        person="person",
        organisation="organisation",
        fields=["delivery", "period", "count", "sent_at"],
        files=[],
        purpose=_("Send at most one digest per person and period"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("Deleted with the person's notifications"),
        erase=Erase.DELETE,
    ),
]
