"""The neutral question model that every importer produces and the exporter reads,
with the text helpers the formats share. Pure Python: the only Django used here is
gettext for the messages to the trainer, built when a file is read, so in the
language of the request; the formats can otherwise be tested and reused on their own.
"""

import codecs
import html
import math
import re
import uuid
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

QUESTION_TYPES = (
    "single",
    "multiple",
    "truefalse",
    "short",
    "numeric",
    "matching",
    "ordering",
    "essay",
    "cloze",
    "gapselect",
    "description",
)


@dataclass
class ImportedQuestion:
    """One question read from a file; ``spec`` has the shape its type expects."""

    type: str
    name: str
    prompt: str  # HTML
    explanation: str  # HTML general feedback, "" if none
    spec: dict
    category: list[str]  # category names from the top, e.g. ["Iota", "Kappa"]
    tags: list[str]
    mark: float = 1.0
    line: int = 0  # 1-based line where the question starts in the file
    # Embedded files (name -> bytes), referred to as "@@PLUGINFILE@@/name" in the HTML.
    images: dict = field(default_factory=dict)


@dataclass
class Skipped:
    """A question of a type Relais does not support: listed, never imported."""

    line: int
    type: str  # the type's name in the source format, e.g. "cloze"
    name: str
    reason: str


@dataclass
class Problem:
    """Malformed input. A question that cannot be used is left out of the report's
    questions (the trainer then imports the rest or nothing); a file that cannot be
    read at all (``whole_file``) is refused."""

    line: int
    reason: str
    whole_file: bool = False


@dataclass
class ImportReport:
    questions: list[ImportedQuestion] = field(default_factory=list)  # usable ones
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self):
        """Every question of the file can be imported."""
        return not self.problems

    @property
    def readable(self):
        """The file could be read: its usable questions may be imported."""
        return not any(problem.whole_file for problem in self.problems)


def unsupported_reason(source_type):
    """Why questions of a type Relais does not take are left out, as a sentence."""
    calculated = _("Calculated questions are not supported yet.")
    reasons = {
        # Only GIFT files still leave these out: Moodle XML brings them.
        "essay": _("Essays in GIFT files are not imported yet (Moodle XML is)."),
        "description": _(
            "Descriptions in GIFT files are not imported yet (Moodle XML is)."
        ),
        "calculated": calculated,
        "calculatedsimple": calculated,
        "calculatedmulti": calculated,
        "randomsamatch": _(
            "Random short-answer matching questions are not supported yet."
        ),
        "random": _("Random questions are not supported yet."),
        "ddimageortext": _("Drag and drop onto image questions are not supported yet."),
        "ddmarker": _("Drag and drop markers questions are not supported yet."),
    }
    if source_type in reasons:
        return reasons[source_type]
    return _("Questions of type “%(type)s” are not supported.") % {"type": source_type}


def about(name, named, unnamed, **values):
    """A message about a question: ``named`` (a whole translated sentence with a
    %(name)s placeholder) when the question has a name, else ``unnamed`` (the whole
    sentence for a question without one). Both take ``values`` too."""
    return (named if name else unnamed) % {"name": name, **values}


class Invalid(Exception):
    """Makes the question being read unusable. It carries two whole sentences,
    already translated: one naming the question ("%(name)s"), one for a question
    without a name; ``values`` fill their other placeholders."""

    def __init__(self, named, unnamed, **values):
        super().__init__(named)
        self.named, self.unnamed, self.values = named, unnamed, values

    def reason(self, name):
        return about(name, self.named, self.unnamed, **self.values)


def new_id():
    return uuid.uuid4().hex


def decode(data: bytes) -> tuple[str, list[str]]:
    """Text of an uploaded file. UTF-8 (with or without BOM) is expected; anything
    else is read as Windows-1252, the usual encoding of files saved by office
    software in Western Europe, and a warning says so rather than guessing silently.
    """
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        warning = _(
            "Decoded as Windows-1252 (the file is not UTF-8, first on line %(line)s)."
        ) % {"line": line}
        return data.decode("cp1252", errors="replace"), [warning]


def plain_to_html(text, *, block=True):
    """Escaped HTML for plain text. Prompts and explanations become paragraphs;
    short fragments (choices, feedback) stay inline so they fit in a label."""
    text = text.strip()
    if not text:
        return ""
    if not block:
        return html.escape(text, quote=False).replace("\n", "<br>")
    paragraphs = re.split(r"\n\s*\n", text)
    return "".join(
        "<p>" + html.escape(p.strip(), quote=False).replace("\n", "<br>") + "</p>"
        for p in paragraphs
    )


def html_to_plain(value):
    text = re.sub(r"<[^>]+>", " ", value or "")
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def has_content(value):
    """Whether HTML shows something: text, or an image alone."""
    return bool(html_to_plain(value)) or "<img" in (value or "").lower()


def default_name(prompt_html):
    """Moodle's rule for an untitled question: the start of its text."""
    return html_to_plain(prompt_html)[:60].strip()


