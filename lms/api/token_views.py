"""Creating and revoking tokens: organisation tokens in the Wagtail admin (an
organisation admin's), personal tokens on the person's own page. The secret is
shown once, on the page answering its creation, and never stored."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.models import Role
from lms.permissions import role_in
from lms.views.access import member_required

from .forms import TokenForm
from .models import ApiToken


def _admin_of_organisation(view):
    def wrapped(request, *args, **kwargs):
        if not (
            request.user.is_superuser
            or role_in(request.user, request.organisation) == Role.ADMIN
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__wrapped__ = view
    return wrapped


def _organisation_tokens(request):
    return ApiToken.objects.for_organisation(request.organisation).select_related(
        "user", "created_by"
    )


@_admin_of_organisation
def admin_tokens(request):
    form = TokenForm(request.POST or None, roles=list(Role))
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = ApiToken.issue(
            organisation=request.organisation,
            kind=ApiToken.Kind.ORGANISATION,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            scopes=form.cleaned_data["scopes"],
            created_by=request.user,
        )
        form = TokenForm(roles=list(Role))
    return render(
        request,
        "api/admin_tokens.html",
        {"tokens": _organisation_tokens(request), "form": form, "secret": secret},
    )


@require_POST
@_admin_of_organisation
def admin_token_revoke(request, pk):
    token = get_object_or_404(_organisation_tokens(request), pk=pk)
    token.revoke()
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("api_tokens")


def _own_tokens(request):
    return ApiToken.objects.for_organisation(request.organisation).filter(
        user=request.user, kind=ApiToken.Kind.PERSONAL
    )


@member_required
def personal_tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = ApiToken.issue(
            organisation=request.organisation,
            kind=ApiToken.Kind.PERSONAL,
            user=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            created_by=request.user,
        )
        form = TokenForm()
    return render(
        request,
        "api/personal_tokens.html",
        {"tokens": _own_tokens(request), "form": form, "secret": secret},
    )


@require_POST
@member_required
def personal_token_revoke(request, pk):
    token = get_object_or_404(_own_tokens(request), pk=pk)
    token.revoke()
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("api_account:tokens")
