from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.models import Invitation, Membership, Role, Team
from lms.plugins.activation import enabled_labels, runs_here

# What each role may do, in one line, under its name in the invitation form.
ROLE_HELP = {
    Role.LEARNER: _(
        "Follows the onboarding path and the courses of their team; sees only "
        "their own progress."
    ),
    Role.TRAINER: _("Writes and improves the courses and sees how learners do."),
    Role.MENTOR: _(
        "Welcomes newcomers, logs sessions with them and confirms the skills they "
        "see at work."
    ),
    Role.COORDINATOR: _(
        "Invites people, follows onboarding paths and mentoring, and sees the reports."
    ),
    Role.ADMIN: _(
        "Everything a coordinator does, plus the association's settings, plugins "
        "and admins."
    ),
}


def role_details(organisation):
    """{role: [lines]} added to each role's explanation by the core and the
    plugins (``lms_construct_role_help``: ``fn(organisation, details)`` appends to
    ``details[role]``, e.g. the onboarding paths a role receives)."""
    enabled = enabled_labels(organisation)
    details = {role: [] for role in Role}
    for hook in hooks.get_hooks("lms_construct_role_help"):
        if runs_here(hook, enabled):
            hook(organisation, details)
    return details


def grantable_roles(user, organisation):
    """The roles ``user`` may give people of ``organisation``: every role for an
    organisation admin (or a superuser), every role but admin for the others."""
    if user.is_superuser or (
        Membership.objects.for_organisation(organisation)
        .filter(user=user, is_active=True, role=Role.ADMIN)
        .exists()
    ):
        return list(Role)
    return [role for role in Role if role != Role.ADMIN]


class OrganisationScopedForm(forms.ModelForm):
    """Offers only the organisation's own teams, and only the roles the person
    filling it in may grant (``granted_by``): the one place roles are given."""

    def __init__(self, *args, organisation, granted_by, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)
        self.fields["team"].empty_label = _("No team")
        self.grantable = grantable_roles(granted_by, organisation)
        self.fields["role"].choices = [
            (role.value, role.label) for role in self.grantable
        ]


class InvitationForm(OrganisationScopedForm):
    """The role is chosen from radio buttons, each with what the role may do and
    the onboarding path it receives (``role_options``)."""

    class Meta:
        model = Invitation
        fields = [
            "email",
            "first_name",
            "last_name",
            "role",
            "kind",
            "team",
            "start_date",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "role": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Role.LEARNER

    def role_options(self):
        """(radio button, what the role may do, extra lines) for each role offered."""
        details = role_details(self.organisation)
        return [
            (
                option,
                ROLE_HELP[Role(option.data["value"])],
                details[option.data["value"]],
            )
            for option in self["role"]
        ]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if (
            Membership.objects.for_organisation(self.organisation)
            .filter(user__email__iexact=email)
            .exists()
        ):
            raise forms.ValidationError(_("This person is already a member here."))
        if (
            Invitation.objects.for_organisation(self.organisation)
            .pending()
            .filter(email__iexact=email)
            .exists()
        ):
            raise forms.ValidationError(
                _(
                    "An invitation is already waiting for this address: resend it instead."  # noqa: E501
                )
            )
        return email


class MembershipForm(OrganisationScopedForm):
    """Nobody changes their own role or stands themself down, and nobody changes
    the role of someone holding a role they may not grant (a coordinator and an
    organisation admin): those fields are shown, not editable; what is posted for
    them is ignored."""

    class Meta:
        model = Membership
        fields = ["role", "kind", "team", "start_date", "is_active"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        }

    def __init__(self, *args, granted_by, **kwargs):
        super().__init__(*args, granted_by=granted_by, **kwargs)
        member = self.instance
        if member.user_id == granted_by.pk:
            why = _("Nobody changes their own role: ask an organisation admin.")
        elif member.role not in self.grantable:
            why = _("Only an organisation admin can change this.")
        else:
            return
        role = Role(member.role)
        self.fields["role"].choices = [(role.value, role.label)]
        for name in ("role", "is_active"):
            self.fields[name].disabled = True
            self.fields[name].help_text = why


class AcceptInvitationForm(forms.Form):
    """A newcomer's name and password, validated by the configured validators."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirm your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        elif first:
            user = get_user_model()(
                username=self.invitation.email,
                email=self.invitation.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", [_plain(e) for e in error.error_list])
        return data


def _plain(error):
    """Django's similarity check names the field it matched ("username"), which a
    newcomer never sees: say what to avoid instead."""
    if error.code == "password_too_similar":
        return forms.ValidationError(
            _("Your password is too close to your name or e-mail address."),
            code=error.code,
        )
    return error


class NewPasswordForm(SetPasswordForm):
    """The password reset's form, with the same plain similarity message."""

    def full_clean(self):
        super().full_clean()
        for errors in (self._errors or {}).values():
            errors.data[:] = [
                _plain(error) if isinstance(error, forms.ValidationError) else error
                for error in errors.data
            ]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=[("fr", "Français"), ("en", "English")]
    )
    next = forms.CharField(required=False)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        teams = Team.objects.filter(organisation=self.instance.organisation)
        if teams.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already a team with this name."))
        return name
