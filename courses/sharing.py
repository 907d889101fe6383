"""What an organisation's learners may play of content it does not own.

A federation shares courses with its member organisations without copying them
(``available_courses``), so the quizzes, H5P activities or SCORM packages those
lessons hold belong to the federation. A plugin's learner pages read their objects
through ``playable_by()``: the organisation's own, plus the objects a live lesson of a
course it may use refers to. Scoping by owner alone would make a shared course a dead
end; opening every object would hand out the federation's private ones.

What a learner does there (attempts, results, statements) belongs to the learner's
organisation, the request's: never to the owner of the content.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast, Length, Substr
from wagtail.models import Page, ReferenceIndex

from courses.models import LessonPage, available_courses


def shared_lessons(organisation):
    """Live lessons of the courses ``organisation`` may use but does not own."""
    courses = available_courses(organisation).exclude(
        path__startswith=organisation.root_page.path
    )
    return (
        LessonPage.objects.live()
        .annotate(course_path=Substr("path", 1, Length("path") - Page.steplen))
        .filter(course_path__in=courses.values("path"))
    )


def _base_content_type(model):
    """How the reference index names a model: by its concrete base model."""
    parents = model._meta.get_parent_list()
    return ContentType.objects.get_for_model(parents[-1] if parents else model)


def playable_by(organisation, queryset):
    """``queryset`` (of a model with an ``organisation``) limited to the objects
    ``organisation``'s learners may play: its own, and those its shared lessons use.

    Uses Wagtail's reference index, which records every snippet a page's live
    content chooses (a ``SnippetChooserBlock`` in a lesson body, for instance).
    """
    references = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=shared_lessons(organisation)
        .annotate(key=Cast("pk", CharField()))
        .values("key"),
        to_content_type=_base_content_type(queryset.model),
    ).values("to_object_id")
    return queryset.annotate(_key=Cast("pk", CharField())).filter(
        Q(organisation=organisation) | Q(_key__in=references)
    )
