from django import forms
from django.utils.translation import gettext_lazy as _

from lms.webhooks.catalogue import events_for
from lms.webhooks.delivery import UnsafeURL, check_url
from lms.webhooks.models import WebhookEndpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of your own server, on the public internet."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this address is told about."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "event_types", "is_active"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [
            (event.event_type, f"{event.label} ({event.event_type})")
            for event in events_for(organisation)
        ]
        if self.instance.pk is None:
            del self.fields["is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except UnsafeURL as refused:
            raise forms.ValidationError(str(refused)) from None
        return url
