"""Moodle XML question files: import (Moodle 3 and 4 question bank exports) and
export. Parsing goes through defusedxml, so entity expansion ("billion laughs") and
external entities are refused before any question is read.
"""

import base64
import hashlib
import html
import io
import re
import warnings
import xml.etree.ElementTree as ET
from urllib.parse import quote, unquote

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from .cloze import ClozeError, blank_gaps, parse_cloze, write_cloze
from .common import (
    ImportedQuestion,
    ImportReport,
    Invalid,
    Problem,
    Skipped,
    about,
    category_path,
    category_text,
    check_question,
    default_name,
    fraction,
    html_to_plain,
    new_id,
    plain_to_html,
    to_number,
    unsupported_reason,
)
from .pictures import NotAPicture, svg_to_png

PLUGINFILE = "@@PLUGINFILE@@/"
PNG = b"\x89PNG\r\n\x1a\n"


class _LineRecorder(ET.TreeBuilder):
    """Keeps the line where each element starts, for messages to the trainer."""

    def __init__(self):
        super().__init__()
        self.lines = {}
        self.expat = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[element] = self.expat.CurrentLineNumber
        return element


def _parse(data):
    """(root, lines of elements, None) or (None, {}, Problem)."""
    recorder = _LineRecorder()
    parser = DefusedXMLParser(target=recorder)
    recorder.expat = parser.parser
    try:
        parser.feed(data)
        return parser.close(), recorder.lines, None
    except ParseError as error:
        # The parser's own words (in English), e.g. "mismatched tag".
        message = re.sub(r": line \d+, column \d+$", "", str(error))
        reason = _("The file is not well-formed XML (%(error)s).") % {"error": message}
        return None, {}, Problem(error.position[0], reason, whole_file=True)
    except EntitiesForbidden:
        reason = _("The file declares XML entities, which are not allowed.")
    except DefusedXmlException:
        reason = _("The file uses XML features that are not allowed (DTD or external).")
    except LookupError as error:  # the XML declaration names an unknown encoding
        reason = _("The file cannot be read (%(error)s).") % {"error": error}
    return None, {}, Problem(parser.parser.CurrentLineNumber, reason, whole_file=True)


