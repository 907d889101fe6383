"""Moodle XML and GIFT question files: the pure-Python readers and writer.

Inline samples cover each type; the real files in ../shared/quizzes (described in its
README) are checked when that folder is present. Messages are checked in English (the
test settings speak French), and once in French.
"""

import io
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "quizzes"

try:
    import relais_quizzes  # noqa: F401
except ImportError:  # the plugin is not installed in this environment yet
    sys.path.insert(0, str(REPO / "plugins" / "quizzes"))

from relais_quizzes.formats import (  # noqa: E402
    ImportedQuestion,
    decode,
    export_moodle_xml,
    parse_gift,
    parse_moodle_xml,
    without_ids,
)

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="the shared real question files are not here"
)

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def in_english():
    """Messages are built in the active language: English for these assertions."""
    with translation.override("en"):
        yield


def shared(name):
    return (SHARED / name).read_bytes()


def types(report):
    return Counter(question.type for question in report.questions)


def named(report, name):
    return next(question for question in report.questions if question.name == name)


def gift(text):
    return parse_gift(text.encode())


def moodle(questions_xml):
    document = f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{questions_xml}</quiz>'
    return parse_moodle_xml(document.encode())


# Decoding


def test_utf8_with_a_byte_order_mark_decodes_without_warning():
    assert decode("\ufeffDag Hammarskjöld".encode()) == ("Dag Hammarskjöld", [])


def test_a_file_not_in_utf8_is_read_as_windows_1252_with_a_warning_naming_the_line():
    text, warnings = decode("line one\n« aöd »".encode("cp1252"))
    assert text == "line one\n« aöd »"
    assert warnings == [
        "Decoded as Windows-1252 (the file is not UTF-8, first on line 2)."
    ]


# GIFT, inline samples


def test_gift_single_choice_keeps_choices_weights_and_feedback():
    report = gift("::Tomb::Who is buried in Grant's tomb?{=Grant#Yes ~no one#No}")
    assert report.ok
    [question] = report.questions
    assert (question.type, question.name) == ("single", "Tomb")
    assert question.prompt == "<p>Who is buried in Grant's tomb?</p>"
    assert without_ids(question.spec) == {
        "choices": [
            {"text": "Grant", "fraction": 1.0, "feedback": "Yes"},
            {"text": "no one", "fraction": 0.0, "feedback": "No"},
        ],
        "shuffle": True,
    }
    assert question.line == 1 and question.mark == 1.0
    assert all(len(choice["id"]) == 32 for choice in question.spec["choices"])


def test_gift_weights_without_an_equals_sign_make_a_multiple_choice():
    report = gift("Pick two {~%50%a ~%50%b ~%-100%c ~%33.33333%d}")
    [question] = report.questions
    assert question.type == "multiple"
    assert question.spec["scoring"] == "partial"
    assert [c["fraction"] for c in question.spec["choices"]] == [
        0.5,
        0.5,
        -1.0,
        0.3333333,
    ]


def test_gift_true_false_feedback_follows_moodle_wrong_then_right():
    report = gift("The sun rises in the West.{F#Look east.#Right, it sets there.}")
    [question] = report.questions
    assert question.spec == {
        "correct": False,
        "feedback_true": "Look east.",
        "feedback_false": "Right, it sets there.",
    }
    [question] = gift("Grant was buried in New York.{TRUE#No#Yes}").questions
    assert question.spec == {
        "correct": True,
        "feedback_true": "Yes",
        "feedback_false": "No",
    }


def test_gift_equals_answers_alone_make_a_short_answer():
    [question] = gift("Two plus two equals {=four =%50%for#Spelling}").questions
    assert question.type == "short"
    assert without_ids(question.spec) == {
        "answers": [
            {"text": "four", "fraction": 1.0, "feedback": ""},
            {"text": "for", "fraction": 0.5, "feedback": "Spelling"},
        ],
        "case_sensitive": False,
        "review": False,
    }


