from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class UsernameOrEmailBackend(ModelBackend):
    """Log in with a username or an e-mail address, whatever its case.

    Volunteers remember their e-mail address, not a username.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        users = get_user_model()._default_manager.filter(
            Q(username__iexact=username) | Q(email__iexact=username)
        )
        for user in users[:5]:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        # Spend the hashing time even when nobody matched (no user enumeration).
        get_user_model()().set_password(password)
        return None


def lockout_username(request, credentials=None):
    """The account a login attempt is about, for django-axes (AXES_USERNAME_CALLABLE).

    Login accepts a username or an e-mail address in any case, so the lock-out must
    count "nAdIa", "NADIA" and nadia's e-mail address as one account: the canonical
    username when the input names accounts, else the input in lower case (failures
    against an unknown name still count, whatever its spelling).
    """
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        given = credentials.get(field)
    else:
        given = getattr(request, "data", request.POST).get(field)
    if not given:
        return given
    given = str(given).strip()
    usernames = sorted(
        get_user_model()
        ._default_manager.filter(Q(username__iexact=given) | Q(email__iexact=given))
        .values_list("username", flat=True)[:5]
    )
    # Several accounts can answer one input (an address shared by two people):
    # the set of them is still the same whatever the spelling.
    return "|".join(usernames) if usernames else given.lower()