def fraction(percent):
    """A weight given in percent ("33.33333", "-50") as a fraction; rounding to 7
    decimals keeps Moodle's 33.33333% exactly 0.3333333."""
    return round(to_number(percent) / 100, 7)


def to_number(text):
    """A finite float from text, or ValueError."""
    value = float(str(text).strip())
    if not math.isfinite(value):
        raise ValueError(text)
    return value


CONTEXT_PREFIXES = ("$course$", "$system$", "$module$", "$cat1$", "$cat2$")


def category_path(text):
    """["Foo", "Bar"] from "$course$/top/Foo/Bar". Moodle writes a "/" inside a
    category name as "//"."""
    parts = [p.replace("\0", "/").strip() for p in text.replace("//", "\0").split("/")]
    parts = [p for p in parts if p]
    if parts and parts[0] in CONTEXT_PREFIXES:
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return parts


def category_text(path):
    return "/".join(["$course$", "top", *(name.replace("/", "//") for name in path)])


def without_ids(value):
    """A spec with every "id" removed, to compare questions across imports."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def check_question(question):
    """Why a supported question cannot be used (sentences naming it); [] if fine."""

    def say(named, unnamed):
        return about(question.name, named, unnamed)

    if not has_content(question.prompt):
        return [
            say(_("Question “%(name)s” has no text."), _("The question has no text."))
        ]
    spec = question.spec
    found = []
    weighted = (
        spec.get("choices") or spec.get("answers") or []
        if question.type in ("single", "multiple", "short", "numeric")
        else []
    )
    if any(not -1 <= item["fraction"] <= 1 for item in weighted):
        found.append(
            say(
                _("Question “%(name)s” has a weight outside -100%% to 100%%."),
                _("The question has a weight outside -100%% to 100%%."),
            )
        )
    top = max((item["fraction"] for item in weighted), default=0)
    if question.type in ("single", "multiple"):
        if len(weighted) < 2:
            found.append(
                say(
                    _("Question “%(name)s” has fewer than two choices."),
                    _("The question has fewer than two choices."),
                )
            )
        elif not all(has_content(choice["text"]) for choice in weighted):
            found.append(
                say(
                    _("Question “%(name)s” has a choice without text."),
                    _("The question has a choice without text."),
                )
            )
        if question.type == "single" and top < 1:
            found.append(
                say(
                    _("Question “%(name)s” has no fully correct choice (100%%)."),
                    _("The question has no fully correct choice (100%%)."),
                )
            )
        if question.type == "multiple" and top <= 0:
            found.append(
                say(
                    _("Question “%(name)s” has no correct choice (positive weight)."),
                    _("The question has no correct choice (positive weight)."),
                )
            )
    elif question.type in ("short", "numeric"):
        if not weighted:
            found.append(
                say(
                    _("Question “%(name)s” has no answers."),
                    _("The question has no answers."),
                )
            )
        elif top < 1:
            found.append(
                say(
                    _("Question “%(name)s” has no fully correct answer (100%%)."),
                    _("The question has no fully correct answer (100%%)."),
                )
            )
        if question.type == "short" and any(not a["text"] for a in weighted):
            found.append(
                say(
                    _("Question “%(name)s” has an empty answer."),
                    _("The question has an empty answer."),
                )
            )
        if question.type == "numeric" and any(a["tolerance"] < 0 for a in weighted):
            found.append(
                say(
                    _("Question “%(name)s” has a negative tolerance."),
                    _("The question has a negative tolerance."),
                )
            )
    elif question.type == "matching":
        pairs = spec["pairs"]
        if sum(1 for pair in pairs if has_content(pair["prompt"])) < 2:
            found.append(
                say(
                    _("Question “%(name)s” needs at least two pairs to match."),
                    _("The question needs at least two pairs to match."),
                )
            )
        if any(not p["answer"] for p in pairs):
            found.append(
                say(
                    _("Question “%(name)s” has a pair without an answer."),
                    _("The question has a pair without an answer."),
                )
            )
    elif question.type == "ordering":
        if len(spec["items"]) < 2:
            found.append(
                say(
                    _("Question “%(name)s” needs at least two items to put in order."),
                    _("The question needs at least two items to put in order."),
                )
            )
        if not all(has_content(item["text"]) for item in spec["items"]):
            found.append(
                say(
                    _("Question “%(name)s” has an item without text."),
                    _("The question has an item without text."),
                )
            )
    elif question.type == "gapselect":
        numbers = {int(n) for n in re.findall(r"\[\[(\d+)\]\]", spec["passage"])}
        if not numbers:
            found.append(
                say(
                    _("Question “%(name)s” has no gaps ([[1]] and the like)."),
                    _("The question has no gaps ([[1]] and the like)."),
                )
            )
        elif max(numbers) > len(spec["choices"]) or not all(
            choice["text"] for choice in spec["choices"]
        ):
            found.append(
                say(
                    _("Question “%(name)s” has a gap without its word."),
                    _("The question has a gap without its word."),
                )
            )
    return found