def test_gift_numeric_reads_tolerances_ranges_and_weights():
    report = gift(
        "Born?{#1822:5}\n\nPi?{#3.141..3.142}\n\nAgain?{#\n=1822:0\n=%50%1822:2\n}"
    )
    assert report.ok
    tolerance, interval, weighted = (q.spec["answers"] for q in report.questions)
    assert (tolerance[0]["value"], tolerance[0]["tolerance"]) == (1822.0, 5.0)
    assert (interval[0]["value"], interval[0]["tolerance"]) == (3.1415, 0.0005)
    assert [(a["tolerance"], a["fraction"]) for a in weighted] == [
        (0.0, 1.0),
        (2.0, 0.5),
    ]
    assert [q.spec["unit"] for q in report.questions] == ["", "", ""]


def test_gift_matching_pairs_prompts_with_answers():
    [question] = gift("Capitals {=Canada -> Ottawa =Italy -> Rome}").questions
    assert question.type == "matching"
    assert without_ids(question.spec) == {
        "pairs": [
            {"prompt": "Canada", "answer": "Ottawa"},
            {"prompt": "Italy", "answer": "Rome"},
        ],
        "shuffle": True,
    }


def test_gift_text_after_the_answers_makes_a_missing_word_question():
    [question] = gift("Moodle costs {~lots =nothing} to download.").questions
    assert question.type == "single"
    assert question.prompt == "<p>Moodle costs _____ to download.</p>"


def test_gift_escapes_formats_general_feedback_and_tags_are_read():
    report = gift(
        "// [tag:maths]\n"
        "::A \\: B::[html]<b>x \\= 1</b> \\{ok\\} \\\\ \\#{\n"
        "// [tag:easy]\n"
        "=[plain]<yes> \\~ 1#[html]<i>well</i>\n"
        "~no####[markdown]**see** the course\n"
        "}"
    )
    [question] = report.questions
    assert question.name == "A : B"
    assert question.prompt == "<b>x = 1</b> {ok} \\ #"
    assert question.spec["choices"][0]["text"] == "&lt;yes&gt; ~ 1"
    assert question.spec["choices"][0]["feedback"] == "<i>well</i>"
    assert question.explanation == "<p>**see** the course</p>"
    assert question.tags == ["maths", "easy"]


def test_gift_untitled_question_is_named_after_the_start_of_its_text():
    [question] = gift("x" * 70 + " {T}").questions
    assert question.name == "x" * 60


def test_gift_categories_drop_the_moodle_context_and_top():
    report = gift("$CATEGORY: $course$/top/Foo/Bar\n\nQ1 {T}\n\n$CATEGORY: Baz\nQ2 {F}")
    assert [q.category for q in report.questions] == [["Foo", "Bar"], ["Baz"]]
    assert [q.line for q in report.questions] == [3, 6]


def test_gift_essay_and_description_are_listed_as_skipped_never_dropped():
    report = gift("::Bio::Write a biography. {}\n\n// note\nUse paper for these.")
    assert report.ok and report.questions == []
    assert [(s.line, s.type, s.name) for s in report.skipped] == [
        (1, "essay", "Bio"),
        (4, "description", "Use paper for these."),
    ]
    assert all(s.reason.endswith(".") for s in report.skipped)


def test_gift_unclosed_brace_is_a_problem_on_its_line_and_other_questions_still_read():
    report = gift("Good {T}\n\n// comment\n::Broken::Which one?\n{=a ~b\n\nNext {F}")
    assert not report.ok
    assert [p.line for p in report.problems] == [4]
    assert "“{” on line 5 that is never closed" in report.problems[0].reason
    assert "Broken" in report.problems[0].reason
    assert len(report.questions) == 2


def test_gift_problem_in_a_question_without_a_name_says_the_question():
    report = gift("Which one?\n{=a ~b")
    assert [(p.line, p.reason) for p in report.problems] == [
        (1, "The question has a “{” on line 2 that is never closed.")
    ]


