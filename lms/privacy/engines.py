"""Export and erase one person's data in one organisation, from the declarations.

Both are plain functions: the "Mes données" page, the erasure workflow and the
retention job call them from their background tasks (ids in, objects loaded
there) and decide who may ask; these functions check nothing about the caller.

``export_person(user, organisation, target)`` writes a ZIP to ``target`` (a path
or a writable binary file object)::

    README.txt                      what the archive holds, in plain words
    index.json                      per declaration: purpose, basis, retention,
                                    row count, its CSV and its files
    <app>/data.json                 {"app_label.Model": [{field: value}, …]}
    <app>/<Model>.csv               one table per declaration (CSV, UTF-8 BOM)
    <app>/files/<Model>/<pk>/<name> the declared files of each row
    <app>/extra/<name>              what a declaration adds (badges as baked PNG)

Only rows of that organisation, plus what belongs to the account itself
(declarations with ``organisation=None``: the account, its preferences).

``erase_person(user, organisation, kept_reason=None, keep=())`` erases, in one
transaction, every declaration's rows about the person in that organisation:
deleted, or anonymised where the organisation keeps aggregates (rows handed to
an anonymous account, ``lms.privacy.ERASED``). Declarations whose model label is
in ``keep`` (the coordinator decided the organisation must keep them) and those
whose basis is a legal obligation are left as they are, with ``kept_reason``.
When the person belongs to no other organisation, the account-wide data goes
too and the account itself is anonymised (``anonymise_account``); otherwise the
account and its identity stay for the other organisations. The declared files
of deleted rows leave their storage once the transaction commits. It returns an
``ErasureReport`` (``as_dict()`` for the erasure log).
"""

import csv
import io
import json
import uuid
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from lms.exports import cell

from . import ERASED, Basis, Erase
from .registry import declarations

__all__ = [
    "ErasureReport",
    "ExportSummary",
    "anonymise_account",
    "erase_person",
    "export_person",
]


# ---------------------------------------------------------------------------
# Reading rows


def _value(row, model_field):
    if model_field.many_to_many:
        return sorted(getattr(row, model_field.name).values_list("pk", flat=True))
    if isinstance(model_field, models.FileField):
        return getattr(row, model_field.attname).name or ""
    return getattr(row, model_field.attname)


def row_data(declaration, row):
    """``{field name: value}`` of one row: the declared fields and files, with
    the row's id; a foreign key as the id it holds, a file as its stored name."""
    model = type(row)
    data = {"id": row.pk}
    for name in [*declaration.fields, *declaration.files]:
        data[name] = _value(row, model._meta.get_field(name))
    return data


def _stored_files(declaration, row):
    """``(storage, name)`` of the declared files a row holds."""
    found = []
    for name in declaration.files:
        file = getattr(row, name)
        if file and file.name:
            found.append((file.storage, file.name))
    return found


def _table_name(declaration, seen):
    name = declaration.get_model()._meta.object_name
    if name in seen:
        lookup = declaration.person_lookups[0].replace("__", "-")
        name = f"{name}-{lookup}"
    seen.add(name)
    return name


# ---------------------------------------------------------------------------
# Export


@dataclass
class ExportSummary:
    """What ``export_person`` wrote: the archive's member names, by kind."""

    tables: list = field(default_factory=list)
    files: list = field(default_factory=list)
    rows: int = 0


def _json(value):
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _csv(columns, rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                cell(value if isinstance(value, str) else _json_cell(value))
                for value in (row[column] for column in columns)
            ]
        )
    return buffer.getvalue()


def _json_cell(value):
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def export_person(user, organisation, target):
    """Write everything Relais holds about ``user`` in ``organisation`` as a ZIP
    to ``target`` (a path or a writable binary file object); returns an
    ``ExportSummary``. See the module's docstring for the layout."""
    summary = ExportSummary()
    index = []
    per_app = {}
    seen_tables = set()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for declaration in declarations():
            rows = list(declaration.rows(user, organisation).order_by("pk"))
            model = declaration.get_model()
            app = model._meta.app_label
            table = _table_name(declaration, seen_tables)
            data = [row_data(declaration, row) for row in rows]
            per_app.setdefault(app, {}).setdefault(model._meta.label, []).extend(data)
            csv_name = f"{app}/{table}.csv"
            if data:
                archive.writestr(csv_name, _csv(list(data[0]), data))
                summary.tables.append(csv_name)
            files = []
            for row in rows:
                for storage, name in _stored_files(declaration, row):
                    member = f"{app}/files/{table}/{row.pk}/{PurePosixPath(name).name}"
                    with storage.open(name, "rb") as stored:
                        archive.writestr(member, stored.read())
                    files.append(member)
            if declaration.export_files and rows:
                queryset = model._base_manager.filter(pk__in=[row.pk for row in rows])
                for name, content in declaration.export_files(queryset):
                    member = f"{app}/extra/{name}"
                    archive.writestr(member, content)
                    files.append(member)
            summary.files.extend(files)
            summary.rows += len(rows)
            index.append(
                {
                    "model": model._meta.label,
                    "declared_by": declaration.app_label,
                    "about_you_through": list(declaration.person_lookups),
                    "purpose": str(declaration.purpose),
                    "basis": str(Basis(declaration.basis).label),
                    "retention": str(declaration.retention),
                    "rows": len(rows),
                    "table": csv_name if data else None,
                    "files": files,
                }
            )
        for app, tables in per_app.items():
            archive.writestr(f"{app}/data.json", _json(tables))
        archive.writestr("index.json", _json(index))
        archive.writestr("README.txt", _readme(user, organisation, index))
    return summary


