"""The coordinator's announcement form: every choice limited to the organisation."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models import Role, Team
from lms.new_association import is_federation
from relais_community.announcements import clean_html
from relais_community.models import Announcement, Audience

MAX_UPLOAD_MB = 10
ATTACHMENT_EXTENSIONS = [
    "pdf",
    "odt",
    "ods",
    "docx",
    "xlsx",
    "txt",
    "png",
    "jpg",
    "jpeg",
]


def _not_too_big(upload):
    if upload and upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError(
            _("The file is larger than %(size)s MB."), params={"size": MAX_UPLOAD_MB}
        )


class AnnouncementForm(forms.ModelForm):
    publish_at = forms.DateTimeField(
        label=_("Publish on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty to publish now."),
    )

    class Meta:
        model = Announcement
        fields = [
            "title",
            "body",
            "image",
            "image_alt",
            "attachment",
            "audience",
            "team",
            "role",
            "to_federation",
            "pinned",
            "important",
            "requires_confirmation",
            "publish_at",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "body": _(
                "Plain text, or simple formatting: paragraphs, bold, lists, links."
            ),
            "image_alt": _("What the image shows, for people who cannot see it."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["team"].queryset = Team.objects.for_organisation(organisation)
        self.fields["role"].choices = [("", "—"), *Role.choices]
        self.fields["image"].validators.append(_not_too_big)
        self.fields["image"].widget.attrs["accept"] = "image/png,image/jpeg,image/webp"
        self.fields["attachment"].validators += [
            FileExtensionValidator(ATTACHMENT_EXTENSIONS),
            _not_too_big,
        ]
        if not is_federation(organisation):
            del self.fields["to_federation"]

    def clean_body(self):
        body = clean_html(self.cleaned_data["body"])
        if not body:
            raise ValidationError(_("Write the announcement's text."))
        return body

    def clean_publish_at(self):
        return self.cleaned_data.get("publish_at") or timezone.now()

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        if audience == Audience.TEAM and not cleaned.get("team"):
            self.add_error("team", _("Choose the team."))
        if audience == Audience.ROLE and not cleaned.get("role"):
            self.add_error("role", _("Choose the role."))
        if audience != Audience.TEAM:
            cleaned["team"] = None
        if audience != Audience.ROLE:
            cleaned["role"] = ""
        if cleaned.get("to_federation") and audience != Audience.ORGANISATION:
            self.add_error(
                "audience",
                _("News to every member organisation goes to everyone in them."),
            )
        if cleaned.get("image") and not cleaned.get("image_alt", "").strip():
            self.add_error("image_alt", _("Describe the image in a few words."))
        return cleaned

    def save(self, commit=True):
        announcement = super().save(commit=False)
        announcement.organisation = self.organisation
        announcement.team = self.cleaned_data.get("team")
        announcement.role = self.cleaned_data.get("role", "")
        if commit:
            announcement.save()
        return announcement