def test_problems_and_warnings_come_out_in_the_active_language():
    nbsp = "\u00a0"
    with translation.override("fr"):
        report = gift("Good {T}\n\n::Broken::Which one?\n{=a ~b\n\n::Q::Born? {#x}")
        numeric = moodle(
            """<question type="numerical"><name><text>N</text></name>
              <questiontext><text>How many?</text></questiontext>
              <answer fraction="100"><text>1</text></answer>
              <answer fraction="0"><text>*</text></answer></question>"""
        )
    assert [(p.line, p.reason) for p in report.problems] == [
        (
            3,
            f"La question «{nbsp}Broken{nbsp}» contient une accolade «{nbsp}{{{nbsp}» "
            "à la ligne 4 qui n'est jamais fermée.",
        ),
        (
            6,
            f"La question «{nbsp}Q{nbsp}» a une réponse qui n'est pas un "
            f"nombre{nbsp}: «{nbsp}x{nbsp}».",
        ),
    ]
    assert numeric.warnings == [
        "Le commentaire pour toute autre réponse de la question "
        f"«{nbsp}N{nbsp}» (ligne 3) n'a pas été conservé."
    ]


def test_gift_closing_brace_without_opening_is_a_problem():
    report = gift("Which one? =a ~b}")
    assert [p.line for p in report.problems] == [1]
    assert "no “{” before it" in report.problems[0].reason


def test_gift_choice_without_a_right_answer_is_a_problem():
    report = gift("\n::Q::Pick {~a ~b}")
    assert [(p.line, p.reason) for p in report.problems] == [
        (2, "Question “Q” has no correct choice (positive weight).")
    ]


def test_gift_numeric_answer_that_is_not_a_number_is_a_problem():
    report = gift("::Q::Born? {#eighteen:5}")
    assert [(p.line, p.reason) for p in report.problems] == [
        (1, "Question “Q” has an answer that is not a number: “eighteen:5”.")
    ]


def test_gift_unclosed_title_is_a_problem():
    assert gift("::Title Which one? {T}").problems[0].line == 1


# GIFT, real files


@needs_shared
def test_real_french_gift_bank_imports_every_question_into_its_category():
    report = parse_gift(shared("gift/RGIFTParser__test_fr.gift"))
    assert report.ok and report.warnings == [] and report.skipped == []
    assert types(report) == {"single": 28, "multiple": 11}
    assert {tuple(q.category) for q in report.questions} == {
        ("IDEA", section)
        for section in (
            "Alerte-Investigation",
            "Schemas",
            "Biostatistiques",
            "Surveillance",
            "Enquetes",
            "EpidemiesVaccins",
            "Environnement",
        )
    }


@needs_shared
def test_real_french_gift_weights_stay_exact():
    report = parse_gift(shared("gift/RGIFTParser__test_fr.gift"))
    signals = named(report, "AI-types_signaux").spec["choices"]
    assert [c["fraction"] for c in signals] == [0.3333333] * 3 + [-0.5] * 2
    surveillance = named(report, "Surv-objectifs").spec["choices"]
    assert [c["fraction"] for c in surveillance] == [-1.0, 0.25, 0.25, 0.25, 0.25]


@needs_shared
def test_real_french_gift_keeps_accents_typographic_quotes_and_escapes():
    report = parse_gift(shared("gift/RGIFTParser__test_fr.gift"))
    definition = named(report, "Schema-PR-def_epi")
    assert "Dans la définition d’épidémiologie, les termes « distribution »" in (  # noqa: RUF001
        definition.prompt
    )
    assert definition.prompt.endswith("se rapportent à :")
    assert "Si alpha = 5%, cela signifie que :" in (
        named(report, "Stat-PR-signif_prevalence").prompt
    )
    assert "<i>Salmonella</i>" in named(report, "AI-taux_attaque").prompt
    witnesses = named(report, "Schema-PR-Temoins").spec["choices"]
    assert witnesses[0]["text"] == (
        "<p>être représentatif de la population dont sont issus les cas</p>"
    )
    plain = named(report, "AI-types_signaux")
    assert plain.prompt == (
        "<p>Quels types de signaux alimentent le dispositif de veille sanitaire ?</p>"
    )


