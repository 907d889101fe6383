"""Personal data of the webhooks app (see ``lms.privacy``)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="webhooks.WebhookDelivery",
        person="person",
        organisation="organisation",
        fields=["event_type", "body", "created_at"],
        purpose=_(
            "Tell the organisation's own tools (by webhooks it set up) what happened "
            "to a person: joined, completed, badge awarded"
        ),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("The delivery log is kept 30 days"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="webhooks.WebhookEndpoint",
        person="created_by",
        organisation="organisation",
        fields=["created_by"],
        purpose=_("Know which admin set up a webhook endpoint"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the endpoint exists; the name goes when erased"),
        erase=Erase.ANONYMISE,
        anonymise={"created_by": None},
    ),
]

NOT_PERSONAL = {
    "webhooks.WebhookAttempt": "an HTTP answer of the organisation's own server",
}
