"""The person's side of the notification centre: the list behind the bell, marking
as read, and how they want to hear of each kind. Only the person's own
notifications in the organisation being served, of kinds offered there."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import notifications as centre
from lms.models import Delivery, NotificationPreference
from lms.views.access import member_required

PAGE_SIZE = 30


@member_required
def notification_list(request):
    found = centre.visible_notifications(request.user, request.organisation)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page:
        notification.text = centre.render(notification)
    return render(
        request,
        "lms/notifications.html",
        {
            "page": page,
            "unread": centre.unread_count(request.user, request.organisation),
        },
    )


def _safe(url, request):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@require_POST
@member_required
def notification_read(request, notification_id):
    """Mark one as read, then open what it is about (its link, else the list)."""
    notification = get_object_or_404(
        centre.visible_notifications(request.user, request.organisation),
        pk=notification_id,
    )
    centre.mark_read(request.user, request.organisation, pk=notification.pk)
    if request.POST.get("open"):
        return redirect(_safe(notification.url, request) or "lms:notifications")
    return redirect("lms:notifications")


@require_POST
@member_required
def notification_read_all(request):
    changed = centre.mark_read(request.user, request.organisation)
    if changed:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("lms:notifications")


class PreferencesForm(forms.Form):
    """One choice per kind offered in the organisation."""

    def __init__(self, *args, kinds, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current[kind.key],
                widget=forms.RadioSelect,
            )


@member_required
def notification_preferences(request):
    organisation, person = request.organisation, request.user
    kinds = centre.kinds_for(organisation, person)
    current = centre.preferences(person, organisation)
    form = PreferencesForm(request.POST or None, kinds=kinds, current=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for kind in kinds:
                NotificationPreference.objects.update_or_create(
                    person=person,
                    organisation=organisation,
                    kind=kind.key,
                    defaults={"delivery": form.cleaned_data[kind.key]},
                )
        messages.success(request, _("Your choices are saved."))
        return redirect("lms:notification_preferences")
    return render(request, "lms/notification_preferences.html", {"form": form})
