"""API resources (``lms.api.registry``): applications, at
``/api/v1/recruitment/applications/``, for coordinators and admins (candidates
are not members: nobody else sees any)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lms.api.viewsets import ReadOnlyViewSet

from .models import Application

SCOPE_FAMILIES = {"recruitment": _("Volunteer applications")}


class ApplicationSerializer(serializers.ModelSerializer):
    mission_title = serializers.CharField(source="mission.title")

    class Meta:
        model = Application
        fields = [
            "id",
            "organisation",
            "mission",
            "mission_title",
            "name",
            "email",
            "status",
            "source",
            "created_at",
            "status_changed_at",
            "meeting_at",
        ]


class ApplicationViewSet(ReadOnlyViewSet):
    model = Application
    person_field = "email"  # candidates are not members: see own_rows
    serializer_class = ApplicationSerializer

    def organisation_queryset(self):
        return Application.objects.for_organisation(self.organisation).select_related(
            "mission"
        )

    def own_rows(self, queryset, user):
        return queryset.none()


ROUTES = [("applications", ApplicationViewSet)]
