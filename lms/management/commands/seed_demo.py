"""Create (or bring back) the demo association of PRODUCT.md. Safe to run again.

Never on a production database: it takes over the default site and gives the demo
logins a public password. It refuses (and changes nothing) unless DEBUG is on or
``--i-know-this-is-not-production`` is given, and even then when the database holds
organisations or accounts that are not the demo's.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Page, Site
from wagtail.users.models import UserProfile

from lms.models import HomePage, Kind, Membership, OrganisationSettings, Role, Team

DEMO_PASSWORD = "relais-demo"  # noqa: S105 (the public demo password, in the README)
TEAMS = ["Accueil", "Distribution", "Aide aux devoirs", "Collecte"]
# username, first name, last name, role, kind, team, days since start
PEOPLE = [
    ("admin", "Alex", "Bernard", Role.ADMIN, Kind.VOLUNTEER, None, 900),
    ("formateur", "Karim", "Benali", Role.TRAINER, Kind.VOLUNTEER, None, 2900),
    ("coordinatrice", "Sophie", "Durand", Role.COORDINATOR, Kind.STAFF, None, 1400),
    ("mentor", "Michel", "Roux", Role.MENTOR, Kind.VOLUNTEER, "Accueil", 2200),
    ("benevole", "Léa", "Martin", Role.LEARNER, Kind.VOLUNTEER, "Accueil", 0),
]
# The home pages of the demo's organisations: the association, and its federation
# (added by courses/demo.py). Any other organisation is someone's real one.
DEMO_HOMES = {"entraide-quartier", "federation-solidaire"}
DEMO_EMAIL_DOMAIN = "@entraide-quartier.example"
ROLE_NAMES = {
    Role.ADMIN: "administrateur (plugins, thèmes)",
    Role.TRAINER: "formateur (cours)",
    Role.COORDINATOR: "coordinatrice / RH",
    Role.MENTOR: "mentor",
    Role.LEARNER: "nouvelle bénévole",
}


class Command(BaseCommand):
    help = "Create the demo association Entraide Quartier with one login per role."

    def add_arguments(self, parser):
        # The address people type, and the one e-mailed links use (``make demo``
        # passes its HOST and PORT): one host, so a link never asks for a new login.
        parser.add_argument("--hostname", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Seed even though DEBUG is off (a test or staging database).",
        )

    @transaction.atomic
    def handle(self, *args, hostname, port, not_production=False, **options):
        self._refuse_unless_safe(not_production)
        site = self._site(hostname, port)
        teams = {
            name: Team.objects.get_or_create(organisation=site, name=name)[0]
            for name in TEAMS
        }
        today = timezone.localdate()
        # Léa starts on the coming Monday (today if it is Monday).
        monday = today + timedelta(days=(7 - today.weekday()) % 7)
        people = {}
        for username, first, last, role, kind, team, days in PEOPLE:
            user = self._user(username, first, last, superuser=role == Role.ADMIN)
            people[username] = user
            Membership.objects.update_or_create(
                user=user,
                organisation=site,
                defaults={
                    "role": role,
                    "kind": kind,
                    "team": teams.get(team),
                    "start_date": monday if days == 0 else today - timedelta(days=days),
                    "is_active": True,
                },
            )
        # The learning core and plugins add their own demo content.
        for hook in hooks.get_hooks("lms_construct_demo"):
            hook(site, people)
        self._print_logins(site)

    def _refuse_unless_safe(self, not_production):
        """Raise CommandError, before anything is written, where seeding would take
        over someone's organisations or reset someone's password."""
        if not (settings.DEBUG or not_production):
            raise CommandError(
                "DEBUG is off: this looks like a production database. seed_demo "
                "would take over the default site and give the demo logins the "
                "public password. Nothing was changed. On a development or test "
                "database, run it with DEBUG=True or --i-know-this-is-not-production."
            )
        others = [
            site
            for site in Site.objects.select_related("root_page")
            if site.root_page.slug not in DEMO_HOMES
            # Wagtail's own welcome site, on a fresh install, is replaced.
            and site.root_page.specific_class is not Page
        ]
        if others:
            names = ", ".join(sorted(s.site_name or s.hostname for s in others))
            raise CommandError(
                f"This database holds organisations that are not the demo's ({names}):"
                " seed_demo would take over the default site. Nothing was changed. "
                "Seed the demo on an empty database."
            )
        strangers = (
            get_user_model()
            .objects.filter(username__in=[person[0] for person in PEOPLE])
            .exclude(email__iendswith=DEMO_EMAIL_DOMAIN)
            .values_list("username", flat=True)
        )
        if strangers:
            raise CommandError(
                f"The accounts {', '.join(sorted(strangers))} are not the demo's: "
                "seed_demo would reset their passwords. Nothing was changed."
            )

    def _site(self, hostname, port):
        site = Site.objects.filter(is_default_site=True).first()
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(
                instance=HomePage(
                    title="Entraide Quartier",
                    slug="entraide-quartier",
                    introduction=(
                        "Aide alimentaire et soutien social à Lyon : "
                        "bienvenue aux bénévoles !"
                    ),
                    body=(
                        "<p>Accueil, distribution, aide aux devoirs, collecte : "
                        "chaque bénévole trouve sa place. Votre parcours "
                        "d'intégration commence ici.</p>"
                    ),
                )
            )
        if site is None:
            site = Site(is_default_site=True)
        site.hostname, site.port, site.root_page = hostname, port, home
        site.site_name = "Entraide Quartier"
        site.save()
        # The page Wagtail creates on install is not needed once the site points home.
        Page.objects.filter(depth=2, content_type__app_label="wagtailcore").exclude(
            pk=home.pk
        ).delete()
        settings = OrganisationSettings.for_site(site)
        settings.language = "fr"
        settings.save()
        return site

    def _user(self, username, first, last, *, superuser):
        user, _created = get_user_model().objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}{DEMO_EMAIL_DOMAIN}",
                "is_superuser": superuser,
                "is_staff": superuser,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        UserProfile.objects.update_or_create(
            user=user, defaults={"preferred_language": "fr"}
        )
        return user

    def _print_logins(self, site):
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready: {site.site_name} on {site.root_url}/")
        )
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, role, *_rest in PEOPLE:
            self.stdout.write(f"  {username:<14} {first} {last}, {ROLE_NAMES[role]}")
