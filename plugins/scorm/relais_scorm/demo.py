"""Demo content: a short French SCORM 2004 package, "Accueillir le public : les bons
réflexes" (four pages and a quiz, passed at 80 %, resumable), played in the lesson of
its own course. The package is zipped from ``demo_data/accueil`` and processed as an
upload would be. Idempotent."""

import io
import zipfile
from pathlib import Path

from django.core.files.base import ContentFile

from lms.models import PluginActivation
from relais_scorm.models import ScormPackage
from relais_scorm.tasks import process_package

SOURCE = Path(__file__).parent / "demo_data" / "accueil"
TITLE = "Accueillir le public : les bons réflexes"


def package_bytes():
    """The demo package as an authoring tool exports it: a zip, manifest at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(SOURCE.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def construct_demo(site, people):
    # The demo association plays SCORM: switched on as an admin would.
    PluginActivation.objects.get_or_create(organisation=site, app_label="scorm")
    package = ScormPackage.objects.filter(organisation=site, title=TITLE).first()
    if package is None:
        data = package_bytes()
        package = ScormPackage(
            organisation=site,
            title=TITLE,
            size=len(data),
            uploaded_by=people.get("formateur"),
        )
        package.package.save("accueil-bons-reflexes.zip", ContentFile(data), save=True)
        process_package.call(package.pk)
        package.refresh_from_db()
    _course(site, package)


def _course(site, package):
    from courses.demo import _child
    from courses.models import CourseIndexPage, CoursePage, LessonPage

    catalogue = CourseIndexPage.objects.child_of(site.root_page).filter(
        slug="formations"
    )
    if not catalogue.exists():
        return
    course = _child(
        catalogue.get(),
        CoursePage,
        "accueillir-le-public",
        title="Accueillir le public",
        summary="Les trois réflexes de l'accueil, en cinq minutes, avec un quiz : "
        "un module SCORM, comme ceux que nous envoient nos partenaires.",
        duration_minutes=10,
    )
    _child(
        course,
        LessonPage,
        "bons-reflexes",
        title="Les bons réflexes",
        body=[
            (
                "text",
                "<p>Se présenter, écouter, orienter : faites le module, puis le quiz. "
                "Il faut 80 % de bonnes réponses. Vous pouvez vous arrêter et "
                "reprendre plus tard là où vous en étiez.</p>",
            ),
            ("scorm", {"package": package, "attempts": None, "required": True}),
        ],
    )
