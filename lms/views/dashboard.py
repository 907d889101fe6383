from django.shortcuts import render

from lms.models import Invitation, Membership, Role
from lms.new_association import is_federation
from lms.plugins.activation import site_hooks
from lms.views.access import member_required


def dashboard_panels(request):
    """Panels contributed through ``lms_register_dashboard_panels`` on this site."""
    panels = []
    for hook in site_hooks("lms_register_dashboard_panels", request):
        hook(request, panels)
    return sorted(panels, key=lambda panel: getattr(panel, "order", 100))


@member_required
def dashboard(request):
    """The page everyone lands on after logging in, shaped by their role."""
    membership = request.membership
    role = membership.role if membership else Role.ADMIN
    context = {"panels": dashboard_panels(request), "role": role}
    if role in (Role.COORDINATOR, Role.ADMIN):
        people = Membership.objects.for_organisation(request.organisation).active()
        context.update(
            people_count=people.count(),
            newcomers=people.filter(role=Role.LEARNER)
            .select_related("user", "team")
            .order_by("-start_date")[:5],
            pending_invitations=Invitation.objects.for_organisation(
                request.organisation
            )
            .pending()
            .count(),
            founds_associations=(role == Role.ADMIN or request.user.is_superuser)
            and is_federation(request.organisation),
        )
        template = "lms/dashboard_coordinator.html"
    elif role == Role.TRAINER:
        template = "lms/dashboard_trainer.html"
    else:
        template = "lms/dashboard_learner.html"
    return render(request, template, context)
