"""The base of every API resource: the token's organisation, and people's data
seen only by those who see it in the UI."""

from rest_framework import mixins, parsers, renderers, viewsets

from lms.models.people import PEOPLE_MANAGERS

from .authentication import TokenAuthentication
from .pagination import Cursor
from .permissions import TokenScopes, token_of
from .problems import exception_handler
from .throttling import TokenRateThrottle


class OrganisationViewSet(viewsets.GenericViewSet):
    """Subclasses set ``model``, ``scope_family``, and implement
    ``organisation_queryset()`` (the organisation's rows, through its
    ``for_organisation()`` or scope). With ``person_field`` (the lookup to the
    person a row is about), a token acting with a role outside ``readers``
    (people managers, as in the UI) sees only its own person's rows, and an
    organisation token with such a role none."""

    model = None
    scope_family = None
    person_field = None
    readers = PEOPLE_MANAGERS
    plugin = None  # set by lms.api.registry for a plugin's viewsets

    authentication_classes = [TokenAuthentication]
    permission_classes = [TokenScopes]
    throttle_classes = [TokenRateThrottle]
    pagination_class = Cursor
    renderer_classes = [renderers.JSONRenderer]
    parser_classes = [parsers.JSONParser]

    def get_exception_handler(self):
        return exception_handler

    @property
    def token(self):
        return token_of(self.request)

    @property
    def organisation(self):
        return self.token.organisation

    def organisation_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return self.model.objects.none()
        queryset = self.organisation_queryset()
        if self.person_field is None or self.token.acting_role in self.readers:
            return queryset
        if self.token.user is None:
            return queryset.none()
        return self.own_rows(queryset, self.token.user)

    def own_rows(self, queryset, user):
        """The rows about ``user`` (override when a row names several people)."""
        return queryset.filter(**{self.person_field: user})


class ReadOnlyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganisationViewSet
):
    pass
