"""Question files in and out: Moodle XML (import and export) and GIFT (import).

Importers return an ``ImportReport`` of neutral ``ImportedQuestion`` objects; the
database layer decides what to do with them. The only Django used here is gettext,
for the messages to the trainer (built while a file is read, in the active language).
"""

from .common import (
    QUESTION_TYPES,
    ImportedQuestion,
    ImportReport,
    Problem,
    Skipped,
    decode,
    without_ids,
)
from .gift import parse_gift
from .moodle import export_moodle_xml, parse_moodle_xml

__all__ = [
    "QUESTION_TYPES",
    "ImportReport",
    "ImportedQuestion",
    "Problem",
    "Skipped",
    "decode",
    "export_moodle_xml",
    "parse_gift",
    "parse_moodle_xml",
    "without_ids",
]
