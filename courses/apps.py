from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def courses_for_organisation(queryset, organisation):
    """Courses an organisation's admin may point at: its own (drafts too) and
    its federation's shared catalogue."""
    from courses.models import available_courses

    return queryset.filter(
        Q(path__startswith=organisation.root_page.path)
        | Q(pk__in=available_courses(organisation).values("pk"))
    )


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail import hooks

        from courses.learning import assign_paths_on_join
        from courses.models import CoursePage, LessonPage
        from lms.models.scoping import register_scope
        from lms.signals import person_joined

        register_scope(CoursePage)(courses_for_organisation)

        person_joined.connect(assign_paths_on_join, dispatch_uid="courses.assign_paths")

        from lms.models.people import AUTHORS, PEOPLE_MANAGERS, grant_to_roles

        grant_to_roles(PEOPLE_MANAGERS, "courses", "onboardingpath")
        grant_to_roles(PEOPLE_MANAGERS | AUTHORS, "courses", "badgeclass")

        # Blocks contributed by plugins join the lesson StreamField once every
        # app is loaded; they are shown only where their plugin is enabled.
        stream = LessonPage._meta.get_field("body").stream_block
        for hook in hooks.get_hooks("lms_register_lesson_blocks"):
            for name, block in hook():
                block.set_name(name)
                stream.child_blocks[name] = block
