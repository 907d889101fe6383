"""The "pass a quiz" onboarding step: completed by passing the quiz, wherever."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.steps import StepKind, register_step_kind


class QuizStep(StepKind):
    """The step's ``target`` holds the quiz id."""

    def object_id(self, step):
        return f"urn:relais:quiz:{step.target}"

    def target_choices(self, organisation):
        from relais_quizzes.models import Quiz

        quizzes = Quiz.objects.for_organisation(organisation).order_by("title")
        return [(str(pk), title) for pk, title in quizzes.values_list("pk", "title")]

    def url(self, step):
        from relais_quizzes.models import Quiz

        quiz = Quiz.objects.filter(pk=step.target if step.target.isdigit() else 0)
        quiz = quiz.first()
        return reverse("quizzes:quiz", args=[quiz.uuid]) if quiz else super().url(step)


register_step_kind(QuizStep("quiz", _("Pass a quiz")))