@needs_shared
def test_real_gift_features_file_imports_or_reports_every_question():
    report = parse_gift(shared("gift/pygiftparser__gift_file_categories.txt"))
    assert report.ok
    assert types(report) == {
        "single": 4,
        "multiple": 1,
        "truefalse": 4,
        "short": 2,
        "matching": 1,
        "numeric": 5,
    }
    assert [(s.type, s.name) for s in report.skipped] == [
        ("essay", "Write a short biography of Dag Hammarskjöld."),
        ("description", "You can use your pencil and paper for these next math questi"),
    ]
    by_line = {q.line: q for q in report.questions}
    assert by_line[74].spec["answers"][0] | {"id": ""} == {
        "id": "",
        "value": 1822.0,
        "tolerance": 5.0,
        "fraction": 1.0,
        "feedback": "",
    }
    assert by_line[78].spec["answers"][0]["value"] == 3.1415
    assert by_line[78].spec["answers"][0]["tolerance"] == 0.0005
    partial = by_line[8].spec["choices"]
    assert [(c["fraction"], c["feedback"]) for c in partial][:2] == [
        (-1.0, "Nooo, no es válido"),
        (0.5, "Muy bien"),
    ]
    sun = named(report, "FalseStatement about sun").spec
    assert (sun["correct"], sun["feedback_true"], sun["feedback_false"]) == (
        False,
        "bien",
        "pero mal",
    )
    assert "Moodle costs _____ to download" in by_line[53].prompt
    assert by_line[41].category == ["MatchingCategory"]
    assert len(by_line[41].spec["pairs"]) == 4


@needs_shared
def test_real_windows_1252_gift_is_decoded_with_a_warning_and_the_o_umlaut_intact():
    report = parse_gift(
        shared("gift/moodle-core__questions_encoding_windows-1252.gift.txt")
    )
    assert report.ok
    assert report.warnings == [
        "Decoded as Windows-1252 (the file is not UTF-8, first on line 15)."
    ]
    [question] = report.questions
    assert question.type == "matching" and question.category == ["Default for LTTEST"]
    assert question.spec["pairs"][0]["prompt"] == "<p>aödf<br></p>"
    assert [(s.type, s.name) for s in report.skipped] == [
        ("essay", "asdf"),
        ("essay", "test daniel"),
    ]


# Moodle XML, inline samples


def test_moodle_multichoice_with_single_false_is_a_multiple_choice():
    report = moodle(
        """<question type="category"><category><text>$course$/top/A//B/C</text>
        </category></question>
        <question type="multichoice">
          <name><text>Pick</text></name>
          <questiontext format="plain_text">
            <text>1 &lt; 2 &amp; “so”</text></questiontext>
          <defaultgrade>2.0000000</defaultgrade>
          <single>false</single><shuffleanswers>0</shuffleanswers>
          <answer fraction="50" format="html"><text>&lt;b&gt;a&lt;/b&gt;</text>
            <feedback format="html"><text>ok</text></feedback></answer>
          <answer fraction="-33.33333" format="plain_text">
            <text>b &lt; c</text></answer>
          <tags><tag><text>week 1</text></tag></tags>
        </question>"""
    )
    assert report.ok
    [question] = report.questions
    assert question.category == ["A/B", "C"]
    assert question.prompt == "<p>1 &lt; 2 &amp; “so”</p>"
    assert (question.type, question.mark, question.tags) == (
        "multiple",
        2.0,
        ["week 1"],
    )
    assert without_ids(question.spec) == {
        "choices": [
            {"text": "<b>a</b>", "fraction": 0.5, "feedback": "ok"},
            {"text": "b &lt; c", "fraction": -0.3333333, "feedback": ""},
        ],
        "shuffle": False,
        "scoring": "partial",
    }
    assert question.line == 5


def test_moodle_shortanswer_numerical_and_ordering_are_read():
    report = moodle(
        """<question type="shortanswer"><name><text>S</text></name>
          <questiontext><text>Capital?</text></questiontext><usecase>1</usecase>
          <answer fraction="100"><text>Paris*</text></answer></question>
        <question type="numerical"><name><text>N</text></name>
          <questiontext><text>Length?</text></questiontext>
          <answer fraction="100"><text>1.5</text><tolerance>0.1</tolerance></answer>
          <answer fraction="0"><text>*</text></answer>
          <units><unit><multiplier>100</multiplier><unit_name>cm</unit_name></unit>
          <unit><multiplier>1</multiplier><unit_name>m</unit_name></unit></units>
        </question>
        <question type="ordering"><name><text>O</text></name>
          <questiontext><text>Order</text></questiontext>
          <answer fraction="2.0000000"><text>Object</text></answer>
          <answer fraction="1.0000000"><text>Modular</text></answer>
          <answer fraction="3.0000000"><text>Oriented</text></answer>
        </question>"""
    )
    assert report.ok
    short, numeric, ordering = report.questions
    assert short.spec["case_sensitive"] is True
    assert short.spec["answers"][0]["text"] == "Paris*"
    assert numeric.spec["unit"] == "m"
    assert [(a["value"], a["tolerance"]) for a in numeric.spec["answers"]] == [
        (1.5, 0.1)
    ]
    assert report.warnings == [
        "The feedback for any other answer of question “N” (line 6) was not kept."
    ]
    assert [i["text"] for i in ordering.spec["items"]] == [
        "Modular",
        "Object",
        "Oriented",
    ]


