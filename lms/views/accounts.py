from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.users.models import UserProfile

from lms.forms import AcceptInvitationForm, LanguageForm
from lms.models import Invitation, Membership
from lms.people import join_organisation


def _problem(request, title, explanation, status):
    return render(
        request,
        "lms/invitation_problem.html",
        {"title": title, "explanation": explanation},
        status=status,
    )


def accept_invitation(request, token):
    """Where an invitation link lands: set a password, join, reach the dashboard."""
    try:
        invitation = Invitation.from_token(token)
    except Invitation.DoesNotExist:
        return _problem(
            request,
            _("This invitation link is not valid"),
            _("Check that you copied the whole link from the e-mail."),
            status=404,
        )
    if invitation.accepted_at:
        if request.user.is_authenticated and request.user.email == invitation.email:
            return redirect("lms:dashboard")  # a double submission: already done
        return _problem(
            request,
            _("This invitation has already been used"),
            _("Your account exists: log in with your e-mail address and password."),
            status=410,
        )
    if invitation.cancelled_at:
        return _problem(
            request,
            _("This invitation was withdrawn"),
            _("Ask the person who invited you for a new one."),
            status=410,
        )
    if invitation.is_expired:
        return _problem(
            request,
            _("This invitation has expired"),
            _("Invitations are valid for a limited time. Ask %(name)s for a new one.")
            % {
                "name": (
                    invitation.invited_by and invitation.invited_by.get_full_name()
                )
                or invitation.organisation.site_name
            },
            status=410,
        )
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        return _join_with_existing_account(request, invitation)

    form = AcceptInvitationForm(
        request.POST or None,
        invitation=invitation,
        initial={
            "first_name": invitation.first_name,
            "last_name": invitation.last_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = _create_account(invitation, form.cleaned_data)
        except (Invitation.DoesNotExist, IntegrityError):
            # Someone used the link a moment ago (a double tap): show the outcome.
            return redirect("lms:accept_invitation", token=token)
        login(request, user, backend="lms.auth.UsernameOrEmailBackend")
        messages.success(
            request,
            _("Welcome to %(organisation)s!")
            % {"organisation": invitation.organisation.site_name},
        )
        return redirect(_landing(request))
    return render(
        request,
        "lms/accept_invitation.html",
        {"invitation": invitation, "form": form},
    )


def _landing(request):
    """Where a newcomer goes once joined: the link's own ``next`` (a plugin's
    invitation leads to the first step of the path that follows, say) when it
    stays on this site, else the dashboard."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("lms:dashboard")


@transaction.atomic
def _create_account(invitation, data):
    invitation = Invitation.objects.select_for_update().get(
        pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True
    )
    user = get_user_model().objects.create_user(
        username=invitation.email,
        email=invitation.email,
        password=data["password1"],
        first_name=data["first_name"],
        last_name=data.get("last_name", ""),
    )
    _accept(invitation, user)
    return user


def _accept(invitation, user):
    join_organisation(
        user,
        invitation.organisation,
        role=invitation.role,
        kind=invitation.kind,
        team=invitation.team,
        start_date=invitation.start_date,
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])


def _join_with_existing_account(request, invitation):
    """Someone already on Relais (another association, say) joins one more."""
    user = request.user
    if not user.is_authenticated or user.email.lower() != invitation.email.lower():
        messages.info(
            request,
            _("You already have an account: log in to accept this invitation."),
        )
        return redirect(f"{reverse('lms:login')}?next={request.path}")
    if request.method == "POST":
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if (
                locked.accepted_at is None
                and not Membership.objects.filter(
                    user=user, organisation=locked.organisation
                ).exists()
            ):
                _accept(locked, user)
        return redirect(_landing(request))
    return render(
        request, "lms/accept_invitation.html", {"invitation": invitation, "form": None}
    )


@require_POST
def set_language(request):
    """Remember a language choice: on the person's profile and in a cookie."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            UserProfile.objects.update_or_create(
                user=request.user, defaults={"preferred_language": language}
            )
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
        )
    return response


def locked_out(request, credentials, *args, **kwargs):
    """What django-axes shows after too many failed logins (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "lms/locked_out.html", {"cooloff_minutes": minutes}, status=429
    )
