from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from courses.credentials import key_id, rotate_key


class Command(BaseCommand):
    help = (
        "Retire an organisation's Open Badges 3.0 signing key and make a new one. "
        "The old public key stays published: what it signed still verifies."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="its hostname")

    def handle(self, *args, organisation, **options):
        site = Site.objects.filter(hostname=organisation).first()
        if site is None:
            raise CommandError(f"No organisation at {organisation}.")
        key = rotate_key(site)
        self.stdout.write(f"New signing key for {site.site_name}: {key_id(key)}")
