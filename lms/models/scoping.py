"""Organisation scoping, written once: every organisation-owned model's queryset
derives from this, and views read through ``for_organisation()``."""

from django.db import models


class OrganisationQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)
