"""Pages of discussions and recognition. Every action is a plain form posting to
its own URL; ``talk`` decides what is allowed (``Refused`` becomes a message and a
4xx, and nothing changes)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import BadgeClass
from lms.views.access import member_required
from relais_community import talk
from relais_community.talk_models import (
    DiscussionPost,
    ModerationRecord,
    Mute,
    OrganisationValue,
    PostReport,
    ThankYou,
)

PER_PAGE = 20


def _refused(request, error, target):
    messages.error(request, str(error))
    response = redirect(target)
    if error.status == 403:
        raise PermissionDenied(str(error))
    # A redirect keeps the flow simple on a phone; the message says what happened.
    return response


def _back(request, post):
    return talk.url_of(post).split("#")[0]


@member_required
def questions(request, page_id):
    """Every question under a course or lesson page, and the form to ask one."""
    page = talk.discussion_page(request.organisation, page_id)
    if request.method == "POST":
        try:
            talk.ask(request, page, request.POST.get("body"))
        except talk.Refused as error:
            if error.status == 403:
                raise PermissionDenied(str(error)) from error
            messages.error(request, str(error))
            return render(
                request,
                "community/talk/questions.html",
                _questions_context(request, page, typed=request.POST.get("body", "")),
                status=error.status,
            )
        messages.success(request, _("Your question is posted."))
        return redirect(request.path)
    return render(
        request, "community/talk/questions.html", _questions_context(request, page)
    )


def _questions_context(request, page, typed=""):
    return {
        "page": page,
        "questions": Paginator(talk.questions_under(request, page), PER_PAGE).get_page(
            request.GET.get("page")
        ),
        "moderator": talk.is_moderator(request),
        "marker": request.membership is not None
        and request.membership.role in talk.ANSWER_MARKERS,
        "typed": typed,
    }


@require_POST
@member_required
def reply(request, post_id):
    parent = talk.post_for(request, post_id)
    try:
        talk.reply(request, parent, request.POST.get("body"))
    except talk.Refused as error:
        return _refused(request, error, _back(request, parent))
    messages.success(request, _("Your reply is posted."))
    return redirect(_back(request, parent))


@require_POST
@member_required
def helpful(request, post_id):
    answer = talk.post_for(request, post_id)
    try:
        talk.mark_helpful(request, answer)
    except talk.Refused as error:
        return _refused(request, error, _back(request, answer))
    messages.success(request, _("Marked as the answer that helped."))
    return redirect(_back(request, answer))


@member_required
def report(request, post_id):
    post = talk.post_for(request, post_id)
    if request.method == "POST":
        try:
            created = talk.report(request, post, request.POST.get("reason"))
        except talk.Refused as error:
            messages.error(request, str(error))
            return render(
                request, "community/talk/report.html", {"post": post}, status=400
            )
        messages.success(
            request,
            _("Thank you: the coordinators will look at it.")
            if created
            else _("You had already reported this post."),
        )
        return redirect(_back(request, post))
    return render(request, "community/talk/report.html", {"post": post})


@require_POST
@member_required
def moderate(request, post_id):
    if not talk.is_moderator(request):
        raise PermissionDenied
    post = talk.post_for(request, post_id)
    back = _back(request, post)
    try:
        talk.moderate(
            request, post, request.POST.get("action"), request.POST.get("reason")
        )
    except talk.Refused as error:
        return _refused(request, error, back)
    messages.success(request, _("Done: the reason is kept in the moderation log."))
    return redirect(back)


@member_required
def teams(request):
    return render(
        request, "community/talk/teams.html", {"teams": talk.teams_readable(request)}
    )


@member_required
def team(request, team_id):
    try:
        team = talk.team_for(request, team_id)
    except talk.Refused as error:
        raise PermissionDenied(str(error)) from error
    typed = ""
    status = 200
    if request.method == "POST":
        try:
            talk.post_in_team(request, team, request.POST.get("body"))
        except talk.Refused as error:
            if error.status == 403:
                raise PermissionDenied(str(error)) from error
            messages.error(request, str(error))
            typed, status = request.POST.get("body", ""), error.status
        else:
            messages.success(request, _("Your post is in the team space."))
            return redirect(request.path)
    page = Paginator(talk.team_posts(request, team), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "community/talk/team.html",
        {
            "team": team,
            "posts": page,
            "moderator": talk.is_moderator(request),
            "typed": typed,
        },
        status=status,
    )


@member_required
def moderation(request):
    if not talk.is_moderator(request):
        raise PermissionDenied
    organisation = request.organisation
    return render(
        request,
        "community/talk/moderation.html",
        {
            "reports": PostReport.objects.for_organisation(organisation)
            .filter(resolved_at__isnull=True)
            .select_related("post__author", "reporter")
            .order_by("-created_at")[:100],
            "hidden": DiscussionPost.objects.for_organisation(organisation)
            .filter(hidden_at__isnull=False)
            .select_related("author", "hidden_by")
            .order_by("-hidden_at")[:100],
            "mutes": Mute.objects.for_organisation(organisation).select_related(
                "person"
            ),
            "people": talk.members(organisation).order_by("first_name", "last_name"),
            "log": ModerationRecord.objects.for_organisation(
                organisation
            ).select_related("moderator", "person")[:50],
        },
    )


@require_POST
@member_required
def mute(request):
    if not talk.is_moderator(request):
        raise PermissionDenied
    try:
        person_id = int(request.POST.get("person", ""))
    except ValueError:
        raise Http404 from None
    try:
        talk.mute(
            request,
            person_id,
            request.POST.get("reason"),
            on=request.POST.get("action") != "unmute",
        )
    except talk.Refused as error:
        return _refused(request, error, "community:talk_moderation")
    messages.success(request, _("Done: the reason is kept in the moderation log."))
    return redirect("community:talk_moderation")


@member_required
def wall(request):
    """The organisation's thank-you wall (members only), and the form to thank."""
    organisation = request.organisation
    values = OrganisationValue.objects.for_organisation(organisation)
    status, typed = 200, {}
    if request.method == "POST":
        try:
            talk.thank(
                request,
                request.POST.get("recipient"),
                request.POST.get("value") or None,
                request.POST.get("message"),
            )
        except (talk.Refused, ValueError) as error:
            status = getattr(error, "status", 400)
            if status == 403:
                raise PermissionDenied(str(error)) from error
            messages.error(request, str(error))
            typed = request.POST
        else:
            messages.success(request, _("Your thank-you card is on the wall."))
            return redirect(request.path)
    cards = Paginator(
        ThankYou.objects.for_organisation(organisation).select_related(
            "sender", "recipient", "value"
        ),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "community/talk/wall.html",
        {
            "cards": cards,
            "values": values,
            "people": talk.members(organisation)
            .exclude(pk=request.user.pk)
            .order_by("first_name", "last_name"),
            "moderator": talk.is_moderator(request),
            "typed": typed,
        },
        status=status,
    )