def _readme(user, organisation, index):
    from django.utils.translation import gettext as _

    lines = [
        _("Your data at %(organisation)s") % {"organisation": organisation.site_name},
        _("Exported on %(date)s") % {"date": timezone.now().strftime("%Y-%m-%d %H:%M")},
        "",
        _(
            "Each folder is one part of Relais. data.json holds your data as "
            "structured data, each .csv file one table (it opens in a "
            "spreadsheet), files/ the files you or others uploaded about you, "
            "extra/ your badges as images with their proof inside. index.json "
            "says why each table is kept, on which legal basis and for how long."
        ),
        "",
    ]
    for entry in index:
        if entry["rows"]:
            lines.append(
                f"- {entry['table']}: {entry['purpose']} ({entry['basis']}; "
                f"{entry['retention']})"
            )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Erasure


@dataclass
class ErasureEntry:
    model: str
    declared_by: str
    action: str  # "deleted", "anonymised" or "kept"
    count: int
    reason: str
    files: list = field(default_factory=list)


@dataclass
class ErasureReport:
    user_id: int
    organisation_id: int
    account_anonymised: bool
    entries: list = field(default_factory=list)

    def as_dict(self):
        return asdict(self)

    def count(self, model, action=None):
        return sum(
            entry.count
            for entry in self.entries
            if entry.model == model and (action is None or entry.action == action)
        )


def anonymise_account(user):
    """The account of a person erased from their last organisation: no name,
    e-mail, username or usable password, no groups, deactivated, its sessions
    closed. The row stays so that anonymised rows still point somewhere."""
    user.username = f"erased-{uuid.uuid4().hex}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    _close_sessions(user)
    return 1


def _close_sessions(user):
    from django.contrib.sessions.models import Session

    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=mine).delete()


def _placeholder_account():
    """An anonymous account of its own for the rows one erasure anonymises."""
    user = get_user_model()(username=f"erased-{uuid.uuid4().hex}", is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def _other_organisations(user, organisation):
    from lms.models import Membership

    return Membership.objects.filter(user=user).exclude(organisation=organisation)


def erase_person(user, organisation, kept_reason=None, keep=()):
    """Erase ``user``'s data in ``organisation`` (see the module's docstring);
    returns an ``ErasureReport``. Run it once per organisation."""
    user_model = get_user_model()
    keep = {label.lower() for label in keep}
    account_goes = not _other_organisations(user, organisation).exists()
    report = ErasureReport(user.pk, organisation.pk, account_anonymised=account_goes)
    ordered = sorted(declarations(), key=lambda d: d.get_model() is user_model)
    files_to_delete = []
    placeholder = []

    def erased_account():
        if not placeholder:
            placeholder.append(user if account_goes else _placeholder_account())
        return placeholder[0]

    with transaction.atomic():
        plan = []
        for declaration in ordered:
            model = declaration.get_model()
            label = model._meta.label
            if declaration.is_account_wide and not account_goes:
                report.entries.append(
                    ErasureEntry(
                        label,
                        declaration.app_label,
                        "kept",
                        declaration.rows(user).count(),
                        "the account belongs to another organisation",
                    )
                )
                continue
            rows = declaration.rows(user, organisation)
            if label.lower() in keep or declaration.basis == Basis.LEGAL_OBLIGATION:
                report.entries.append(
                    ErasureEntry(
                        label,
                        declaration.app_label,
                        "kept",
                        rows.count(),
                        str(kept_reason or declaration.retention),
                    )
                )
                continue
            pks = set(rows.values_list("pk", flat=True))
            if declaration.names_anyone and not declaration.is_account_wide:
                documents = _organisation_rows(declaration, organisation)
                pks |= set(documents.values_list("pk", flat=True))
            plan.append((declaration, pks))
        for declaration, pks in plan:
            report.entries.append(
                _apply(declaration, pks, user, erased_account, files_to_delete)
            )

        def delete_files():
            for storage, name in files_to_delete:
                storage.delete(name)

        transaction.on_commit(delete_files)
    return report


def _organisation_rows(declaration, organisation):
    model = declaration.get_model()
    queryset = model._base_manager.all()
    if callable(declaration.organisation):
        queryset = declaration.organisation(queryset, organisation)
    else:
        queryset = queryset.filter(**{declaration.organisation: organisation.pk})
    if isinstance(declaration.names_anyone, dict):
        queryset = queryset.filter(**declaration.names_anyone)
    return queryset


def _apply(declaration, pks, user, erased_account, files_to_delete):
    model = declaration.get_model()
    label = model._meta.label
    rows = model._base_manager.filter(pk__in=pks)
    files = []
    deleting = declaration.erase == Erase.DELETE or declaration.names_anyone
    if deleting and declaration.eraser is None:
        for row in rows:
            files.extend(_stored_files(declaration, row))
        rows.delete()
        files_to_delete.extend(files)
        return ErasureEntry(
            label,
            declaration.app_label,
            "deleted",
            len(pks),
            str(declaration.retention),
            [name for _storage, name in files],
        )
    if declaration.eraser is not None:
        count = declaration.eraser(rows, user)
    else:
        values = {}
        for name, value in declaration.anonymise.items():
            if value is ERASED:
                value = erased_account()
            elif callable(value):
                value = value()
            values[name] = value
        count = rows.update(**values) if pks else 0
    return ErasureEntry(
        label,
        declaration.app_label,
        "anonymised" if declaration.erase == Erase.ANONYMISE else "deleted",
        count,
        str(declaration.retention),
    )
