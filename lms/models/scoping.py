"""Organisation scoping, written once: every organisation-owned model's queryset
derives from this, and views read through ``for_organisation()``.

Models that are not organisation-owned but still belong to one (people, pages,
images and documents) declare how with ``register_scope``; ``scoped()`` answers
any queryset through either, and fails loudly for a model that declares nothing,
so an admin form never offers, by default, every organisation's objects.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models

# The organisation of the request being served (set by OrganisationMiddleware), for
# the few places without a request at hand, such as a form widget listing choices.
current_organisation: ContextVar = ContextVar("lms_organisation", default=None)


@contextmanager
def acting_in(organisation):
    """Run a block as if serving a request of ``organisation`` (tasks, shell, tests)."""
    token = current_organisation.set(organisation)
    try:
        yield organisation
    finally:
        current_organisation.reset(token)


class OrganisationQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


# model -> function(queryset, organisation) -> the organisation's part of it
_scopes: dict[type, Callable] = {}


def register_scope(model):
    """Declare how ``model``'s objects belong to an organisation::

        @register_scope(User)
        def members(queryset, organisation): ...

    A subclass uses its own scope if it has one, else its nearest parent's.
    """

    def register(scope):
        _scopes[model] = scope
        return scope

    return register


def scoped(queryset, organisation):
    """The part of ``queryset`` that belongs to ``organisation``.

    Raises ImproperlyConfigured for a model with no known scoping: fail closed.
    """
    if hasattr(queryset, "for_organisation"):
        return queryset.for_organisation(organisation)
    for model in queryset.model.__mro__:
        if model in _scopes:
            return _scopes[model](queryset, organisation)
    raise ImproperlyConfigured(
        f"{queryset.model.__name__} has no organisation scoping: give its queryset "
        "a for_organisation() method or declare one with "
        "lms.models.scoping.register_scope()."
    )
