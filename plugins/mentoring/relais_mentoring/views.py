"""Pages of mentors and newcomers: their mentoring, the offer to mentor, the request
for a mentor, and the pair space only the two of them open.

Every action is a plain form posting to its own URL; ``pairs`` decides whether it is
allowed (``Refused`` becomes a message and nothing changes).
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.mail import link
from lms.skills import skill_choices
from lms.views.access import member_required
from relais_mentoring import forms, ics, pairs, privacy
from relais_mentoring.models import Goal, MentorProfile, Pairing, Session
from relais_mentoring.waiting import ask, open_request


def _pairing(request, pairing_uuid):
    """The pair, for one of its two members; 404 elsewhere, 403 for anyone else
    here (coordinators included: they see the programme, not the pair space)."""
    pairing = (
        Pairing.objects.for_organisation(request.organisation)
        .select_related("mentor", "mentee")
        .filter(uuid=pairing_uuid)
        .first()
    )
    if pairing is None:
        raise Http404
    if pairing.side(request.user) is None:
        raise PermissionDenied(_("This mentoring pair is not yours."))
    return pairing


def _session(request, session_uuid):
    session = (
        Session.objects.select_related("pairing__mentor", "pairing__mentee")
        .filter(uuid=session_uuid, pairing__organisation=request.organisation)
        .first()
    )
    if session is None:
        raise Http404
    if session.pairing.side(request.user) is None:
        raise PermissionDenied(_("This mentoring pair is not yours."))
    return session


def _done(request, pairing, message=None, anchor=""):
    if message:
        messages.success(request, message)
    return redirect(pairing.get_absolute_url() + anchor)


def _refused(request, pairing, error):
    messages.error(request, str(error))
    return redirect(pairing.get_absolute_url())


@member_required
def home(request):
    organisation, user = request.organisation, request.user
    mine = (
        Pairing.objects.for_organisation(organisation)
        .of(user)
        .select_related("mentor", "mentee")
    )
    return render(
        request,
        "relais_mentoring/home.html",
        {
            "current": [p for p in mine if p.status in Pairing.CURRENT],
            "past": [p for p in mine if p.status not in Pairing.CURRENT],
            "offer": MentorProfile.objects.for_organisation(organisation)
            .filter(user=user)
            .first(),
            "request_open": open_request(organisation, user),
            "manages": request.membership and request.membership.manages_people,
        },
    )


@member_required
def offer(request):
    organisation = request.organisation
    profile = (
        MentorProfile.objects.for_organisation(organisation)
        .filter(user=request.user)
        .first()
    )
    if profile is None:
        membership = request.membership
        profile = MentorProfile(
            organisation=organisation,
            user=request.user,
            team=membership.team if membership else None,
            languages=[request.LANGUAGE_CODE],
        )
    form = forms.OfferForm(
        request.POST or None, instance=profile, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        new = profile.pk is None
        form.save()
        if new:
            pairs.notify_later("offer", profile.pk)
            messages.success(
                request, _("Thank you! A coordinator will review your offer.")
            )
        else:
            messages.success(request, _("Your offer is updated."))
        return redirect("mentoring:home")
    return render(
        request,
        "relais_mentoring/offer.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


@member_required
def request_mentor(request):
    organisation = request.organisation
    current = open_request(organisation, request.user)
    initial = None if current else {"languages": [request.LANGUAGE_CODE]}
    form = forms.RequestForm(request.POST or None, instance=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        ask(organisation, request.user, **form.cleaned_data)
        messages.success(
            request, _("Noted. Your coordinator will propose a mentor to you soon.")
        )
        return redirect("mentoring:home")
    return render(
        request,
        "relais_mentoring/request.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@member_required
def pair(request, pairing_uuid):
    return _pair_page(request, _pairing(request, pairing_uuid))


def _pair_page(request, pairing, bound=None, error=None):
    """The pair space; after a refused form, that form again with what was typed
    (and a 400), so nothing entered is lost."""
    user = request.user
    side = pairing.side(user)
    sessions = list(pairing.sessions.prefetch_related("check_ins"))
    for session in sessions:
        session.checked_in = any(c.user_id == user.pk for c in session.check_ins.all())
    choices = (
        skill_choices(request.organisation, pairing.mentee)
        if side == "mentor" and pairing.status == Pairing.Status.ACTIVE
        else []
    )
    context = {
        "pairing": pairing,
        "side": side,
        "partner": pairing.partner(user),
        "my_answer_pending": pairing.status == Pairing.Status.PROPOSED
        and getattr(pairing, f"{side}_accepted_at") is None,
        "sessions": sessions,
        "goals": pairing.goals.all(),
        "notes": privacy.readable_notes(pairing, user),
        "confirmations": pairing.skill_confirmations.all(),
        "gave_feedback": pairing.feedback.filter(user=user).exists(),
        "session_form": forms.SessionForm(),
        "goal_form": forms.GoalForm(),
        "note_form": forms.NoteForm(),
        "end_form": forms.EndForm(),
        "feedback_form": forms.FeedbackForm(),
        "skill_form": forms.SkillForm(choices=choices) if choices else None,
        "goal_statuses": Goal.Status.choices,
        "open_form": None,
    }
    if bound is not None:
        name, form = bound
        context[name], context["open_form"] = form, name
        if error:
            form.add_error(None, str(error))
        messages.error(request, str(error) if error else _("Please correct the form."))
    response = render(request, "relais_mentoring/pair.html", context)
    if bound is not None:
        response.status_code = 400
    return response


def _pair_form(request, pairing, bound, action, message, anchor=""):
    """Validate the bound form and run ``action`` with its data; invalid or
    refused, the pair space comes back with what was typed."""
    _name, form = bound
    if not form.is_valid():
        return _pair_page(request, pairing, bound)
    try:
        action(**form.cleaned_data)
    except pairs.Refused as error:
        return _pair_page(request, pairing, bound, error)
    return _done(request, pairing, message, anchor)


@require_POST
@member_required
def accept(request, pairing_uuid):
    pairing = _pairing(request, pairing_uuid)
    try:
        pairing = pairs.accept(pairing, request.user)
    except pairs.Refused as error:
        return _refused(request, pairing, error)
    if pairing.status == Pairing.Status.ACTIVE:
        return _done(request, pairing, _("You both accepted: the mentoring starts!"))
    return _done(
        request,
        pairing,
        _("Thank you! The mentoring starts as soon as %(name)s accepts too.")
        % {"name": pairing.partner(request.user).get_full_name()},
    )


@require_POST
@member_required
def decline(request, pairing_uuid):
    pairing = _pairing(request, pairing_uuid)
    try:
        pairs.decline(pairing, request.user, request.POST.get("reason", ""))
    except pairs.Refused as error:
        return _refused(request, pairing, error)
    messages.success(request, _("Declined. Your coordinator is told."))
    return redirect("mentoring:home")


@require_POST
@member_required
def end(request, pairing_uuid):
    pairing = _pairing(request, pairing_uuid)
    return _pair_form(
        request,
        pairing,
        ("end_form", forms.EndForm(request.POST)),
        lambda reason: pairs.end(pairing, request.user, reason),
        _("The mentoring has ended. Your coordinator is told."),
    )


@require_POST
@member_required
def add_session(request, pairing_uuid):
    pairing = _pairing(request, pairing_uuid)
    if request.POST.get("action") == "plan":
        action, message = (
            pairs.plan_session,
            _("Session planned: you both receive the invitation by e-mail."),
        )
    else:
        action, message = (
            pairs.log_session,
            _("Session logged. How useful was it? Check in below."),
        )
    return _pair_form(
        request,
        pairing,
        ("session_form", forms.SessionForm(request.POST)),
        partial(action, pairing, request.user),
        message,
        "#sessions",
    )


@require_POST
@member_required
def session_held(request, session_uuid):
    session = _session(request, session_uuid)
    try:
        pairs.mark_held(session, request.user)
    except pairs.Refused as error:
        return _refused(request, session.pairing, error)
    return _done(request, session.pairing, _("Session marked as held."), "#sessions")


@require_POST
@member_required
def session_cancel(request, session_uuid):
    session = _session(request, session_uuid)
    try:
        pairs.cancel_session(session, request.user)
    except pairs.Refused as error:
        return _refused(request, session.pairing, error)
    return _done(request, session.pairing, _("Session cancelled."), "#sessions")


@member_required
def session_ics(request, session_uuid):
    session = _session(request, session_uuid)
    url = link(request.organisation, session.pairing.get_absolute_url())
    response = HttpResponse(
        ics.invitation(session, url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mentorat.ics"'
    return response


@member_required
def check_in(request, session_uuid):
    session = _session(request, session_uuid)
    form = forms.CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pairs.check_in(session, request.user, **form.cleaned_data)
        except pairs.Refused as error:
            return _refused(request, session.pairing, error)
        return _done(request, session.pairing, _("Thank you for your check-in."))
    return render(
        request,
        "relais_mentoring/check_in.html",
        {"session": session, "form": form, "pairing": session.pairing},
        status=400 if form.errors else 200,
    )


@require_POST
@member_required
def add_goal(request, pairing_uuid):
    pairing = _pairing(request, pairing_uuid)
    return _pair_form(
        request,
        pairing,
        ("goal_form", forms.GoalForm(request.POST)),
        partial(pairs.add_goal, pairing, request.user),
        _("Goal added."),
        "#goals",
    )


@require_POST
@member_required
def goal_status(request, pairing_uuid, goal_id):
    pairing = _pairing(request, pairing_uuid)
    goal = pairing.goals.filter(pk=goal_id).first()
    if goal is None:
        raise Http404
    try:
        pairs.set_goal_status(goal, request.user, request.POST.get("status", ""))
    except pairs.Refused as error:
        return _refused(request, pairing, error)
    return _done(request, pairing, _("Goal updated."), "#goals")


@require_POST
@member_required
def add_note(request, pairing_uuid):
    pairing = _pairing(request, pairing_uuid)
    return _pair_form(
        request,
        pairing,
        ("note_form", forms.NoteForm(request.POST)),
        partial(pairs.add_note, pairing, request.user),
        _("Note saved."),
        "#notes",
    )


@require_POST
@member_required
def delete_note(request, pairing_uuid, note_id):
    pairing = _pairing(request, pairing_uuid)
    note = privacy.readable_notes(pairing, request.user).filter(pk=note_id).first()
    if note is None:
        raise Http404
    try:
        pairs.delete_note(note, request.user)
    except pairs.Refused as error:
        return _refused(request, pairing, error)
    return _done(request, pairing, _("Note deleted."), "#notes")


@member_required
def concern(request, pairing_uuid):
    pairing = _pairing(request, pairing_uuid)
    form = forms.ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pairs.raise_concern(pairing, request.user, form.cleaned_data["body"])
        except pairs.Refused as error:
            form.add_error(None, str(error))
        else:
            return _done(
                request,
                pairing,
                _("Your message reached the coordinators only. They will contact you."),
            )
    return render(
        request,
        "relais_mentoring/concern.html",
        {"form": form, "pairing": pairing},
        status=400 if form.errors else 200,
    )


@require_POST
@member_required
def feedback(request, pairing_uuid):
    pairing = _pairing(request, pairing_uuid)
    return _pair_form(
        request,
        pairing,
        ("feedback_form", forms.FeedbackForm(request.POST)),
        partial(pairs.give_feedback, pairing, request.user),
        _("Thank you for your feedback."),
    )


@require_POST
@member_required
def confirm_skill(request, pairing_uuid):
    pairing = _pairing(request, pairing_uuid)
    choices = skill_choices(request.organisation, pairing.mentee)
    return _pair_form(
        request,
        pairing,
        ("skill_form", forms.SkillForm(request.POST, choices=choices)),
        partial(pairs.confirm_skill, pairing, request.user),
        _("Skill confirmed: it now counts as evidence on %(name)s's profile.")
        % {"name": pairing.mentee.get_full_name()},
        "#skills",
    )
