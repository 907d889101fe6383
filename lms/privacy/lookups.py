"""From a declaration's lookups to the rows about one person in one organisation."""

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q


def resolve(model, path):
    """The field a ``__``-separated lookup ends on, from ``model``; raises
    ``FieldDoesNotExist`` (or ``ValueError`` when it crosses a plain field)."""
    field = None
    current = model
    for part in path.split("__"):
        if current is None:
            raise ValueError(f"{path}: {field.name} is not a relation")
        field = current._meta.pk if part == "pk" else current._meta.get_field(part)
        current = field.related_model if field.is_relation else None
    return field


def person_condition(model, lookup, user):
    """A ``Q`` selecting the rows of ``model`` whose ``lookup`` names ``user``."""
    user_model = get_user_model()
    if lookup == "pk":
        if model is not user_model:
            raise ValueError("person='pk' is only for the user model itself")
        return Q(pk=user.pk)
    field = resolve(model, lookup)
    if field.is_relation and field.related_model is user_model:
        return Q(**{lookup: user.pk})
    if isinstance(field, models.EmailField):
        if not user.email:
            return None
        return Q(**{f"{lookup}__iexact": user.email})
    raise ValueError(
        f"{lookup} ends neither on a user foreign key nor on an e-mail field"
    )


def rows_about(declaration, user, organisation):
    model = declaration.get_model()
    condition = Q()
    matched = False
    for lookup in declaration.person_lookups:
        one = person_condition(model, lookup, user)
        if one is not None:
            condition |= one
            matched = True
    queryset = model._base_manager.all()
    if not matched:
        return queryset.none()
    queryset = queryset.filter(condition)
    if declaration.organisation is None:
        return queryset.distinct() if _crosses_many(model, declaration) else queryset
    if callable(declaration.organisation):
        queryset = declaration.organisation(queryset, organisation)
    else:
        queryset = queryset.filter(**{declaration.organisation: organisation.pk})
    return queryset.distinct() if _crosses_many(model, declaration) else queryset


def _crosses_many(model, declaration):
    """Whether a lookup goes through a to-many relation (rows could repeat)."""
    lookups = list(declaration.person_lookups)
    if isinstance(declaration.organisation, str):
        lookups.append(declaration.organisation)
    for lookup in lookups:
        current = model
        for part in lookup.split("__"):
            if part == "pk" or current is None:
                break
            try:
                field = current._meta.get_field(part)
            except FieldDoesNotExist:
                break
            if field.many_to_many or field.one_to_many:
                return True
            current = field.related_model if field.is_relation else None
    return False
