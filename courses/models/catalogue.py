"""The course catalogue: CourseIndexPage → CoursePage → LessonPage, authored in Wagtail.

A federation marks its catalogue as shared; its member organisations then offer those
courses to their people without copying them (``available_courses``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import CORE_BLOCKS
from lms.models import OrganisationSettings, Role
from lms.models.scoping import current_organisation
from lms.plugins.activation import enabled_labels, runs_here


class CourseIndexPage(Page):
    """An organisation's catalogue of courses."""

    introduction = RichTextField(_("introduction"), blank=True)
    shared_with_members = models.BooleanField(
        _("shared with member organisations"),
        default=False,
        help_text=_(
            "For a federation: its member associations can offer these courses "
            "to their people, without copying them."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    settings_panels = [*Page.settings_panels, FieldPanel("shared_with_members")]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("course catalogue")

    def serve(self, request, *args, **kwargs):
        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)
        return redirect("courses:catalogue")


class CourseSkill(TaggedItemBase):
    content_object = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="skill_items"
    )


class CoursePage(Page):
    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class CompletionRule(models.TextChoices):
        ALL_LESSONS = "lessons", _("Every lesson that is not optional")
        REQUIRED_ACTIVITIES = "activities", _("Every required activity")

    summary = models.TextField(_("summary"), max_length=600)
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duration_minutes = models.PositiveIntegerField(
        _("estimated duration (minutes)"), default=30
    )
    audience = models.CharField(
        _("who it is for"),
        max_length=20,
        blank=True,
        choices=[("", _("Everyone")), *Role.choices],
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER
    )
    skills = ClusterTaggableManager(
        verbose_name=_("skills it develops"), through=CourseSkill, blank=True
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisites"), blank=True, symmetrical=False
    )
    completion_rule = models.CharField(
        _("the course is complete when"),
        max_length=20,
        choices=CompletionRule.choices,
        default=CompletionRule.ALL_LESSONS,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover"),
        MultiFieldPanel(
            [
                FieldPanel("duration_minutes"),
                FieldPanel("audience"),
                FieldPanel("level"),
                FieldPanel("skills"),
                FieldPanel("prerequisites"),
                FieldPanel("completion_rule"),
            ],
            heading=_("About the course"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")

    def get_lessons(self):
        return LessonPage.objects.live().child_of(self)

    def get_context(self, request, *args, **kwargs):
        """For Wagtail previews; learners see the course through courses.views."""
        context = super().get_context(request, *args, **kwargs)
        lessons = LessonPage.objects.child_of(self)
        context["lessons"] = [(lesson, False) for lesson in lessons]
        return context

    def learn_url(self):
        return reverse("courses:course", args=[self.pk])

    def serve(self, request, *args, **kwargs):
        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)
        return redirect(self.learn_url())


class LessonBody(StreamField):
    """The lesson StreamField. Plugins add blocks at start-up
    (``lms_register_lesson_blocks``); they are left out of the migration state so
    installing a plugin never asks for a core migration (the data is JSON either way).
    """

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        core_only = StreamField(CORE_BLOCKS, blank=self.blank)
        args, core_kwargs = core_only.deconstruct()[2:]
        kwargs["block_lookup"] = core_kwargs["block_lookup"]
        return name, path, args, kwargs


class LessonPage(Page):
    introduction = models.CharField(_("introduction"), max_length=300, blank=True)
    body = LessonBody(CORE_BLOCKS, verbose_name=_("content"), blank=True)
    optional = models.BooleanField(
        _("optional"),
        default=False,
        help_text=_("Optional lessons do not count towards completing the course."),
    )
    duration_minutes = models.PositiveIntegerField(
        _("estimated duration (minutes)"), default=10
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("body"),
        FieldPanel("optional"),
        FieldPanel("duration_minutes"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def activities(self, enabled_plugins=None):
        """(block id, block value, required) for each activity in the lesson.

        With ``enabled_plugins``, activities of other plugins are left out: a
        disabled plugin's block is hidden there, so it cannot be required either.
        """
        return [
            (child.id, child.value, bool(child.value.get("required")))
            for child in self.body
            if getattr(child.block, "is_activity", False)
            and (enabled_plugins is None or runs_here(child.block, enabled_plugins))
        ]

    def clean(self):
        """A block of a plugin this organisation has not enabled cannot be added:
        the editor's menu lists every installed block (Wagtail has one list of
        block definitions for the whole install), the save refuses the new ones.
        Blocks already in the lesson stay, hidden from learners, so switching a
        plugin off never makes a lesson unsaveable."""
        super().clean()
        organisation = current_organisation.get()
        if organisation is None:
            return  # the shell, a task, the demo: no organisation is being served
        enabled = enabled_labels(organisation)
        saved = LessonPage.objects.filter(pk=self.pk).first() if self.pk else None
        before = {child.block_type for child in saved.body} if saved else set()
        refused = sorted(
            {
                str(child.block.label)
                for child in self.body
                if not runs_here(child.block, enabled)
                and child.block_type not in before
            }
        )
        if refused:
            raise ValidationError(
                {
                    "body": _(
                        "Not available in this organisation (its plugin is off): "
                        "%(blocks)s."
                    )
                    % {"blocks": ", ".join(refused)}
                }
            )

    def required_activity_ids(self, enabled_plugins=None):
        return {
            block_id
            for block_id, _value, required in self.activities(enabled_plugins)
            if required
        }

    def learn_url(self):
        return reverse("courses:lesson", args=[self.pk])

    @property
    def parent_path(self):
        """The tree path of its course, without a query."""
        return self.path[: -self.steplen]

    def get_context(self, request, *args, **kwargs):
        """For Wagtail previews: every block, as a learner would see it."""
        context = super().get_context(request, *args, **kwargs)
        context.update(
            course=self.get_parent().specific,
            blocks=list(self.body),
            done_blocks=set(),
            missing=set(),
            position=1,
            count=1,
        )
        return context

    def serve(self, request, *args, **kwargs):
        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)
        return redirect(self.learn_url())


def available_courses(organisation):
    """Live courses offered to an organisation: its own and its federation's shared."""
    visible = Q(path__startswith=organisation.root_page.path)
    federation = OrganisationSettings.for_organisation(organisation).federation
    if federation:
        for shared in CourseIndexPage.objects.live().filter(
            shared_with_members=True, path__startswith=federation.root_page.path
        ):
            visible |= Q(path__startswith=shared.path)
    return CoursePage.objects.live().filter(visible)
