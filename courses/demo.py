"""Demo content of the learning core (PRODUCT.md): courses, a path, badges, Léa partway.

Added to ``seed_demo`` through the ``lms_construct_demo`` hook; idempotent.
"""

import io
from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Site

from courses.badges import badge_font, drawable
from courses.learning import assign_path
from courses.models import (
    BadgeClass,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    OnboardingPath,
    PathAssignment,
    PathStep,
    StepCompletion,
)
from courses.starter_kit import course_catalogue
from courses.statements import Authority, record_statement
from lms.models import Membership, OrganisationSettings, Role
from lms.new_association import create_organisation

CHARTER = (
    "<p>En rejoignant Entraide Quartier, je m'engage à accueillir chaque personne "
    "avec respect et sans jugement, à respecter la confidentialité de ce que "
    "j'entends, à prévenir mon équipe si je ne peux pas venir, et à suivre les "
    "règles d'hygiène et de sécurité.</p>"
)


def badge_image(site, title, colour):
    """A badge picture in the organisation's own collection (its admin forms
    offer only those)."""
    from lms.models.organisations import organisation_collection

    canvas = PILImage.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((8, 8, 248, 248), fill=colour, outline="#111827", width=6)
    # Pillow's built-in font has no "è": the badges' own font draws "Hygiène".
    font = badge_font(36, "Bold")
    draw.text((128, 128), drawable(title), fill="white", anchor="mm", font=font)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    image, _ = Image.objects.get_or_create(
        title=f"Badge {title}",
        collection=organisation_collection(site),
        defaults={"file": ContentFile(buffer.getvalue(), name=f"badge-{title}.png")},
    )
    return image