@member_required
def recognition(request):
    """Coordinators: who is thanked most (per value), the organisation's values,
    and turning a pattern of thanks into one of the organisation's badges."""
    if not talk.is_moderator(request):
        raise PermissionDenied
    organisation = request.organisation
    badges = BadgeClass.objects.for_organisation(organisation)
    status = 200
    if request.method == "POST" and request.POST.get("form") == "value":
        name = (request.POST.get("name") or "").strip()[:80]
        if not name:
            messages.error(request, _("Give the value a name."))
            status = 400
        else:
            OrganisationValue.objects.get_or_create(
                organisation=organisation,
                name=name,
                defaults={"description": (request.POST.get("description") or "")[:300]},
            )
            messages.success(request, _("The value is added."))
            return redirect(request.path)
    elif request.method == "POST":
        badge = badges.filter(pk=request.POST.get("badge") or None).first()
        try:
            if badge is None:
                raise talk.Refused(_("Choose one of the organisation's badges."))
            created = talk.recognise(
                request,
                int(request.POST.get("person") or 0),
                badge,
                request.POST.get("value") or None,
            )
        except talk.Refused as error:
            messages.error(request, str(error))
            status = 400
        except ValueError:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("The badge is awarded.")
                if created
                else _("This person already holds this badge for it."),
            )
            return redirect(request.path)
    patterns = (
        ThankYou.objects.for_organisation(organisation)
        .values(
            "recipient",
            "recipient__first_name",
            "recipient__last_name",
            "value",
            "value__name",
        )
        .annotate(count=Count("pk"))
        .order_by("-count")[:50]
    )
    return render(
        request,
        "community/talk/recognition.html",
        {
            "patterns": patterns,
            "badges": badges,
            "values": OrganisationValue.objects.for_organisation(organisation),
        },
        status=status,
    )
