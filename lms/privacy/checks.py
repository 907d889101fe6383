"""System checks of the privacy contract.

``lms.E201``: a model relating to a person (a foreign key, one-to-one or
many-to-many to the user model, to ``lms.Membership`` or ``lms.Invitation``, or an
``EmailField``) that no app declares in ``PERSONAL_DATA`` nor lists in
``NOT_PERSONAL``. Third-party apps and plugins get the same check: their author
(or the core, for Django's and Wagtail's own models) declares them.

``lms.E202``: a declaration naming a model, a field or a lookup that does not
exist, or an erasure it cannot carry out.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.checks import Error, register
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from . import Erase
from .lookups import person_condition, resolve
from .registry import declarations, not_personal


def person_models():
    """The models that stand for a person: a relation to one relates to a person."""
    return {
        get_user_model(),
        apps.get_model("lms", "Membership"),
        apps.get_model("lms", "Invitation"),
    }


def person_fields(model):
    """The fields of ``model`` itself (not inherited from a concrete parent,
    which answers for them) that relate to a person."""
    targets = person_models()
    found = []
    for field in [*model._meta.local_fields, *model._meta.local_many_to_many]:
        relates = field.is_relation and field.related_model in targets
        if relates or isinstance(field, models.EmailField):
            found.append(field)
    return found


def uncovered_models(app_configs=None):
    """Concrete models of ``app_configs`` (all installed apps by default) that
    relate to a person and are neither declared nor listed as not personal."""
    declared = {d.model.lower() for d in declarations()}
    exempt = {label.lower() for label in not_personal()}
    configs = app_configs if app_configs is not None else apps.get_app_configs()
    missing = []
    for app_config in configs:
        for model in app_config.get_models():
            if model._meta.proxy or model._meta.auto_created:
                continue
            label = model._meta.label_lower
            if label in declared or label in exempt:
                continue
            if person_fields(model):
                missing.append(model)
    return missing


def declaration_errors(declaration):
    """What is wrong with one declaration, as sentences."""
    try:
        model = declaration.get_model()
    except (LookupError, ValueError):
        return [f"{declaration.model} is not an installed model"]
    problems = []
    user = get_user_model()(pk=0, email="check@example.invalid")
    for lookup in declaration.person_lookups:
        try:
            person_condition(model, lookup, user)
        except (FieldDoesNotExist, ValueError) as error:
            problems.append(f"person lookup {lookup!r}: {error}")
    if isinstance(declaration.organisation, str):
        try:
            target = resolve(model, declaration.organisation)
            if target.related_model is not apps.get_model("wagtailcore", "Site"):
                problems.append(
                    f"organisation lookup {declaration.organisation!r} does not "
                    "end on a Site"
                )
        except (FieldDoesNotExist, ValueError) as error:
            problems.append(
                f"organisation lookup {declaration.organisation!r}: {error}"
            )
    for name in [*declaration.fields, *declaration.files, *declaration.anonymise]:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            problems.append(f"{model._meta.label} has no field {name!r}")
    for name in declaration.files:
        try:
            if not isinstance(model._meta.get_field(name), models.FileField):
                problems.append(f"{name!r} is not a FileField")
        except FieldDoesNotExist:
            pass
    for name, value in declaration.anonymise.items():
        try:
            target = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if value is None and not target.null:
            problems.append(f"{name!r} cannot be emptied (null=False)")
        if target.many_to_many:
            problems.append(f"{name!r} is many-to-many: give an eraser instead")
    if (
        declaration.erase == Erase.ANONYMISE
        and not declaration.anonymise
        and declaration.eraser is None
    ):
        problems.append("Erase.ANONYMISE needs anonymise={field: value} or an eraser")
    if not (declaration.purpose and declaration.retention and declaration.basis):
        problems.append("purpose, basis and retention are required")
    return problems


@register()
def check_personal_data(app_configs=None, **kwargs):
    errors = []
    for declaration in declarations():
        for problem in declaration_errors(declaration):
            errors.append(
                Error(
                    f"Personal data declared by {declaration.app_label!r} for "
                    f"{declaration.model}: {problem}.",
                    hint="Fix the declaration in that app's personal_data.py.",
                    id="lms.E202",
                )
            )
    for model in uncovered_models(app_configs):
        names = ", ".join(field.name for field in person_fields(model))
        errors.append(
            Error(
                f"{model._meta.label} relates to a person ({names}) but its app "
                "declares no personal data for it.",
                hint=(
                    f"Add a PersonalData(model={model._meta.label!r}, …) to "
                    f"{model._meta.app_config.name}.personal_data.PERSONAL_DATA, or "
                    "list it in NOT_PERSONAL with the reason it names nobody "
                    "(see docs/plugins.md, 'Personal data')."
                ),
                obj=model,
                id="lms.E201",
            )
        )
    return errors
