from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lms.plugins import PluginConfig


class SkillsConfig(PluginConfig):
    name = "relais_skills"
    label = "skills"
    verbose_name = _("Skills")
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = gettext_noop("Skills")
        version = "0.1.0"
        description = gettext_noop(
            "Skills frameworks, evidence-based levels, role profiles, HR reports."
        )
        author = "Relais"
        category = "reports"
        min_core_version = "0.1"
        url_prefix = "skills"

    def ready(self):
        from lms import jobs
        from lms.models.people import AUTHORS, PEOPLE_MANAGERS, grant_to_roles
        from relais_skills import receivers  # noqa: F401  (evidence from events)
        from relais_skills.imports import mark_failed, mark_retried
        from relais_skills.tasks import export_matrix, run_import

        for task in (run_import, export_matrix):
            jobs.tracked(task, on_failure=mark_failed, on_retry=mark_retried)

        # Frameworks and role profiles are kept by coordinators/HR; trainers tag
        # what their courses develop.
        for model in ("framework", "skillgroup", "skill", "roleprofile"):
            grant_to_roles(PEOPLE_MANAGERS, "skills", model)
        grant_to_roles(AUTHORS | PEOPLE_MANAGERS, "skills", "skilltag")
        grant_to_roles(AUTHORS | PEOPLE_MANAGERS, "skills", "skill", ("view",))
