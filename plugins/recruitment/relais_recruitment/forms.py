from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lms.availability import WeekGridField
from relais_recruitment.models import MOTIVATION_MAX_LENGTH, Application, Message


class ApplicationForm(forms.ModelForm):
    """Applying to a mission: no account, a few fields, consent said in words."""

    availability = WeekGridField(label=_("When you are usually available"))
    consent = forms.BooleanField(
        label=_(
            "I agree that the association uses these details to answer my application."
        ),
        required=True,
    )
    # A field people never see (hidden by CSS and from assistive technology):
    # only robots fill it.
    website = forms.CharField(
        label=_("Leave this field empty"), required=False, max_length=200
    )

    class Meta:
        model = Application
        fields = ["name", "email", "phone", "availability", "motivation"]
        widgets = {
            "motivation": forms.Textarea(
                attrs={"rows": 5, "maxlength": MOTIVATION_MAX_LENGTH}
            ),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }
        labels = {"name": _("Your name"), "motivation": _("Why this mission?")}

    def __init__(self, *args, retention_days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motivation"].help_text = _("%(count)d characters at most.") % {
            "count": MOTIVATION_MAX_LENGTH
        }
        self.fields["consent"].help_text = _(
            "Purpose: answering your application and, if you join, welcoming you. "
            "Kept %(days)d days after the last exchange if you do not join, then "
            "deleted. You can withdraw at any time from the link we send you."
        ) % {"days": retention_days}

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class MessageForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "maxlength": 5000})}
        labels = {"body": _("Your message")}


class NotesForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class MeetingForm(forms.ModelForm):
    meeting_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = Application
        fields = ["meeting_at", "meeting_place"]


class BoardFilters(forms.Form):
    """The public board's search and filters (all optional, GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    place = forms.CharField(
        label=_("Town or postal code"), required=False, max_length=100
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    availability = WeekGridField(label=_("When you are available"))
    remote = forms.BooleanField(label=_("Remote only"), required=False)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("All themes"))] + [
            (theme, theme) for theme in themes
        ]


def retention_days():
    return getattr(settings, "LMS_RECRUITMENT_RETENTION_DAYS", 180)
