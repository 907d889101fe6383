from django.shortcuts import render

from lms.models import Invitation, Membership, Role
from lms.new_association import is_federation
from lms.plugins.activation import site_hooks
from lms.plugins.dashboard import dashboard_actions
from lms.views.access import member_required


def dashboard_panels(request):
    """Panels contributed through ``lms_register_dashboard_panels`` on this site."""
    panels = []
    for hook in site_hooks("lms_register_dashboard_panels", request):
        hook(request, panels)
    return sorted(panels, key=lambda panel: getattr(panel, "order", 100))


def coordinator_context(request):
    """What a coordinator acts on: the action list first, then the people."""
    people = Membership.objects.for_organisation(request.organisation).active()
    return {
        "actions": dashboard_actions(request),
        "people_count": people.count(),
        "newcomers": people.filter(role=Role.LEARNER)
        .select_related("user", "team")
        .order_by("-start_date")[:5],
        # The first-volunteer card and the federation's "create an association".
        "pending_invitations": Invitation.objects.for_organisation(request.organisation)
        .pending()
        .count(),
        "founds_associations": (
            request.user.is_superuser
            or getattr(request.membership, "role", None) in (None, Role.ADMIN)
        )
        and is_federation(request.organisation),
    }


def trainer_context(request):
    """What a trainer acts on: answers to review and the like, then their courses
    (a panel of the learning core)."""
    return {"actions": dashboard_actions(request)}


@member_required
def dashboard(request):
    """The page everyone lands on after logging in, shaped by their role."""
    membership = request.membership
    role = membership.role if membership else Role.ADMIN
    context = {"panels": dashboard_panels(request), "role": role}
    if role in (Role.COORDINATOR, Role.ADMIN):
        context.update(coordinator_context(request))
        template = "lms/dashboard_coordinator.html"
    elif role == Role.TRAINER:
        context.update(trainer_context(request))
        template = "lms/dashboard_trainer.html"
    else:
        template = "lms/dashboard_learner.html"
    return render(request, template, context)
