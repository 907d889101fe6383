from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.models.scoping import current_organisation
from lms.xapi_forwarding.models import LrsEndpoint


class LrsEndpointForm(WagtailAdminModelForm):
    """The secret is written, never shown back: left empty, it stays as it was."""

    secret = forms.CharField(
        label=_("secret (Basic auth password)"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Kept on the server and never shown; leave empty to keep it."),
    )

    def clean_secret(self):
        secret = self.cleaned_data.get("secret")
        if secret:
            return secret
        if self.instance.pk:
            return self.instance.secret
        raise forms.ValidationError(_("Give the secret the LRS gave you."))

    def clean_name(self):
        name = self.cleaned_data["name"]
        taken = (
            LrsEndpoint.objects.for_organisation(current_organisation.get())
            .filter(name=name)
            .exclude(pk=self.instance.pk)
        )
        if taken.exists():
            raise forms.ValidationError(_("Another LRS endpoint has this name."))
        return name
