"""API resources (``lms.api.registry``): skill levels and evidence metadata, at
``/api/v1/skills/``; notes and attachments stay in the UI."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lms.api.viewsets import ReadOnlyViewSet

from .models import Evidence, Proficiency

SCOPE_FAMILIES = {"skills": _("Skills levels and evidence")}


class LevelSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="user_id")
    skill_name = serializers.CharField(source="skill.name")

    class Meta:
        model = Proficiency
        fields = [
            "id",
            "organisation",
            "person",
            "skill",
            "skill_name",
            "level",
            "self_level",
            "expires_on",
            "updated_at",
        ]


class LevelViewSet(ReadOnlyViewSet):
    """Each person's level per skill (validated and self-assessed)."""

    model = Proficiency
    person_field = "user"
    serializer_class = LevelSerializer

    def organisation_queryset(self):
        return Proficiency.objects.filter(
            organisation=self.organisation
        ).select_related("skill")


class EvidenceSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="user_id")
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "organisation",
            "person",
            "skill",
            "level",
            "source",
            "observed_on",
            "expires_on",
            "has_attachment",
            "created_at",
        ]

    def get_has_attachment(self, evidence) -> bool:
        return bool(evidence.attachment)


class EvidenceViewSet(ReadOnlyViewSet):
    """What each level rests on: where it comes from and when, no notes."""

    model = Evidence
    person_field = "user"
    serializer_class = EvidenceSerializer

    def organisation_queryset(self):
        return Evidence.objects.for_organisation(self.organisation)


ROUTES = [("levels", LevelViewSet), ("evidence", EvidenceViewSet)]
