"""A person's skills: levels (validated and self-assessed side by side), the
evidence trail, gaps against their role profiles with the courses that close them.

Learners see their own profile; coordinators/HR, trainers and admins see the
profiles of their organisation's people and add assessments.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from lms.access_log import log_access
from lms.models import Membership
from lms.models.people import ADMIN_ROLES, PEOPLE_MANAGERS
from lms.private_files import download_response
from lms.views.access import member_required, role_required
from relais_skills import proficiency
from relais_skills.forms import EvidenceForm, PriorExperienceForm, SelfAssessmentForm
from relais_skills.models import Evidence, Proficiency
from relais_skills.profiles import gaps

assessors = role_required(*ADMIN_ROLES)


def _profile_context(request, membership):
    organisation, user = request.organisation, membership.user
    standings = (
        Proficiency.objects.filter(organisation=organisation, user=user)
        .filter(Q(level__gt=0) | Q(self_level__gt=0))
        .select_related("skill__framework", "skill__group")
        .order_by("skill__group__name", "skill__name")
    )
    evidence = (
        Evidence.objects.for_organisation(organisation)
        .filter(user=user)
        .select_related("skill", "author", "skill__framework")
    )
    by_skill = {}
    for item in evidence:
        by_skill.setdefault(item.skill_id, []).append(item)
    rows = [
        {
            "skill": row.skill,
            "level": row.level,
            "level_label": row.skill.framework.level_label(row.level),
            "self_level": row.self_level,
            "self_label": row.skill.framework.level_label(row.self_level),
            "expires_on": row.expires_on,
            "evidence": by_skill.get(row.skill_id, []),
        }
        for row in standings
    ]
    return {
        "member": membership,
        "rows": rows,
        "gaps": gaps(organisation, user),
        "sees_attachments": may_see_attachments(request, user),
        "skill_search": request.GET.get("skill_search", "").strip()[:100],
    }


def _skill_choices(request, person):
    """What a skill list offers: see ``EvidenceForm``."""
    return {
        "organisation": request.organisation,
        "person": person,
        "search": request.GET.get("skill_search", "").strip()[:100],
    }


def may_see_attachments(request, person):
    """A person's documents (certificates…) are theirs: they see them, and so do
    their organisation's coordinators and admins; trainers and mentors do not."""
    if request.user.pk == person.pk:
        return True
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in PEOPLE_MANAGERS


@member_required
def mine(request):
    membership = request.membership
    if membership is None:
        raise Http404
    context = _profile_context(request, membership)
    context.update(
        own=True,
        self_form=SelfAssessmentForm(**_skill_choices(request, request.user)),
        prior_form=PriorExperienceForm(**_skill_choices(request, request.user)),
    )
    return render(request, "relais_skills/profile.html", context)


@assessors
def person(request, pk):
    membership = (
        Membership.objects.for_organisation(request.organisation)
        .select_related("user", "team")
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    context = _profile_context(request, membership)
    log_access(request, membership.user, gettext_noop("skills: levels and evidence"))
    context.update(
        own=membership.user_id == request.user.pk,
        assess_form=EvidenceForm(**_skill_choices(request, membership.user)),
    )
    return render(request, "relais_skills/profile.html", context)


def _record(request, form, user, source, **extra):
    data = form.cleaned_data
    proficiency.record(
        organisation=request.organisation,
        user=user,
        skill=data["skill"],
        level=data["level"],
        source=source,
        author=request.user,
        note=data.get("note", ""),
        **extra,
    )


@require_POST
@member_required
def self_assess(request):
    form = SelfAssessmentForm(request.POST, **_skill_choices(request, request.user))
    if not form.is_valid():
        return _again(request, request.membership, "self_form", form)
    _record(
        request,
        form,
        request.user,
        Evidence.Source.SELF,
        private_note=form.cleaned_data["private_note"],
    )
    messages.success(request, _("Your self-assessment is recorded."))
    return redirect("skills:mine")


@require_POST
@member_required
def declare_prior(request):
    form = PriorExperienceForm(
        request.POST, request.FILES, **_skill_choices(request, request.user)
    )
    if not form.is_valid():
        return _again(request, request.membership, "prior_form", form)
    _record(
        request,
        form,
        request.user,
        Evidence.Source.PRIOR,
        attachment=form.cleaned_data["attachment"],  # to the private storage
        expires_on=form.cleaned_data["expires_on"],
        private_note=form.cleaned_data["private_note"],
    )
    messages.success(request, _("Your experience is recorded with its document."))
    return redirect("skills:mine")


@member_required
def evidence_file(request, pk):
    """A piece of evidence's document, as a download, to the people who may see it
    (404 to anyone else, as for a file that does not exist)."""
    evidence = (
        Evidence.objects.for_organisation(request.organisation)
        .exclude(attachment="")
        .filter(pk=pk)
        .select_related("user")
        .first()
    )
    if evidence is None or not may_see_attachments(request, evidence.user):
        raise Http404
    log_access(request, evidence.user, gettext_noop("skills: an evidence document"))
    return download_response(evidence.attachment, evidence.attachment_filename)


@require_POST
@assessors
def assess(request, pk):
    membership = (
        Membership.objects.for_organisation(request.organisation)
        .select_related("user")
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    form = EvidenceForm(request.POST, **_skill_choices(request, membership.user))
    if not form.is_valid():
        return _again(request, membership, "assess_form", form)
    _record(request, form, membership.user, Evidence.Source.ASSESSMENT)
    messages.success(request, _("Assessment recorded."))
    return redirect("skills:person", pk=pk)


def _again(request, membership, name, form):
    """The profile with the refused form and what was typed (400)."""
    context = _profile_context(request, membership)
    context.update(own=membership.user_id == request.user.pk, **{name: form})
    for other, cls in (
        ("self_form", SelfAssessmentForm),
        ("prior_form", PriorExperienceForm),
    ):
        if context["own"] and other not in context:
            context[other] = cls(**_skill_choices(request, request.user))
    messages.error(request, _("Please correct the form below."))
    return render(request, "relais_skills/profile.html", context, status=400)