class _Question:
    """One <question> element: its text fields and the files it embeds."""

    def __init__(self, element, line, warnings):
        self.element = element
        self.line = line
        self.warnings = warnings
        self.name = (element.findtext("name/text") or "").strip()
        questiontext = element.find("questiontext")
        self.format = "html"
        if questiontext is not None:
            self.format = questiontext.get("format") or "html"
        self.images = {}
        self.svg = set()  # files that were SVG and could not be drawn
        self.pictures = 0  # inline SVG pictures met so far, to name them

    def load_files(self):
        for file in self.element.iter("file"):
            folder = file.get("path", "/").strip("/")
            key = f"{folder}/{file.get('name', '')}" if folder else file.get("name", "")
            if file.get("encoding", "base64") != "base64":
                raise Invalid(
                    _(
                        "Question “%(name)s” embeds %(file)s in an encoding other "
                        "than base64."
                    ),
                    _("The question embeds %(file)s in an encoding other than base64."),
                    file=key,
                )
            try:
                content = base64.b64decode(file.text or "")
            except ValueError as error:  # binascii.Error, or non-ASCII text
                raise Invalid(
                    _("Question “%(name)s” embeds %(file)s, which cannot be decoded."),
                    _("The question embeds %(file)s, which cannot be decoded."),
                    file=key,
                ) from error
            # SVG can carry scripts; sniffing the content catches a renamed one.
            # It is kept as the PNG it draws (formats.pictures), never as SVG.
            # (An SVG drawn before, exported again as PNG, is a PNG whatever its name.)
            named_svg = key.lower().endswith(".svg") and not content.startswith(PNG)
            if named_svg or content.lstrip()[:1] == b"<":
                try:
                    self.images[key], _title = svg_to_png(content)
                except NotAPicture:
                    self.svg.add(key)
                    self.warnings.append(
                        about(
                            self.name,
                            _(
                                "Image %(file)s was removed from question "
                                "“%(name)s” (line %(line)s): it is an SVG picture "
                                "that cannot be drawn."
                            ),
                            _(
                                "Image %(file)s was removed from the question on "
                                "line %(line)s: it is an SVG picture that cannot be "
                                "drawn."
                            ),
                            file=key,
                            line=self.line,
                        )
                    )
            elif _pixels(content) > (limit := _max_pixels()):
                # Wagtail's image screen refuses such an image: so does the import.
                self.warnings.append(
                    about(
                        self.name,
                        _(
                            "Image %(file)s was removed from question “%(name)s” "
                            "(line %(line)s): it has more than %(limit)s million "
                            "pixels."
                        ),
                        _(
                            "Image %(file)s was removed from the question on line "
                            "%(line)s: it has more than %(limit)s million pixels."
                        ),
                        file=key,
                        line=self.line,
                        limit=limit // 1_000_000,
                    )
                )
            else:
                self.images[key] = content

    def html(self, node, *, block=False, default="html"):
        """HTML of a text field (<questiontext>, <answer>, <feedback>…)."""
        if node is None:
            return ""
        text = (node.findtext("text") or "").strip()
        if (node.get("format") or default) != "html":
            return plain_to_html(text, block=block)
        text = _INLINE_SVG.sub(self._inline_svg, text)
        return _IMG.sub(self._without_svg, text) if self.svg else text

    def _inline_svg(self, match):
        """An SVG written inside the HTML (a choice drawn as a picture): the PNG it
        draws, as a file of the question; removed with a warning if it cannot be."""
        source = match.group(0)
        try:
            png, title = svg_to_png(source.encode())
        except NotAPicture:
            self.warnings.append(
                about(
                    self.name,
                    _(
                        "A picture written in SVG was removed from question "
                        "“%(name)s” (line %(line)s): it cannot be drawn."
                    ),
                    _(
                        "A picture written in SVG was removed from the question on "
                        "line %(line)s: it cannot be drawn."
                    ),
                    line=self.line,
                )
            )
            return ""
        name = f"svg-{hashlib.sha1(png, usedforsecurity=False).hexdigest()[:12]}.png"
        self.images[name] = png
        self.pictures += 1
        alt = title or _("Picture %(number)s") % {"number": self.pictures}
        return f'<img src="{PLUGINFILE}{name}" alt="{html.escape(alt)}">'

    def _without_svg(self, match):
        src = _SRC.search(match.group(0))
        path = src.group(2).split("?")[0] if src else ""
        if path.startswith(PLUGINFILE) and unquote(path[len(PLUGINFILE) :]) in self.svg:
            return ""
        return match.group(0)

    def weight(self, answer):
        raw = answer.get("fraction", "0")
        try:
            return fraction(raw)
        except ValueError as error:
            raise Invalid(
                _(
                    "Question “%(name)s” has a weight that is not a number: "
                    "“%(value)s”."
                ),
                _("The question has a weight that is not a number: “%(value)s”."),
                value=raw,
            ) from error

    def number(self, text, what):
        """A number from text; ``what`` ("answer", "tolerance" or "mark") says which
        sentence tells that it is not one."""
        try:
            return to_number(text)
        except ValueError as error:
            named, unnamed = _NOT_A_NUMBER[what]()
            raise Invalid(named, unnamed, value=text) from error


