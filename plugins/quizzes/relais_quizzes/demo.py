"""Demo content: a French bank on food hygiene and safety, and a quiz that is a step
of the front-desk onboarding path."""

import uuid

from django.db.models import Max

from lms.models import PluginActivation
from relais_quizzes.imports import answer_value
from relais_quizzes.models import (
    Question,
    QuestionCategory,
    Quiz,
    QuizDraw,
    QuizQuestion,
)


def _id():
    return uuid.uuid4().hex


def _choices(*answers, feedback=None):
    """("text", credit) pairs; feedback by position."""
    feedback = feedback or {}
    return [
        {"id": _id(), "text": text, "fraction": credit, "feedback": feedback.get(i, "")}
        for i, (text, credit) in enumerate(answers)
    ]


HYGIENE = [
    (
        "single",
        "Température du réfrigérateur",
        "<p>À quelle température maximale doit-on conserver les produits frais ?</p>",
        {
            "choices": _choices(
                ("4 °C", 1),
                ("8 °C", 0),
                ("12 °C", 0),
                feedback={1: "<p>Trop chaud : les bactéries se multiplient.</p>"},
            ),
            "shuffle": True,
        },
        "<p>Entre 0 et 4 °C, les bactéries se multiplient très lentement.</p>",
    ),
    (
        "truefalse",
        "Recongeler un produit décongelé",
        "<p>On peut recongeler un produit qui a été décongelé.</p>",
        {
            "correct": False,
            "feedback_true": "<p>Non : la décongélation a réveillé les bactéries.</p>",
            "feedback_false": "<p>Exact.</p>",
        },
        "",
    ),
    (
        "multiple",
        "Quand se laver les mains",
        "<p>Quand faut-il se laver les mains ? (plusieurs réponses)</p>",
        {
            "choices": _choices(
                ("En arrivant au local", 1 / 3),
                ("Après être allé aux toilettes", 1 / 3),
                ("Après avoir manipulé des cartons", 1 / 3),
                ("Seulement si elles sont sales", -1),
            ),
            "shuffle": True,
            "scoring": "partial",
        },
        "<p>Les mains transportent les microbes même quand elles semblent propres.</p>",
    ),
    (
        "short",
        "Premier entré, premier sorti",
        "<p>Comment appelle-t-on la règle qui consiste à distribuer d'abord les "
        "produits arrivés les premiers ? (sigle de 4 lettres)</p>",
        {
            "answers": [
                {"id": _id(), "text": "FIFO", "fraction": 1, "feedback": ""},
                {"id": _id(), "text": "PEPS", "fraction": 1, "feedback": ""},
            ],
            "case_sensitive": False,
            "review": False,
        },
        "<p>FIFO (first in, first out), ou PEPS en français.</p>",
    ),
    (
        "numeric",
        "Chaîne du froid : délai",
        "<p>Combien de minutes au maximum un produit surgelé peut-il rester hors du "
        "froid lors d'une distribution ?</p>",
        {
            "answers": [
                {
                    "id": _id(),
                    "value": 30,
                    "tolerance": 0,
                    "fraction": 1,
                    "feedback": "",
                },
            ],
            "unit": "min",
        },
        "<p>Au-delà de 30 minutes, la chaîne du froid est rompue.</p>",
    ),
    (
        "matching",
        "Produits et conservation",
        "<p>Associez chaque produit à son mode de conservation.</p>",
        {
            "pairs": [
                {"id": _id(), "prompt": "<p>Yaourts</p>", "answer": "Réfrigérateur"},
                {"id": _id(), "prompt": "<p>Pâtes sèches</p>", "answer": "Étagère"},
                {
                    "id": _id(),
                    "prompt": "<p>Légumes surgelés</p>",
                    "answer": "Congélateur",
                },
                {"id": _id(), "prompt": "", "answer": "Cave"},
            ],
            "shuffle": True,
        },
        "",
    ),
    (
        "ordering",
        "Réception d'une livraison",
        "<p>Remettez dans l'ordre les étapes de réception d'une livraison.</p>",
        {
            "items": [
                {
                    "id": _id(),
                    "text": "<p>Vérifier la température des produits frais</p>",
                },
                {"id": _id(), "text": "<p>Contrôler les dates limites</p>"},
                {"id": _id(), "text": "<p>Ranger le froid en premier</p>"},
                {"id": _id(), "text": "<p>Ranger l'épicerie sèche</p>"},
            ]
        },
        "<p>Le froid d'abord : chaque minute compte.</p>",
    ),
    (
        "single",
        "DLC dépassée",
        "<p>Un yaourt a dépassé sa date limite de consommation (DLC) d'un jour. "
        "Que faites-vous ?</p>",
        {
            "choices": _choices(
                ("Je le retire de la distribution", 1),
                ("Je le distribue en prévenant la personne", 0),
                ("Je le distribue : un jour ne compte pas", 0),
            ),
            "shuffle": True,
        },
        "<p>La DLC (« à consommer jusqu'au ») est une limite de sécurité. La DDM "
        "(« de préférence avant ») peut être dépassée.</p>",
    ),
    (
        "truefalse",
        "DDM dépassée",
        "<p>Un paquet de riz dont la date de durabilité minimale (DDM) est "
        "dépassée peut encore être distribué.</p>",
        {"correct": True, "feedback_true": "", "feedback_false": ""},
        "<p>La DDM concerne le goût ou la texture, pas la sécurité.</p>",
    ),
    (
        "single",
        "Bijoux en cuisine",
        "<p>Pourquoi retirer ses bagues avant de préparer des repas ?</p>",
        {
            "choices": _choices(
                ("Elles retiennent les microbes", 1),
                ("Elles risquent d'être volées", 0),
                ("C'est une question d'élégance", 0),
            ),
            "shuffle": True,
        },
        "",
    ),
    (
        "multiple",
        "Symptômes d'une intoxication",
        "<p>Quels signes peuvent évoquer une intoxication alimentaire ?</p>",
        {
            "choices": _choices(
                ("Vomissements", 0.5),
                ("Diarrhée", 0.5),
                ("Éternuements", -0.5),
            ),
            "shuffle": True,
            "scoring": "partial",
        },
        "",
    ),
    (
        "single",
        "Extincteur",
        "<p>Un feu d'huile prend dans une casserole. Que faites-vous ?</p>",
        {
            "choices": _choices(
                ("Je couvre avec un couvercle et coupe le feu", 1),
                ("Je jette de l'eau dessus", 0),
                ("Je transporte la casserole dehors", 0),
                feedback={1: "<p>Jamais d'eau sur de l'huile : elle s'enflamme.</p>"},
            ),
            "shuffle": True,
        },
        "",
    ),
    (
        "numeric",
        "Numéro d'urgence européen",
        "<p>Quel est le numéro d'appel d'urgence européen ?</p>",
        {
            "answers": [
                {
                    "id": _id(),
                    "value": 112,
                    "tolerance": 0,
                    "fraction": 1,
                    "feedback": "",
                }
            ],
            "unit": "",
        },
        "<p>Le 112 fonctionne dans toute l'Union européenne, même sans crédit.</p>",
    ),
    (
        "truefalse",
        "Issues de secours",
        "<p>On peut stocker des cartons devant une issue de secours s'ils sont "
        "légers.</p>",
        {"correct": False, "feedback_true": "", "feedback_false": ""},
        "<p>Une issue de secours reste dégagée en permanence.</p>",
    ),
    (
        "short",
        "Porter une charge",
        "<p>Pour soulever un carton lourd, on plie les jambes et on garde le dos "
        "bien… ?</p>",
        {
            "answers": [{"id": _id(), "text": "droit", "fraction": 1, "feedback": ""}],
            "case_sensitive": False,
            "review": True,
        },
        "",
    ),
    (
        "single",
        "Allergènes",
        "<p>Une personne demande si un plat contient des arachides et vous ne "
        "savez pas. Que répondez-vous ?</p>",
        {
            "choices": _choices(
                ("Je ne sais pas, je vais vérifier la composition", 1),
                ("Non, sûrement pas", 0),
                ("Un peu, mais ce n'est pas grave", 0),
            ),
            "shuffle": True,
        },
        "<p>En cas de doute, on ne devine jamais : une allergie peut être grave.</p>",
    ),
]


