"""Frameworks a federation shares with its members: a member organisation adopts
one (its people's levels, role profiles and reports then use it) or lets it go."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.models import OrganisationSettings
from relais_skills.import_views import managers_only
from relais_skills.models import Framework, FrameworkAdoption


def _shared(organisation):
    federation = OrganisationSettings.for_organisation(organisation).federation
    if federation is None or federation == organisation:
        return Framework.objects.none()
    return Framework.objects.filter(organisation=federation, shared_with_members=True)


@managers_only
def index(request):
    organisation = request.organisation
    adopted = set(
        FrameworkAdoption.objects.filter(organisation=organisation).values_list(
            "framework_id", flat=True
        )
    )
    frameworks = list(_shared(organisation).prefetch_related("skills"))
    for framework in frameworks:
        framework.adopted = framework.pk in adopted
    return render(request, "relais_skills/adoption.html", {"frameworks": frameworks})


@require_POST
@managers_only
def toggle(request, pk):
    framework = _shared(request.organisation).filter(pk=pk).first()
    if framework is None:
        raise Http404
    adoption = FrameworkAdoption.objects.filter(
        organisation=request.organisation, framework=framework
    )
    if adoption.exists():
        adoption.delete()
        messages.success(
            request, _("“%(name)s” is no longer used here.") % {"name": framework}
        )
    else:
        FrameworkAdoption.objects.get_or_create(
            organisation=request.organisation, framework=framework
        )
        messages.success(
            request, _("“%(name)s” is now used here.") % {"name": framework}
        )
    return redirect("skills_adoption")


urlpatterns = [
    path("skills/federation/", index, name="skills_adoption"),
    path("skills/federation/<int:pk>/", toggle, name="skills_adoption_toggle"),
]
