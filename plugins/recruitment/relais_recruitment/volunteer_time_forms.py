"""Forms of volunteer time: every check a person may fail says what to fix, and a
refused form writes nothing."""

import datetime
import uuid

from django import forms
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models import Team
from relais_recruitment.volunteer_time_models import (
    MINUTES_IN_A_DAY,
    Activity,
    Departure,
    DepartureReason,
    HourEntry,
    TimeSettings,
    ValuationRate,
)

DURATIONS = [30, 60, 90, 120, 180, 240, 300, 360, 420, 480]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def duration_label(minutes):
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


class TimeForm(forms.Form):
    """What is shared by logging one's own hours and a team's."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=MINUTES_IN_A_DAY,
        error_messages={
            "min_value": _("A duration is more than zero minutes."),
            "max_value": _("A day has 24 hours: log at most 1,440 minutes."),
        },
        widget=forms.NumberInput(attrs={"list": "durations", "step": 15}),
        help_text=_("For example 120 for two hours."),
    )
    activity = forms.ModelChoiceField(
        label=_("Activity"), queryset=Activity.objects.none()
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("No team"),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["activity"].queryset = Activity.objects.for_organisation(
            organisation
        )
        self.fields["team"].queryset = Team.objects.for_organisation(organisation)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
            self.initial.setdefault("date", timezone.localdate())

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("This day has not come yet: log hours once given.")
            )
        if day < timezone.localdate() - datetime.timedelta(days=366):
            raise forms.ValidationError(_("Log hours of the last twelve months only."))
        return day

    def check_day(self, user, label):
        """Nobody gives more than 24 hours a day, counting what is already logged."""
        day, minutes = self.cleaned_data.get("date"), self.cleaned_data.get("minutes")
        if not (day and minutes):
            return
        logged = (
            HourEntry.objects.for_organisation(self.organisation)
            .filter(user=user, date=day)
            .aggregate(total=Sum("minutes"))["total"]
            or 0
        )
        if logged + minutes > MINUTES_IN_A_DAY:
            self.add_error(
                "minutes",
                _(
                    "%(name)s already has %(logged)s logged that day: "
                    "a day has 24 hours."
                )
                % {"name": label, "logged": duration_label(logged)},
            )


class LogHoursForm(TimeForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            last = (
                HourEntry.objects.for_organisation(self.organisation)
                .filter(user=user)
                .order_by("-created_at")
                .values("minutes", "activity", "team")
                .first()
            )
            if last:
                self.initial.update(
                    minutes=last["minutes"],
                    activity=last["activity"],
                    team=last["team"],
                )
            else:
                self.initial.setdefault("minutes", 120)

    def clean(self):
        data = super().clean()
        self.check_day(self.user, _("You"))
        return data


class TeamHoursForm(TimeForm):
    """A coordinator logs the same shift for several people at once."""

    people = forms.ModelMultipleChoiceField(
        label=_("Who was there"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["people", "date", "minutes", "activity", "team", "comment"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        if not self.is_bound:
            self.initial.setdefault("minutes", 180)

    def clean(self):
        data = super().clean()
        for user in data.get("people") or []:
            self.check_day(user, user.get_full_name() or user.get_username())
        return data


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["name"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if (
            Activity.objects.for_organisation(self.instance.organisation)
            .filter(name__iexact=name)
            .exists()
        ):
            raise forms.ValidationError(_("This activity already exists."))
        return name


class RateForm(forms.ModelForm):
    class Meta:
        model = ValuationRate
        fields = ["activity", "valid_from", "hourly_rate"]
        widgets = {"valid_from": DATE_INPUT}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.for_organisation(
            organisation
        )
        self.fields["hourly_rate"].min_value = 0
        self.fields["hourly_rate"].widget.attrs["min"] = 0

    def clean(self):
        data = super().clean()
        if (
            data.get("activity")
            and data.get("valid_from")
            and ValuationRate.objects.filter(
                activity=data["activity"], valid_from=data["valid_from"]
            ).exists()
        ):
            raise forms.ValidationError(
                _("This activity already has a rate from that day: delete it first.")
            )
        return data


class TimeSettingsForm(forms.ModelForm):
    class Meta:
        model = TimeSettings
        fields = ["drifting_after_weeks", "default_hourly_rate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drifting_after_weeks"].min_value = 1
        self.fields["drifting_after_weeks"].max_value = 52
        self.fields["drifting_after_weeks"].widget.attrs.update(min=1, max=52)
        self.fields["default_hourly_rate"].widget.attrs["min"] = 0

    def clean_drifting_after_weeks(self):
        weeks = self.cleaned_data["drifting_after_weeks"]
        if not 1 <= weeks <= 52:
            raise forms.ValidationError(_("Choose between 1 and 52 weeks."))
        return weeks

    def clean_default_hourly_rate(self):
        rate = self.cleaned_data["default_hourly_rate"]
        if rate < 0:
            raise forms.ValidationError(_("A rate cannot be negative."))
        return rate


class DepartureForm(forms.ModelForm):
    reasons = forms.MultipleChoiceField(
        label=_("Why are you leaving?"),
        choices=DepartureReason.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend volunteering with us to a friend?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    field_order = [
        "reasons",
        "would_come_back",
        "would_recommend",
        "comment",
        "left_on",
    ]

    class Meta:
        model = Departure
        fields = ["left_on", "would_come_back", "would_recommend", "comment"]
        widgets = {"left_on": DATE_INPUT, "would_come_back": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["would_come_back"].choices = Departure.Again.choices
        if not self.is_bound:
            self.initial.setdefault("left_on", timezone.localdate())

    def clean_left_on(self):
        day = self.cleaned_data["left_on"]
        if day > timezone.localdate() + datetime.timedelta(days=90):
            raise forms.ValidationError(_("Choose a last day within three months."))
        return day
