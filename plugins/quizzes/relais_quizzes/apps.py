from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lms.plugins import PluginConfig


class QuizzesConfig(PluginConfig):
    name = "relais_quizzes"
    label = "quizzes"
    verbose_name = _("Quizzes")
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = gettext_noop("Quizzes")
        version = "0.1.0"
        description = gettext_noop(
            "Question banks, graded quizzes, item analysis for trainers."
        )
        author = "Relais"
        category = "activities"
        min_core_version = "0.1"
        url_prefix = "quizzes"

    def ready(self):
        from lms.models.people import AUTHORS, grant_to_roles

        # Question banks and quizzes are written by trainers (and admins).
        for model in ("questioncategory", "question", "quiz"):
            grant_to_roles(AUTHORS, "quizzes", model)
        from relais_quizzes import steps  # noqa: F401  (registers the step kind)
