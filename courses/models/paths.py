"""Onboarding paths: the ordered steps a newcomer follows from their start date."""

import json
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Site

from courses.steps import (
    all_target_choices,
    kind_fields,
    step_kind,
    step_kind_choices,
)
from lms.models import Role
from lms.models.scoping import OrganisationQuerySet, current_organisation
from lms.plugins.activation import enabled_labels, runs_here


def offered_step_kinds(organisation):
    """(name, label) of the step kinds of the core and of the plugins enabled in
    ``organisation``: a disabled plugin's kinds are neither offered nor accepted."""
    enabled = enabled_labels(organisation)
    return [
        (name, label)
        for name, label in step_kind_choices()
        if runs_here(step_kind(name), enabled)
    ]


class StepKindSelect(forms.Select):
    """The step kinds offered in the admin's organisation; the script shows only
    the fields of the chosen kind (``StepKind.step_fields``)."""

    def get_context(self, name, value, attrs):
        self.choices = [
            ("", "---------"),
            *offered_step_kinds(current_organisation.get()),
        ]
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-step-kind-fields"] = json.dumps(kind_fields())
        return context

    class Media:
        js = ["courses/js/step_fields.js"]


class StepTargetSelect(forms.Select):
    """The activities plugins offer as step targets, in the admin's organisation."""

    def get_context(self, name, value, attrs):
        self.choices = [
            ("", "---------"),
            *all_target_choices(current_organisation.get()),
        ]
        return super().get_context(name, value, attrs)


class OnboardingPath(ClusterableModel):
    """E.g. "Bienvenue à l'accueil": assigned to everyone who joins with its role."""

    organisation = models.ForeignKey(
        Site, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    role = models.CharField(
        _("assigned to people joining as"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_("Leave empty to assign it only by hand."),
    )
    description = models.TextField(_("description"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("role"),
        FieldPanel("description"),
        InlinePanel("steps", label=_("Steps"), min_num=1),
    ]

    class Meta:
        verbose_name = _("onboarding path")
        verbose_name_plural = _("onboarding paths")

    def __str__(self):
        return self.title


class PathStep(Orderable):
    path = ParentalKey(OnboardingPath, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("kind"), max_length=40, choices=step_kind_choices)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_('For a "take a course" step.'),
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_('For a "read and accept a document" step (the volunteer charter).'),
    )
    target = models.CharField(
        _("activity"),
        max_length=200,
        blank=True,
        help_text=_("For steps added by plugins: the activity to complete."),
    )
    due_days = models.PositiveIntegerField(
        _("due (days after the start date)"), default=7
    )
    required = models.BooleanField(_("required"), default=True)
    after_previous = models.BooleanField(
        _("only after the previous step"),
        default=False,
        help_text=_("The step opens once the step before it is complete."),
    )

    panels = [
        FieldPanel("kind", widget=StepKindSelect),
        FieldPanel("title"),
        FieldPanel("instructions"),
        # Shown for the kinds using them only (StepKindSelect's script).
        FieldPanel("course", attrs={"data-step-field": "course"}),
        FieldPanel("document", attrs={"data-step-field": "document"}),
        FieldPanel(
            "target", widget=StepTargetSelect, attrs={"data-step-field": "target"}
        ),
        FieldPanel("due_days"),
        FieldPanel("required"),
        FieldPanel("after_previous"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("step")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        organisation = (
            self.path.organisation if self.path_id else current_organisation.get()
        )
        if self.kind not in dict(offered_step_kinds(organisation)):
            raise ValidationError(
                {"kind": _("This kind of step is not available here.")}
            )
        allowed = {
            value for value, _label in step_kind(self.kind).target_choices(organisation)
        }
        if allowed and self.target not in allowed:
            raise ValidationError({"target": _("Choose the activity of this step.")})

    def due_date(self, start_date):
        return start_date + timedelta(days=self.due_days)


class PathAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="path_assignments",
    )
    path = models.ForeignKey(
        OnboardingPath, on_delete=models.CASCADE, related_name="assignments"
    )
    start_date = models.DateField(_("start date"))
    assigned_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="courses_path_once")
        ]

    def __str__(self):
        return f"{self.user_id} on {self.path_id}"


class StepCompletion(models.Model):
    assignment = models.ForeignKey(
        PathAssignment, on_delete=models.CASCADE, related_name="completions"
    )
    step = models.ForeignKey(PathStep, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "step"], name="courses_step_once"
            )
        ]

    def __str__(self):
        return f"{self.assignment_id}: {self.step_id}"


class ReminderLog(models.Model):
    """A reminder sent about one step on one day: the guard against sending twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    step = models.ForeignKey(PathStep, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "step", "day"], name="courses_remind_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.step_id} on {self.day}"


class DigestLog(models.Model):
    """A coordinator's digest sent on one day."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "day"], name="courses_digest_once"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} → {self.user_id} on {self.day}"
