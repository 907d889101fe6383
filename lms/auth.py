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
