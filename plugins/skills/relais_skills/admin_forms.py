"""Admin forms of the skills plugin: a framework's scale typed one label per line,
and choices (courses, activities) limited to the organisation whose admin is in
use (``current_organisation``, set by the middleware)."""

from types import SimpleNamespace

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.blocks import ActivityBlock
from courses.models import LessonPage, available_courses
from courses.steps import step_kind, step_kind_choices
from lms.models.scoping import current_organisation
from relais_skills.models import MAX_LEVELS


class FrameworkForm(WagtailAdminModelForm):
    levels = forms.CharField(
        label=_("Level labels"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, from the lowest to the highest (2 to 6)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.initial.get("levels"), list):
            self.initial["levels"] = "\n".join(self.initial["levels"])

    def clean_levels(self):
        labels = [line.strip() for line in self.cleaned_data["levels"].splitlines()]
        labels = [label for label in labels if label]
        if not 2 <= len(labels) <= MAX_LEVELS:
            raise forms.ValidationError(
                _("Give between 2 and %(max)d levels, one per line.")
                % {"max": MAX_LEVELS}
            )
        if len(set(labels)) != len(labels):
            raise forms.ValidationError(_("Two levels have the same label."))
        return labels


class SkillForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = current_organisation.get()
        field = self.fields["renewal_course"]
        # A plain list of the organisation's courses, not the page chooser, which
        # would browse other organisations' trees.
        field.widget = forms.Select()
        field.queryset = (
            available_courses(organisation).order_by("title")
            if organisation is not None
            else field.queryset.none()
        )


def activity_choices(organisation):
    """What can be tagged: courses, lessons, the activities inside lessons (an H5P
    activity, a quiz block, the charter), and the step kinds' targets (quizzes…)."""
    courses = list(available_courses(organisation).order_by("title"))
    lessons = list(
        LessonPage.objects.live().descendant_of(organisation.root_page).specific()
    )
    return [
        (
            _("Courses"),
            [(f"urn:relais:course:{c.pk}", c.title) for c in courses],
        ),
        (
            _("Lessons"),
            [(f"urn:relais:lesson:{lesson.pk}", lesson.title) for lesson in lessons],
        ),
        (
            _("Activities in lessons (H5P, quiz, charter…)"),
            [
                (
                    f"urn:relais:activity:{lesson.pk}:{block.id}",
                    f"{lesson.title} · {block.block.label}",
                )
                for lesson in lessons
                for block in lesson.body
                if isinstance(block.block, ActivityBlock)
            ],
        ),
        *_step_targets(organisation),
    ]


def _step_targets(organisation):
    """Each step kind's targets (a quiz…), named by the activity IRI the kind
    itself gives them."""
    for name, label in step_kind_choices():
        kind = step_kind(name)
        targets = kind.target_choices(organisation)
        if targets:
            yield (
                label,
                [
                    (kind.object_id(SimpleNamespace(target=value)), text)
                    for value, text in targets
                ],
            )


class SkillTagForm(WagtailAdminModelForm):
    object_id = forms.ChoiceField(label=_("Activity"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = current_organisation.get()
        self.fields["object_id"].choices = (
            activity_choices(organisation) if organisation else []
        )

    def clean(self):
        data = super().clean()
        labels = {
            value: text
            for _group, options in self.fields["object_id"].choices
            for value, text in options
        }
        if data.get("object_id"):
            self.instance.label = labels.get(data["object_id"], "")
        skill, level = data.get("skill"), data.get("level")
        if skill and level and level > len(skill.framework.levels):
            self.add_error("level", _("This skill's scale has fewer levels."))
        return data
