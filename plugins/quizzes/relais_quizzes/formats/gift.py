"""GIFT question files, read the way Moodle's own GIFT format reads them: questions
are separated by blank lines, "//" lines are comments, the answers sit between one
pair of braces, and \\: \\~ \\= \\# \\{ \\} \\\\ \\n are escapes.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .common import (
    ImportedQuestion,
    ImportReport,
    Invalid,
    Problem,
    Skipped,
    about,
    category_path,
    check_question,
    decode,
    default_name,
    fraction,
    new_id,
    plain_to_html,
    unsupported_reason,
)

# Escaped characters are swapped for private-use characters while the question is
# cut into parts, then put back in each part.
_ESCAPED = {"\\": "\ue000", ":": "\ue001", "#": "\ue002", "=": "\ue003"}
_ESCAPED |= {"{": "\ue004", "}": "\ue005", "~": "\ue006", "n": "\ue007"}
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_UNESCAPE = str.maketrans(
    {hidden: "\n" if char == "n" else char for char, hidden in _ESCAPED.items()}
)
_TAG = re.compile(r"\[tag:([^\]]+)\]")
_FORMAT = re.compile(r"\s*\[(html|moodle|plain|markdown)\]")
_WEIGHT = re.compile(r"\s*%([^%]*)%")
BLANK = "_____"  # where the answer goes in a "missing word" question


@dataclass
class _Block:
    line: int  # where the block starts
    lines: list[str]  # comment lines kept empty, so positions still give lines
    tags: list[str] = field(default_factory=list)

    def line_of(self, text, position):
        return self.line + text.count("\n", 0, position)


def _blocks(text):
    """Questions as Moodle cuts them: at blank lines. Tags come from "// [tag:x]"
    comments in the question or just above it."""
    block, tags = None, []
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line.startswith("//"):
            found = [tag.strip() for tag in _TAG.findall(line)]
            if block:
                block.lines.append("")
                block.tags += found
            else:
                tags += found
            continue
        if not line or line.startswith("$CATEGORY:"):
            if block:
                yield block
            block, tags = None, []
            if line:  # a category line stands alone, even without a blank line
                yield _Block(number, [line])
            continue
        if block is None:
            block, tags = _Block(number, [], tags), []
        block.lines.append(line)
    if block:
        yield block


def parse_gift(data: bytes) -> ImportReport:
    """Read a GIFT file. Never raises for bad input: what is wrong is in the
    report's problems, each with the line where its question starts."""
    text, warnings = decode(data)
    report = ImportReport(warnings=warnings)
    category = []
    for block in _blocks(text.replace("\r\n", "\n").replace("\r", "\n")):
        first = block.lines[0]
        if first.startswith("$CATEGORY:"):
            category = category_path(first.removeprefix("$CATEGORY:"))
            continue
        result = _read(block, category, report.warnings)
        if isinstance(result, Problem):
            report.problems.append(result)
            continue
        if isinstance(result, Skipped):
            report.skipped.append(result)
            continue
        problems = check_question(result)
        report.problems.extend(Problem(block.line, reason) for reason in problems)
        if not problems:  # an unusable question never reaches the bank
            report.questions.append(result)
    return report


def _read(block, category, warnings):
    """The question in a block: an ImportedQuestion, a Skipped, or the Problem that
    makes it unusable."""
    text = _ESCAPE.sub(lambda m: _ESCAPED[m.group(1)], "\n".join(block.lines))
    name, start = "", 0
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            reason = _("The question title is not closed with “::”.")
            return Problem(block.line, reason)
        name, start = _restore(text[2:end]), end + 2
    try:
        braces = _braces(text, start, block)
    except Invalid as invalid:
        return Problem(block.line, invalid.reason(name))
    head = text[start : braces[0] if braces else len(text)]
    tail = text[braces[1] + 1 :] if braces else ""
    text_format, head = _format(head.lstrip(), "moodle")
    # As in Moodle: text after the answers makes a "missing word" question.
    prompt = _html(head + BLANK + tail if tail.strip() else head, text_format, True)
    name = name or default_name(prompt)
    if not braces:
        return Skipped(
            block.line, "description", name, unsupported_reason("description")
        )
    answers, _sep, general = text[braces[0] + 1 : braces[1]].partition("####")
    answers = answers.strip()
    if not answers:
        return Skipped(block.line, "essay", name, unsupported_reason("essay"))
    notes = []
    try:
        question_type, spec = _reader(answers)(answers, text_format, notes)
    except Invalid as invalid:
        return Problem(block.line, invalid.reason(name))
    # Notes are (named, unnamed) sentence pairs, like an Invalid's.
    warnings += [about(name, *note, line=block.line) for note in notes]
    general_format, general = _format(general, text_format)
    return ImportedQuestion(
        type=question_type,
        name=name,
        prompt=prompt,
        explanation=_html(general, general_format, True),
        spec=spec,
        category=list(category),
        tags=block.tags,
        line=block.line,
    )


def _braces(text, start, block):
    """Positions of the answer block's braces, None for a question without one."""
    opening, closing = text.find("{", start), text.find("}", start)
    if opening == -1 and closing == -1:
        return None
    if opening == -1 or -1 < closing < opening:
        raise Invalid(
            _("Question “%(name)s” has a “}” on line %(line)s with no “{” before it."),
            _("The question has a “}” on line %(line)s with no “{” before it."),
            line=block.line_of(text, closing),
        )
    if closing == -1 or "{" in text[opening + 1 : closing]:
        raise Invalid(
            _("Question “%(name)s” has a “{” on line %(line)s that is never closed."),
            _("The question has a “{” on line %(line)s that is never closed."),
            line=block.line_of(text, opening),
        )
    if "{" in text[closing + 1 :] or "}" in text[closing + 1 :]:
        raise Invalid(
            _(
                "Question “%(name)s” has more than one answer block (write other "
                "braces as \\{ and \\})."
            ),
            _(
                "The question has more than one answer block (write other braces "
                "as \\{ and \\})."
            ),
        )
    return opening, closing


