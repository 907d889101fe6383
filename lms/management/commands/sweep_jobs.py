from django.core.management.base import BaseCommand

from lms import jobs


class Command(BaseCommand):
    help = (
        "Queue every background job still waiting (saved while Redis was away), "
        "and retry or fail those whose worker died. Run it from cron every minute."
    )

    def handle(self, *args, **options):
        done = jobs.sweep()
        summary = ", ".join(f"{what}: {count}" for what, count in sorted(done.items()))
        self.stdout.write(summary or "nothing to do")
