"""Question types. Another plugin adds one with ``register_question_type``.

A type holds a question's *spec* (plain JSON: its choices, answers, pairs, each with
a stable ``id``), edits it through a Wagtail block, reads a learner's response from
form fields (the same for a plain form post and for autosave), and grades it. Grading
happens here, on the server only: ``present`` never hands out fractions or feedback.
"""

import html
import math
import random
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

_types: dict[str, "QuestionType"] = {}


class InvalidResponse(ValueError):
    """A response that cannot belong to this question (unknown option, wrong type)."""


@dataclass
class Grade:
    fraction: float  # 0..1 of the question's mark
    feedback: list[str] = field(default_factory=list)  # HTML, per chosen answer
    needs_review: bool = False


def register_question_type(question_type):
    _types[question_type.name] = question_type
    return question_type


def question_type(name):
    return _types[name]


def question_types():
    return dict(_types)


def items(spec, key):
    return spec.get(key) or []


def by_id(spec, key):
    return {item["id"]: item for item in items(spec, key)}


def _rich(label):
    return blocks.RichTextBlock(
        label=label, features=["bold", "italic", "link", "image"], required=False
    )


def _credit():
    """The share of the question's points an accepted answer earns."""
    return blocks.FloatBlock(
        label=_("Credit (0 to 1)"), default=1, min_value=0, max_value=1
    )


def _feedback():
    return blocks.RichTextBlock(
        label=_("Feedback for this answer"),
        features=["bold", "italic", "link"],
        required=False,
    )


class QuestionType:
    name = ""
    label = ""
    template = ""
    shuffles = ""  # the spec list shown in a learner-specific order, if any
    graded = True  # False: text between questions, no answer, no mark
    inline_text = False  # its template shows the text (with gaps in it) itself
    tallies = True  # item analysis counts its most frequent answers

    def block(self):
        """The StructBlock trainers edit the answers with."""
        raise NotImplementedError

    def order(self, spec, shuffle):
        """Display order of the shuffled list's ids, fixed for the attempt."""
        ids = [item["id"] for item in items(spec, self.shuffles)]
        if shuffle and spec.get("shuffle", True):
            random.shuffle(ids)
        return ids

    def present(self, spec, order):
        """What the learner's page may show: texts and ids, never the key."""
        raise NotImplementedError

    def read(self, spec, data, prefix):
        """The response in ``data`` (a QueryDict) under ``prefix``; None if blank."""
        raise NotImplementedError

    def grade(self, spec, response) -> Grade:
        raise NotImplementedError

    def right_answer(self, spec) -> str:
        """The correct answer as text, shown when the quiz allows it."""
        return "; ".join(self.right_lines(spec))

    def right_lines(self, spec) -> list[str]:
        """The correct answer as the learner saw the question: one line per part
        (a pair, an item in its place), plain text in the learner's language."""
        raise NotImplementedError

    def answer_lines(self, spec, response) -> list[str]:
        """A response as the learner gave it, in the same words as ``right_lines``;
        [] if there is none."""
        return [] if response is None else [str(response)]

    def options(self, spec):
        """(id, label) of each option, for item analysis; [] if free text."""
        return []

    def chosen(self, response):
        """Option ids a response picked, for item analysis."""
        return []

    def is_right(self, spec, option):
        """Whether an option of ``options`` earns credit (marked in item analysis)."""
        return False

    def summary(self, spec, response):
        """A response as short text, for trainers' reviews and exports."""
        return "; ".join(self.answer_lines(spec, response))

    def guidance(self, spec):
        """What a trainer marking an answer is told beyond the accepted answers."""
        return ""