def _reader(answers):
    """Moodle's order of guesses, from the answers' text alone."""
    if answers.startswith("#"):
        return _numeric
    if "~" in answers:
        return _choices
    if "=" in answers and "->" in answers:
        return _matching
    if answers.partition("#")[0].strip().upper() in ("T", "TRUE", "F", "FALSE"):
        return _truefalse
    return _short


def _choices(answers, text_format, notes):
    choices = []
    for marker, body in _split(answers, "~="):
        weight, body = _weight(body, 1.0 if marker == "=" else 0.0)
        text, _sep, feedback = body.partition("#")
        choices.append(
            {
                "id": new_id(),
                "text": _fragment(text, text_format),
                "fraction": weight,
                "feedback": _fragment(feedback, text_format),
            }
        )
    # As in Moodle: a "=" means one right answer; weights alone mean several.
    if "=" in answers:
        return "single", {"choices": choices, "shuffle": True}
    return "multiple", {"choices": choices, "shuffle": True, "scoring": "partial"}


def _matching(answers, text_format, notes):
    pairs = []
    for _marker, body in _split(answers, "="):
        left, arrow, right = body.partition("->")
        if not arrow:
            raise Invalid(
                _("Question “%(name)s” has a pair without “->”: “%(pair)s”."),
                _("The question has a pair without “->”: “%(pair)s”."),
                pair=_restore(body).strip(),
            )
        pairs.append(
            {
                "id": new_id(),
                "prompt": _fragment(left, text_format),
                "answer": _restore(right).strip(),
            }
        )
    return "matching", {"pairs": pairs, "shuffle": True}


def _truefalse(answers, text_format, notes):
    word, _sep, feedback = answers.partition("#")
    correct = word.strip().upper() in ("T", "TRUE")
    # {T#shown if wrong#shown if right}, as Moodle reads it.
    wrong, _sep, right = feedback.partition("#")
    wrong, right = _fragment(wrong, text_format), _fragment(right, text_format)
    return "truefalse", {
        "correct": correct,
        "feedback_true": right if correct else wrong,
        "feedback_false": wrong if correct else right,
    }


def _short(answers, text_format, notes):
    items = []
    for _marker, body in _split(answers, "="):
        weight, body = _weight(body, 1.0)
        text, _sep, feedback = body.partition("#")
        items.append(
            {
                "id": new_id(),
                "text": _restore(text).strip(),
                "fraction": weight,
                "feedback": _fragment(feedback, text_format),
            }
        )
    return "short", {"answers": items, "case_sensitive": False, "review": False}


def _numeric(answers, text_format, notes):
    answers, tilde, _rest = answers[1:].partition("~")
    if tilde:
        notes.append(
            (
                _(
                    "The feedback for any other answer of question “%(name)s” "
                    "(line %(line)s) was not kept."
                ),
                _(
                    "The feedback for any other answer of the question on line "
                    "%(line)s was not kept."
                ),
            )
        )
    items = []
    for _marker, body in _split(answers, "="):
        weight, body = _weight(body, 1.0)
        text, _sep, feedback = body.partition("#")
        value, tolerance = _number(_restore(text).strip())
        items.append(
            {
                "id": new_id(),
                "value": value,
                "tolerance": tolerance,
                "fraction": weight,
                "feedback": _fragment(feedback, text_format),
            }
        )
    return "numeric", {"answers": items, "unit": ""}


def _number(text):
    """(value, tolerance) from "1822:5" or "3.141..3.142" (midpoint, half-width);
    decimals keep the range's arithmetic exact."""
    low, dots, high = text.partition("..")
    try:
        if dots:
            low, high = Decimal(low), Decimal(high)
            value, tolerance = (low + high) / 2, abs(high - low) / 2
        else:
            value, _sep, tolerance = text.partition(":")
            value, tolerance = Decimal(value), Decimal(tolerance or "0")
    except InvalidOperation as error:
        raise _not_a_number(text) from error
    if not (value.is_finite() and tolerance.is_finite()):
        raise _not_a_number(text)
    return float(value), float(tolerance)


def _not_a_number(text):
    return Invalid(
        _("Question “%(name)s” has an answer that is not a number: “%(value)s”."),
        _("The question has an answer that is not a number: “%(value)s”."),
        value=text,
    )


def _split(answers, markers):
    """(marker, text) of each answer; text before the first marker counts as an
    answer without one, as Moodle reads it."""
    parts = re.split(f"([{markers}])", answers)
    found = list(zip(parts[1::2], parts[2::2], strict=True))
    return [("", parts[0]), *found] if parts[0].strip() else found


def _weight(body, default):
    match = _WEIGHT.match(body)
    if not match:
        return default, body
    try:
        return fraction(_restore(match.group(1))), body[match.end() :]
    except ValueError as error:
        raise Invalid(
            _("Question “%(name)s” has a weight that is not a number: “%(value)s”."),
            _("The question has a weight that is not a number: “%(value)s”."),
            value=match.group(1),
        ) from error


def _format(text, default):
    match = _FORMAT.match(text)
    return (match.group(1), text[match.end() :]) if match else (default, text)


def _fragment(text, default_format):
    text_format, text = _format(text, default_format)
    return _html(text, text_format, False)


def _html(text, text_format, block):
    text = _restore(text).strip()
    return text if text_format == "html" else plain_to_html(text, block=block)


def _restore(text):
    return text.translate(_UNESCAPE)
