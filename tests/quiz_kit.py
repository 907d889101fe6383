"""Building question banks and quizzes in tests, the way the admin stores them."""

import uuid

from relais_quizzes.imports import answer_value
from relais_quizzes.models import Question, QuestionCategory, Quiz, QuizQuestion


def choices(*answers):
    """("text", credit) pairs as single/multiple choice options with ids."""
    return [
        {"id": f"c{i}", "text": f"<p>{text}</p>", "fraction": credit, "feedback": ""}
        for i, (text, credit) in enumerate(answers)
    ]


def question(organisation, kind, spec, *, name=None, category=None, mark=1, **extra):
    category = (
        category
        or QuestionCategory.objects.get_or_create(
            organisation=organisation, parent=None, name="Banque"
        )[0]
    )
    made = Question(
        organisation=organisation,
        category=category,
        name=name or f"{kind} {uuid.uuid4().hex[:6]}",
        prompt=extra.pop("prompt", f"<p>Question {kind} ?</p>"),
        explanation=extra.pop("explanation", "<p>Parce que.</p>"),
        mark=mark,
    )
    made.answer = answer_value(kind, spec)
    made.save()
    return made


def single(organisation, **kwargs):
    """Right answer: c0 ("Juste"), feedback on the wrong one."""
    spec = {
        "choices": [
            {"id": "c0", "text": "<p>Juste</p>", "fraction": 1, "feedback": ""},
            {
                "id": "c1",
                "text": "<p>Faux</p>",
                "fraction": 0,
                "feedback": "<p>SECRET-FEEDBACK</p>",
            },
        ],
        "shuffle": True,
    }
    return question(organisation, "single", spec, **kwargs)


def short(organisation, review=False, **kwargs):
    spec = {
        "answers": [{"id": "a0", "text": "équipe", "fraction": 1, "feedback": ""}],
        "case_sensitive": False,
        "review": review,
    }
    return question(organisation, "short", spec, **kwargs)


def make_quiz(organisation, questions, **fields):
    quiz = Quiz.objects.create(
        organisation=organisation, title=fields.pop("title", "Hygiène"), **fields
    )
    for order, item in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=item, sort_order=order)
    return quiz


def _id(name):
    """A stable id shaped like the real ones (uuid hex), so a test can tell an id
    leaking into a page from the words around it."""
    return uuid.uuid5(uuid.NAMESPACE_URL, name).hex


LONG = "Anticonstitutionnellementrangélesproduitsfraisdanslaportedufrigo" * 2