def test_moodle_images_are_kept_and_svg_is_drawn_as_a_png_without_its_script():
    import base64

    png = base64.b64encode(PNG).decode()
    svg = base64.b64encode(
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)' width='20' "
        b"height='10'><script>alert(2)</script><rect width='20' height='10'/></svg>"
    ).decode()
    broken = base64.b64encode(b"<svg><rect></svg>").decode()
    report = moodle(
        f"""<question type="truefalse"><name><text>Flags</text></name>
          <questiontext format="html"><text><![CDATA[<p>
          <img src="@@PLUGINFILE@@/a%20b.png">
          <img alt="x" src="@@PLUGINFILE@@/evil.png">
          <img alt="y" src="@@PLUGINFILE@@/broken.svg"></p>]]></text>
          <file name="a b.png" path="/" encoding="base64">{png}</file>
          <file name="evil.png" path="/" encoding="base64">{svg}</file>
          <file name="broken.svg" path="/" encoding="base64">{broken}</file>
          </questiontext>
          <answer fraction="100"><text>true</text></answer>
          <answer fraction="0"><text>false</text></answer></question>"""
    )
    [question] = report.questions
    assert question.images["a b.png"] == PNG
    drawn = question.images["evil.png"]
    assert drawn.startswith(b"\x89PNG") and b"alert" not in drawn
    assert Image.open(io.BytesIO(drawn)).size == (20, 10)
    assert "broken" not in question.images and "broken" not in question.prompt
    assert '<img alt="x" src="@@PLUGINFILE@@/evil.png">' in question.prompt
    assert report.warnings == [
        "Image broken.svg was removed from question “Flags” (line 3): it is an SVG "
        "picture that cannot be drawn."
    ]


def _png_header(width, height):
    """A PNG that says it is ``width`` x ``height`` (only its header is real)."""
    import struct
    import zlib

    def chunk(kind, data):
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [13_000, 40_000])  # 169 and 1,600 megapixels
def test_moodle_image_larger_than_the_image_screen_allows_is_removed(side):
    import base64

    huge = base64.b64encode(_png_header(side, side)).decode()
    report = moodle(
        f"""<question type="truefalse"><name><text>Carte</text></name>
          <questiontext format="html"><text><![CDATA[<p>
          <img src="@@PLUGINFILE@@/carte.png"></p>]]></text>
          <file name="carte.png" path="/" encoding="base64">{huge}</file></questiontext>
          <answer fraction="100"><text>true</text></answer>
          <answer fraction="0"><text>false</text></answer></question>"""
    )
    [question] = report.questions
    assert question.images == {}
    assert report.warnings == [
        "Image carte.png was removed from question “Carte” (line 3): it has more "
        "than 128 million pixels."
    ]


def test_moodle_single_choice_without_a_right_answer_is_a_problem_with_its_line():
    report = moodle(
        """<question type="multichoice"><name><text>Q</text></name>
          <questiontext><text>Which?</text></questiontext>
          <answer fraction="50"><text>a</text></answer>
          <answer fraction="0"><text>b</text></answer></question>"""
    )
    assert [(p.line, p.reason) for p in report.problems] == [
        (3, "Question “Q” has no fully correct choice (100%).")
    ]


def test_moodle_numerical_answer_that_is_not_a_number_is_a_problem():
    report = moodle(
        """<question type="numerical"><name><text>N</text></name>
          <questiontext><text>How many?</text></questiontext>
          <answer fraction="100"><text>zero</text></answer></question>"""
    )
    assert [(p.line, p.reason) for p in report.problems] == [
        (3, "Question “N” has an answer that is not a number: “zero”.")
    ]


