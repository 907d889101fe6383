"""Trainers and coordinators award badges by hand, with evidence, and revoke them."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courses.badges import award_badge, revoke
from courses.models import BadgeAward, BadgeClass
from lms.models import Role
from lms.views.access import role_required

awarders = role_required(Role.TRAINER, Role.COORDINATOR, Role.ADMIN)


class AwardForm(forms.Form):
    badge = forms.ModelChoiceField(
        label=gettext_lazy("Badge"), queryset=BadgeClass.objects.none()
    )
    person = forms.ModelChoiceField(
        label=gettext_lazy("Person"), queryset=get_user_model().objects.none()
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What you saw them do; it is shown on the badge."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["badge"].queryset = BadgeClass.objects.for_organisation(
            organisation
        )
        self.fields["person"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__organisation=organisation, memberships__is_active=True
            )
            .order_by("last_name", "first_name")
        )
        self.fields["person"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


def _awards(request):
    return BadgeAward.objects.filter(badge__organisation=request.organisation)


@awarders
def manage(request):
    form = AwardForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _award, created = award_badge(
            data["badge"],
            data["person"],
            request.organisation,
            rule="manual",
            evidence=data["evidence"],
            awarded_by=request.user,
        )
        if created:
            messages.success(request, _("Badge awarded."))
        else:
            messages.info(request, _("This person already holds this badge."))
        return redirect("courses:manage_badges")
    awards = (
        _awards(request)
        .select_related("badge", "recipient")
        .order_by("-issued_on")[:200]
    )
    return render(
        request, "courses/manage_badges.html", {"form": form, "awards": awards}
    )


@require_POST
@awarders
def revoke_award(request, uuid):
    award = get_object_or_404(
        _awards(request).filter(revoked_at__isnull=True), uuid=uuid
    )
    form = RevokeForm(request.POST)
    if form.is_valid():
        revoke(award, form.cleaned_data["reason"])
        messages.success(request, _("Badge revoked."))
    else:
        messages.error(request, _("Say why the badge is revoked."))
    return redirect("courses:manage_badges")
