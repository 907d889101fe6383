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
