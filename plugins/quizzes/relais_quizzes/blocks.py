from django.core import signing
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.blocks import ActivityBlock

SALT = "relais_quizzes.activity"


def activity_token(lesson_pk, block_id, quiz_pk):
    """Where the quiz is taken, signed: a learner cannot claim another block."""
    return signing.dumps([lesson_pk, block_id, quiz_pk], salt=SALT)


def activity_from_token(token, quiz):
    """The lesson activity IRI in ``token`` if it is about ``quiz``, else ''."""
    try:
        lesson_pk, block_id, quiz_pk = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return ""
    if quiz_pk != quiz.pk:
        return ""
    return f"urn:relais:activity:{lesson_pk}:{block_id}"


class QuizBlock(ActivityBlock):
    """A quiz in a lesson; the lesson counts it done once the quiz is passed."""

    quiz = SnippetChooserBlock("quizzes.Quiz", label=_("Quiz"))

    class Meta:
        icon = "help"
        label = _("Quiz")
        template = "relais_quizzes/block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        parent_context = parent_context or {}
        request, lesson = parent_context.get("request"), parent_context.get("lesson")
        block_id, quiz = parent_context.get("block_id"), value.get("quiz")
        if request and lesson and block_id and quiz:
            from relais_quizzes.views import summary

            context["token"] = activity_token(lesson.pk, block_id, quiz.pk)
            context["summary"] = summary(request, quiz)
        return context
