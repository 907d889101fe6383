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


for _type in (
    SingleChoice(),
    MultipleChoice(),
    TrueFalse(),
    ShortText(),
    Numeric(),
    Matching(),
    Ordering(),
):
    register_question_type(_type)