_NOT_A_NUMBER = {
    "answer": lambda: (
        _("Question “%(name)s” has an answer that is not a number: “%(value)s”."),
        _("The question has an answer that is not a number: “%(value)s”."),
    ),
    "tolerance": lambda: (
        _("Question “%(name)s” has a tolerance that is not a number: “%(value)s”."),
        _("The question has a tolerance that is not a number: “%(value)s”."),
    ),
    "mark": lambda: (
        _("Question “%(name)s” has a default mark that is not a number: “%(value)s”."),
        _("The question has a default mark that is not a number: “%(value)s”."),
    ),
}


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_INLINE_SVG = re.compile(r"<svg\b.*?</svg\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def _flag(text, default):
    text = (text or "").strip().lower()
    return default if not text else text in ("1", "true", "yes")


def _multichoice(q):
    choices = [
        {
            "id": new_id(),
            "text": q.html(answer, default=q.format),
            "fraction": q.weight(answer),
            "feedback": q.html(answer.find("feedback")),
        }
        for answer in q.element.findall("answer")
    ]
    spec = {
        "choices": choices,
        "shuffle": _flag(q.element.findtext("shuffleanswers"), True),
    }
    if _flag(q.element.findtext("single"), True):
        return "single", spec
    return "multiple", {**spec, "scoring": "partial"}


def _truefalse(q):
    weights, feedback = {}, {True: "", False: ""}
    for index, answer in enumerate(q.element.findall("answer")):
        word = (answer.findtext("text") or "").strip().lower()
        # Files from old Moodle versions have other words: true comes first.
        value = {"true": True, "false": False}.get(word, index == 0)
        weights[value] = q.weight(answer)
        feedback[value] = q.html(answer.find("feedback"))
    if weights.get(True) == 1 or weights.get(False) == 1:
        correct = weights.get(True) == 1
    else:
        raise Invalid(
            _("Question “%(name)s” has no correct answer (100%%)."),
            _("The question has no correct answer (100%%)."),
        )
    return "truefalse", {
        "correct": correct,
        "feedback_true": feedback[True],
        "feedback_false": feedback[False],
    }


def _shortanswer(q):
    answers = [
        {
            "id": new_id(),
            "text": (answer.findtext("text") or "").strip(),
            "fraction": q.weight(answer),
            "feedback": q.html(answer.find("feedback")),
        }
        for answer in q.element.findall("answer")
    ]
    case_sensitive = _flag(q.element.findtext("usecase"), False)
    return "short", {
        "answers": answers,
        "case_sensitive": case_sensitive,
        "review": False,
    }


def _numerical(q):
    answers = []
    for answer in q.element.findall("answer"):
        value = (answer.findtext("text") or "").strip()
        if value == "*":  # Moodle's "any other answer", here only for its feedback
            q.warnings.append(
                about(
                    q.name,
                    _(
                        "The feedback for any other answer of question “%(name)s” "
                        "(line %(line)s) was not kept."
                    ),
                    _(
                        "The feedback for any other answer of the question on line "
                        "%(line)s was not kept."
                    ),
                    line=q.line,
                )
            )
            continue
        tolerance = (answer.findtext("tolerance") or "").strip() or "0"
        answers.append(
            {
                "id": new_id(),
                "value": q.number(value, "answer"),
                "tolerance": q.number(tolerance, "tolerance"),
                "fraction": q.weight(answer),
                "feedback": q.html(answer.find("feedback")),
            }
        )
    return "numeric", {"answers": answers, "unit": _base_unit(q.element)}


def _base_unit(element):
    for unit in element.iterfind("units/unit"):
        try:
            if to_number(unit.findtext("multiplier") or "") == 1:
                return (unit.findtext("unit_name") or "").strip()
        except ValueError:
            continue
    return ""


def _matching(q):
    pairs = [
        {
            "id": new_id(),
            "prompt": q.html(subquestion, default=q.format),
            "answer": (subquestion.findtext("answer/text") or "").strip(),
        }
        for subquestion in q.element.findall("subquestion")
    ]
    return "matching", {
        "pairs": pairs,
        "shuffle": _flag(q.element.findtext("shuffleanswers"), True),
    }


def _ordering(q):
    answers = q.element.findall("answer")

    def position(index):
        # qtype_ordering keeps each item's place in its "fraction" attribute.
        try:
            return to_number(answers[index].get("fraction", "")), index
        except ValueError:
            return float(index), index

    items = [
        {"id": new_id(), "text": q.html(answers[index], default=q.format)}
        for index in sorted(range(len(answers)), key=position)
    ]
    return "ordering", {"items": items}


def _essay(q):
    graderinfo = q.element.find("graderinfo")
    template = q.element.find("responsetemplate")
    return "essay", {
        "graderinfo": q.html(graderinfo) if graderinfo is not None else "",
        "template": html_to_plain(q.html(template)) if template is not None else "",
    }


def _description(q):
    return "description", {}


def _cloze(q):
    passage, gaps = parse_cloze(q.html(q.element.find("questiontext"), block=True))
    if not gaps:
        raise Invalid(
            _("Question “%(name)s” has no gaps ({1:SHORTANSWER:…} and the like)."),
            _("The question has no gaps ({1:SHORTANSWER:…} and the like)."),
        )
    for number, gap in enumerate(gaps, start=1):
        if isinstance(gap, ClozeError):
            raise Invalid(gap.named, gap.unnamed, number=number, **gap.values)
    return "cloze", {"passage": passage, "gaps": gaps}


def _gapselect(q):
    tag = "dragbox" if q.element.get("type") == "ddwtos" else "selectoption"
    choices = []
    for option in q.element.findall(tag):
        try:
            group = int((option.findtext("group") or "1").strip())
        except ValueError:
            group = 1
        choices.append(
            {
                "id": new_id(),
                "text": html_to_plain(option.findtext("text") or ""),
                "group": group,
            }
        )
    return "gapselect", {
        "passage": _SLOT_HTML.sub(
            r"[[\1]]", q.html(q.element.find("questiontext"), block=True)
        ),
        "choices": choices,
        "shuffle": _flag(q.element.findtext("shuffleanswers"), True),
        "dragged": tag == "dragbox",
    }


_SLOT_HTML = re.compile(r"\[\[\s*(\d+)\s*\]\]")


READERS = {
    "essay": _essay,
    "description": _description,
    "cloze": _cloze,
    "multianswer": _cloze,
    "gapselect": _gapselect,
    "ddwtos": _gapselect,
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "match": _matching,
    "ordering": _ordering,
}


def parse_moodle_xml(data: bytes) -> ImportReport:
    """Read a Moodle XML question file. Never raises for bad input: what is wrong
    is in the report's problems, each with its line; the questions that can be used
    are in its questions, whatever is wrong with the others."""
    report = ImportReport()
    root, lines, problem = _parse(data)
    if problem:
        report.problems.append(problem)
        return report
    if root.tag != "quiz":
        reason = _(
            "This is not a Moodle XML question file (it starts with <%(tag)s>)."
        ) % {"tag": root.tag}
        report.problems.append(Problem(lines.get(root, 1), reason, whole_file=True))
        return report
    category = []
    for element in root.findall("question"):
        line = lines.get(element, 0)
        source_type = element.get("type", "")
        if source_type == "category":
            category = category_path(element.findtext("category/text") or "")
            continue
        q = _Question(element, line, report.warnings)
        reader = READERS.get(source_type)
        if not source_type:
            reason = about(
                q.name,
                _("Question “%(name)s” has no type."),
                _("The question has no type."),
            )
            report.problems.append(Problem(line, reason))
        elif reader is None:
            name = q.name or default_name(element.findtext("questiontext/text") or "")
            reason = unsupported_reason(source_type)
            report.skipped.append(Skipped(line, source_type, name, reason))
        else:
            try:
                question = _read(q, reader, category)
            except Invalid as invalid:
                report.problems.append(Problem(line, invalid.reason(q.name)))
                continue
            problems = check_question(question)
            report.problems.extend(Problem(line, reason) for reason in problems)
            if not problems:  # an unusable question never reaches the bank
                report.questions.append(question)
    return report


def _read(q, reader, category):
    q.load_files()  # first, so that SVG images leave the HTML read below
    question_type, spec = reader(q)
    prompt = q.html(q.element.find("questiontext"), block=True)
    if "passage" in spec:  # the bank lists and results show the text, gaps blank
        prompt = blank_gaps(spec["passage"])
    mark = (q.element.findtext("defaultgrade") or "").strip() or "1"
    if question_type == "description":
        mark = "1"  # never counted; Moodle's 0 is not a mark Relais accepts
    return ImportedQuestion(
        type=question_type,
        name=q.name or default_name(prompt),
        prompt=prompt,
        explanation=q.html(q.element.find("generalfeedback"), block=True),
        spec=spec,
        category=list(category),
        tags=[
            tag.text.strip()
            for tag in q.element.findall("tags/tag/text")
            if tag.text and tag.text.strip()
        ],
        mark=q.number(mark, "mark"),
        line=q.line,
        images=q.images,
    )


# Export


def export_moodle_xml(questions) -> bytes:
    """Moodle XML (UTF-8) for ImportedQuestion-shaped questions; a category
    element precedes each change of category, as Moodle writes them."""
    quiz = ET.Element("quiz")
    category = None
    for question in questions:
        if question.category != category:
            category = list(question.category)
            element = ET.SubElement(quiz, "question", type="category")
            _text(ET.SubElement(element, "category"), category_text(category))
        quiz.append(_question_element(question))
    ET.indent(quiz)
    body = ET.tostring(quiz, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _question_element(question):
    source_type, write = WRITERS[question.type]
    element = ET.Element("question", type=source_type)
    images = question.images or {}
    everywhere = [question.prompt, question.explanation, *_strings(question.spec)]
    # Moodle looks for a file next to the text that shows it; files shown nowhere
    # go with the question text so they are not lost.
    unused = [name for name in images if not any(_shows(t, name) for t in everywhere)]
    _text(ET.SubElement(element, "name"), question.name)
    _field(element, "questiontext", question.prompt, images, unused)
    _field(element, "generalfeedback", question.explanation, images)
    _simple(element, "defaultgrade", _number(question.mark))
    write(element, question, images)
    if question.tags:
        tags = ET.SubElement(element, "tags")
        for tag in question.tags:
            _text(ET.SubElement(tags, "tag"), tag)
    return element


def _write_choices(element, question, images):
    spec = question.spec
    _simple(element, "single", "true" if question.type == "single" else "false")
    _simple(element, "shuffleanswers", _bool(spec.get("shuffle", True)))
    _simple(element, "answernumbering", "abc")
    for choice in spec["choices"]:
        answer = _field(element, "answer", choice["text"], images)
        answer.set("fraction", _percent(choice["fraction"]))
        _field(answer, "feedback", choice.get("feedback", ""), images)


def _write_truefalse(element, question, images):
    spec = question.spec
    for value, word in ((True, "true"), (False, "false")):
        right = "100" if bool(spec["correct"]) == value else "0"
        answer = ET.SubElement(
            element, "answer", fraction=right, format="moodle_auto_format"
        )
        _text(answer, word)
        feedback = spec.get("feedback_true" if value else "feedback_false", "")
        _field(answer, "feedback", feedback, images)


def _write_short(element, question, images):
    _simple(element, "usecase", "1" if question.spec.get("case_sensitive") else "0")
    for item in question.spec["answers"]:
        fraction_ = _percent(item["fraction"])
        answer = ET.SubElement(
            element, "answer", fraction=fraction_, format="moodle_auto_format"
        )
        _text(answer, item["text"])
        _field(answer, "feedback", item.get("feedback", ""), images)


def _write_numeric(element, question, images):
    for item in question.spec["answers"]:
        fraction_ = _percent(item["fraction"])
        answer = ET.SubElement(
            element, "answer", fraction=fraction_, format="moodle_auto_format"
        )
        _text(answer, _number(item["value"]))
        _field(answer, "feedback", item.get("feedback", ""), images)
        _simple(answer, "tolerance", _number(item.get("tolerance", 0)))
    unit = question.spec.get("unit", "")
    if unit:
        entry = ET.SubElement(ET.SubElement(element, "units"), "unit")
        _simple(entry, "multiplier", "1")
        _simple(entry, "unit_name", unit)
    # Units shown next to the field and not graded (Moodle's "units not used").
    _simple(element, "unitgradingtype", "0")
    _simple(element, "unitpenalty", "0.1000000")
    _simple(element, "showunits", "3")
    _simple(element, "unitsleft", "0")


def _write_matching(element, question, images):
    _simple(element, "shuffleanswers", _bool(question.spec.get("shuffle", True)))
    for pair in question.spec["pairs"]:
        subquestion = _field(element, "subquestion", pair["prompt"], images)
        _text(ET.SubElement(subquestion, "answer"), pair["answer"])


def _write_ordering(element, question, images):
    for tag, value in (
        ("layouttype", "VERTICAL"),
        ("selecttype", "ALL"),
        ("selectcount", "0"),
        ("gradingtype", "ABSOLUTE_POSITION"),
        ("showgrading", "SHOW"),
    ):
        _simple(element, tag, value)
    for position, item in enumerate(question.spec["items"], 1):
        answer = _field(element, "answer", item["text"], images)
        answer.set("fraction", f"{position}.0000000")


def _write_essay(element, question, images):
    spec = question.spec
    for tag, value in (
        ("responseformat", "plain"),
        ("responserequired", "1"),
        ("responsefieldlines", "10"),
        ("attachments", "0"),
        ("attachmentsrequired", "0"),
    ):
        _simple(element, tag, value)
    _field(element, "graderinfo", spec.get("graderinfo", ""), images)
    template = ET.SubElement(element, "responsetemplate", format="plain")
    _text(template, spec.get("template", ""))


def _write_description(element, question, images):
    element.find("defaultgrade").text = "0"


def _write_cloze(element, question, images):
    # Moodle keeps the gaps inside the question text: the text written above
    # (blanks, for lists) gives way to the passage with its gaps spelled out.
    node = element.find("questiontext")
    node.find("text").text = _NOT_XML.sub("", write_cloze(question.spec))


def _write_gapselect(element, question, images):
    spec = question.spec
    element.set("type", "ddwtos" if spec.get("dragged") else "gapselect")
    element.find("questiontext").find("text").text = _NOT_XML.sub(
        "", spec.get("passage", "")
    )
    _simple(element, "shuffleanswers", "1" if spec.get("shuffle", True) else "0")
    tag = "dragbox" if spec.get("dragged") else "selectoption"
    for choice in spec["choices"]:
        option = ET.SubElement(element, tag)
        _text(option, choice["text"])
        _simple(option, "group", str(choice.get("group", 1)))
        if spec.get("dragged"):
            ET.SubElement(option, "infinite")


WRITERS = {
    "essay": ("essay", _write_essay),
    "description": ("description", _write_description),
    "cloze": ("cloze", _write_cloze),
    "gapselect": ("gapselect", _write_gapselect),
    "single": ("multichoice", _write_choices),
    "multiple": ("multichoice", _write_choices),
    "truefalse": ("truefalse", _write_truefalse),
    "short": ("shortanswer", _write_short),
    "numeric": ("numerical", _write_numeric),
    "matching": ("matching", _write_matching),
    "ordering": ("ordering", _write_ordering),
}

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent, value):
    ET.SubElement(parent, "text").text = _NOT_XML.sub("", value or "")


def _simple(parent, tag, value):
    ET.SubElement(parent, tag).text = value


def _field(parent, tag, html, images, extra=()):
    """A text field in HTML with the files it shows, as Moodle exports them."""
    node = ET.SubElement(parent, tag, format="html")
    _text(node, html)
    for name in [n for n in images if _shows(html, n)] + list(extra):
        folder, _sep, filename = name.rpartition("/")
        path = f"/{folder}/" if folder else "/"
        file = ET.SubElement(node, "file", name=filename, path=path, encoding="base64")
        file.text = base64.b64encode(images[name]).decode("ascii")
    return node


def _shows(html, name):
    return f"{PLUGINFILE}{name}" in html or f"{PLUGINFILE}{quote(name)}" in html


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _bool(value):
    return "true" if value else "false"


def _number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _percent(value):
    """33.33333 for 0.3333333, -50 for -0.5, as Moodle writes weights."""
    text = f"{float(value) * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _max_pixels():
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)


def _pixels(content):
    """Width x height from the image's header (nothing is decoded); 0 for what is no
    image Pillow knows, which the image screen then judges."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return float("inf")
    except (OSError, ValueError, SyntaxError):
        return 0
    return width * height
