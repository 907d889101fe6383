from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class LibraryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(library)s.%(patch)s, stored on %(day)s (files %(digest)s)") % {
            "library": obj.folder,
            "patch": obj.patch_version,
            "day": date_format(obj.stored_at, "SHORT_DATE_FORMAT"),
            "digest": obj.digest[:8] or "—",
        }


class ReplaceLibraryForm(forms.Form):
    replacement = LibraryChoiceField(
        label=_("Replace it with"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    confirm = forms.BooleanField(
        label=_("I understand that the contents listed will use the chosen version."),
    )

    def __init__(self, *args, replacements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = replacements
