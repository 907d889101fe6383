from django import forms
from django.conf import settings
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from relais_skills.models import Framework, Skill
from relais_skills.profiles import required_skills


class OfferedSkills(ModelChoiceIterator):
    """Lists the field's ``offered`` skills when it has them; any skill of its
    queryset is still accepted."""

    def __init__(self, field):
        super().__init__(field)
        if field.offered is not None:
            self.queryset = field.offered


class SkillField(forms.ModelChoiceField):
    iterator = OfferedSkills
    offered = None


def max_skill_choices():
    """How many skills a list may show before it asks for a search: a framework of
    200,000 ESCO skills must not become a page of 200,000 options."""
    return settings.LMS_SKILLS_MAX_CHOICES


class EvidenceForm(forms.Form):
    """A level in a skill, with what shows it. The skills offered are those of the
    organisation's frameworks; the level must exist on that framework's scale."""

    skill = SkillField(label=_("Skill"), queryset=Skill.objects.none())
    level = forms.TypedChoiceField(label=_("Level"), coerce=int)
    note = forms.CharField(
        label=_("What shows it"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisation, person=None, search="", **kwargs):
        """``person``: whose skills these are (their roles' needs and the skills
        they have are offered first in a long list); ``search``: what they looked
        for."""
        super().__init__(*args, **kwargs)
        frameworks = Framework.objects.available_to(organisation)
        skills = (
            Skill.objects.filter(framework__in=frameworks)
            .select_related("framework", "group")
            .order_by("group__name", "name")
        )
        field = self.fields["skill"]
        self.limited = skills.count() > max_skill_choices()
        if self.limited:
            wanted = Q(name__icontains=search) if search else Q(pk__in=[])
            if person is not None:
                wanted |= Q(pk__in=list(required_skills(organisation, person)))
                wanted |= Q(
                    proficiencies__user=person,
                    proficiencies__organisation=organisation,
                )
            chosen = str(self.data.get(self.add_prefix("skill"), ""))
            if chosen.isdigit():  # what was picked stays on the refused form
                wanted |= Q(pk=int(chosen))
            field.offered = skills.filter(wanted).distinct()[: max_skill_choices()]
        field.queryset = skills  # after ``offered``: it sets the widget's choices
        scales = {tuple(f.levels) for f in frameworks}
        if len(scales) == 1:  # one scale: name its levels
            [scale] = scales
            self.fields["level"].choices = [
                (i, f"{i} · {label}") for i, label in enumerate(scale, start=1)
            ]
        else:
            most = max((len(scale) for scale in scales), default=4)
            self.fields["level"].choices = [(i, str(i)) for i in range(1, most + 1)]

    def clean(self):
        data = super().clean()
        skill, level = data.get("skill"), data.get("level")
        if skill and level and level > len(skill.framework.levels):
            self.add_error(
                "level",
                _("This skill's scale has %(count)d levels.")
                % {"count": len(skill.framework.levels)},
            )
        return data


class SelfAssessmentForm(EvidenceForm):
    """What a person says of themselves, with a note only they will read."""

    private_note = forms.CharField(
        label=_("A note for yourself"),
        help_text=_("Only you see it: not your coordinator, not the reports."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PriorExperienceForm(SelfAssessmentForm):
    attachment = forms.FileField(
        label=_("A document that shows it (certificate, attestation)"),
        help_text=_("PDF or image, 10 MB at most."),
    )
    expires_on = forms.DateField(
        label=_("Valid until (if it expires)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_attachment(self):
        upload = self.cleaned_data["attachment"]
        name = upload.name.lower()
        if not name.endswith((".pdf", ".png", ".jpg", ".jpeg")):
            raise forms.ValidationError(_("Send a PDF, PNG or JPEG file."))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
