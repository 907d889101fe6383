"""API resources (``lms.api.registry``): mentoring pairs' metadata, at
``/api/v1/mentoring/pairs/``; sessions, notes and concerns stay in the UI."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lms.api.viewsets import ReadOnlyViewSet

from .models import Pairing

SCOPE_FAMILIES = {"mentoring": _("Mentoring pairs")}


class PairSerializer(serializers.ModelSerializer):
    mentor = serializers.IntegerField(source="mentor_id")
    mentee = serializers.IntegerField(source="mentee_id")

    class Meta:
        model = Pairing
        fields = [
            "id",
            "uuid",
            "organisation",
            "mentor",
            "mentee",
            "status",
            "proposed_at",
            "started_at",
            "ended_at",
        ]


class PairViewSet(ReadOnlyViewSet):
    """Coordinators and admins see every pair; a mentor or mentee their own."""

    model = Pairing
    person_field = "mentor"
    serializer_class = PairSerializer

    def organisation_queryset(self):
        return Pairing.objects.for_organisation(self.organisation)

    def own_rows(self, queryset, user):
        return queryset.filter(Q(mentor=user) | Q(mentee=user))


ROUTES = [("pairs", PairViewSet)]
