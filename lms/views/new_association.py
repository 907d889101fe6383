"""The guided "new association" flow of a federation's admin: three screens
(identity and address, look, plugins), a summary, and the new association's
dashboard, its founder already logged in there.

What was typed is kept in the session on every move, forward, back or refused,
so nothing is ever typed twice; everything is validated again on "Create", then
created in one transaction (``lms.new_association.create_association``).
"""

import base64
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import QueryDict
from django.http.request import validate_host
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from lms.colours import validate_brand_colour
from lms.models import Membership, Role
from lms.new_association import (
    DEFAULT_TEAMS,
    Logo,
    NewAssociation,
    create_association,
    is_federation,
    organisation_hostname,
)
from lms.plugins.activation import installed_plugins

SESSION_KEY = "lms_new_association"
HANDOVER_SALT = "lms.new_association.handover"
HANDOVER_MAX_AGE = 300  # seconds: the link is followed at once, by a redirect
MAX_LOGO_BYTES = 1024 * 1024


def federation_admin_required(view):
    """The admin of a federation (an organisation with member associations), on
    the federation's own address; superusers there too. Nobody else."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = request.membership
        is_admin = request.user.is_superuser or (
            membership is not None and membership.role == Role.ADMIN
        )
        if not (is_admin and is_federation(request.organisation)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class IdentityForm(forms.Form):
    title = gettext_lazy("Name and address")

    name = forms.CharField(
        label=gettext_lazy("Name of the association"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Web address"),
        max_length=253,
    )

    def __init__(self, *args, federation, **kwargs):
        super().__init__(*args, **kwargs)
        self.federation = federation
        self.fields["address"].help_text = _(
            "A short name such as <b>entraide-croix-rousse</b> gives "
            "entraide-croix-rousse.%(federation)s; or type a full address you "
            "own, such as formation.my-association.org."
        ) % {"federation": federation.hostname}

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_address(self):
        hostname = organisation_hostname(self.cleaned_data["address"], self.federation)
        if not validate_host(hostname, settings.ALLOWED_HOSTS):
            raise ValidationError(
                _(
                    "This installation does not answer at %(address)s yet: ask "
                    "the person who hosts Relais to add it, or choose a short name."
                ),
                params={"address": hostname},
            )
        return hostname


class LookForm(forms.Form):
    title = gettext_lazy("Look and languages")

    logo = forms.ImageField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy("PNG, JPEG or WebP, up to 1 MB. You can add it later."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    brand_colour = forms.CharField(
        label=gettext_lazy("Colour"),
        initial="#1d4ed8",
        validators=[validate_brand_colour],
        help_text=gettext_lazy("Used for the header and buttons, with white text."),
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"),
        choices=settings.LANGUAGES,
        initial=["fr"],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "The starter kit is written in each of them; the site opens in French "
            "when it is chosen."
        ),
        error_messages={"required": gettext_lazy("Choose at least one language.")},
    )

    def __init__(self, *args, federation, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo.size > MAX_LOGO_BYTES:
            raise ValidationError(
                _("This image weighs more than 1 MB: choose a smaller one.")
            )
        return logo


class PluginsForm(forms.Form):
    title = gettext_lazy("Features")

    plugins = forms.MultipleChoiceField(
        label=gettext_lazy("Extra features"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("You can switch them on or off later."),
    )

    def __init__(self, *args, federation, **kwargs):
        super().__init__(*args, **kwargs)
        plugins = sorted(installed_plugins(), key=lambda p: p.meta.name.lower())
        self.fields["plugins"].choices = [
            (
                plugin.label,
                f"{plugin.meta.name} — {plugin.meta.description}"
                if plugin.meta.description
                else plugin.meta.name,
            )
            for plugin in plugins
        ]


FORMS = {"identity": IdentityForm, "look": LookForm, "plugins": PluginsForm}
STEPS = [*FORMS, "summary"]


class Draft:
    """What the founder typed so far, screen by screen, kept in the session."""

    def __init__(self, request):
        self.request = request
        self.federation = request.organisation
        stored = request.session.get(SESSION_KEY) or {}
        if stored.get("federation") != self.federation.pk:
            stored = {"federation": self.federation.pk, "data": {}, "logo": None}
        self.stored = stored

    def save(self):
        self.request.session[SESSION_KEY] = self.stored

    def keep(self, step, data):
        self.stored["data"][step] = {
            key: data.getlist(key) for key in FORMS[step].base_fields
        }
        self.save()

    def keep_logo(self, upload):
        upload.seek(0)
        self.stored["logo"] = {
            "name": upload.name,
            "content": base64.b64encode(upload.read()).decode("ascii"),
        }
        self.save()

    @property
    def logo(self):
        logo = self.stored.get("logo")
        if not logo:
            return None
        return Logo(logo["name"], base64.b64decode(logo["content"]))

    def data(self, step):
        kept = self.stored["data"].get(step)
        if kept is None:
            return None
        query = QueryDict(mutable=True)
        for key, values in kept.items():
            query.setlist(key, values)
        return query

    def form(self, step, data=None, files=None):
        data = data if data is not None else self.data(step)
        return FORMS[step](data, files, federation=self.federation)

    def cleaned(self):
        """Every screen's cleaned data, validated again now, and the first screen
        still to fill in or correct (None when all are valid)."""
        cleaned = {}
        for step in FORMS:
            form = self.form(step)
            if not form.is_bound or not form.is_valid():
                return cleaned, step
            cleaned[step] = form.cleaned_data
        return cleaned, None

    def clear(self):
        self.request.session.pop(SESSION_KEY, None)


def _step_url(step):
    return f"{reverse('lms:new_association')}?step={step}"


def _render_step(request, draft, step, form):
    return render(
        request,
        "lms/new_association/step.html",
        {
            "form": form,
            "step": step,
            "steps": _progress(step),
            "number": STEPS.index(step) + 1,
            "total": len(STEPS),
            "previous": STEPS[STEPS.index(step) - 1] if step != STEPS[0] else None,
            "logo": draft.logo if step == "look" else None,
        },
    )


def _progress(current):
    titles = {step: form.title for step, form in FORMS.items()}
    titles["summary"] = gettext_lazy("Summary")
    return [
        {"step": step, "title": titles[step], "current": step == current}
        for step in STEPS
    ]


@federation_admin_required
def new_association(request):
    draft = Draft(request)
    step = request.POST.get("step") or request.GET.get("step") or STEPS[0]
    if step not in STEPS:
        step = STEPS[0]
    if step == "summary":
        return _summary(request, draft)
    if request.method != "POST":
        form = draft.form(step)
        return _render_step(request, draft, step, form)

    form = draft.form(step, request.POST, request.FILES)
    draft.keep(step, request.POST)  # kept whatever happens next: never typed twice
    if request.POST.get("action") == "back":
        return redirect(_step_url(STEPS[max(STEPS.index(step) - 1, 0)]))
    if not form.is_valid():
        return _render_step(request, draft, step, form)
    if step == "look" and form.cleaned_data.get("logo"):
        draft.keep_logo(form.cleaned_data["logo"])
    return redirect(_step_url(STEPS[STEPS.index(step) + 1]))


def _summary(request, draft):
    cleaned, incomplete = draft.cleaned()
    if incomplete:
        if request.method == "POST":
            messages.error(request, _("Please complete this screen first."))
        return redirect(_step_url(incomplete))
    new = NewAssociation(
        name=cleaned["identity"]["name"],
        hostname=cleaned["identity"]["address"],
        brand_colour=cleaned["look"]["brand_colour"],
        languages=cleaned["look"]["languages"],
        plugins=cleaned["plugins"]["plugins"],
        logo=draft.logo,
    )
    if request.method == "POST" and request.POST.get("action") == "create":
        try:
            site = create_association(
                new, federation=draft.federation, founder=request.user
            )
        except (IntegrityError, ValidationError):
            # Taken a moment ago by someone else, say: nothing was created.
            messages.error(
                request,
                _("The association could not be created: check its address."),
            )
            return redirect(_step_url("identity"))
        draft.clear()
        return redirect(site.root_url + handover_path(request.user, site))
    choices = PluginsForm(federation=draft.federation).fields["plugins"].choices
    plugin_names = dict(choices)
    response = render(
        request,
        "lms/new_association/summary.html",
        {
            "new": new,
            "steps": _progress("summary"),
            "number": len(STEPS),
            "total": len(STEPS),
            "language_names": [
                name for code, name in settings.LANGUAGES if code in new.languages
            ],
            "plugin_names": [plugin_names[label] for label in new.plugins],
            "teams": DEFAULT_TEAMS[new.language],
        },
    )
    # "Create" ends on the new association's own address: the page's policy lets
    # this one form lead there (form-action also governs where a POST redirects).
    address = Site(hostname=new.hostname, port=draft.federation.port).root_url
    response._csp_update = {"form-action": [address]}
    return response


def handover_path(user, site):
    """A link that logs the founder in on the new association's own address (its
    session cookie is not the federation's). Short-lived and single-use: it
    holds the founder's last login, which logging in through it changes."""
    token = signing.dumps(
        {"user": user.pk, "site": site.pk, "login": str(user.last_login)},
        salt=HANDOVER_SALT,
    )
    return reverse("lms:new_association_welcome", args=[token])


def association_welcome(request, token):
    """Where the founder lands on the new association: logged in, on its dashboard."""
    try:
        claim = signing.loads(token, salt=HANDOVER_SALT, max_age=HANDOVER_MAX_AGE)
    except signing.BadSignature:
        claim = None
    user = None
    if claim and request.organisation and claim["site"] == request.organisation.pk:
        user = (
            get_user_model()
            .objects.filter(
                pk=claim["user"],
                is_active=True,
                pk__in=Membership.objects.for_organisation(request.organisation)
                .active()
                .filter(role=Role.ADMIN)
                .values("user"),
            )
            .first()
        )
    if user is None or str(user.last_login) != claim["login"]:
        return render(
            request,
            "lms/invitation_problem.html",
            {
                "title": _("This link has expired"),
                "explanation": _(
                    "Log in with your e-mail address and password to reach your "
                    "association."
                ),
            },
            status=410,
        )
    login(request, user, backend="lms.auth.UsernameOrEmailBackend")
    messages.success(
        request,
        _("%(organisation)s is ready. Now invite your first volunteer!")
        % {"organisation": request.organisation.site_name},
    )
    return redirect("lms:dashboard")
