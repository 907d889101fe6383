"""Organisation scoping, written once: every organisation-owned model's queryset
derives from this, and views read through ``for_organisation()``."""

from contextvars import ContextVar

from django.db import models

# The organisation of the request being served (set by OrganisationMiddleware), for
# the few places without a request at hand, such as a form widget listing choices.
current_organisation: ContextVar = ContextVar("lms_organisation", default=None)


class OrganisationQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)
