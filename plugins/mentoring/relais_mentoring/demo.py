"""Demo content (PRODUCT.md): Michel and two other approved mentors, an active pair
(Nadia mentors Inès, with sessions, goals and check-ins), Léa waiting for a mentor,
and a "Meet your mentor" step in the front-desk path."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from courses.models import CoursePage, OnboardingPath, PathStep
from lms.models import Kind, Membership, PluginActivation, Role, Team
from relais_mentoring.models import (
    CheckIn,
    Goal,
    MentoringRequest,
    MentorProfile,
    Note,
    Pairing,
    Session,
)

# username, first name, last name, role, team, days since start
OTHERS = [
    ("nadia", "Nadia", "Haddad", Role.MENTOR, "Distribution", 1900),
    ("jean", "Jean", "Moreau", Role.MENTOR, "Aide aux devoirs", 1200),
    ("ines", "Inès", "Garcia", Role.LEARNER, "Distribution", 24),
]


def _person(site, username, first, last, role, team, days):
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
    Membership.objects.update_or_create(
        user=user,
        organisation=site,
        defaults={
            "role": role,
            "kind": Kind.VOLUNTEER,
            "team": Team.objects.filter(organisation=site, name=team).first(),
            "start_date": timezone.localdate() - timedelta(days=days),
        },
    )
    return user


def _offer(site, user, team, languages, availability, courses, bio, capacity=2):
    profile, _created = MentorProfile.objects.update_or_create(
        organisation=site,
        user=user,
        defaults={
            "status": MentorProfile.Status.APPROVED,
            "team": Team.objects.filter(organisation=site, name=team).first(),
            "languages": languages,
            "availability": availability,
            "capacity": capacity,
            "bio": bio,
            "reviewed_at": timezone.now(),
        },
    )
    profile.courses.set(CoursePage.objects.filter(title__in=courses))
    return profile


def construct_demo(site, people):
    PluginActivation.objects.get_or_create(organisation=site, app_label="mentoring")
    others = {row[0]: _person(site, *row) for row in OTHERS}
    michel, nadia, jean = people["mentor"], others["nadia"], others["jean"]
    _offer(
        site,
        michel,
        "Accueil",
        ["fr", "it"],
        ["tue-am", "thu-am", "sat-am"],
        ["Découvrir Entraide Quartier", "Hygiène alimentaire : les bases"],
        "Six ans à l'accueil, ancien commerçant. J'aime transmettre.",
        capacity=3,
    )
    _offer(
        site,
        nadia,
        "Distribution",
        ["fr", "ar"],
        ["wed-pm", "sat-am", "sat-pm"],
        ["Hygiène alimentaire : les bases"],
        "Responsable des distributions du samedi.",
    )
    _offer(
        site,
        jean,
        "Aide aux devoirs",
        ["fr", "en"],
        ["mon-eve", "wed-pm"],
        [],
        "Professeur de mathématiques à la retraite.",
    )
    _active_pair(site, nadia, others["ines"], people["coordinatrice"])
    # Léa, who starts on Monday, waits for a mentor: Sophie matches her in the demo.
    if not Pairing.objects.filter(
        organisation=site, mentee=people["benevole"]
    ).exists():
        MentoringRequest.objects.get_or_create(
            organisation=site,
            user=people["benevole"],
            closed_at=None,
            defaults={"languages": ["fr"], "availability": ["tue-am", "sat-am"]},
        )
    _add_to_path(site)


def _active_pair(site, mentor, mentee, coordinator):
    if Pairing.objects.filter(organisation=site, mentee=mentee).exists():
        return
    now = timezone.now()
    started = now - timedelta(days=20)
    pairing = Pairing.objects.create(
        organisation=site,
        mentor=mentor,
        mentee=mentee,
        status=Pairing.Status.ACTIVE,
        score=78,
        proposed_by=coordinator,
        mentor_accepted_at=started,
        mentee_accepted_at=started,
        started_at=started,
    )
    Pairing.objects.filter(pk=pairing.pk).update(proposed_at=started)
    for days, topics, useful in [
        (18, "Visite de l'entrepôt, rôle de chacun le samedi", (5, 4)),
        (6, "Retour sur la première distribution, gestion de la file", (4, 5)),
    ]:
        session = Session.objects.create(
            pairing=pairing,
            starts_at=(now - timedelta(days=days)).replace(
                hour=14, minute=0, second=0, microsecond=0
            ),
            duration_minutes=45,
            format=Session.Format.IN_PERSON,
            place="Local de la rue Paul-Bert",
            topics=topics,
            status=Session.Status.HELD,
            created_by=mentor,
        )
        CheckIn.objects.create(session=session, user=mentor, usefulness=useful[0])
        CheckIn.objects.create(
            session=session,
            user=mentee,
            usefulness=useful[1],
            comment="Très rassurant, je sais à qui poser mes questions.",
        )
    Session.objects.create(
        pairing=pairing,
        starts_at=(now + timedelta(days=8)).replace(
            hour=10, minute=0, second=0, microsecond=0
        ),
        duration_minutes=30,
        format=Session.Format.PHONE,
        topics="Préparer la collecte de printemps",
        created_by=mentee,
    )
    today = timezone.localdate()
    Goal.objects.create(
        pairing=pairing,
        title="Tenir seule le poste d'émargement",
        target_date=today + timedelta(days=10),
        created_by=mentor,
    )
    Goal.objects.create(
        pairing=pairing,
        title="Connaître les règles de la chaîne du froid",
        target_date=today - timedelta(days=3),
        status=Goal.Status.DONE,
        created_by=mentee,
    )
    Note.objects.create(
        pairing=pairing,
        author=mentor,
        body="Inès est à l'aise avec le public ; lui montrer le tableau des stocks.",
    )
    Note.objects.create(
        pairing=pairing,
        author=mentee,
        shared=True,
        body="Questions pour samedi : horaires d'ouverture, badge d'accès.",
    )


def _add_to_path(site):
    path = OnboardingPath.objects.filter(
        organisation=site, title="Bienvenue à l'accueil"
    ).first()
    if path is None or path.steps.filter(kind="mentor").exists():
        return
    PathStep.objects.create(
        path=path,
        kind="mentor",
        title="Rencontrer votre mentor",
        instructions="Un bénévole expérimenté vous accompagne : "
        "acceptez-le et prévoyez votre première rencontre.",
        due_days=7,
        sort_order=(path.steps.aggregate(last=Max("sort_order"))["last"] or 0) + 1,
    )