def construct_demo(site, people):
    # The demo association uses quizzes: switched on as an admin would.
    PluginActivation.objects.get_or_create(organisation=site, app_label="quizzes")
    if Quiz.objects.filter(organisation=site).exists():
        return
    top, _ = QuestionCategory.objects.get_or_create(
        organisation=site, parent=None, name="Accueil et distribution"
    )
    hygiene, _ = QuestionCategory.objects.get_or_create(
        organisation=site, parent=top, name="Hygiène alimentaire"
    )
    safety, _ = QuestionCategory.objects.get_or_create(
        organisation=site, parent=top, name="Sécurité"
    )
    questions = []
    for index, (kind, name, prompt, spec, explanation) in enumerate(HYGIENE):
        question = Question(
            organisation=site,
            category=hygiene if index < 11 else safety,
            name=name,
            prompt=prompt,
            explanation=explanation,
        )
        question.answer = answer_value(kind, spec)
        question.save()
        question.tags.add("hygiène" if index < 11 else "sécurité")
        questions.append(question)
    quiz = Quiz.objects.create(
        organisation=site,
        title="Les bases de l'hygiène et de la sécurité",
        introduction="<p>Dix questions pour vérifier l'essentiel avant votre "
        "première permanence. Vous pouvez recommencer autant de fois que "
        "nécessaire.</p>",
        pass_mark=70,
        feedback=Quiz.Feedback.AFTER_SUBMISSION,
        show_correct_answers=Quiz.Feedback.AFTER_PASSING,
    )
    for order, question in enumerate(questions[:8]):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    QuizDraw.objects.create(quiz=quiz, category=safety, count=2)
    _add_to_path(site, quiz)


def _add_to_path(site, quiz):
    from courses.models import OnboardingPath, PathStep

    path = OnboardingPath.objects.filter(
        organisation=site, title="Bienvenue à l'accueil"
    ).first()
    if path is None or path.steps.filter(kind="quiz").exists():
        return
    PathStep.objects.create(
        path=path,
        kind="quiz",
        title="Quiz : hygiène et sécurité",
        instructions="Vérifiez vos connaissances avant votre première permanence.",
        target=str(quiz.pk),
        due_days=12,
        sort_order=(path.steps.aggregate(last=Max("sort_order"))["last"] or 0) + 1,
    )
