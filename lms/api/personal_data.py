from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="api.ApiToken",
        person="user",
        organisation="organisation",
        fields=["user", "name", "prefix", "created_at", "last_used_at"],
        purpose=_("Let a person's programs use the API in their name"),
        basis=Basis.CONTRACT,
        retention=_("Deleted with the person's account or when they leave"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="api.ApiToken",
        person="created_by",
        organisation="organisation",
        fields=["created_by"],
        purpose=_("Know who created an organisation's API token"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("Kept with the token"),
        erase=Erase.ANONYMISE,
        anonymise={"created_by": None},
    ),
]
