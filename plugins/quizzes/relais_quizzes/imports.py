"""Question banks in and out: Moodle XML and GIFT files become questions of an
organisation, all or nothing; questions go out as Moodle XML.

Files come from anywhere, so their HTML is cleaned (nh3, the Rust ammonia
sanitiser) before it is stored, and their images become Wagtail images of the
organisation's collection.
"""

import hashlib
import html
import re
import uuid
from dataclasses import dataclass, field

import nh3
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.blocks import StreamValue
from wagtail.images import get_image_model

from lms.models import organisation_collection
from relais_quizzes.formats import (
    ImportedQuestion,
    export_moodle_xml,
    parse_gift,
    parse_moodle_xml,
)
from relais_quizzes.models import Question, QuestionCategory

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "sub", "sup", "ul", "ol", "li", "a",
    "img", "table", "thead", "tbody", "tr", "th", "td", "caption", "code", "pre",
    "blockquote", "h3", "h4", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan"}}
HTML_FIELDS = {
    "text", "feedback", "prompt", "feedback_true", "feedback_false", "passage",
    "graderinfo",
}  # fmt: skip
# Types whose answers' "text" is plain, compared or offered as typed: not HTML.
PLAIN_TEXT_TYPES = {"short", "cloze", "gapselect"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
DEFAULT_CATEGORY = "Imported"


def parse(filename, data):
    """The report for a file, by its extension (.xml: Moodle XML, else GIFT)."""
    if filename.lower().endswith(".xml"):
        return parse_moodle_xml(data)
    return parse_gift(data)


@dataclass
class Outcome:
    created: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def import_report(report, organisation, into=None):
    """Create the report's usable questions in ``into`` (a category) or at the top,
    in one transaction. The caller checks ``report.readable`` first, and asks the
    trainer before importing a report with problems (the questions left out)."""
    if not report.readable:
        raise ValueError("A file that cannot be read is never imported.")
    outcome = Outcome(skipped=report.skipped, warnings=list(report.warnings))
    with transaction.atomic():
        for imported in report.questions:
            category = _category(organisation, into, imported.category)
            images = _store_images(organisation, imported.images)
            question = Question(
                organisation=organisation,
                category=category,
                name=imported.name[:200] or _("Question"),
                prompt=clean(imported.prompt, images),
                explanation=clean(imported.explanation, images),
                mark=imported.mark,
            )
            # Accepted short answers are plain text, compared as typed: not HTML.
            fields = _html_fields(imported.type)
            question.answer = answer_value(
                imported.type, _clean_spec(imported.spec, fields, images)
            )
            question.save()
            if imported.tags:
                question.tags.add(*[tag[:100] for tag in imported.tags])
            outcome.created.append(question)
    return outcome


def _html_fields(type_name):
    return HTML_FIELDS - {"text"} if type_name in PLAIN_TEXT_TYPES else HTML_FIELDS


def answer_value(type_name, spec):
    """A spec as the value of Question.answer (Wagtail's stored format)."""
    from relais_quizzes.models import wrap

    stream_block = Question._meta.get_field("answer").stream_block
    return StreamValue(
        stream_block,
        [{"type": type_name, "value": wrap(spec), "id": str(uuid.uuid4())}],
        is_lazy=True,
    )


def _category(organisation, into, names):
    parent = into
    for name in names or ([] if into else [DEFAULT_CATEGORY]):
        parent, _created = QuestionCategory.objects.get_or_create(
            organisation=organisation, parent=parent, name=name[:100]
        )
    return parent


def _store_images(organisation, images):
    """Each image of the file as a Wagtail image: {file name: image}."""
    stored = {}
    for name, data in (images or {}).items():
        extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if data.startswith(PNG_SIGNATURE):  # an SVG the parser drew as a PNG
            extension = ".png"
        if extension not in IMAGE_TYPES:
            continue
        collection = organisation_collection(organisation)
        digest = hashlib.sha1(
            data, usedforsecurity=False
        ).hexdigest()  # Wagtail's own file hash
        # The same picture imported again (a re-import) is the same image.
        same = get_image_model().objects.filter(collection=collection, file_hash=digest)
        stored[name] = same.first() or get_image_model().objects.create(
            title=name[:255],
            file=ContentFile(data, name=f"quiz-{digest[:12]}{extension}"),
            collection=collection,
            file_hash=digest,
        )
    return stored


IMG = re.compile(r"<img\b([^>]*)>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def clean(text, images=None):
    """Safe HTML; images of the file become Wagtail image embeds, others their
    text alternative (nothing is fetched from elsewhere)."""
    if not text:
        return ""
    safe = nh3.clean(text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)

    def image(match):
        attributes = dict(ATTRIBUTE.findall(match.group(1)))
        src = html.unescape(attributes.get("src", ""))
        name = src.removeprefix("@@PLUGINFILE@@/")
        alt = attributes.get("alt", "")
        stored = (images or {}).get(name) or (images or {}).get(
            html.unescape(name).replace("%20", " ")
        )
        if stored is None:
            return alt
        return (
            f'<embed embedtype="image" id="{stored.pk}" format="fullwidth" '
            f'alt="{alt}"/>'
        )

    return IMG.sub(image, safe)


def _clean_spec(spec, fields, images=None):
    """The spec's HTML cleaned; images of the file in choices, pairs and items
    become Wagtail images like those of the prompt."""
    if isinstance(spec, dict):
        return {
            key: clean(value, images) if key in fields and isinstance(value, str)
            else _clean_spec(value, fields, images)
            for key, value in spec.items()
        }  # fmt: skip
    if isinstance(spec, list):
        return [_clean_spec(item, fields, images) for item in spec]
    return spec


EMBED = re.compile(r'<embed embedtype="image"([^>]*)/?>')


def export(questions):
    """Questions as Moodle XML bytes, images included."""
    return export_moodle_xml(
        [
            ImportedQuestion(
                type=question.type,
                name=question.name,
                prompt=_with_files(question.prompt, files := {}),
                explanation=_with_files(question.explanation, files),
                spec=_spec_with_files(question.spec, files, question.type),
                category=question.category.names(),
                tags=sorted(tag.name for tag in question.tags.all()),
                mark=float(question.mark),
                images=files,
            )
            for question in questions
        ]
    )


def _with_files(text, files):
    """Wagtail image embeds as Moodle's file links; the files go in ``files``."""

    def image(match):
        attributes = dict(ATTRIBUTE.findall(match.group(1)))
        picture = get_image_model().objects.filter(pk=attributes.get("id")).first()
        if picture is None:
            return attributes.get("alt", "")
        name = picture.file.name.rsplit("/", 1)[-1]
        with picture.file.open("rb") as handle:
            files[name] = handle.read()
        return f'<img src="@@PLUGINFILE@@/{name}" alt="{attributes.get("alt", "")}">'

    return EMBED.sub(image, text)


def _spec_with_files(spec, files, type_name):
    """The spec's image embeds (a choice that is a picture) as file links too."""
    fields = _html_fields(type_name)
    if isinstance(spec, dict):
        return {
            key: _with_files(value, files) if key in fields and isinstance(value, str)
            else _spec_with_files(value, files, type_name)
            for key, value in spec.items()
        }  # fmt: skip
    if isinstance(spec, list):
        return [_spec_with_files(item, files, type_name) for item in spec]
    return spec
