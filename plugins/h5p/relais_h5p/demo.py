"""The demo's H5P activities (PRODUCT.md: Karim reuses H5P activities in his courses).

Built by the project from its own small content type, ``H5P.RelaisChoice 1.0``
(``demo_library/``, MIT like the rest of Relais), so the demo ships nothing whose
licence it cannot show. Each package is uploaded and checked like any other; the
first is played in the welcome lesson of "Découvrir Entraide Quartier" (with its text
and video).
Idempotent.
"""

import io
import json
import zipfile
from pathlib import Path

from django.core.files.base import ContentFile

from lms.models import PluginActivation

LIBRARY = Path(__file__).parent / "demo_library" / "H5P.RelaisChoice-1.0"
TEXTS = {
    "checkLabel": "Vérifier",
    "chooseFirst": "Choisissez d'abord une réponse.",
    "rightLabel": "Bonne réponse !",
    "wrongLabel": "Pas tout à fait.",
}
ACTIVITIES = [
    (
        "Qui fait quoi à Entraide Quartier ?",
        {
            "question": "Une famille arrive pour la première fois : qui l'accueille ?",
            "answers": [
                {
                    "text": "L'équipe accueil",
                    "correct": True,
                    "feedback": "Elle l'écoute, l'inscrit et lui présente la suite.",
                },
                {
                    "text": "L'équipe distribution",
                    "feedback": "Elle prend le relais une fois la famille inscrite.",
                },
                {
                    "text": "L'équipe collecte",
                    "feedback": "Elle organise les collectes dans les magasins.",
                },
            ],
        },
    ),
    (
        "Chaîne du froid : le bon réflexe",
        {
            "question": "Un yaourt est resté une heure hors du frigo : que faire ?",
            "answers": [
                {
                    "text": "Je le jette",
                    "correct": True,
                    "feedback": "En cas de doute, on jette : la chaîne du froid est "
                    "rompue.",
                },
                {
                    "text": "Je le remets au frais",
                    "feedback": "Les bactéries se sont déjà multipliées.",
                },
                {
                    "text": "Je le distribue en premier",
                    "feedback": "Jamais : il n'est plus sûr.",
                },
            ],
        },
    ),
]


def build_package(title, params):
    """The bytes of a ``.h5p`` package playing ``params`` with H5P.RelaisChoice."""
    library = json.loads((LIBRARY / "library.json").read_text())
    h5p = {
        "title": title,
        "language": "fr",
        "mainLibrary": library["machineName"],
        "embedTypes": ["div"],
        "license": "U",
        "preloadedDependencies": [
            {
                "machineName": library["machineName"],
                "majorVersion": library["majorVersion"],
                "minorVersion": library["minorVersion"],
            }
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("h5p.json", json.dumps(h5p, ensure_ascii=False))
        archive.writestr(
            "content/content.json", json.dumps({**TEXTS, **params}, ensure_ascii=False)
        )
        for path in sorted(LIBRARY.iterdir()):
            archive.write(path, f"{LIBRARY.name}/{path.name}")
    return buffer.getvalue()


def construct_demo(site, people):
    # The demo association uses H5P: switched on as an admin would.
    PluginActivation.objects.get_or_create(organisation=site, app_label="h5p")
    contents = [
        _content(site, people["formateur"], title, params)
        for title, params in ACTIVITIES
    ]
    _play_in_lesson(site, contents[0], slug="bienvenue")


def _content(site, trainer, title, params):
    from relais_h5p.models import H5PContent
    from relais_h5p.tasks import process_package

    content = H5PContent.objects.filter(organisation=site, title=title).first()
    if content is None:
        data = build_package(title, params)
        content = H5PContent.objects.create(
            organisation=site,
            title=title,
            package=ContentFile(data, name="activite.h5p"),
            size=len(data),
            uploaded_by=trainer,
        )
    # Checked and extracted now, not in a worker: the demo is ready when it says so.
    process_package.call(content.pk)
    content.refresh_from_db()
    return content


def _play_in_lesson(site, content, slug):
    from courses.models import LessonPage

    lesson = LessonPage.objects.descendant_of(site.root_page).filter(slug=slug).first()
    if lesson is None or any(block.block_type == "h5p" for block in lesson.body):
        return
    # Optional: the demo's story (and its tests) completes the course without it.
    lesson.body.append(
        ("h5p", {"content": content, "required": False, "pass_threshold": 1.0})
    )
    lesson.save()
