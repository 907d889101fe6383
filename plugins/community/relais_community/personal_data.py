"""Personal data the community plugin keeps (see ``lms.privacy``): announcements
name their author, read receipts and reminders name people."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData
from relais_community.talk_text import forget_mentions

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

# Discussions and recognition (questions, team spaces, moderation, thank-you cards).
TALK_PERSONAL_DATA = [
    PersonalData(
        model="community.DiscussionPost",
        person="author",
        organisation="organisation",
        fields=["body", "body_html", "created_at"],
        purpose=_(
            "Questions under courses and lessons, their answers, and team conversations"
        ),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_(
            "Kept while the person is a member; deleted with their account or by "
            "a moderator"
        ),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="community.DiscussionPost",
        person="mentioned",
        organisation="organisation",
        fields=["body", "created_at"],
        purpose=_("Tell a member that someone named them in a discussion"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_(
            'Kept with the post; the name becomes "a former member" when erased'
        ),
        erase=Erase.ANONYMISE,
        eraser=forget_mentions,
    ),
    PersonalData(
        model="community.PostReport",
        person="reporter",
        organisation="organisation",
        fields=["reason", "created_at"],
        purpose=_("Tell the moderators a post should not be there"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("Kept until the post is deleted"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="community.ModerationRecord",
        person="person",
        organisation="organisation",
        fields=["reason", "action", "created_at"],
        purpose=_("Keep why a person was muted in the organisation's discussions"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("Kept as the moderation log of the organisation"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="community.Mute",
        person="person",
        organisation="organisation",
        fields=["reason", "created_at"],
        purpose=_("Stop a person from posting after abuse"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("Until a coordinator lifts it, or the person leaves"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="community.ThankYou",
        person="sender",
        organisation="organisation",
        fields=["message", "message_html", "created_at"],
        purpose=_("Thank-you cards between members, shown on the organisation's wall"),
        basis=Basis.CONSENT,
        retention=_("Kept while sender and recipient are members"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="community.ThankYou",
        person="recipient",
        organisation="organisation",
        fields=["message", "message_html", "created_at"],
        purpose=_("Thank-you cards a member received"),
        basis=Basis.CONSENT,
        retention=_("Kept while sender and recipient are members"),
        erase=Erase.DELETE,
    ),
]
TALK_NOT_PERSONAL = {
    "community.OrganisationValue": "a value the organisation stands for; names nobody",
}

PERSONAL_DATA += TALK_PERSONAL_DATA
NOT_PERSONAL = {**TALK_NOT_PERSONAL}
