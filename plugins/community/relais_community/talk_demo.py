"""Demo discussions and recognition (PRODUCT.md): questions under the federation's
hygiene course (answered and not), a lively front-desk team space over a month,
the association's values and thank-you cards. Run again, it adds nothing."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import LessonPage
from lms.models import Kind, Membership, PluginActivation, Role, Team
from relais_community import talk_text
from relais_community.talk_models import DiscussionPost, OrganisationValue, ThankYou

# username, first name, last name: front-desk volunteers who make the space lively
# (Fatou is the skills demo's volunteer too: one person, whichever demo runs first)
FRONT_DESK = [
    ("fatou.diallo", "Fatou", "Diallo", 700),
    ("thomas", "Thomas", "Petit", 300),
    ("chantal", "Chantal", "Leroy", 1600),
]
VALUES = [
    ("Solidarité", "On ne laisse personne seul, ni les personnes accueillies ni nous."),
    ("Respect", "Chacun est accueilli avec dignité, sans jugement."),
    ("Bonne humeur", "Un sourire et un café, ça aide tout le monde."),
]


def _person(site, team, username, first, last, days):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@entraide-quartier.example",
        },
    )
    if created:
        user.set_unusable_password()  # demo people without a login
        user.save()
    Membership.objects.get_or_create(  # another demo's member stays as it made her
        user=user,
        organisation=site,
        defaults={
            "role": Role.LEARNER,
            "kind": Kind.VOLUNTEER,
            "team": team,
            "start_date": timezone.localdate() - timedelta(days=days),
        },
    )
    return user


def _post(site, author, text, days_ago, **where):
    mentioned = talk_text.mentioned_members(text, site)
    post = DiscussionPost.objects.create(
        organisation=site,
        author=author,
        body=text,
        body_html=talk_text.render(text, mentioned),
        **where,
    )
    post.mentioned.set(mentioned)
    # A month of life: the dates the posts were written.
    DiscussionPost.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return post


def construct_demo(site, people):
    PluginActivation.objects.get_or_create(organisation=site, app_label="community")
    if DiscussionPost.objects.for_organisation(site).exists():
        return
    accueil = Team.objects.filter(organisation=site, name="Accueil").first()
    fatou, thomas, chantal = (_person(site, accueil, *row) for row in FRONT_DESK)
    karim, sophie, michel = (
        people["formateur"],
        people["coordinatrice"],
        people["mentor"],
    )
    lessons = {
        lesson.slug: lesson
        for lesson in LessonPage.objects.live().filter(
            slug__in=["chaine-du-froid", "mains"]
        )
    }
    froid, mains = lessons.get("chaine-du-froid"), lessons.get("mains")
    if froid is not None:
        question = _post(
            site,
            fatou,
            "Si le camion arrive en retard et que les yaourts sont à 7 °C, "
            "on les distribue quand même ?",
            20,
            kind="question",
            page=froid,
        )
        answer = _post(
            site,
            karim,
            "Non : au-dessus de **4 °C** on ne distribue pas. On note la "
            "température sur la fiche et on prévient la coordinatrice.",
            19,
            kind="answer",
            parent=question,
        )
        DiscussionPost.objects.filter(pk=answer.pk).update(helpful=True)
        DiscussionPost.objects.filter(pk=question.pk).update(
            answered_at=timezone.now() - timedelta(days=18)
        )
        _post(
            site,
            thomas,
            "Où est rangé le thermomètre de la chambre froide ?",
            1,
            kind="question",
            page=froid,
        )
    if mains is not None:
        question = _post(
            site,
            chantal,
            "Le gel hydroalcoolique suffit-il entre deux distributions ?",
            6,
            kind="question",
            page=mains,
        )
        _post(
            site,
            michel,
            "Pour moi le gel dépanne, mais avant de toucher des produits frais "
            "on se lave les mains au savon. @Karim Benali, tu confirmes ?",
            5,
            kind="answer",
            parent=question,
        )
    if accueil is not None:
        thread = [
            (
                sophie,
                "Bienvenue à @Léa Martin qui commence lundi à l'accueil ! "
                "@Michel Roux sera son mentor.",
                3,
                [
                    (chantal, "Bienvenue Léa ! On se voit mardi matin.", 3),
                    (fatou, "Bienvenue ! N'hésite pas à poser tes questions ici.", 2),
                ],
            ),
            (
                thomas,
                "Rappel : la permanence de jeudi commence à 13 h 30, pas 14 h.",
                8,
                [
                    (michel, "Merci Thomas, je mets une affiche sur la porte.", 8),
                ],
            ),
            (
                chantal,
                "Quelqu'un peut me remplacer samedi 10 h - 12 h ?",
                12,
                [
                    (fatou, "Je peux ! Je préviens Sophie.", 12),
                    (chantal, "Merci @Fatou Diallo, tu me sauves.", 11),
                ],
            ),
            (
                michel,
                "Astuce : la liste des numéros utiles (CCAS, 115, "
                "épicerie solidaire) est dans le classeur bleu.",
                17,
                [],
            ),
            (
                fatou,
                "La machine à café est réparée ☕",
                24,
                [
                    (thomas, "Enfin !", 24),
                ],
            ),
            (
                sophie,
                "Réunion d'équipe accueil le 15 : ordre du jour dans "
                "le classeur. Dites-moi vos sujets.",
                28,
                [
                    (
                        michel,
                        "Je voudrais parler de l'accueil des familles "
                        "non francophones.",
                        27,
                    ),
                ],
            ),
        ]
        for author, text, days, replies in thread:
            post = _post(site, author, text, days, kind="team_post", team=accueil)
            for reply_author, reply_text, reply_days in replies:
                _post(
                    site,
                    reply_author,
                    reply_text,
                    reply_days,
                    kind="team_reply",
                    team=accueil,
                    parent=post,
                )
    values = {
        name: OrganisationValue.objects.get_or_create(
            organisation=site, name=name, defaults={"description": description}
        )[0]
        for name, description in VALUES
    }
    for sender, recipient, value, message, days in [
        (
            sophie,
            michel,
            "Solidarité",
            "Merci Michel d'accompagner Léa pour ses premières permanences.",
            2,
        ),
        (chantal, fatou, "Solidarité", "Merci pour samedi, tu m'as sauvée !", 11),
        (
            fatou,
            michel,
            "Respect",
            "Merci pour ta patience avec la famille "
            "arrivée mardi, c'était un bel exemple.",
            15,
        ),
        (karim, chantal, None, "Merci pour tes retours sur le cours hygiène.", 21),
        (thomas, fatou, "Bonne humeur", "Merci pour le café réparé ☕", 24),
    ]:
        card = ThankYou.objects.create(
            organisation=site,
            sender=sender,
            recipient=recipient,
            value=values.get(value),
            message=message,
            message_html=talk_text.render(message),
        )
        ThankYou.objects.filter(pk=card.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
