"""Demo content (issue 18): a month of news in Entraide Quartier: six announcements
by Sophie, one pinned, one asking everyone to confirm the new hygiene rule (30 of
the 44 members have), one for the front-desk team only. Safe to run again."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from lms.models import Kind, Membership, PluginActivation, Role, Team
from lms.notifications import notify_many
from relais_community.announcements import NEWS, announcement_url, clean_html
from relais_community.models import (
    Announcement,
    AnnouncementConfirmation,
    Audience,
)

MEMBERS = 44
CONFIRMED = 30
FIRST_NAMES = [
    "Camille", "Julien", "Aïcha", "Thomas", "Manon", "Hugo", "Fatou", "Lucas",
    "Chloé", "Mehdi", "Sarah", "Antoine", "Yasmine", "Nicolas", "Élise", "Omar",
    "Pauline", "Samir", "Claire", "Bastien", "Amina", "Romain", "Zoé", "Malik",
    "Laura", "Victor", "Nour", "Quentin", "Jeanne", "Rayan", "Agathe", "Issa",
    "Margaux", "Paul", "Salomé", "Adrien", "Lina", "Gabriel", "Inaya", "Louis",
]  # fmt: skip
LAST_NAMES = [
    "Petit", "Durand", "Lefebvre", "Mercier", "Dupont", "Lambert", "Fontaine",
    "Rousseau", "Vincent", "Muller", "Faure", "André", "Blanc", "Guerin",
]  # fmt: skip
TEAMS = ["Accueil", "Distribution", "Aide aux devoirs", "Collecte"]

# title, body, days ago, options
ANNOUNCEMENTS = [
    (
        "Bienvenue aux nouveaux bénévoles de décembre",
        "Cinq personnes nous rejoignent ce mois-ci, dont Léa à l'accueil.\n\n"
        "Pensez à leur faire une place et à répondre à leurs questions.",
        2,
        {"pinned": True},
    ),
    (
        "Nouvelle règle d'hygiène : gants obligatoires à la distribution",
        "<p>À partir de lundi, <strong>le port de gants est obligatoire</strong> "
        "pour toute manipulation de denrées non emballées.</p>"
        "<ul><li>Les gants sont dans le placard bleu.</li>"
        "<li>On les change à chaque pause.</li></ul>",
        9,
        {"requires_confirmation": True, "important": True},
    ),
    (
        "Accueil : nouveau planning des permanences",
        "Le planning de janvier est affiché au bureau et envoyé par Sophie. "
        "Dites-nous vos indisponibilités avant vendredi.",
        12,
        {"team": "Accueil"},
    ),
    (
        "Collecte nationale : merci à toutes et à tous !",
        "2,4 tonnes collectées en deux jours, un record pour le quartier.",
        17,
        {},
    ),
    (
        "Formation premiers secours le 14",
        "Six places restent pour la formation PSC1 du samedi 14. "
        "Inscriptions auprès de Sophie.",
        23,
        {},
    ),
    (
        "Fermeture exceptionnelle le 11 novembre",
        "Les locaux seront fermés le 11 novembre. Les distributions sont "
        "avancées au 10.",
        29,
        {},
    ),
]


def _volunteers(site, needed):
    """Top the organisation up to ``needed`` active members with volunteers who
    have no login (the demo's crowd)."""
    present = Membership.objects.for_organisation(site).active().count()
    teams = {t.name: t for t in Team.objects.for_organisation(site)}
    User = get_user_model()
    for index in range(max(needed - present, 0)):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[index % len(LAST_NAMES)]
        username = f"benevole-{index + 1:02d}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@entraide-quartier.example",
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.update_or_create(
            user=user,
            organisation=site,
            defaults={
                "role": Role.LEARNER,
                "kind": Kind.VOLUNTEER,
                "team": teams.get(TEAMS[index % len(TEAMS)]),
                "start_date": timezone.localdate() - timedelta(days=60 + index * 9),
            },
        )


def construct_demo(site, people):
    PluginActivation.objects.get_or_create(organisation=site, app_label="community")
    # The site's enabled plugins may have been read (and kept) before this line.
    site.__dict__.pop("_lms_enabled_plugins", None)
    _volunteers(site, MEMBERS)
    sophie = people.get("coordinatrice")
    now = timezone.now()
    made = []
    for title, body, days, options in ANNOUNCEMENTS:
        team = options.get("team")
        announcement, created = Announcement.objects.get_or_create(
            organisation=site,
            title=title,
            defaults={
                "author": sophie,
                "body": clean_html(body),
                "audience": Audience.TEAM if team else Audience.ORGANISATION,
                "team": team and Team.objects.get(organisation=site, name=team),
                "pinned": options.get("pinned", False),
                "important": options.get("important", False),
                "requires_confirmation": options.get("requires_confirmation", False),
                "publish_at": now - timedelta(days=days, hours=3),
                "notified_at": now - timedelta(days=days, hours=3),
            },
        )
        made.append((announcement, created))
    for announcement, created in made:
        if announcement.requires_confirmation and created:
            lea = people.get("benevole")
            readers = (
                announcement.audience_in(site)
                .exclude(user=lea)
                .order_by("pk")
                .values_list("user_id", flat=True)[:CONFIRMED]
            )
            AnnouncementConfirmation.objects.bulk_create(
                AnnouncementConfirmation(
                    announcement=announcement,
                    organisation=site,
                    person_id=user_id,
                    confirmed_at=announcement.publish_at + timedelta(hours=index),
                )
                for index, user_id in enumerate(readers)
            )
    # The two latest in everyone's notifications (news goes in the daily digest).
    for announcement, created in made[:2]:
        if created:
            notify_many(
                NEWS,
                people=[
                    m.user
                    for m in announcement.audience_in(site).select_related("user")
                ],
                organisation=site,
                url=announcement_url(announcement),
                title=announcement.title,
            )
