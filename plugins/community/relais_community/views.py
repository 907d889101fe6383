"""Announcements: the news page, one announcement, confirming, and the coordinator's
screens (post, read receipts, remind). An announcement someone is not in the
audience of is simply not found (404), like another organisation's."""

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from PIL import Image

from lms import jobs
from lms.models.people import PEOPLE_MANAGERS
from lms.private_files import download_response
from lms.views.access import member_required, role_required
from relais_community import announcements as news
from relais_community.forms import AnnouncementForm
from relais_community.models import Announcement, AnnouncementConfirmation

manages_people = role_required(*PEOPLE_MANAGERS)


def manages(request):
    membership = request.membership
    return request.user.is_superuser or bool(membership and membership.manages_people)


def readable(request):
    """The announcements the person may open here: coordinators and admins all of
    those reaching the organisation (scheduled ones too), others those of their
    audience once published."""
    found = Announcement.objects.all()
    if manages(request):
        return found.reaching(request.organisation)
    return found.visible_to(request.membership)


def _confirmed_ids(request, announcements):
    return set(
        AnnouncementConfirmation.objects.filter(
            person=request.user, announcement__in=announcements
        ).values_list("announcement_id", flat=True)
    )


@member_required
def announcement_list(request):
    found = list(readable(request).select_related("team").first_pinned()[:100])
    confirmed = _confirmed_ids(request, found)
    for announcement in found:
        announcement.confirmed = announcement.pk in confirmed
    return render(
        request,
        "relais_community/announcement_list.html",
        {"announcements": found, "manages": manages(request)},
    )


@member_required
def announcement(request, announcement_id):
    item = get_object_or_404(
        readable(request).select_related("team", "author"), pk=announcement_id
    )
    item.confirmed = bool(_confirmed_ids(request, [item]))
    if request.membership is not None:
        news.mark_read(
            request.user, request.organisation, url=news.announcement_url(item)
        )
    context = {"announcement": item, "manages": manages(request)}
    if manages(request) and item.requires_confirmation:
        context["confirmed_count"], context["audience_count"], _missing = news.receipts(
            item, request.organisation
        )
    return render(request, "relais_community/announcement.html", context)


@require_POST
@member_required
def announcement_confirm(request, announcement_id):
    item = get_object_or_404(
        Announcement.objects.all().visible_to(request.membership)
        if request.membership
        else Announcement.objects.none(),
        pk=announcement_id,
        requires_confirmation=True,
    )
    news.confirm(item, request.membership)
    messages.success(request, _("Thank you: your reading is recorded."))
    if request.POST.get("next") == "dashboard":
        return redirect("lms:dashboard")
    return redirect(news.announcement_url(item))


@manages_people
def announcement_new(request):
    form = AnnouncementForm(
        request.POST or None, request.FILES or None, organisation=request.organisation
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.author = request.user
            item = form.save()
            if item.is_published:
                jobs.submit(
                    news.publish_announcement,
                    item.pk,
                    organisation=request.organisation,
                    request=request,
                )
        messages.success(
            request,
            _("The announcement is published.")
            if item.is_published
            else _("The announcement will be published at the time you chose."),
        )
        return redirect(news.announcement_url(item))
    return render(request, "relais_community/announcement_form.html", {"form": form})


def _own(request, announcement_id):
    """An announcement of this organisation, for its managers."""
    return get_object_or_404(
        Announcement.objects.for_organisation(request.organisation),
        pk=announcement_id,
    )


@require_POST
@manages_people
def announcement_pin(request, announcement_id):
    item = _own(request, announcement_id)
    Announcement.objects.filter(pk=item.pk).update(pinned=not item.pinned)
    return redirect("community:announcements")


@require_POST
@manages_people
def announcement_delete(request, announcement_id):
    item = _own(request, announcement_id)
    item.delete()
    messages.success(request, _("The announcement is deleted."))
    return redirect("community:announcements")


@manages_people
def announcement_receipts(request, announcement_id):
    item = get_object_or_404(
        Announcement.objects.all().reaching(request.organisation),
        pk=announcement_id,
        requires_confirmation=True,
    )
    confirmed, total, missing = news.receipts(item, request.organisation)
    return render(
        request,
        "relais_community/announcement_receipts.html",
        {
            "announcement": item,
            "confirmed_count": confirmed,
            "audience_count": total,
            "missing": missing,
        },
    )


@require_POST
@manages_people
def announcement_remind(request, announcement_id):
    item = get_object_or_404(
        Announcement.objects.all().reaching(request.organisation).published(),
        pk=announcement_id,
        requires_confirmation=True,
    )
    reminded = news.remind(item, request.organisation, request.user)
    if reminded is None:
        messages.info(request, _("A reminder already went today."))
    else:
        messages.success(
            request,
            _("%(count)s people were reminded.") % {"count": reminded},
        )
    return redirect("community:announcement_receipts", announcement_id=item.pk)


@member_required
def announcement_image(request, announcement_id):
    """The image, shown inline only once Pillow has recognised it as one."""
    item = get_object_or_404(readable(request), pk=announcement_id)
    if not item.image:
        raise Http404
    try:
        with item.image.open("rb") as stored, Image.open(stored) as picture:
            content_type = Image.MIME.get(picture.format)
    except (OSError, ValueError):
        content_type = None
    if content_type not in {"image/png", "image/jpeg", "image/webp", "image/gif"}:
        raise Http404
    response = FileResponse(item.image.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
def announcement_attachment(request, announcement_id):
    item = get_object_or_404(readable(request), pk=announcement_id)
    if not item.attachment:
        raise Http404
    return download_response(item.attachment, item.attachment.name.rsplit("/", 1)[-1])
