"""API resources (``lms.api.registry``): submitted quiz results, at
``/api/v1/quizzes/results/``; answers stay in the UI."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lms.api.viewsets import ReadOnlyViewSet
from lms.models.people import AUTHORS, PEOPLE_MANAGERS

from .models import Attempt

SCOPE_FAMILIES = {"quizzes": _("Quiz results")}


class ResultSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="user_id")
    quiz_title = serializers.CharField(source="quiz.title")

    class Meta:
        model = Attempt
        fields = [
            "id",
            "uuid",
            "organisation",
            "person",
            "quiz",
            "quiz_title",
            "number",
            "score",
            "max_score",
            "passed",
            "needs_review",
            "submitted_at",
        ]


class ResultViewSet(ReadOnlyViewSet):
    """Submitted attempts taken in the organisation: trainers, coordinators and
    admins see all (as the results screen), a learner their own."""

    model = Attempt
    person_field = "user"
    readers = AUTHORS | PEOPLE_MANAGERS
    serializer_class = ResultSerializer

    def organisation_queryset(self):
        return Attempt.objects.filter(
            organisation=self.organisation, state=Attempt.State.SUBMITTED
        ).select_related("quiz")


ROUTES = [("results", ResultViewSet)]
