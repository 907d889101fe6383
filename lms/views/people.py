"""Coordinators' people screens. Everything is read through the organisation-scoped
querysets, so a person of another organisation is simply not found (404)."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import jobs
from lms.forms import InvitationForm, MembershipForm, TeamForm
from lms.models import Invitation, Membership, Role, Team
from lms.models.people import PEOPLE_MANAGERS
from lms.plugins.activation import site_hooks
from lms.tasks import send_invitation
from lms.views.access import role_required

manages_people = role_required(*PEOPLE_MANAGERS)


def _memberships(request):
    return Membership.objects.for_organisation(request.organisation)


def _invitations(request):
    return Invitation.objects.for_organisation(request.organisation)


@manages_people
def people(request):
    memberships = _memberships(request).select_related("user", "team")
    role, team, query = (request.GET.get(key, "") for key in ("role", "team", "q"))
    if role in Role.values:
        memberships = memberships.filter(role=role)
    if team.isdigit():
        memberships = memberships.filter(team_id=team)
    if query:
        memberships = memberships.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__email__icontains=query)
        )
    return render(
        request,
        "lms/people.html",
        {
            "memberships": memberships,
            "invitations": _invitations(request).pending().select_related("team"),
            "roles": Role.choices,
            "teams": Team.objects.filter(organisation=request.organisation),
            "filters": {"role": role, "team": team, "q": query},
        },
    )


@manages_people
def person(request, pk):
    membership = get_object_or_404(
        _memberships(request).select_related("user", "team"), pk=pk
    )
    panels = []
    for hook in site_hooks("lms_register_person_panels", request):
        hook(request, membership, panels)
    return render(request, "lms/person.html", {"member": membership, "panels": panels})


@manages_people
def person_edit(request, pk):
    membership = get_object_or_404(_memberships(request).select_related("user"), pk=pk)
    form = MembershipForm(
        request.POST or None,
        instance=membership,
        organisation=request.organisation,
        granted_by=request.user,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect("lms:person", pk=membership.pk)
    return render(request, "lms/person_edit.html", {"member": membership, "form": form})


@manages_people
def invite(request):
    role = request.GET.get("role")  # "Invite your first volunteer" sets it
    form = InvitationForm(
        request.POST or None,
        initial={"role": role} if role in Role.values else None,
        organisation=request.organisation,
        granted_by=request.user,
    )
    if request.method == "POST" and form.is_valid():
        invitation = form.save(commit=False)
        invitation.organisation = request.organisation
        invitation.invited_by = request.user
        with transaction.atomic():  # the invitation and its e-mail's job, together
            invitation.save()
            _send(request, invitation)
        messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
        )
        return redirect("lms:people")
    return render(request, "lms/invite.html", {"form": form})


def _send(request, invitation):
    """E-mail the invitation from the outbox: late, never lost, if Redis is away."""
    jobs.submit(
        send_invitation,
        invitation.pk,
        organisation=request.organisation,
        request=request,
        waiting_note=_("The e-mail will go out in a few minutes."),
    )


@require_POST
@manages_people
def invitation_resend(request, pk):
    invitation = get_object_or_404(_invitations(request).pending(), pk=pk)
    with transaction.atomic():
        invitation.renew()
        _send(request, invitation)
    messages.success(
        request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
    )
    return redirect("lms:people")


@require_POST
@manages_people
def invitation_cancel(request, pk):
    invitation = get_object_or_404(_invitations(request).pending(), pk=pk)
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    messages.success(request, _("Invitation withdrawn."))
    return redirect("lms:people")


@manages_people
def teams(request):
    form = TeamForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        team = form.save()
        messages.success(request, _("Team %(name)s created.") % {"name": team.name})
        return redirect("lms:teams")
    listing = Team.objects.filter(organisation=request.organisation).annotate(
        people=Count("membership", filter=Q(membership__is_active=True))
    )
    return render(request, "lms/teams.html", {"teams": listing, "form": form})


@require_POST
@manages_people
def team_delete(request, pk):
    team = get_object_or_404(
        Team.objects.filter(organisation=request.organisation), pk=pk
    )
    team.delete()  # its members stay, without a team
    messages.success(request, _("Team %(name)s deleted.") % {"name": team.name})
    return redirect("lms:teams")
