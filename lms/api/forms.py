from django import forms
from django.utils.translation import gettext_lazy as _

from lms.models import Role

from .scopes import all_scopes


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, e.g. “monthly onboarding report”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give only what the program needs: read, or write too."),
    )

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(scope, scope) for scope in all_scopes()]
        if roles:
            self.fields["role"] = forms.ChoiceField(
                label=_("Acts with the role"),
                choices=[(role.value, role.label) for role in roles],
                initial=Role.COORDINATOR,
                help_text=_("The token sees and does what this role does here."),
            )
