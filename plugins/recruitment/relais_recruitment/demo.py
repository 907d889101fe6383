"""Demo content (PRODUCT.md): Entraide Quartier's four open missions on its public
board (front desk, food distribution, collection, homework help) and a dozen
applications across every state of the pipeline; Léa came through the front-desk
mission, and her application keeps her membership."""

from datetime import timedelta

from django.utils import timezone

from courses.models import OnboardingPath
from lms.models import Invitation, Membership, PluginActivation, Role, Team
from relais_recruitment.models import Application, Message, Mission, MissionViews

S = Application.Status
MISSIONS = [
    {
        "title": "Accueil du public",
        "team": "Accueil",
        "theme": "Accueil",
        "description": "Accueillir les familles à la permanence, les orienter, "
        "tenir le registre des rendez-vous. Une formation et un tuteur vous "
        "accompagnent.",
        "slots": ["tue-am", "thu-am", "sat-am"],
        "commitment": "Une demi-journée par semaine, six mois",
        "places": 4,
        "path": "Bienvenue à l'accueil",
    },
    {
        "title": "Distribution alimentaire",
        "team": "Distribution",
        "theme": "Aide alimentaire",
        "description": "Préparer les colis et les remettre aux familles le samedi "
        "matin, dans la bonne humeur.",
        "slots": ["sat-am"],
        "commitment": "Deux samedis par mois",
        "places": 6,
    },
    {
        "title": "Collecte dans les supermarchés",
        "team": "Collecte",
        "theme": "Aide alimentaire",
        "description": "Présenter l'association aux clients et recueillir les dons "
        "lors des collectes nationales.",
        "slots": ["fri-pm", "sat-am", "sat-pm"],
        "commitment": "Trois week-ends par an",
        "places": 10,
    },
    {
        "title": "Aide aux devoirs",
        "team": "Aide aux devoirs",
        "theme": "Éducation",
        "description": "Accompagner des collégiens dans leurs devoirs, en petits "
        "groupes, après l'école.",
        "slots": ["mon-eve", "wed-pm", "thu-eve"],
        "commitment": "Deux heures par semaine, l'année scolaire",
        "places": 5,
        "remote": True,
    },
]
# name, mission index, status, days since applied, source
APPLICATIONS = [
    ("Camille Petit", 0, S.NEW, 5, "board"),
    ("Yanis Bouzid", 1, S.NEW, 1, "federation"),
    ("Manon Leroy", 0, S.CONTACTED, 9, "board"),
    ("Hugo Lambert", 3, S.CONTACTED, 4, "board"),
    ("Aïcha Traoré", 1, S.MEETING, 12, "board"),
    ("Paul Girard", 2, S.MEETING, 7, "federation"),
    ("Sarah Cohen", 3, S.ACCEPTED, 20, "board"),
    ("Thomas Fabre", 2, S.ACCEPTED, 30, "board"),
    ("Julie Marchand", 1, S.DECLINED, 25, "board"),
    ("Nicolas Roy", 3, S.DECLINED, 18, "federation"),
    ("Emma Fontaine", 0, S.WITHDRAWN, 15, "board"),
    ("Lucas Mercier", 2, S.WITHDRAWN, 10, "board"),
]


def construct_demo(site, people):
    PluginActivation.objects.get_or_create(organisation=site, app_label="recruitment")
    now = timezone.now()
    sophie = people.get("coordinatrice")
    missions = []
    for spec in MISSIONS:
        mission, _created = Mission.objects.update_or_create(
            organisation=site,
            title=spec["title"],
            defaults={
                "description": spec["description"],
                "theme": spec["theme"],
                "team": Team.objects.filter(
                    organisation=site, name=spec["team"]
                ).first(),
                "role": Role.LEARNER,
                "onboarding_path": OnboardingPath.objects.filter(
                    organisation=site, title=spec.get("path", "")
                ).first(),
                "remote": spec.get("remote", False),
                "address": "" if spec.get("remote") else "12 rue Paul Bert",
                "postal_code": "69003",
                "city": "Lyon",
                "slots": spec["slots"],
                "commitment": spec["commitment"],
                "places": spec["places"],
                "status": Mission.Status.OPEN,
                "starts_on": timezone.localdate(),
            },
        )
        missions.append(mission)
        for days in range(30):
            MissionViews.objects.update_or_create(
                mission=mission,
                day=timezone.localdate() - timedelta(days=days),
                defaults={"count": 3 + (days * 7 + mission.pk) % 11},
            )
    for name, index, status, days, source in APPLICATIONS:
        email = name.lower().replace(" ", ".").replace("ï", "i") + "@example.org"
        sent = now - timedelta(days=days)
        answered = None if status == S.NEW else sent + timedelta(days=1 + days % 3)
        application, created = Application.objects.get_or_create(
            mission=missions[index],
            email=email,
            defaults={
                "organisation": site,
                "name": name,
                "availability": missions[index].slots[:2],
                "motivation": "J'ai du temps le week-end et j'aime être utile "
                "dans mon quartier.",
                "language": "fr",
                "source": source,
                "consent_at": sent,
                "status": status,
                "created_at": sent,
                "status_changed_at": answered or sent,
                "first_answered_at": answered,
                "link_expires_at": now + timedelta(days=60),
            },
        )
        if created and answered and sophie:
            Message.objects.create(
                application=application,
                author=sophie,
                body=f"Bonjour {name.split()[0]}, merci pour votre candidature ! "
                "Pouvons-nous nous appeler cette semaine ?",
                created_at=answered,
            )
        if created and status == S.ACCEPTED:
            first, _space, last = name.partition(" ")
            application.invitation = Invitation.objects.create(
                organisation=site,
                email=email,
                first_name=first,
                last_name=last,
                role=Role.LEARNER,
                team=missions[index].team,
                invited_by=sophie,
                sent_at=answered,
            )
            application.save(update_fields=["invitation"])
    # Léa came through the front-desk mission: her application keeps her
    # membership.
    lea = people.get("benevole")
    if lea is not None:
        Application.objects.get_or_create(
            mission=missions[0],
            email=lea.email,
            defaults={
                "organisation": site,
                "name": lea.get_full_name(),
                "availability": ["tue-am", "sat-am"],
                "motivation": "Je viens d'arriver dans le quartier et je veux aider.",
                "source": "board",
                "consent_at": now - timedelta(days=14),
                "created_at": now - timedelta(days=14),
                "first_answered_at": now - timedelta(days=13),
                "status": S.ACCEPTED,
                "membership": Membership.objects.filter(
                    organisation=site, user=lea
                ).first(),
            },
        )
