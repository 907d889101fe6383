from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from lms.xapi_forwarding import outbox
from lms.xapi_forwarding.models import LrsEndpoint


class Command(BaseCommand):
    help = (
        "Send again the statements given up (dead letters) of the LRS endpoints "
        "named, or of every endpoint of an organisation, or of all."
    )

    def add_arguments(self, parser):
        parser.add_argument("endpoint_ids", nargs="*", type=int)
        parser.add_argument("--organisation", help="the organisation's hostname")
        parser.add_argument("--all", action="store_true", help="every endpoint")

    def handle(self, *args, endpoint_ids, organisation, all, **options):
        endpoints = LrsEndpoint.objects.all()
        if organisation:
            site = Site.objects.filter(hostname=organisation).first()
            if site is None:
                raise CommandError(f"No organisation at {organisation}.")
            endpoints = endpoints.for_organisation(site)
        if endpoint_ids:
            endpoints = endpoints.filter(pk__in=endpoint_ids)
            missing = set(endpoint_ids) - set(endpoints.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No such endpoint: {sorted(missing)}.")
        elif not (organisation or all):
            raise CommandError("Name endpoints, or --organisation, or --all.")
        replayed = outbox.replay_dead_letters(list(endpoints))
        self.stdout.write(f"statements replayed: {replayed}")
