"""The public side, no login: the organisation's board of open missions (a
federation's also lists its members' missions), a mission's page with its
schema.org ``JobPosting``, applying, and the candidate's private page."""

import json
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.availability import slot_labels
from lms.models import OrganisationSettings, PluginActivation
from relais_recruitment import pipeline, tasks
from relais_recruitment.forms import (
    ApplicationForm,
    BoardFilters,
    MessageForm,
    retention_days,
)
from relais_recruitment.models import Application, Mission

PER_PAGE = 20
THEMES_CACHE_SECONDS = 300
# Applications one address (IP or e-mail) may send per hour: enough for a family
# sharing a connection, too few for a robot.
RATE_LIMITS = {"ip": 10, "email": 3}


def board_organisation_ids(organisation):
    """Whose missions this site's board lists: its own, and, for a federation, its
    members' that have the plugin on (a few hundred ids at most, read once)."""
    members = OrganisationSettings.objects.filter(
        federation=organisation,
        site__in=PluginActivation.objects.filter(app_label="recruitment").values(
            "organisation"
        ),
    ).values_list("site", flat=True)
    return [organisation.pk, *members]


def board_missions(organisation, filters, organisation_ids=None):
    """Open missions of the board, searched and filtered (``filters``: a valid
    BoardFilters' cleaned data)."""
    missions = Mission.objects.published().filter(
        organisation__in=organisation_ids or board_organisation_ids(organisation)
    )
    today = timezone.localdate()
    missions = missions.filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
    if query := filters.get("q"):
        missions = missions.filter(
            Q(title__icontains=query) | Q(description__icontains=query)
        )
    if place := filters.get("place"):
        missions = missions.filter(
            Q(city__icontains=place) | Q(postal_code__startswith=place)
        )
    if theme := filters.get("theme"):
        missions = missions.filter(theme=theme)
    if filters.get("remote"):
        missions = missions.filter(remote=True)
    if slots := filters.get("availability"):
        # A mission on any chosen slot, or with no fixed slot (dates to agree).
        overlap = Q(slots=[])
        for slot in slots:
            overlap |= Q(slots__icontains=f'"{slot}"')
        missions = missions.filter(overlap)
    # The organisations of one page in a query of their own: joined, the planner
    # misjudges how few missions a filter leaves and loops over every site.
    return missions.prefetch_related("organisation").order_by("-published_at", "-pk")


def board_themes(organisation_ids):
    """The themes the board's filter offers: a scan of every open mission, so read
    once every few minutes (a new theme shows up on the filter a little later)."""
    key = "recruitment:themes:" + ",".join(map(str, organisation_ids[:1]))
    themes = cache.get(key)
    if themes is None:
        themes = list(
            Mission.objects.published()
            .filter(organisation__in=organisation_ids)
            .exclude(theme="")
            .values_list("theme", flat=True)
            .order_by("theme")
            .distinct()
        )
        cache.set(key, themes, THEMES_CACHE_SECONDS)
    return themes


def board(request):
    organisation = request.organisation
    organisation_ids = board_organisation_ids(organisation)
    form = BoardFilters(request.GET or None, themes=board_themes(organisation_ids))
    filters = {}
    if form.is_bound:
        form.is_valid()  # a filter that is not valid is left out, the others apply
        filters = form.cleaned_data
    missions = board_missions(organisation, filters, organisation_ids)
    page = Paginator(missions, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "relais_recruitment/board.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "federation": len(organisation_ids) > 1,  # it lists members' missions
        },
    )


def _mission_for_visitor(organisation, mission_id):
    """A mission of this organisation that is no draft (404 otherwise)."""
    return get_object_or_404(
        Mission.objects.for_organisation(organisation)
        .exclude(status=Mission.Status.DRAFT)
        .select_related("team", "organisation"),
        pk=mission_id,
    )