def _child(parent, model, slug, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    return parent.add_child(instance=model(slug=slug, **fields))


def _federation(port):
    """The federation, on the association's port (``make demo PORT=…``)."""
    site = Site.objects.filter(hostname="federation.localhost").first()
    if site:
        if site.port != port:
            site.port = port
            site.save(update_fields=["port"])
        return site
    return create_organisation(
        "Fédération Solidaire du Rhône",
        "federation.localhost",
        port=port,
        slug="federation-solidaire",
        introduction="Des formations partagées par les associations membres.",
    )


# The welcome lesson's video. The demo runs offline: Wagtail's embed cache gets the
# answer YouTube's oEmbed endpoint gives for it, so nothing is fetched to show the
# page; the player itself loads only when the learner asks (courses/blocks/video.html).
VIDEO_URL = "https://www.youtube.com/watch?v=3PmVJQUCm4E"
VIDEO_HTML = (
    '<iframe width="560" height="315" '
    'src="https://www.youtube-nocookie.com/embed/3PmVJQUCm4E" '
    'title="Se laver les mains" frameborder="0" '
    'allow="encrypted-media; picture-in-picture" allowfullscreen></iframe>'
)


def _video():
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    Embed.objects.update_or_create(
        hash=get_embed_hash(VIDEO_URL),
        defaults={
            "url": VIDEO_URL,
            "type": "video",
            "html": VIDEO_HTML,
            "title": "Se laver les mains",
            "provider_name": "YouTube",
            "width": 560,
            "height": 315,
            "thumbnail_url": "",
            "last_updated": timezone.now(),
        },
    )
    return {
        "video": VIDEO_URL,
        "transcript": "<p>Mouiller ses mains, prendre du savon, frotter paumes, dos "
        "des mains, entre les doigts, pouces et ongles pendant 30 secondes, rincer, "
        "sécher avec un essuie-main propre.</p>",
    }


def construct_demo(site, people):
    federation = _federation(site.port)
    shared = _child(
        federation.root_page,
        CourseIndexPage,
        "formations-federation",
        title="Formations de la fédération",
        shared_with_members=True,
    )
    hygiene = _child(
        shared,
        CoursePage,
        "hygiene-alimentaire",
        title="Hygiène alimentaire : les bases",
        summary="Les gestes qui protègent les personnes accueillies : chaîne du froid, "
        "lavage des mains, dates limites.",
        duration_minutes=25,
    )
    for slug, title, text in [
        (
            "chaine-du-froid",
            "La chaîne du froid",
            "<p>Un produit frais reste entre 0 et 4 °C, du camion au frigo.</p>",
        ),
        (
            "mains",
            "Se laver les mains",
            "<p>30 secondes, savon, ongles : avant et après chaque distribution.</p>",
        ),
    ]:
        _child(
            hygiene,
            LessonPage,
            slug,
            title=title,
            body=[
                ("text", text),
                (
                    "callout",
                    {"kind": "important", "text": "<p>En cas de doute, on jette.</p>"},
                ),
            ],
        )
    settings = OrganisationSettings.for_site(site)
    settings.federation = federation
    settings.save()

    catalogue = course_catalogue(site)
    discover = _child(
        catalogue,
        CoursePage,
        "decouvrir-entraide-quartier",
        title="Découvrir Entraide Quartier",
        summary="Qui nous sommes, comment nous travaillons, et la charte du bénévole.",
        duration_minutes=20,
    )
    _child(
        discover,
        LessonPage,
        "bienvenue",
        title="Bienvenue !",
        body=[
            (
                "text",
                "<p>Entraide Quartier aide chaque semaine 300 familles du quartier : "
                "accueil, distribution, aide aux devoirs et collectes.</p>",
            ),
            (
                "callout",
                {
                    "kind": "tip",
                    "text": "<p>Dix minutes suffisent pour chaque leçon.</p>",
                },
            ),
            (
                "text",
                "<p>Avant votre première permanence, une minute sur le geste le "
                "plus important : se laver les mains.</p>",
            ),
            ("video", _video()),
            (
                "accordion",
                {
                    "items": [
                        {
                            "question": "Qui contacter en cas de question ?",
                            "answer": "<p>Sophie, la coordinatrice, ou votre mentor.</p>",  # noqa: E501
                        },
                        {
                            "question": "Combien de temps dois-je donner ?",
                            "answer": "<p>Ce que vous pouvez : une permanence par semaine.</p>",  # noqa: E501
                        },
                    ]
                },
            ),
        ],
    )
    _child(
        discover,
        LessonPage,
        "charte",
        title="La charte du bénévole",
        body=[
            ("heading", {"text": "Nos engagements", "level": "h2"}),
            (
                "acknowledge",
                {
                    "text": CHARTER,
                    "label": "J'ai lu et j'accepte la charte",
                    "required": True,
                },
            ),
        ],
    )
    _child(
        discover,
        LessonPage,
        "equipes",
        title="Nos quatre équipes",
        body=[
            (
                "text",
                "<p><b>Accueil</b>, <b>distribution</b>, <b>aide aux devoirs</b> et "
                "<b>collecte</b> : chacune a un ou une responsable.</p>",
            ),
        ],
    )

    rules, _ = Document.objects.get_or_create(
        title="Règlement intérieur",
        defaults={
            "file": ContentFile(
                "Règlement intérieur d'Entraide Quartier\n\nHoraires, sécurité, "
                "confidentialité.\n".encode(),
                name="reglement-interieur.txt",
            )
        },
    )
    path, created = OnboardingPath.objects.get_or_create(
        organisation=site,
        title="Bienvenue à l'accueil",
        defaults={
            "role": Role.LEARNER,
            "description": "Vos premières semaines comme bénévole à l'accueil.",
        },
    )
    if created:
        path.steps = [
            PathStep(
                kind="course",
                title="Découvrir Entraide Quartier",
                course=discover,
                due_days=2,
            ),
            PathStep(
                kind="acknowledge",
                title="Lire le règlement intérieur",
                document=rules,
                due_days=3,
            ),
            PathStep(
                kind="checklist",
                title="Observer une permanence d'accueil",
                instructions="Venez un mardi matin avec Michel.",
                due_days=7,
            ),
            PathStep(
                kind="course",
                title="Hygiène alimentaire : les bases",
                course=hygiene,
                due_days=10,
            ),
        ]
        for order, step in enumerate(path.steps.all()):
            step.sort_order = order  # PostgreSQL sorts a NULL order last
        path.save()

    BadgeClass.objects.get_or_create(
        organisation=site,
        name="Bénévole accueil",
        defaults={
            "description": "A suivi le parcours d'intégration de l'accueil.",
            "criteria": "Terminer le parcours « Bienvenue à l'accueil ».",
            "image": badge_image(site, "Accueil", "#1d4ed8"),
            "path": path,
        },
    )
    BadgeClass.objects.get_or_create(
        organisation=site,
        name="Hygiène alimentaire",
        defaults={
            "description": "Connaît les bases de l'hygiène alimentaire.",
            "criteria": "Terminer le cours « Hygiène alimentaire : les bases ».",
            "image": badge_image(site, "Hygiène", "#166534"),
            "course": hygiene,
            "valid_days": 3 * 365,
        },
    )

    # Léa has started: the path is assigned and the first lesson is read.
    lea = people["benevole"]
    assignment = assign_path(lea, path, timezone.localdate())
    first = discover.get_children().first()
    record_statement(
        actor=lea,
        organisation=site,
        verb="experienced",
        object_id=f"urn:relais:lesson:{first.pk}",
        statement_id="5a1e0000-0000-4000-8000-000000000001",
        authority=Authority.PLATFORM,
    )
    record_statement(
        actor=lea,
        organisation=site,
        verb="completed",
        object_id=f"urn:relais:lesson:{first.pk}",
        statement_id="5a1e0000-0000-4000-8000-000000000002",
        authority=Authority.PLATFORM,
    )
    return assignment


# How far each newcomer of the last eight months got, by how long ago they started:
# most finish, a few stop at the same step (the funnel shows where).
COHORT_DAYS = 240
STUCK_EVERY = 4  # one newcomer in four stops after the second step


def construct_cohort(site, people):
    """The path "Bienvenue à l'accueil" for every volunteer who joined in the last
    eight months, with the steps they have done: the onboarding funnel shows a
    cohort, not one person. Past records, written as the engine would have."""
    path = OnboardingPath.objects.filter(
        organisation=site, title="Bienvenue à l'accueil"
    ).first()
    if path is None or PathAssignment.objects.filter(path=path).count() > 1:
        return
    today = timezone.localdate()
    steps = list(path.steps.order_by("sort_order"))
    newcomers = (
        Membership.objects.filter(
            organisation=site,
            role=Role.LEARNER,
            start_date__gte=today - timedelta(days=COHORT_DAYS),
            start_date__lt=today,
        )
        .exclude(user=people["benevole"])
        .select_related("user")
        .order_by("start_date", "user__username")
    )
    for index, membership in enumerate(newcomers):
        start = membership.start_date
        assignment, _ = PathAssignment.objects.get_or_create(
            user=membership.user, path=path, defaults={"start_date": start}
        )
        done = [step for step in steps if start + timedelta(days=step.due_days) < today]
        if index % STUCK_EVERY == 1:
            done = done[:2]
        when = None
        for step in done:
            day = start + timedelta(days=max(0, step.due_days - 1 - index % 3))
            when = timezone.make_aware(datetime.combine(day, time(18)))
            StepCompletion.objects.get_or_create(
                assignment=assignment, step=step, defaults={"completed_at": when}
            )
        if steps and len(done) == len(steps):
            assignment.completed_at = when
            assignment.save(update_fields=["completed_at"])
