"""Moodle's embedded answers (Cloze): gaps written inside the question text, as
``{weight:TYPE:=right#feedback~%50%half~wrong}``.

The grammar is Moodle's (question/type/multianswer): TYPE is SHORTANSWER (SA, MW),
SHORTANSWER_C (SAC, MWC, case matters), NUMERICAL (NM, answers ``value:tolerance``)
or MULTICHOICE in any layout (MC, MCV, MCH, and their shuffled ``S`` forms); ``=``
marks a right answer and ``%n%`` a share of the gap's credit; ``\\}``, ``\\~``,
``\\#``, ``\\/``, ``\\"`` and ``\\\\`` are the characters themselves. A gap becomes
``{#n}`` in the stored passage, as Moodle stores it.
"""

import html
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .common import fraction, new_id, to_number

KINDS = {
    **dict.fromkeys(("SHORTANSWER", "SA", "MW"), ("short", False)),
    **dict.fromkeys(("SHORTANSWER_C", "SAC", "MWC"), ("short", True)),
    **dict.fromkeys(("NUMERICAL", "NM"), ("numeric", False)),
    **dict.fromkeys(
        (
            "MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH",
            "MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS",
        ),
        ("choice", False),
    ),
    **dict.fromkeys(
        ("MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS",
         "MULTIRESPONSE_HS", "MRHS"),
        ("several", False),
    ),
}  # fmt: skip
GAP = re.compile(r"\{(\d*):([A-Z_]+)(?::(.*?))?(?<!\\)\}", re.DOTALL)
_ALTERNATIVES = re.compile(r"(?<!\\)~")
_FEEDBACK = re.compile(r"(?<![\\&])#")  # "&#39;" is an entity, not feedback
_ESCAPED = re.compile(r"\\([}~#/\"\\])")
_STORED = re.compile(r"\{#(\d+)\}")


@dataclass
class ClozeError:
    """Why a gap cannot be used: two sentences (naming the question or not) with
    %(number)s for the gap, as ``common.Invalid`` takes them."""

    named: str
    unnamed: str
    values: dict = field(default_factory=dict)


def _plain(text):
    return html.unescape(_ESCAPED.sub(r"\1", text)).strip()


def _gap(kind_name, body):
    kind, case_sensitive = KINDS[kind_name]
    if kind == "several":
        return ClozeError(
            _(
                "Question “%(name)s”: gap %(number)s lets learners tick several "
                "answers (MULTIRESPONSE), which Relais does not take yet."
            ),
            _(
                "The question's gap %(number)s lets learners tick several answers "
                "(MULTIRESPONSE), which Relais does not take yet."
            ),
        )
    answers = []
    for alternative in _ALTERNATIVES.split(body or ""):
        if not alternative.strip():
            continue
        credit = 0.0
        if alternative.startswith("="):
            credit, alternative = 1.0, alternative[1:]
        elif match := re.match(r"%(-?\d+(?:[.,]\d*)?)%", alternative):
            credit = fraction(match.group(1).replace(",", "."))
            alternative = alternative[match.end() :]
        parts = _FEEDBACK.split(alternative, maxsplit=1)
        text, feedback = parts[0], parts[1] if len(parts) > 1 else ""
        answer = {
            "id": new_id(),
            "text": _plain(text),
            "tolerance": 0.0,
            "fraction": credit,
            "feedback": _ESCAPED.sub(r"\1", feedback).strip(),
        }
        if kind == "numeric" and answer["text"] != "*":
            value, _colon, tolerance = answer["text"].partition(":")
            try:
                answer["text"] = _number_text(to_number(value))
                answer["tolerance"] = abs(to_number(tolerance or "0"))
            except ValueError:
                return ClozeError(
                    _(
                        "Question “%(name)s”: gap %(number)s has an answer that is "
                        "not a number: “%(value)s”."
                    ),
                    _(
                        "The question's gap %(number)s has an answer that is not a "
                        "number: “%(value)s”."
                    ),
                    {"value": answer["text"]},
                )
        if answer["text"] != "*":  # Moodle's "any other answer", only for feedback
            answers.append(answer)
    if not answers:
        return ClozeError(
            _("Question “%(name)s”: gap %(number)s has no answers."),
            _("The question's gap %(number)s has no answers."),
        )
    if kind == "choice" and len(answers) < 2:
        return ClozeError(
            _("Question “%(name)s”: gap %(number)s offers fewer than two choices."),
            _("The question's gap %(number)s offers fewer than two choices."),
        )
    if max(answer["fraction"] for answer in answers) < 1:
        return ClozeError(
            _(
                "Question “%(name)s”: gap %(number)s has no fully correct answer "
                "(100%%)."
            ),
            _("The question's gap %(number)s has no fully correct answer (100%%)."),
        )
    return {
        "id": new_id(),
        "kind": kind,
        "case_sensitive": case_sensitive,
        "answers": answers,
    }


def _number_text(value):
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def parse_cloze(text):
    """(passage with ``{#n}`` gaps, [gap spec or ClozeError, in order])."""
    gaps = []

    def replace(match):
        weight, kind_name, body = match.groups()
        if kind_name not in KINDS:
            return match.group(0)  # not a gap: text that looks like one
        gap = _gap(kind_name, body)
        if not isinstance(gap, ClozeError):
            gap["weight"] = max(1, int(weight or 1))
        gaps.append(gap)
        return f"{{#{len(gaps)}}}"

    return GAP.sub(replace, text or ""), gaps


def blank_gaps(passage):
    """The passage with each gap as a numbered blank, for lists and results."""
    passage = _STORED.sub(lambda m: f"({m.group(1)}) ______", passage or "")
    return re.sub(r"\[\[(\d+)\]\]", lambda m: f"({m.group(1)}) ______", passage)


def _escape(text):
    return re.sub(r"([}~#/\"\\])", r"\\\1", html.escape(str(text), quote=False))


def write_cloze(spec):
    """The passage with its gaps spelled out in Moodle's syntax again."""
    gaps = spec.get("gaps") or []

    def gap_text(match):
        number = int(match.group(1))
        if not 1 <= number <= len(gaps):
            return ""
        gap = gaps[number - 1]
        kind = {
            "short": "SHORTANSWER_C" if gap.get("case_sensitive") else "SHORTANSWER",
            "numeric": "NUMERICAL",
            "choice": "MULTICHOICE",
        }[gap["kind"]]
        alternatives = []
        for answer in gap["answers"]:
            credit = answer["fraction"]
            prefix = "=" if credit >= 1 else f"%{round(credit * 100, 5):g}%"
            value = _escape(answer["text"])
            if gap["kind"] == "numeric" and answer.get("tolerance"):
                value += f":{answer['tolerance']:g}"
            feedback = answer.get("feedback") or ""
            alternatives.append(
                prefix + value + (f"#{_escape(feedback)}" if feedback else "")
            )
        return f"{{{gap.get('weight', 1)}:{kind}:{'~'.join(alternatives)}}}"

    return _STORED.sub(gap_text, spec.get("passage") or "")
