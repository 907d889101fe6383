"""What a new association starts with: its course catalogue and a starter kit to
welcome its first volunteers (a welcome course, the onboarding path "Accueillir
un·e nouveau·elle bénévole" with a charter to accept, a meeting with a referent
and a first shift, and the words of its invitation e-mail).

Added through the ``lms_construct_new_organisation`` hook (``lms.new_association``).
The texts are written for the association, in its languages: French and English.
Everything stays editable: the path and its steps in "Onboarding paths", the
course in the page tree, the invitation words in the organisation's settings.
"""

from django.db import transaction

from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    OnboardingPath,
    PathStep,
)
from lms.models import OrganisationSettings, Role

CATALOGUE = {"fr": "Formations", "en": "Courses"}

KIT = {
    "fr": {
        "course": "Bienvenue chez {name}",
        "course_summary": "Qui nous sommes, ce que nous faisons, et comment se passent "
        "vos premières semaines.",
        "lesson": "Bienvenue !",
        "lesson_text": "<p>Merci de nous rejoindre ! Chez {name}, chaque bénévole "
        "compte, quel que soit le temps qu'il ou elle peut donner.</p>"
        "<p>Vos premières semaines tiennent en quatre étapes : lire ce mot, "
        "accepter notre charte, rencontrer votre référent·e, puis venir à votre "
        "première permanence. Vous ne serez jamais seul·e.</p>",
        "lesson_tip": "<p>Une question ? Répondez simplement à l'e-mail "
        "d'invitation : quelqu'un de l'équipe vous répond.</p>",
        "path": "Accueillir un·e nouveau·elle bénévole",
        "path_description": "Vos premiers pas chez {name}, à votre rythme.",
        "step_welcome": "Lire le mot de bienvenue",
        "step_charter": "Lire et accepter la charte du bénévole",
        "charter": "En rejoignant {name}, je m'engage à :\n"
        "• accueillir chaque personne avec respect, sans jugement ;\n"
        "• garder pour moi ce que j'apprends des personnes accueillies ;\n"
        "• prévenir mon équipe si je ne peux pas venir ;\n"
        "• suivre les consignes d'hygiène et de sécurité.\n"
        "{name} s'engage à m'accueillir, à me former et à m'écouter.",
        "step_referent": "Rencontrer votre référent·e",
        "referent": "Votre référent·e vous contacte dans la semaine pour un café "
        "ou un appel de vingt minutes : vos envies, vos disponibilités, vos "
        "questions. La rencontre est notée par la coordination.",
        "step_shift": "Votre première permanence",
        "shift": "Venez à une permanence avec votre référent·e : vous observez, "
        "vous aidez un peu, vous posez toutes vos questions. Prévoyez une tenue "
        "confortable ; le reste, on vous le prête.",
        "invitation": "Bonjour et bienvenue chez {name} ! Votre parcours "
        "d'intégration tient en quatre petites étapes, à faire depuis votre "
        "téléphone. Première étape : notre mot de bienvenue, cinq minutes à lire.",
    },
    "en": {
        "course": "Welcome to {name}",
        "course_summary": "Who we are, what we do, and how your first weeks go.",
        "lesson": "Welcome!",
        "lesson_text": "<p>Thank you for joining us! At {name}, every volunteer "
        "counts, however much time they can give.</p>"
        "<p>Your first weeks take four steps: read this note, accept our charter, "
        "meet your referent, then come to your first shift. You will never be on "
        "your own.</p>",
        "lesson_tip": "<p>A question? Just reply to the invitation e-mail: "
        "someone from the team will answer.</p>",
        "path": "Welcoming a new volunteer",
        "path_description": "Your first steps at {name}, at your own pace.",
        "step_welcome": "Read the welcome note",
        "step_charter": "Read and accept the volunteer charter",
        "charter": "By joining {name}, I undertake to:\n"
        "• welcome everyone with respect, without judgement;\n"
        "• keep to myself what I learn about the people we help;\n"
        "• let my team know when I cannot come;\n"
        "• follow the hygiene and safety instructions.\n"
        "{name} undertakes to welcome me, train me and listen to me.",
        "step_referent": "Meet your referent",
        "referent": "Your referent gets in touch this week for a coffee or a "
        "twenty-minute call: what you would like to do, when you are free, your "
        "questions. The coordinator records the meeting.",
        "step_shift": "Your first shift",
        "shift": "Come to a shift with your referent: you watch, help a little and "
        "ask all your questions. Wear something comfortable; we lend the rest.",
        "invitation": "Hello and welcome to {name}! Your onboarding takes four "
        "short steps, all doable from your phone. First step: our welcome note, "
        "five minutes to read.",
    },
}


def course_catalogue(site, title="Formations"):
    """The organisation's course catalogue, at the top of its pages; made once."""
    existing = CourseIndexPage.objects.child_of(site.root_page).first()
    if existing:
        return existing
    return site.root_page.add_child(
        instance=CourseIndexPage(title=title, slug="formations")
    )


def starter_path(site, language, *, role=Role.LEARNER):
    """The starter kit in ``language``: a welcome course in the catalogue and the
    onboarding path that leads through it, assigned to people joining as ``role``
    ("" for a path assigned by hand)."""
    text = {
        key: value.format(name=site.site_name) for key, value in KIT[language].items()
    }
    catalogue = course_catalogue(site, CATALOGUE[language])
    course = catalogue.add_child(
        instance=CoursePage(
            title=text["course"],
            slug=f"bienvenue-{language}" if language != "fr" else "bienvenue",
            summary=text["course_summary"],
            duration_minutes=5,
        )
    )
    course.add_child(
        instance=LessonPage(
            title=text["lesson"],
            slug="bienvenue",
            body=[
                ("text", text["lesson_text"]),
                ("callout", {"kind": "tip", "text": text["lesson_tip"]}),
            ],
        )
    )
    path = OnboardingPath(
        organisation=site,
        title=text["path"],
        role=role,
        description=text["path_description"],
    )
    path.steps = [
        PathStep(kind="course", title=text["step_welcome"], course=course, due_days=2),
        PathStep(
            kind="acknowledge",
            title=text["step_charter"],
            instructions=text["charter"],
            due_days=3,
        ),
        PathStep(
            kind="checklist",
            title=text["step_referent"],
            instructions=text["referent"],
            due_days=7,
        ),
        PathStep(
            kind="checklist",
            title=text["step_shift"],
            instructions=text["shift"],
            due_days=14,
        ),
    ]
    for order, step in enumerate(path.steps.all()):
        step.sort_order = order  # PostgreSQL sorts a NULL order last
    path.save()
    return path


@transaction.atomic
def construct_starter_kit(site, languages):
    """The catalogue and the starter kit of a new organisation, in each of its
    languages; the path in its default language is the one assigned on joining."""
    settings = OrganisationSettings.for_site(site)
    default = settings.language
    for language in sorted(languages, key=lambda code: code != default):
        if language in KIT:
            starter_path(
                site, language, role=Role.LEARNER if language == default else ""
            )
    if default in KIT:
        settings.invitation_text = KIT[default]["invitation"].format(
            name=site.site_name
        )
        settings.save(update_fields=["invitation_text"])
