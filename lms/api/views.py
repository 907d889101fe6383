"""The core's resources: people (memberships), invitations, teams."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from lms.models import Invitation, Membership, Role, Team

from .serializers import (
    InvitationSerializer,
    MembershipSerializer,
    TeamSerializer,
    check_may_change,
)
from .viewsets import OrganisationViewSet, ReadOnlyViewSet


def object_id():
    """An id in a query: bounded, so a huge number is a 400, not a database
    overflow."""
    return serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class Filters(serializers.Serializer):
    """Query parameters, validated: a bad one is a 400 problem, not ignored."""

    @classmethod
    def read(cls, request):
        filters = cls(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return filters.validated_data


class PeopleFilters(Filters):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    team = object_id()
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, max_length=100)


@extend_schema(tags=["people"])
class PeopleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    OrganisationViewSet,
):
    """Members of the organisation (one membership each). Coordinators and
    admins see everyone; anyone else their own membership."""

    model = Membership
    scope_family = "people"
    person_field = "user"
    serializer_class = MembershipSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]

    def organisation_queryset(self):
        people = Membership.objects.for_organisation(self.organisation).select_related(
            "user"
        )
        if self.action != "list":
            return people
        filters = PeopleFilters.read(self.request)
        if "role" in filters:
            people = people.filter(role=filters["role"])
        if "team" in filters:
            people = people.filter(team_id=filters["team"])
        if filters.get("is_active") is not None:
            people = people.filter(is_active=filters["is_active"])
        if filters.get("q"):
            query = filters["q"]
            people = people.filter(
                Q(user__first_name__icontains=query)
                | Q(user__last_name__icontains=query)
                | Q(user__email__icontains=query)
            )
        return people

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "token": self.token}

    @extend_schema(parameters=[PeopleFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Stand a person down (their membership stays, inactive), as the UI."""
        member = self.get_object()
        check_may_change(self.token, member)
        member.is_active = False
        member.save()
        return Response(self.get_serializer(member).data)


@extend_schema(tags=["people"])
class InvitationViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Pending invitations; creating one e-mails the link, as the people screen."""

    model = Invitation
    scope_family = "people"
    serializer_class = InvitationSerializer

    def organisation_queryset(self):
        return Invitation.objects.for_organisation(self.organisation).pending()

    def get_queryset(self):
        queryset = super().get_queryset()  # people managers only, as the UI
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset if self.token.acting_role in self.readers else queryset.none()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "token": self.token}


@extend_schema(tags=["people"])
class TeamViewSet(ReadOnlyViewSet):
    model = Team
    scope_family = "people"
    serializer_class = TeamSerializer

    def organisation_queryset(self):
        return Team.objects.for_organisation(self.organisation)