def _plain(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()


_ALT = re.compile(r'<(?:img|embed)\b[^>]*\balt="([^"]*)"', re.IGNORECASE)


def _shown(html_text):
    """Rich text as a line of plain text: its words, else its pictures' text
    alternatives, else "(a picture)", so a choice made of an image is not blank."""
    text = html.unescape(_plain(html_text))
    if text:
        return text
    alternatives = [html.unescape(a).strip() for a in _ALT.findall(html_text or "")]
    return ", ".join(filter(None, alternatives)) or _g("(a picture)")


def number_format(value):
    """A number as the learner's language writes it: 3,5 in French."""
    return formats.number_format(f"{value:g}" if isinstance(value, float) else value)


class SingleChoice(QuestionType):
    name = "single"
    label = _("Single choice")
    template = "relais_quizzes/types/choice.html"
    shuffles = "choices"
    multiple = False

    def block(self):
        return blocks.StructBlock(
            [
                (
                    "choices",
                    blocks.ListBlock(
                        blocks.StructBlock(
                            [
                                ("text", _rich(_("Answer"))),
                                (
                                    "fraction",
                                    blocks.FloatBlock(
                                        label=_("Credit (1 = right, 0 = wrong)"),
                                        default=0,
                                        min_value=-1,
                                        max_value=1,
                                    ),
                                ),
                                ("feedback", _feedback()),
                            ]
                        ),
                        label=_("Answers"),
                        min_num=2,
                    ),
                ),
                (
                    "shuffle",
                    blocks.BooleanBlock(
                        label=_("Shuffle the answers"), required=False, default=True
                    ),
                ),
            ],
            label=self.label,
        )

    def present(self, spec, order):
        choices = by_id(spec, "choices")
        return {
            "multiple": self.multiple,
            "choices": [
                {"id": i, "text": choices[i]["text"]} for i in order if i in choices
            ],
        }

    def read(self, spec, data, prefix):
        value = data.get(prefix)
        if not value:
            return None
        if value not in by_id(spec, "choices"):
            raise InvalidResponse(_g("This answer is not one of the choices."))
        return value

    def grade(self, spec, response):
        choice = by_id(spec, "choices").get(response)
        if choice is None:
            return Grade(0)
        return Grade(max(0.0, choice["fraction"]), _feedback_of([choice]))

    def right_lines(self, spec):
        best = max(items(spec, "choices"), key=lambda choice: choice["fraction"])
        return [_shown(best["text"])]

    def options(self, spec):
        return [(c["id"], _shown(c["text"])) for c in items(spec, "choices")]

    def chosen(self, response):
        # A response saved under another version of the question may be a list.
        return [response] if isinstance(response, str) and response else []

    def is_right(self, spec, option):
        return by_id(spec, "choices").get(option, {}).get("fraction", 0) > 0

    def answer_lines(self, spec, response):
        picked = set(self.chosen(response))
        # In the choices' own order, whatever order they were ticked in.
        return [_shown(c["text"]) for c in items(spec, "choices") if c["id"] in picked]


def _feedback_of(chosen):
    return [item["feedback"] for item in chosen if item.get("feedback")]


class MultipleChoice(SingleChoice):
    """Several answers may be right. Partial credit (Moodle's rule): the credits of
    the chosen answers are added, wrong ones count negative, the total kept within
    0..1. All or nothing: full marks only for exactly the right set."""

    name = "multiple"
    label = _("Multiple choice")
    multiple = True

    def block(self):
        block = super().block()
        child_blocks = dict(block.child_blocks)
        child_blocks["scoring"] = blocks.ChoiceBlock(
            label=_("Scoring"),
            choices=[
                ("partial", _("Partial credit (credits of the chosen answers)")),
                ("all_or_nothing", _("All or nothing")),
            ],
            default="partial",
        )
        return blocks.StructBlock(list(child_blocks.items()), label=self.label)

    def read(self, spec, data, prefix):
        values = data.getlist(prefix)
        if not values:
            return None
        known = by_id(spec, "choices")
        if any(value not in known for value in values) or len(set(values)) != len(
            values
        ):
            raise InvalidResponse(_g("These answers are not all among the choices."))
        return sorted(values)

    def grade(self, spec, response):
        choices = by_id(spec, "choices")
        chosen = [choices[i] for i in response or [] if i in choices]
        if spec.get("scoring") == "all_or_nothing":
            right = {c["id"] for c in choices.values() if c["fraction"] > 0}
            fraction = 1.0 if {c["id"] for c in chosen} == right else 0.0
        else:
            fraction = min(1.0, max(0.0, sum(c["fraction"] for c in chosen)))
        return Grade(round(fraction, 7), _feedback_of(chosen))

    def right_lines(self, spec):
        return [_shown(c["text"]) for c in items(spec, "choices") if c["fraction"] > 0]

    def chosen(self, response):
        return (
            [i for i in response if isinstance(i, str)]
            if isinstance(response, list)
            else []
        )


class TrueFalse(QuestionType):
    name = "truefalse"
    label = _("True or false")
    template = "relais_quizzes/types/truefalse.html"

    def block(self):
        return blocks.StructBlock(
            [
                (
                    "correct",
                    blocks.BooleanBlock(
                        label=_("The statement is true"), required=False
                    ),
                ),
                (
                    "feedback_true",
                    blocks.RichTextBlock(
                        label=_("Feedback when answered true"), required=False
                    ),
                ),
                (
                    "feedback_false",
                    blocks.RichTextBlock(
                        label=_("Feedback when answered false"), required=False
                    ),
                ),
            ],
            label=self.label,
        )

    def order(self, spec, shuffle):
        return []

    def present(self, spec, order):
        return {}

    def read(self, spec, data, prefix):
        value = data.get(prefix)
        if not value:
            return None
        if value not in ("true", "false"):
            raise InvalidResponse(_g("Answer true or false."))
        return value == "true"

    def grade(self, spec, response):
        if response is None:
            return Grade(0)
        feedback = spec.get("feedback_true" if response else "feedback_false")
        return Grade(
            1.0 if response == bool(spec.get("correct")) else 0.0,
            [feedback] if feedback else [],
        )

    def right_lines(self, spec):
        return [_g("True") if spec.get("correct") else _g("False")]

    def answer_lines(self, spec, response):
        if not isinstance(response, bool):
            return []
        return [_g("True") if response else _g("False")]

    def options(self, spec):
        return [(True, _g("True")), (False, _g("False"))]

    def chosen(self, response):
        return [response] if isinstance(response, bool) else []

    def is_right(self, spec, option):
        return option == bool(spec.get("correct"))


def fold(text, case_sensitive=False):
    """Compare answers as people mean them: accents, case and spacing aside."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\s+", " ", text).strip().replace("\u2019", "'")
    return text if case_sensitive else text.casefold()


class ShortText(QuestionType):
    """A few words typed in. Accepted answers compare without accents, case or extra
    spaces; ``*`` matches anything (as in Moodle). With ``review``, an answer matching
    none is left to a trainer instead of being marked wrong."""

    name = "short"
    label = _("Short text")
    template = "relais_quizzes/types/short.html"

    def block(self):
        return blocks.StructBlock(
            [
                (
                    "answers",
                    blocks.ListBlock(
                        blocks.StructBlock(
                            [
                                ("text", blocks.CharBlock(label=_("Accepted answer"))),
                                ("fraction", _credit()),
                                ("feedback", _feedback()),
                            ]
                        ),
                        label=_("Accepted answers"),
                        min_num=1,
                    ),
                ),
                (
                    "case_sensitive",
                    blocks.BooleanBlock(label=_("Case matters"), required=False),
                ),
                (
                    "review",
                    blocks.BooleanBlock(
                        label=_("A trainer reviews answers that match none"),
                        required=False,
                    ),
                ),
            ],
            label=self.label,
        )

    def order(self, spec, shuffle):
        return []

    def present(self, spec, order):
        return {}

    def read(self, spec, data, prefix):
        value = (data.get(prefix) or "").strip()
        if len(value) > 500:
            raise InvalidResponse(_g("This answer is too long (500 characters)."))
        return value or None

    def match(self, spec, response):
        case = bool(spec.get("case_sensitive"))
        given = fold(response, case)
        for answer in sorted(
            items(spec, "answers"), key=lambda answer: -answer["fraction"]
        ):
            if _wildcard_match(fold(answer["text"], case).split("*"), given):
                return answer
        return None

    def grade(self, spec, response):
        if not response:
            return Grade(0)
        answer = self.match(spec, response)
        if answer is None:
            return Grade(0, needs_review=bool(spec.get("review")))
        return Grade(answer["fraction"], _feedback_of([answer]))

    def right_lines(self, spec):
        answers = [a for a in items(spec, "answers") if a["fraction"] >= 1]
        return [" / ".join(a["text"] for a in answers)]


def _wildcard_match(parts, text):
    """``*``-separated ``parts`` match the whole of ``text``, in linear time (a
    regular expression of several ``.*`` backtracks for minutes on long answers)."""
    if len(parts) == 1:
        return parts[0] == text
    first, *middle, last = parts
    if not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    if position > end:
        return False
    for part in middle:
        found = text.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def parse_number(text):
    """A number as people type it: "3,5" or "3.5", spaces as thousand separators."""
    cleaned = re.sub(r"[\s\u202f\u00a0]", "", text or "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class Numeric(QuestionType):
    name = "numeric"
    label = _("Number")
    template = "relais_quizzes/types/numeric.html"

    def block(self):
        return blocks.StructBlock(
            [
                (
                    "answers",
                    blocks.ListBlock(
                        blocks.StructBlock(
                            [
                                ("value", blocks.FloatBlock(label=_("Value"))),
                                (
                                    "tolerance",
                                    blocks.FloatBlock(
                                        label=_("Accepted error (±)"),
                                        default=0,
                                        min_value=0,
                                    ),
                                ),
                                ("fraction", _credit()),
                                ("feedback", _feedback()),
                            ]
                        ),
                        label=_("Accepted values"),
                        min_num=1,
                    ),
                ),
                (
                    "unit",
                    blocks.CharBlock(
                        label=_("Unit shown after the field"),
                        required=False,
                        max_length=20,
                    ),
                ),
            ],
            label=self.label,
        )

    def order(self, spec, shuffle):
        return []

    def present(self, spec, order):
        return {"unit": spec.get("unit", "")}

    def read(self, spec, data, prefix):
        value = (data.get(prefix) or "").strip()
        if not value:
            return None
        if parse_number(value) is None:
            raise InvalidResponse(_g("Type a number, for example 3.5 or 3,5."))
        return value

    def grade(self, spec, response):
        number = parse_number(response)
        if number is None:
            return Grade(0)
        for answer in sorted(items(spec, "answers"), key=lambda a: -a["fraction"]):
            # A tiny epsilon so 0.1 + 0.2 style rounding never fails a right answer.
            if abs(number - answer["value"]) <= answer["tolerance"] + 1e-9:
                return Grade(answer["fraction"], _feedback_of([answer]))
        return Grade(0)

    def right_lines(self, spec):
        best = max(items(spec, "answers"), key=lambda answer: answer["fraction"])
        unit = spec.get("unit", "")
        value = number_format(best["value"])
        tolerance = (
            f" ± {number_format(best['tolerance'])}" if best["tolerance"] else ""
        )
        return [f"{value}{tolerance} {unit}".strip()]

    def answer_lines(self, spec, response):
        if response is None:
            return []
        number = parse_number(response)
        shown = response if number is None else number_format(number)
        return [f"{shown} {spec.get('unit', '')}".strip()]


class Matching(QuestionType):
    """Each prompt goes with one answer. A pair without a prompt is a distractor:
    its answer is offered but belongs to nothing."""

    name = "matching"
    label = _("Matching")
    template = "relais_quizzes/types/matching.html"
    shuffles = "pairs"

    def block(self):
        return blocks.StructBlock(
            [
                (
                    "pairs",
                    blocks.ListBlock(
                        blocks.StructBlock(
                            [
                                ("prompt", _rich(_("Item (empty: a distractor)"))),
                                ("answer", blocks.CharBlock(label=_("Its match"))),
                            ]
                        ),
                        label=_("Pairs"),
                        min_num=2,
                    ),
                ),
                (
                    "shuffle",
                    blocks.BooleanBlock(
                        label=_("Shuffle"), required=False, default=True
                    ),
                ),
            ],
            label=self.label,
        )

    def _prompts(self, spec):
        return [pair for pair in items(spec, "pairs") if _plain(pair["prompt"])]

    def present(self, spec, order):
        pairs = by_id(spec, "pairs")
        answers, seen = [], set()
        for pair_id in order:  # the same answer text is offered once
            answer = pairs[pair_id]["answer"] if pair_id in pairs else None
            if answer is not None and answer not in seen:
                seen.add(answer)
                answers.append({"id": pair_id, "text": answer})
        return {
            "prompts": [
                {"id": p["id"], "text": p["prompt"]} for p in self._prompts(spec)
            ],
            "answers": answers,
        }

    def read(self, spec, data, prefix):
        pairs = by_id(spec, "pairs")
        response = {}
        for prompt in self._prompts(spec):
            value = data.get(f"{prefix}-{prompt['id']}")
            if value:
                if value not in pairs:
                    raise InvalidResponse(_g("This match is not one of the choices."))
                response[prompt["id"]] = value
        return response or None

    def grade(self, spec, response):
        pairs = by_id(spec, "pairs")
        prompts = self._prompts(spec)
        right = sum(
            1
            for prompt in prompts
            if (response or {}).get(prompt["id"]) in pairs
            and pairs[response[prompt["id"]]]["answer"] == prompt["answer"]
        )
        return Grade(round(right / len(prompts), 7) if prompts else 0)

    def right_lines(self, spec):
        return [f"{_shown(p['prompt'])} → {p['answer']}" for p in self._prompts(spec)]

    def answer_lines(self, spec, response):
        if not isinstance(response, dict):
            return []
        pairs = by_id(spec, "pairs")
        return [
            f"{_shown(p['prompt'])} → "
            + (
                pairs[response[p["id"]]]["answer"]
                if response.get(p["id"]) in pairs
                else _g("(no answer)")
            )
            for p in self._prompts(spec)
        ]


class Ordering(QuestionType):
    """Put items in order. Credit is the share of items in their right place."""

    name = "ordering"
    label = _("Ordering")
    template = "relais_quizzes/types/ordering.html"
    shuffles = "items"

    def block(self):
        return blocks.StructBlock(
            [
                (
                    "items",
                    blocks.ListBlock(
                        blocks.StructBlock([("text", _rich(_("Item")))]),
                        label=_("Items, in the right order"),
                        min_num=2,
                    ),
                )
            ],
            label=self.label,
        )

    def order(self, spec, shuffle):
        ids = [item["id"] for item in items(spec, "items")]
        shuffled = ids[:]
        while len(ids) > 1 and shuffled == ids:  # never shown already solved
            random.shuffle(shuffled)
        return shuffled

    def present(self, spec, order):
        texts = by_id(spec, "items")
        return {
            "items": [{"id": i, "text": texts[i]["text"]} for i in order if i in texts],
            "positions": range(1, len(texts) + 1),
        }

    def read(self, spec, data, prefix):
        """Each item gets a position number (a select: works with a keyboard). Kept
        as {item id: position}, so a half-done order saves as it is."""
        known = [item["id"] for item in items(spec, "items")]
        positions = {}
        for item_id in known:
            value = data.get(f"{prefix}-{item_id}")
            if value:
                if not value.isdigit() or not 1 <= int(value) <= len(known):
                    raise InvalidResponse(_g("A position is out of range."))
                positions[item_id] = int(value)
        return positions or None

    def grade(self, spec, response):
        known = [item["id"] for item in items(spec, "items")]
        response = response or {}
        right = sum(1 for i, item in enumerate(known) if response.get(item) == i + 1)
        return Grade(round(right / len(known), 7) if known else 0)

    def right_lines(self, spec):
        return [
            f"{place}. {_shown(item['text'])}"
            for place, item in enumerate(items(spec, "items"), start=1)
        ]

    def answer_lines(self, spec, response):
        if not isinstance(response, dict):
            return []
        placed = sorted(
            (place, index, item)
            for index, item in enumerate(items(spec, "items"))
            if isinstance(place := response.get(item["id"]), int)
        )
        unplaced = [item for item in items(spec, "items") if item["id"] not in response]
        return [f"{place}. {_shown(item['text'])}" for place, _i, item in placed] + [
            _g("Not placed: %(item)s") % {"item": _shown(item["text"])}
            for item in unplaced
        ]


class Description(QuestionType):
    """Text between questions (Moodle's "description"): nothing to answer."""

    name = "description"
    label = _("Description (text only)")
    template = "relais_quizzes/types/description.html"
    graded = False
    tallies = False

    def block(self):
        return blocks.StructBlock([], label=self.label)

    def order(self, spec, shuffle):
        return []

    def present(self, spec, order):
        return {}

    def read(self, spec, data, prefix):
        return None

    def grade(self, spec, response):
        return Grade(1.0)  # its mark is 0: it never counts

    def right_lines(self, spec):
        return []


class Essay(QuestionType):
    """Free text, marked by a trainer: every answer goes to the review queue, and
    the attempt's completion waits for that mark, as a short answer's does."""

    name = "essay"
    label = _("Essay (marked by a trainer)")
    template = "relais_quizzes/types/essay.html"
    tallies = False
    longest = 20_000

    def block(self):
        return blocks.StructBlock(
            [
                (
                    "graderinfo",
                    blocks.RichTextBlock(
                        label=_("Guidance for the trainer who marks it"),
                        features=["bold", "italic", "ol", "ul", "link"],
                        required=False,
                    ),
                ),
                (
                    "template",
                    blocks.TextBlock(
                        label=_("Text the answer field starts with"), required=False
                    ),
                ),
            ],
            label=self.label,
        )

    def order(self, spec, shuffle):
        return []

    def present(self, spec, order):
        return {"template": spec.get("template", ""), "longest": self.longest}

    def read(self, spec, data, prefix):
        value = (data.get(prefix) or "").strip()
        if len(value) > self.longest:
            raise InvalidResponse(
                _g("This answer is too long (%(count)s characters).")
                % {"count": self.longest}
            )
        if value == (spec.get("template") or "").strip():
            return None  # the starting text alone is no answer
        return value or None

    def grade(self, spec, response):
        return Grade(0, needs_review=bool(response))

    def right_lines(self, spec):
        return []

    def guidance(self, spec):
        return _plain(spec.get("graderinfo", ""))


GAP = re.compile(r"\{#(\d+)\}")  # a cloze gap in the passage, as Moodle stores it
SLOT = re.compile(r"\[\[(\d+)\]\]")  # a gap of drag and drop / select missing words


def _segments(passage, pattern, gap):
    """The passage cut at its gaps: {"html": ...} pieces and {"gap": gap(number)}."""
    parts, position = [], 0
    for match in pattern.finditer(passage or ""):
        parts.append({"html": passage[position : match.start()]})
        parts.append({"gap": gap(int(match.group(1)))})
        position = match.end()
    parts.append({"html": (passage or "")[position:]})
    return [part for part in parts if part.get("gap") or part["html"]]


def _passage_block(help_text):
    return blocks.RichTextBlock(
        label=_("Text with its gaps"),
        features=["bold", "italic", "link", "image"],
        help_text=help_text,
    )


class Cloze(QuestionType):
    """Embedded answers (Moodle's Cloze, "multianswer"): a passage with gaps, each a
    short answer, a number or a choice from a list, with its own weight. The credit
    is the weighted share of the gaps' credits."""

    name = "cloze"
    label = _("Embedded answers (Cloze)")
    template = "relais_quizzes/types/gaps.html"
    inline_text = True
    kinds = ("short", "numeric", "choice")

    def block(self):
        return blocks.StructBlock(
            [
                (
                    "passage",
                    _passage_block(
                        _("Write {#1}, {#2}… where each gap below goes, in order.")
                    ),
                ),
                (
                    "gaps",
                    blocks.ListBlock(
                        blocks.StructBlock(
                            [
                                (
                                    "kind",
                                    blocks.ChoiceBlock(
                                        label=_("Kind"),
                                        choices=[
                                            ("short", _("Short text")),
                                            ("numeric", _("Number")),
                                            ("choice", _("Choice from a list")),
                                        ],
                                    ),
                                ),
                                (
                                    "weight",
                                    blocks.IntegerBlock(
                                        label=_("Weight"), default=1, min_value=1
                                    ),
                                ),
                                (
                                    "case_sensitive",
                                    blocks.BooleanBlock(
                                        label=_("Case matters"), required=False
                                    ),
                                ),
                                (
                                    "answers",
                                    blocks.ListBlock(
                                        blocks.StructBlock(
                                            [
                                                (
                                                    "text",
                                                    blocks.CharBlock(label=_("Answer")),
                                                ),
                                                (
                                                    "tolerance",
                                                    blocks.FloatBlock(
                                                        label=_("Accepted error (±)"),
                                                        default=0,
                                                        min_value=0,
                                                    ),
                                                ),
                                                ("fraction", _credit()),
                                                ("feedback", _feedback()),
                                            ]
                                        ),
                                        label=_("Answers"),
                                        min_num=1,
                                    ),
                                ),
                            ]
                        ),
                        label=_("Gaps"),
                        min_num=1,
                    ),
                ),
            ],
            label=self.label,
        )

    def order(self, spec, shuffle):
        return []

    def _gaps(self, spec):
        return items(spec, "gaps")

    def present(self, spec, order):
        gaps = self._gaps(spec)

        def gap(number):
            if not 1 <= number <= len(gaps):
                return {"missing": True}
            found = gaps[number - 1]
            return {
                "key": found["id"],
                "label": _g("Gap %(number)s") % {"number": number},
                "numeric": found["kind"] == "numeric",
                "options": [
                    {"id": a["id"], "text": a["text"]} for a in items(found, "answers")
                ]
                if found["kind"] == "choice"
                else [],
            }

        return {"segments": _segments(spec.get("passage"), GAP, gap)}

    def read(self, spec, data, prefix):
        response = {}
        for gap in self._gaps(spec):
            value = (data.get(f"{prefix}-{gap['id']}") or "").strip()
            if not value:
                continue
            if len(value) > 500:
                raise InvalidResponse(_g("This answer is too long (500 characters)."))
            if gap["kind"] == "choice" and value not in by_id(gap, "answers"):
                raise InvalidResponse(_g("This answer is not one of the choices."))
            if gap["kind"] == "numeric" and parse_number(value) is None:
                raise InvalidResponse(_g("Type a number, for example 3.5 or 3,5."))
            response[gap["id"]] = value
        return response or None

    def _answer(self, gap, value):
        """The gap's answer that ``value`` earns, or None."""
        if value is None:
            return None
        answers = sorted(items(gap, "answers"), key=lambda a: -a["fraction"])
        if gap["kind"] == "choice":
            return by_id(gap, "answers").get(value)
        if gap["kind"] == "numeric":
            number = parse_number(value)
            for answer in answers:
                expected = parse_number(answer["text"])
                if (
                    number is not None
                    and expected is not None
                    and abs(number - expected) <= answer.get("tolerance", 0) + 1e-9
                ):
                    return answer
            return None
        return ShortText().match(
            {"answers": answers, "case_sensitive": gap.get("case_sensitive")}, value
        )

    def grade(self, spec, response):
        gaps = self._gaps(spec)
        total = sum(gap.get("weight", 1) for gap in gaps)
        earned, chosen = 0.0, []
        for gap in gaps:
            answer = self._answer(gap, (response or {}).get(gap["id"]))
            if answer is not None:
                earned += gap.get("weight", 1) * max(0.0, answer["fraction"])
                chosen.append(answer)
        return Grade(round(earned / total, 7) if total else 0, _feedback_of(chosen))

    def _shown(self, gap, value):
        if gap["kind"] == "choice":
            answer = by_id(gap, "answers").get(value)
            return answer["text"] if answer else value
        if gap["kind"] == "numeric":
            number = parse_number(value)
            return value if number is None else number_format(number)
        return value

    def right_lines(self, spec):
        lines = []
        for number, gap in enumerate(self._gaps(spec), start=1):
            best = max(items(gap, "answers"), key=lambda a: a["fraction"], default=None)
            if best is None:
                continue
            shown = self._shown(
                gap, best["id"] if gap["kind"] == "choice" else best["text"]
            )
            if gap["kind"] == "numeric" and best.get("tolerance"):
                shown += f" ± {number_format(best['tolerance'])}"
            lines.append(f"{number}. {shown}")
        return lines

    def answer_lines(self, spec, response):
        if not isinstance(response, dict):
            return []
        return [
            f"{number}. "
            + (
                self._shown(gap, response[gap["id"]])
                if gap["id"] in response
                else _g("(no answer)")
            )
            for number, gap in enumerate(self._gaps(spec), start=1)
        ]


class GapSelect(QuestionType):
    """Words to put in the gaps of a passage (Moodle's "select missing words" and
    "drag and drop into text"): gap [[n]] takes the n-th word, chosen among the
    words of its group. On a phone, and with a keyboard, each gap is a list to
    choose from rather than something to drag. Credit: the share of gaps right."""

    name = "gapselect"
    label = _("Words in the gaps of a text")
    template = "relais_quizzes/types/gaps.html"
    inline_text = True
    shuffles = "choices"

    def block(self):
        return blocks.StructBlock(
            [
                (
                    "passage",
                    _passage_block(
                        _("Write [[1]], [[2]]… where the 1st, 2nd… word below goes.")
                    ),
                ),
                (
                    "choices",
                    blocks.ListBlock(
                        blocks.StructBlock(
                            [
                                ("text", blocks.CharBlock(label=_("Word"))),
                                (
                                    "group",
                                    blocks.IntegerBlock(
                                        label=_(
                                            "Group (a gap offers its group's words)"
                                        ),
                                        default=1,
                                        min_value=1,
                                    ),
                                ),
                            ]
                        ),
                        label=_("Words, the right one of each gap first"),
                        min_num=1,
                    ),
                ),
                (
                    "shuffle",
                    blocks.BooleanBlock(
                        label=_("Shuffle the words"), required=False, default=True
                    ),
                ),
                (
                    "dragged",
                    blocks.BooleanBlock(
                        label=_("Drag and drop in Moodle (kept for export)"),
                        required=False,
                    ),
                ),
            ],
            label=self.label,
        )

    def gap_numbers(self, spec):
        return sorted({int(n) for n in SLOT.findall(spec.get("passage") or "")})

    def _right(self, spec, number):
        choices = items(spec, "choices")
        return choices[number - 1] if 1 <= number <= len(choices) else None

    def _options(self, spec, number, order=None):
        right = self._right(spec, number)
        if right is None:
            return []
        choices = by_id(spec, "choices")
        ids = order if order else list(choices)
        seen, options = set(), []
        for choice_id in ids:
            choice = choices.get(choice_id)
            same_group = choice and choice.get("group", 1) == right.get("group", 1)
            if same_group and choice["text"] not in seen:  # each word offered once
                seen.add(choice["text"])
                options.append(choice)
        return options

    def present(self, spec, order):
        def gap(number):
            return {
                "key": str(number),
                "label": _g("Gap %(number)s") % {"number": number},
                "options": [
                    {"id": c["id"], "text": c["text"]}
                    for c in self._options(spec, number, order)
                ],
            }

        return {"segments": _segments(spec.get("passage"), SLOT, gap)}

    def read(self, spec, data, prefix):
        response = {}
        for number in self.gap_numbers(spec):
            value = data.get(f"{prefix}-{number}")
            if not value:
                continue
            if value not in {c["id"] for c in self._options(spec, number)}:
                raise InvalidResponse(_g("This answer is not one of the choices."))
            response[str(number)] = value
        return response or None

    def _is_right(self, spec, number, value):
        right = self._right(spec, number)
        chosen = by_id(spec, "choices").get(value)
        return bool(right and chosen and chosen["text"] == right["text"])

    def grade(self, spec, response):
        numbers = self.gap_numbers(spec)
        right = sum(
            1 for n in numbers if self._is_right(spec, n, (response or {}).get(str(n)))
        )
        return Grade(round(right / len(numbers), 7) if numbers else 0)

    def right_lines(self, spec):
        return [
            f"{n}. {self._right(spec, n)['text']}"
            for n in self.gap_numbers(spec)
            if self._right(spec, n)
        ]

    def answer_lines(self, spec, response):
        if not isinstance(response, dict):
            return []
        choices = by_id(spec, "choices")
        return [
            f"{n}. "
            + (
                choices[response[str(n)]]["text"]
                if response.get(str(n)) in choices
                else _g("(no answer)")
            )
            for n in self.gap_numbers(spec)
        ]


for _type in (
    SingleChoice(),
    MultipleChoice(),
    TrueFalse(),
    ShortText(),
    Numeric(),
    Matching(),
    Ordering(),
    Essay(),
    Cloze(),
    GapSelect(),
    Description(),
):
    register_question_type(_type)
