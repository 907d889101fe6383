"""When someone is usually available, as a week: one row per day, one column per
part of the day. Coarse on purpose: a newcomer ticks boxes on a phone rather than
typing hours. Shared by every form that asks it (mentoring, applications to a
mission), so people meet the same grid everywhere.

A value is a list of slots such as ``"tue-pm"``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

DAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]
PARTS = [("am", _("morning")), ("pm", _("afternoon")), ("eve", _("evening"))]
SLOTS = [(f"{day}-{part}", f"{d} {p}") for day, d in DAYS for part, p in PARTS]


class WeekGridWidget(forms.CheckboxSelectMultiple):
    """The slots' checkboxes laid out as a table of days by parts of the day, each
    box labelled for screen readers ("Tuesday afternoon")."""

    template_name = "lms/widgets/week_grid.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        boxes = [
            box
            for _group, options, _index in context["widget"]["optgroups"]
            for box in options
        ]
        width = len(PARTS)
        context["widget"]["parts"] = PARTS
        context["widget"]["rows"] = [
            (label, boxes[i * width : (i + 1) * width])
            for i, (_day, label) in enumerate(DAYS)
        ]
        return context


class WeekGridField(forms.MultipleChoiceField):
    widget = WeekGridWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=SLOTS, **kwargs)


def slot_labels(slots):
    """The slots' names, in the week's order, for people to read."""
    chosen = set(slots or ())
    return [label for value, label in SLOTS if value in chosen]