def one_of_each(organisation, long_words=False):
    """A question of each type (a description last), and the answers a learner
    gives to them, as
    (question, form fields for ``q<position>``) with the learner at position
    ``n``. Answers are partly wrong, so both theirs and the right one show.
    ``long_words``: answers with words longer than a phone is wide."""
    extra = LONG if long_words else ""
    c = [_id(f"choice{i}") for i in range(3)]
    p = [_id(f"pair{i}") for i in range(3)]
    o = [_id(f"item{i}") for i in range(3)]
    made = [
        (
            question(
                organisation,
                "single",
                {
                    "choices": [
                        {
                            "id": c[0],
                            "text": "<p>Quatre degrés</p>",
                            "fraction": 1,
                            "feedback": "",
                        },
                        {
                            "id": c[1],
                            "text": f"<p>Huit degrés{extra}</p>",
                            "fraction": 0,
                            "feedback": "",
                        },
                    ],
                    "shuffle": False,
                },
                name="Frigo",
            ),
            lambda n: {f"q{n}": c[1]},
        ),
        (
            question(
                organisation,
                "multiple",
                {
                    "choices": [
                        {
                            "id": c[0],
                            "text": "<p>En arrivant</p>",
                            "fraction": 0.5,
                            "feedback": "",
                        },
                        {
                            "id": c[1],
                            "text": "<p>Après la pause</p>",
                            "fraction": 0.5,
                            "feedback": "",
                        },
                        {
                            "id": c[2],
                            "text": "<p>Jamais</p>",
                            "fraction": -1,
                            "feedback": "",
                        },
                    ],
                    "scoring": "partial",
                    "shuffle": False,
                },
                name="Mains",
            ),
            lambda n: {f"q{n}": [c[2], c[0]]},
        ),
        (
            question(
                organisation,
                "truefalse",
                {"correct": True, "feedback_true": "", "feedback_false": ""},
                name="Recongeler",
            ),
            lambda n: {f"q{n}": "false"},
        ),
        (
            question(
                organisation,
                "short",
                {
                    "answers": [
                        {
                            "id": _id("a"),
                            "text": "équipe",
                            "fraction": 1,
                            "feedback": "",
                        }
                    ],
                    "case_sensitive": False,
                    "review": False,
                },
                name="Ensemble",
            ),
            lambda n: {f"q{n}": f"groupe{extra}"},
        ),
        (
            question(
                organisation,
                "numeric",
                {
                    "answers": [
                        {
                            "id": _id("v"),
                            "value": 3.5,
                            "tolerance": 0,
                            "fraction": 1,
                            "feedback": "",
                        }
                    ],
                    "unit": "°C",
                },
                name="Température",
            ),
            lambda n: {f"q{n}": "7,5"},
        ),
        (
            question(
                organisation,
                "matching",
                {
                    "pairs": [
                        {"id": p[0], "prompt": "<p>Yaourt</p>", "answer": "Frigo"},
                        {
                            "id": p[1],
                            "prompt": f"<p>Riz{extra}</p>",
                            "answer": "Étagère",
                        },
                        {"id": p[2], "prompt": "", "answer": "Cave"},
                    ],
                    "shuffle": False,
                },
                name="Ranger",
            ),
            lambda n: {f"q{n}-{p[0]}": p[2], f"q{n}-{p[1]}": p[1]},
        ),
        (
            question(
                organisation,
                "ordering",
                {
                    "items": [
                        {"id": o[0], "text": "<p>Laver</p>"},
                        {"id": o[1], "text": "<p>Couper</p>"},
                        {"id": o[2], "text": f"<p>Cuire{extra}</p>"},
                    ]
                },
                name="Recette",
            ),
            lambda n: {f"q{n}-{o[0]}": "2", f"q{n}-{o[1]}": "1"},
        ),
    ]
    g = [_id(f"gap{i}") for i in range(2)]
    made += [
        (
            question(
                organisation,
                "essay",
                {"graderinfo": "<p>Un exemple concret.</p>", "template": ""},
                name="Permanence",
            ),
            lambda n: {f"q{n}": f"Bien accueilli{extra}"},
        ),
        (
            question(
                organisation,
                "cloze",
                {
                    "passage": "<p>Garder à {#1} °C dans le {#2}.</p>",
                    "gaps": [
                        {
                            "id": g[0],
                            "kind": "numeric",
                            "weight": 1,
                            "case_sensitive": False,
                            "answers": [
                                {
                                    "id": c[0],
                                    "text": "4",
                                    "tolerance": 0,
                                    "fraction": 1,
                                    "feedback": "",
                                }
                            ],
                        },
                        {
                            "id": g[1],
                            "kind": "choice",
                            "weight": 1,
                            "case_sensitive": False,
                            "answers": [
                                {
                                    "id": c[1],
                                    "text": "frigo",
                                    "tolerance": 0,
                                    "fraction": 1,
                                    "feedback": "",
                                },
                                {
                                    "id": c[2],
                                    "text": f"placard{extra}",
                                    "tolerance": 0,
                                    "fraction": 0,
                                    "feedback": "",
                                },
                            ],
                        },
                    ],
                },
                name="Froid",
                prompt="<p>Garder à (1) ______ °C dans le (2) ______.</p>",
            ),
            lambda n: {f"q{n}-{g[0]}": "5", f"q{n}-{g[1]}": c[2]},
        ),
        (
            question(
                organisation,
                "gapselect",
                {
                    "passage": "<p>On dit [[1]].</p>",
                    "choices": [
                        {"id": c[0], "text": "bonjour", "group": 1},
                        {"id": c[1], "text": "au revoir", "group": 1},
                    ],
                    "shuffle": False,
                    "dragged": False,
                },
                name="Accueil",
                prompt="<p>On dit (1) ______.</p>",
            ),
            lambda n: {f"q{n}-1": c[1]},
        ),
        (
            question(
                organisation,
                "description",
                {},
                name="Partie 2",
                prompt="<p>Deuxième partie.</p>",
            ),
            lambda n: {},
        ),
    ]
    return made


# A Moodle XML file the project makes: what trainers bring from Moodle banks.

PNG_DOT = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def svg_picture(colour, title, script=True):
    """An inline SVG as Moodle's editor writes one in a choice, with a script."""
    hostile = "<script>alert('svg')</script>" if script else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30" '
        f'onload="alert(1)"><title>{title}</title>{hostile}'
        f'<rect width="60" height="30" fill="{colour}"/></svg>'
    )


def _moodle_question(kind, name, body, text=None):
    text = text or f"<p>{name} ?</p>"
    return (
        f'<question type="{kind}"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text><![CDATA[{text}]]></text></questiontext>'
        f"<defaultgrade>1</defaultgrade>{body}</question>"
    )


