from django import forms
from django.utils.translation import gettext_lazy as _

from relais_skills.models import Framework, Skill


class EvidenceForm(forms.Form):
    """A level in a skill, with what shows it. The skills offered are those of the
    organisation's frameworks; the level must exist on that framework's scale."""

    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.none())
    level = forms.TypedChoiceField(label=_("Level"), coerce=int)
    note = forms.CharField(
        label=_("What shows it"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        frameworks = Framework.objects.available_to(organisation)
        self.fields["skill"].queryset = (
            Skill.objects.filter(framework__in=frameworks)
            .select_related("framework", "group")
            .order_by("group__name", "name")
        )
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
