"""The privacy contract: every app declares the personal data it keeps.

An app (the core, ``courses``, each plugin, third-party ones too) holds a
``personal_data`` module beside its ``models``, discovered like ``wagtail_hooks``::

    from django.utils.translation import gettext_lazy as _
    from lms.privacy import Basis, Erase, PersonalData

    PERSONAL_DATA = [
        PersonalData(
            model="recruitment.Application",
            person="email",
            organisation="organisation",
            fields=["name", "email", "phone", "motivation"],
            purpose=_("Answer a volunteer's application to a mission"),
            basis=Basis.CONSENT,
            retention=_("Deleted six months after the last exchange"),
        ),
    ]
    NOT_PERSONAL = {"recruitment.MissionSkill": "links a mission to a skill"}

From the declarations, ``lms.privacy.engines`` exports a person's data in one
organisation (``export_person``) and erases it (``erase_person``); the system
check ``lms.E201`` (``lms.privacy.checks``) fails for a model that relates to a
person and is neither declared nor listed in ``NOT_PERSONAL``; ``lms.E202`` for a
declaration that names a model, field or lookup that does not exist.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ERASED", "Basis", "Erase", "PersonalData"]


class _Erased:
    """The value of ``anonymise`` for a user foreign key that cannot be empty: the
    rows are handed to an anonymous, deactivated account made for this erasure
    (the person's own account, anonymised, when they belong nowhere else), so
    the organisation's counts and statistics keep them without naming anyone."""

    def __repr__(self):
        return "ERASED"


ERASED = _Erased()


class Basis(models.TextChoices):
    """The legal basis of a processing (GDPR article 6)."""

    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Contract (the volunteering or work agreement)")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")


class Erase(models.TextChoices):
    """What erasing a person does to the rows of a declaration."""

    DELETE = "delete", _("Deleted")
    ANONYMISE = "anonymise", _("Anonymised")


@dataclass(frozen=True, eq=False)
class PersonalData:
    """One model's personal data, as an app declares it.

    ``model``: ``"app_label.ModelName"``.

    ``person``: the lookup from a row to the person it is about: a path ending in
    a user foreign key (``"user"``, ``"membership__user"``), an e-mail field
    (matched to the user's e-mail case-insensitively) or ``"pk"`` on the user
    model itself. A sequence of lookups means "any of them" (a mentoring pair is
    about its mentor and its mentee).

    ``organisation``: the lookup from a row to its organisation (a Wagtail
    ``Site``); a callable ``fn(queryset, organisation) -> queryset`` where no
    lookup can say (progress in a lesson of a shared course); ``None`` for data
    that belongs to the account, not to one organisation (the account itself,
    its preferences): exported with every organisation's export, erased only when
    the account is (the person belongs to no other organisation).

    ``fields``: every field holding personal data (exported; checked to exist).
    ``files``: the FileField/ImageField names exported and deleted with a row.

    ``purpose``, ``basis``, ``retention``: the register of processing, in plain
    words.

    ``erase``: ``Erase.DELETE`` (the rows go, with what cascades from them) or
    ``Erase.ANONYMISE`` with ``anonymise={"field": value}``: the rows stay for the
    organisation's aggregates with those values written over (a value may be a
    callable without arguments, called at erasure, such as ``timezone.now``).

    Optional, for models that need more:
    ``names_anyone``: the rows are documents about several people (an export of
    a skills matrix): erasing anyone in the organisation deletes every row of
    that organisation (those matching it, when it is a dict of lookups), and
    their files, as they may name the person.
    ``export_files``: ``fn(rows) -> [(name, bytes)]``, extra files for the export
    (awarded badges baked as PNG).
    ``eraser``: ``fn(rows, user) -> int``, replaces the default delete/anonymise; it
    returns how many rows it touched.
    """

    model: str
    person: str | Sequence[str]
    organisation: str | Callable | None
    fields: Sequence[str]
    purpose: Any
    basis: Basis
    retention: Any
    erase: Erase = Erase.DELETE
    files: Sequence[str] = ()
    anonymise: dict = field(default_factory=dict)
    names_anyone: bool | dict = False
    export_files: Callable | None = None
    eraser: Callable | None = None
    # Filled by discovery: the app whose personal_data module declared it.
    app_label: str = ""

    def get_model(self):
        from django.apps import apps

        return apps.get_model(self.model)

    @property
    def person_lookups(self):
        return (self.person,) if isinstance(self.person, str) else tuple(self.person)

    @property
    def is_account_wide(self):
        return self.organisation is None

    def rows(self, user, organisation=None):
        """The rows of this declaration about ``user`` in ``organisation`` (for
        an account-wide declaration, ``organisation`` is ignored)."""
        from .lookups import rows_about

        return rows_about(self, user, organisation)

    def __repr__(self):
        return f"PersonalData({self.model!r}, person={self.person!r})"