def _answer(fraction, text, fmt="html"):
    return f'<answer fraction="{fraction}" format="{fmt}"><text><![CDATA[{text}]]></text></answer>'  # noqa: E501


def moodle_bank(*extra):
    """8 good questions, one whose choices are inline SVG pictures, one whose choice
    is a @@PLUGINFILE@@ picture, and one that cannot be used (its only pictures
    cannot be drawn: its choices are empty), then ``extra`` question elements."""
    import base64

    good = [
        _moodle_question(
            "multichoice",
            f"Bonne {n}",
            "<single>true</single>"
            + _answer(100, f"<p>Oui {n}</p>")
            + _answer(0, f"<p>Non {n}</p>"),
        )
        for n in range(1, 6)
    ] + [
        _moodle_question(
            "truefalse",
            "Recongeler",
            _answer(0, "true", "moodle_auto_format")
            + _answer(100, "false", "moodle_auto_format"),
        ),
        _moodle_question(
            "shortanswer", "Ensemble", _answer(100, "équipe", "moodle_auto_format")
        ),
        _moodle_question(
            "numerical",
            "Température",
            '<answer fraction="100"><text>4</text><tolerance>1</tolerance></answer>',
        ),
    ]
    pictures = _moodle_question(
        "multichoice",
        "Couleurs",
        "<single>true</single>"
        + _answer(100, svg_picture("green", "Vert"))
        + _answer(0, svg_picture("red", "Rouge")),
        text="<p>Quelle couleur dit « entrez » ?</p>",
    )
    dot = base64.b64encode(PNG_DOT).decode()
    plugin_file = _moodle_question(
        "multichoice",
        "Point",
        "<single>true</single>"
        '<answer fraction="100" format="html"><text><![CDATA[<p>'
        '<img src="@@PLUGINFILE@@/point.png" alt="Un point"></p>]]></text>'
        f'<file name="point.png" path="/" encoding="base64">{dot}</file></answer>'
        + _answer(0, "<p>Rien</p>"),
    )
    unusable = _moodle_question(
        "multichoice",
        "Illisible",
        "<single>true</single>"
        + _answer(100, "<svg><rect></svg>")
        + _answer(0, "<svg><circle></svg>"),
    )
    questions = [*good, pictures, plugin_file, unusable, *extra]
    body = "\n".join(questions)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        '<question type="category"><category><text>$course$/top/Accueil</text>'
        f"</category></question>\n{body}\n</quiz>\n"
    ).encode()


CLOZE_TEXT = (
    "<p>La chaîne du froid : un yaourt se garde à {2:NUMERICAL:=4:1#Oui~%50%6:1} °C, "
    "dans le {1:MULTICHOICE:=frigo#Bien~placard#Non} ; on dit « {1:SA:=DLC#Oui"
    "~%50%date*} » pour la date limite.</p>"
)


def moodle_new_types():
    """Question elements of the types Moodle banks use beyond the classic ones:
    essay, cloze (multianswer), description, select missing words, drag and drop
    into text."""
    return [
        _moodle_question(
            "essay",
            "Permanence",
            "<responseformat>editor</responseformat>"
            '<graderinfo format="html"><text><![CDATA[<p>Au moins un exemple '
            "concret.</p>]]></text></graderinfo>"
            '<responsetemplate format="html"><text>Ma première permanence…</text>'
            "</responsetemplate>",
            text="<p>Racontez votre première permanence.</p>",
        ),
        '<question type="cloze"><name><text>Froid</text></name>'
        f'<questiontext format="html"><text><![CDATA[{CLOZE_TEXT}]]></text>'
        "</questiontext><defaultgrade>4</defaultgrade></question>",
        _moodle_question(
            "description",
            "Partie 2",
            "",
            text="<p>Deuxième partie : l'accueil.</p>",
        ),
        _moodle_question(
            "gapselect",
            "Accueil",
            "<shuffleanswers>1</shuffleanswers>"
            "<selectoption><text>bonjour</text><group>1</group></selectoption>"
            "<selectoption><text>prénom</text><group>2</group></selectoption>"
            "<selectoption><text>au revoir</text><group>1</group></selectoption>"
            "<selectoption><text>âge</text><group>2</group></selectoption>",
            text="<p>On dit [[1]] et on demande le [[2]].</p>",
        ),
        _moodle_question(
            "ddwtos",
            "Tri",
            "<shuffleanswers>0</shuffleanswers>"
            "<dragbox><text>jaune</text><group>1</group><infinite/></dragbox>"
            "<dragbox><text>verte</text><group>1</group><infinite/></dragbox>",
            text="<p>Le plastique va dans la poubelle [[1]], le verre dans la "
            "[[2]].</p>",
        ),
    ]
