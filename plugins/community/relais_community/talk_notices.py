"""What discussions and recognition tell people, through the core's notification
centre (``lms.notifications``). Every call is here, with parameters that each
reader's language renders (names and titles, never translated sentences)."""

from django.utils.translation import gettext_lazy as _

from lms.models import Role
from lms.notifications import Delivery, notify, notify_many, register_notification_kind

MENTION = "community.mention"
ANSWER = "community.answer"
HELPFUL = "community.helpful"
UNANSWERED = "community.unanswered"
THANKS = "community.thanks"


def register_kinds():
    register_notification_kind(
        MENTION,
        label=_("Mentions"),
        text=_("%(author)s mentioned you in %(place)s"),
        default=Delivery.AT_ONCE,
    )
    register_notification_kind(
        ANSWER,
        label=_("Answers to my questions"),
        text=_("%(author)s answered your question under %(place)s"),
        default=Delivery.AT_ONCE,
    )
    register_notification_kind(
        HELPFUL,
        label=_("Answers marked as helpful"),
        text=_("Your answer under %(place)s was marked as the one that helped"),
        default=Delivery.DAILY,
    )
    register_notification_kind(
        UNANSWERED,
        label=_("Questions waiting for a trainer"),
        text=_("A question under %(place)s has had no answer for %(days)s days"),
        default=Delivery.AT_ONCE,
        roles=[Role.TRAINER],  # only trainers are told (talk.notify_unanswered)
    )
    register_notification_kind(
        THANKS,
        label=_("Thank-you cards"),
        text=_("%(author)s thanked you"),
        default=Delivery.AT_ONCE,
    )


def tell(kind, person, organisation, url, **params):
    """Inside the transaction of what it is about (the e-mail leaves on commit)."""
    notify(kind, person=person, organisation=organisation, url=url, **params)


def tell_many(kind, people, organisation, url, **params):
    notify_many(kind, people=people, organisation=organisation, url=url, **params)