def test_moodle_question_without_text_is_a_problem():
    report = moodle(
        """<question type="truefalse"><name><text>Empty</text></name>
          <answer fraction="100"><text>true</text></answer></question>"""
    )
    assert [p.reason for p in report.problems] == ["Question “Empty” has no text."]


def test_moodle_unknown_type_is_skipped_with_its_name():
    report = moodle(
        '<question type="ddmarker"><name><text>Map</text></name></question>'
    )
    assert report.ok
    assert [(s.line, s.type, s.name) for s in report.skipped] == [
        (3, "ddmarker", "Map")
    ]


def test_broken_xml_reports_the_line_of_the_error():
    report = parse_moodle_xml(
        b'<?xml version="1.0"?>\n<quiz>\n<question type="truefalse">\n'
        b"<name><text>x</name>\n</question></quiz>"
    )
    assert [(p.line, p.reason) for p in report.problems] == [
        (4, "The file is not well-formed XML (mismatched tag).")
    ]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<quiz><question type="truefalse"><name><text>&lol2;</text></name></question></quiz>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><name><text>&secret;</text></name></question></quiz>
"""


@pytest.mark.parametrize(
    ("document", "line"), [(BILLION_LAUGHS, 3), (EXTERNAL_ENTITY, 2)]
)
def test_xml_entities_are_refused_before_anything_is_read(document, line):
    report = parse_moodle_xml(document)
    assert report.questions == []
    assert [(p.line, p.reason) for p in report.problems] == [
        (line, "The file declares XML entities, which are not allowed.")
    ]


def test_a_document_that_is_not_a_quiz_is_refused():
    assert not parse_moodle_xml(b"<html><body/></html>").ok


# Moodle XML, real files


@needs_shared
def test_real_moodle_bank_imports_multichoice_and_numerical_exactly():
    report = parse_moodle_xml(shared("moodle-xml/amc2moodle__moodle-bank-exemple.xml"))
    assert report.ok
    assert types(report) == {"single": 5, "numeric": 4, "essay": 1, "description": 1}
    tolerances = [
        answer["tolerance"]
        for question in report.questions
        if question.type == "numeric"
        for answer in question.spec["answers"]
    ]
    assert tolerances == [0, 0.001, 0, 0, 0.001, 0.1]
    rounding = named(report, "num:2rounding").spec["answers"]
    assert [(a["value"], a["fraction"]) for a in rounding] == [
        (1.4142135623730951, 1.0),
        (1.4142135623730951, 0.5),
    ]
    assert named(report, "num:int").category == ["moodle2amc", "num"]
    assert named(report, "plain text").prompt == "<p>Nothing but plain text</p>"


@needs_shared
def test_real_moodle_bank_lists_unsupported_questions_by_name_and_takes_the_rest():
    report = parse_moodle_xml(shared("moodle-xml/amc2moodle__moodle-bank-exemple.xml"))
    assert [(s.type, s.name) for s in report.skipped] == [
        ("calculatedmulti", "Calculée"),
        ("calculatedmulti", "CheckComputation"),
    ]
    assert named(report, "Essai").type == "essay"
    assert named(report, "ProblemDescription").type == "description"


@needs_shared
def test_real_moodle_bank_keeps_the_png_and_draws_the_svg_as_a_png():
    report = parse_moodle_xml(shared("moodle-xml/amc2moodle__moodle-bank-exemple.xml"))
    layout = named(report, "html layout")
    assert list(layout.images) == ["4.png", "dessin.svg"]
    assert layout.images["4.png"].startswith(b"\x89PNG")
    assert layout.images["dessin.svg"].startswith(b"\x89PNG")  # drawn, not kept
    assert 'src="@@PLUGINFILE@@/4.png"' in layout.prompt
    assert "@@PLUGINFILE@@/dessin.svg" in layout.prompt
    assert report.warnings == []


@needs_shared
def test_real_nested_categories_are_rebuilt_and_the_essay_is_imported():
    report = parse_moodle_xml(
        shared("moodle-xml/moodle-core__nested_categories_with_questions.xml")
    )
    assert report.ok
    assert [(q.type, q.name, q.category) for q in report.questions] == [
        ("truefalse", "Iota Question", ["Iota"]),
        ("essay", "Kappa Essay Question", ["Iota", "Kappa"]),
        ("truefalse", "Kappa Question", ["Iota", "Kappa"]),
        ("truefalse", "Lambda Question", ["Iota", "Kappa", "Lambda"]),
        ("truefalse", "Mu Question", ["Iota", "Mu"]),
    ]
    assert all(
        q.spec["correct"] is True for q in report.questions if q.type == "truefalse"
    )
    assert report.skipped == []


@needs_shared
def test_real_matching_keeps_the_distractor_as_an_extra_answer():
    report = parse_moodle_xml(
        shared("moodle-xml/moodle-core__qtype_match_testquestion.moodle.xml")
    )
    [question] = report.questions
    assert question.explanation == "General feedback."
    assert [(p["prompt"], p["answer"]) for p in question.spec["pairs"]] == [
        ("frog", "amphibian"),
        ("cat", "mammal"),
        ("newt", "amphibian"),
        ("", "insect"),
    ]


@needs_shared
def test_real_broken_cloze_questions_are_each_refused_with_a_reason():
    report = parse_moodle_xml(
        shared("moodle-xml/moodle-core__broken_cloze_questions.xml")
    )
    assert report.questions == [] and report.readable and report.skipped == []
    assert [(p.line, p.reason) for p in report.problems] == [
        (
            4,
            "Question “Multianswer question without subquestions” has no gaps "
            "({1:SHORTANSWER:…} and the like).",
        ),
        (
            20,
            "Question “Multichoice subquestion without choices”: gap 1 has no answers.",
        ),
        (
            36,
            "Question “Multichoice subquestion with only one choice”: gap 1 offers "
            "fewer than two choices.",
        ),
        (
            52,
            "Question “Multichoice subquestion with no completely correct answer”: "
            "gap 1 has no fully correct answer (100%).",
        ),
        (
            68,
            "Question “Numerical subquestion with buggy answer”: gap 1 has an answer "
            "that is not a number: “zero”.",
        ),
    ]


@needs_shared
def test_real_cloze_with_images_is_imported_with_its_gaps_and_images():
    report = parse_moodle_xml(shared("moodle-xml/moodle-core__multianswer.xml"))
    assert report.ok and report.warnings == [] and report.skipped == []
    [cloze] = report.questions
    assert cloze.type == "cloze" and cloze.name == "cloze with images"
    gaps = cloze.spec["gaps"]
    assert [gap["kind"] for gap in gaps] == ["choice"] * 4 + ["short"]
    assert [a["text"] for a in gaps[4]["answers"]] == ["Paris", "Marseille"]
    assert "{#5}" in cloze.spec["passage"] and "(5) ______" in cloze.prompt
    assert sorted(cloze.images) == [
        "arizona_2.png",
        "california-state-flag.png",
        "moodle.png",
    ]


# Export


def every_type():
    def q(type_, name, spec, **extra):
        fields = {
            "prompt": f"<p>{name} « prompt » ’</p>",  # noqa: RUF001
            "explanation": "",
            "category": ["Maths"],
            "tags": [],
        }
        return ImportedQuestion(type=type_, name=name, spec=spec, **fields | extra)

    choice = {"id": "x", "feedback": ""}
    return [
        q(
            "single",
            "Single",
            {
                "choices": [
                    {**choice, "text": "<b>yes</b>", "fraction": 1.0, "feedback": "ok"},
                    {**choice, "text": "no &amp; never", "fraction": 0.0},
                ],
                "shuffle": False,
            },
            explanation="<p>Because.</p>",
            mark=2.5,
            tags=["t1", "t2"],
            prompt='<p><img src="@@PLUGINFILE@@/dot.png" alt="dot"></p>',
            images={"dot.png": PNG, "unused.png": PNG[:20]},
        ),
        q(
            "multiple",
            "Multiple",
            {
                "choices": [
                    {**choice, "text": "a", "fraction": 0.3333333},
                    {**choice, "text": "b", "fraction": 0.6666667},
                    {**choice, "text": "c", "fraction": -0.5},
                ],
                "shuffle": True,
                "scoring": "partial",
            },
        ),
        q(
            "truefalse",
            "True or false",
            {"correct": False, "feedback_true": "<p>No</p>", "feedback_false": ""},
            category=["Maths", "A/B"],
        ),
        q(
            "short",
            "Short",
            {
                "answers": [
                    {"id": "x", "text": "Paris*", "fraction": 1.0, "feedback": ""},
                    {"id": "x", "text": "Lutèce", "fraction": 0.5, "feedback": "Old"},
                ],
                "case_sensitive": True,
                "review": False,
            },
            category=[],
        ),
        q(
            "numeric",
            "Numeric",
            {
                "answers": [
                    {
                        "id": "x",
                        "value": 3.1415,
                        "tolerance": 0.0005,
                        "fraction": 1.0,
                        "feedback": "",
                    },
                    {
                        "id": "x",
                        "value": 3.0,
                        "tolerance": 0.0,
                        "fraction": 0.1,
                        "feedback": "Rough",
                    },
                ],
                "unit": "m",
            },
        ),
        q(
            "matching",
            "Matching",
            {
                "pairs": [
                    {"id": "x", "prompt": "frog", "answer": "amphibian"},
                    {"id": "x", "prompt": "<p>cat</p>", "answer": "mammal"},
                    {"id": "x", "prompt": "", "answer": "insect"},
                ],
                "shuffle": True,
            },
        ),
        q(
            "ordering",
            "Ordering",
            {
                "items": [
                    {"id": "x", "text": "Modular"},
                    {"id": "x", "text": "<i>Object</i>"},
                    {"id": "x", "text": "Oriented"},
                ]
            },
        ),
    ]


def comparable(question):
    return (
        question.type,
        question.name,
        question.prompt,
        question.explanation,
        without_ids(question.spec),
        question.category,
        question.tags,
        question.mark,
        question.images,
    )


def test_moodle_xml_round_trip_keeps_every_type():
    questions = every_type()
    report = parse_moodle_xml(export_moodle_xml(questions))
    assert report.ok and report.warnings == [] and report.skipped == []
    assert [comparable(q) for q in report.questions] == [
        comparable(q) for q in questions
    ]
    assert report.questions[0].spec["choices"][0]["id"] != "x"


def test_export_writes_moodle_weights_and_a_category_before_each_change():
    xml = export_moodle_xml(every_type()).decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert 'fraction="33.33333"' in xml and 'fraction="-50"' in xml
    assert [line.strip() for line in xml.splitlines() if "$course$" in line] == [
        "<text>$course$/top/Maths</text>",
        "<text>$course$/top/Maths/A//B</text>",
        "<text>$course$/top</text>",
        "<text>$course$/top/Maths</text>",
    ]
    assert "<unit_name>m</unit_name>" in xml
    assert '<question type="ordering">' in xml


def test_exported_gift_import_reads_back_through_moodle_xml():
    report = gift("::Capitals::Match {=Canada -> Ottawa =Italy -> Rome =-> Paris}")
    again = parse_moodle_xml(export_moodle_xml(report.questions))
    assert [comparable(q) for q in again.questions] == [
        comparable(q) for q in report.questions
    ]


REAL_FILES = [
    "gift/RGIFTParser__test_fr.gift",
    "gift/pygiftparser__gift_file_categories.txt",
    "gift/moodle-core__questions_encoding_windows-1252.gift.txt",
    "moodle-xml/amc2moodle__moodle-bank-exemple.xml",
    "moodle-xml/moodle-core__nested_categories_with_questions.xml",
    "moodle-xml/moodle-core__qtype_match_testquestion.moodle.xml",
]


@needs_shared
@pytest.mark.parametrize("name", REAL_FILES)
def test_real_imports_survive_a_moodle_xml_round_trip(name):
    parse = parse_gift if name.startswith("gift/") else parse_moodle_xml
    report = parse(shared(name))
    again = parse_moodle_xml(export_moodle_xml(report.questions))
    assert again.ok and again.warnings == []
    assert [comparable(q) for q in again.questions] == [
        comparable(q) for q in report.questions
    ]
