from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import available_courses
from lms.availability import WeekGridField
from lms.models import Team
from relais_mentoring.models import (
    LANGUAGES,
    CheckIn,
    Feedback,
    Goal,
    MentoringRequest,
    MentorProfile,
    Note,
    ProgrammeSettings,
    Session,
)


class Checkboxes(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class PreferencesMixin(forms.ModelForm):
    languages = Checkboxes(label=_("Languages you speak"), choices=LANGUAGES)
    # The week grid people meet everywhere they say when they are available.
    availability = WeekGridField(label=_("When you are usually available"))


class OfferForm(PreferencesMixin):
    class Meta:
        model = MentorProfile
        fields = [
            "team",
            "courses",
            "areas",
            "languages",
            "availability",
            "location",
            "capacity",
            "bio",
        ]
        widgets = {"courses": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)
        self.fields["courses"].queryset = available_courses(organisation)


class RequestForm(PreferencesMixin):
    class Meta:
        model = MentoringRequest
        fields = ["languages", "availability", "note"]


class SessionForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = Session
        fields = ["starts_at", "duration_minutes", "format", "place", "topics"]


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "target_date"]
        widgets = {"target_date": forms.DateInput(attrs={"type": "date"})}


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["body", "shared"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class CheckInForm(forms.ModelForm):
    usefulness = forms.TypedChoiceField(
        label=_("How useful was it?"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
        help_text=_("1: not useful, 5: very useful"),
    )

    class Meta:
        model = CheckIn
        fields = ["usefulness", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("Overall, how was this mentoring?"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
        help_text=_("1: poor, 5: excellent. Your coordinator reads this feedback."),
    )

    class Meta:
        model = Feedback
        fields = ["rating", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}


class ConcernForm(forms.Form):
    body = forms.CharField(
        label=_("What is happening?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Only the coordinators read this. Your binôme is not told. "
            "In an emergency, call 112."
        ),
    )


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the mentoring end?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SkillForm(forms.Form):
    skill = forms.ChoiceField(label=_("Skill"))
    level = forms.TypedChoiceField(label=_("Level you saw"), coerce=int)
    note = forms.CharField(
        label=_("What you saw"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A sentence or two: it is kept as evidence."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [(c.key, c.label) for c in choices]
        levels = {level: label for c in choices for level, label in c.levels}
        self.fields["level"].choices = sorted(levels.items())


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ProgrammeSettings
        fields = ["nudge_after_weeks"]
