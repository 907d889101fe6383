"""Personal data the community plugin keeps (see ``lms.privacy``): announcements
name their author, read receipts and reminders name people."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData

NEWS = _("Tell the organisation's people its news and know who has read the rules")

PERSONAL_DATA = [
    PersonalData(
        model="community.Announcement",
        person="author",
        organisation="organisation",
        fields=["author"],
        purpose=NEWS,
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_(
            "As long as the announcement is kept; the author's name goes when erased"
        ),
        erase=Erase.ANONYMISE,
        anonymise={"author": None},
    ),
    PersonalData(
        model="community.AnnouncementConfirmation",
        person="person",
        organisation="organisation",
        fields=["announcement", "confirmed_at"],
        purpose=NEWS,
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("Deleted with the announcement, or when the person is erased"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="community.AnnouncementReminder",
        person="sent_by",
        organisation="organisation",
        fields=["sent_by"],
        purpose=NEWS,
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_(
            "Deleted with the announcement; the sender's name goes when erased"
        ),
        erase=Erase.ANONYMISE,
        anonymise={"sent_by": None},
    ),
]