def job_posting(request, mission):
    """schema.org JobPosting of a volunteer mission (Google's required properties:
    title, description, datePosted, hiringOrganization, jobLocation or a remote
    location type with where applicants may live; validThrough when known)."""
    organisation = mission.organisation
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": mission.title,
        "description": mission.description,
        "datePosted": (mission.published_at or mission.created_at).date().isoformat(),
        "employmentType": "VOLUNTEER",
        "hiringOrganization": {
            "@type": "Organization",
            "name": organisation.site_name,
            "sameAs": organisation.root_url,
        },
        "url": request.build_absolute_uri(),
        "directApply": True,
    }
    if mission.closes_on:
        data["validThrough"] = mission.closes_on.isoformat()
    if mission.remote:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "FR"}
    if not mission.remote or mission.place_label:
        data["jobLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": mission.address,
                "postalCode": mission.postal_code,
                "addressLocality": mission.city,
                "addressCountry": "FR",
            },
        }
    if mission.commitment:
        data["workHours"] = mission.commitment
    text = json.dumps(data, ensure_ascii=False)
    # Inside <script>: nothing a mission's text holds may close the element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _limited(request, email):
    """Whether this IP address or e-mail has sent too many applications this hour
    (counted in the cache; nothing is stored about the visitor)."""
    keys = {
        "ip": f"recruitment:apply:ip:{request.META.get('REMOTE_ADDR', '')}",
        "email": f"recruitment:apply:email:{email.lower()}",
    }
    over = False
    for kind, key in keys.items():
        cache.add(key, 0, timeout=3600)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=3600)
            count = 1
        over = over or count > RATE_LIMITS[kind]
    return over


def mission(request, mission_id):
    """A mission's page, its application form, and its JSON-LD."""
    mission = _mission_for_visitor(request.organisation, mission_id)
    form = ApplicationForm(request.POST or None, retention_days=retention_days())
    if request.method == "GET":
        transaction.on_commit(partial(tasks.count_mission_view.enqueue, mission.pk))
    if request.method == "POST":
        if not mission.takes_applications:
            messages.error(
                request, _("This mission is not taking applications any more.")
            )
            return redirect("recruitment:mission", mission_id=mission.pk)
        if form.is_valid():
            if form.cleaned_data["website"]:
                # A robot filled the hidden field: thanked, nothing kept.
                return redirect("recruitment:thanks", mission_id=mission.pk)
            if _limited(request, form.cleaned_data["email"]):
                form.add_error(
                    None,
                    _(
                        "Too many applications from here in the last hour: try again "
                        "later."
                    ),
                )
            else:
                try:
                    with transaction.atomic():
                        pipeline.submit(
                            mission,
                            form.cleaned_data,
                            language=translation.get_language()
                            or settings.LANGUAGE_CODE,
                            source=request.GET.get("source", "board"),
                        )
                except pipeline.NotAllowed as refusal:
                    form.add_error(None, refusal.message)
                else:
                    return redirect("recruitment:thanks", mission_id=mission.pk)
    return render(
        request,
        "relais_recruitment/mission.html",
        {
            "mission": mission,
            "form": form,
            "json_ld": job_posting(request, mission),
            "slots": slot_labels(mission.slots),
        },
    )


def thanks(request, mission_id):
    mission = _mission_for_visitor(request.organisation, mission_id)
    return render(request, "relais_recruitment/thanks.html", {"mission": mission})


def _application_from_link(request, token):
    try:
        application = Application.from_token(token)
    except Application.DoesNotExist:
        raise Http404 from None
    if application.organisation_id != request.organisation.pk:
        raise Http404
    return application


def _expired(request, application):
    return render(
        request,
        "relais_recruitment/link_expired.html",
        {"application": application},
        status=410,
    )


def follow(request, token):
    """The candidate's private page: status, the thread, reply, withdraw."""
    application = _application_from_link(request, token)
    if application.link_expired:
        return _expired(request, application)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if not application.is_open:
            messages.error(request, _("This application is closed."))
            return redirect("recruitment:follow", token=token)
        if form.is_valid():
            pipeline.write(application, form.cleaned_data["body"])
            messages.success(request, _("Your message was sent."))
            return redirect("recruitment:follow", token=token)
    return render(
        request,
        "relais_recruitment/follow.html",
        {
            "application": application,
            "thread": application.messages.select_related("author"),
            "form": form,
            "token": token,
            "slots": slot_labels(application.availability),
        },
    )


@require_POST
def withdraw(request, token):
    application = _application_from_link(request, token)
    if application.link_expired:
        return _expired(request, application)
    try:
        pipeline.move(application, Application.Status.WITHDRAWN)
    except pipeline.NotAllowed as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("recruitment:follow", token=token)
