"""The register of processing ("registre des traitements", GDPR article 30) of one
organisation, written from every installed app's ``personal_data`` declarations
(``lms.privacy``) and the organisation's privacy settings: a printable page, and a
Word document (python-docx) the board edits and signs."""

import io
from itertools import groupby

from django.apps import apps
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from lms.models import OrganisationSettings
from lms.models.people import PEOPLE_MANAGERS
from lms.models.privacy import PrivacySettings
from lms.plugins.activation import enabled_labels


def _declarations():
    from lms.privacy.registry import declarations

    return declarations()


def _field_names(model, names):
    labels = []
    for name in names:
        try:
            labels.append(str(capfirst(model._meta.get_field(name).verbose_name)))
        except Exception:  # a declared lookup that is not a plain field
            labels.append(name)
    return labels


def processings(organisation):
    """One entry per declaration of the apps running in ``organisation`` (the core,
    the learning core, the plugins it enabled), grouped by app."""
    enabled = set(enabled_labels(organisation))
    rows = []
    for declaration in _declarations():
        app = apps.get_app_config(declaration.app_label)
        is_plugin = hasattr(app, "PluginMeta")
        if is_plugin and app.label not in enabled:
            continue
        model = declaration.get_model()
        rows.append(
            {
                "app": _(app.PluginMeta.name) if is_plugin else str(app.verbose_name),
                "what": str(capfirst(model._meta.verbose_name_plural)),
                "purpose": str(declaration.purpose),
                "basis": str(declaration.basis.label),
                "retention": str(declaration.retention),
                "fields": _field_names(model, declaration.fields),
                "files": _field_names(model, declaration.files),
                "erase": str(declaration.erase.label),
            }
        )
    return [
        (app, list(entries)) for app, entries in groupby(rows, key=lambda r: r["app"])
    ]


def keepable(organisation):
    """(label, name) of the declarations an erasure may keep in ``organisation``:
    those that are not kept anyway (legal obligation), one per model."""
    from lms.privacy import Basis

    enabled = set(enabled_labels(organisation))
    choices = {}
    for declaration in _declarations():
        app = apps.get_app_config(declaration.app_label)
        is_plugin = hasattr(app, "PluginMeta")
        if (is_plugin and app.label not in enabled) or (
            declaration.basis == Basis.LEGAL_OBLIGATION
        ):
            continue
        model = declaration.get_model()
        where = _(app.PluginMeta.name) if is_plugin else app.verbose_name
        name = capfirst(model._meta.verbose_name_plural)
        choices[model._meta.label] = f"{name} ({where})"
    return sorted(choices.items(), key=lambda item: item[1])


def context(organisation):
    settings = PrivacySettings.for_organisation(organisation)
    contact = settings.data_protection_contact
    from lms.models import Membership

    managers = [
        m.user.get_full_name() or m.user.get_username()
        for m in Membership.objects.for_organisation(organisation)
        .active()
        .filter(role__in=PEOPLE_MANAGERS)
        .select_related("user")
    ]
    return {
        "organisation": organisation,
        "organisation_settings": OrganisationSettings.for_organisation(organisation),
        "privacy": settings,
        "contact": (contact.get_full_name() or contact.get_username())
        if contact
        else "",
        "contact_email": contact.email if contact else "",
        "managers": managers,
        "processings": processings(organisation),
        "generated_on": timezone.localdate(),
    }


def docx_response(organisation):
    """The register as a .docx download."""
    from docx import Document
    from docx.shared import Pt

    data = context(organisation)
    privacy = data["privacy"]
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(_("Register of processing activities"), level=0)
    document.add_paragraph(
        _("%(organisation)s, generated on %(date)s")
        % {
            "organisation": organisation.site_name,
            "date": date_format(data["generated_on"]),
        }
    )
    document.add_heading(_("Controller"), level=1)
    lines = [
        (_("Organisation"), organisation.site_name),
        (_("Postal address"), privacy.postal_address or "—"),
        (
            _("Data-protection contact"),
            f"{data['contact']} <{data['contact_email']}>"
            if data["contact"]
            else _("The coordinators and admins: %(names)s")
            % {"names": ", ".join(data["managers"]) or "—"},
        ),
    ]
    for label, value in lines:
        paragraph = document.add_paragraph()
        paragraph.add_run(_("%(label)s:") % {"label": label} + " ").bold = True
        paragraph.add_run(str(value))
    document.add_heading(_("Retention rules of the organisation"), level=1)
    for line in retention_lines(privacy):
        document.add_paragraph(line, style="List Bullet")
    for app, entries in data["processings"]:
        document.add_heading(app, level=1)
        for entry in entries:
            document.add_heading(entry["what"], level=2)
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in (
                (_("Purpose"), entry["purpose"]),
                (_("Legal basis"), entry["basis"]),
                (_("Data"), ", ".join(entry["fields"] + entry["files"])),
                (_("Retention"), entry["retention"]),
                (_("On erasure"), entry["erase"]),
            ):
                cells = table.add_row().cells
                cells[0].text, cells[1].text = str(label), str(value)
    document.add_heading(_("Approved by the board"), level=1)
    document.add_paragraph(_("Date:") + " ____________________")
    document.add_paragraph(_("Name and signature:") + " ____________________")
    buffer = io.BytesIO()
    document.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument."
        "wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        'attachment; filename="registre-des-traitements.docx"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def retention_lines(privacy):
    return [
        _("Candidates never accepted: deleted %(days)s days after the last exchange.")
        % {"days": privacy.candidate_retention_days},
        _("Inactive volunteers: anonymised after %(years)s years without activity.")
        % {"years": privacy.inactive_volunteer_years},
        _("Personal data exports: deleted after %(days)s days.")
        % {"days": privacy.export_retention_days},
        _("Uploaded import files: deleted after %(days)s days.")
        % {"days": privacy.upload_retention_days},
    ]
