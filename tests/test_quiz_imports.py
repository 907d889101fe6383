"""Question files through the admin: imported all or nothing, cleaned, and a Moodle
XML round trip through the database gives the same questions."""

import html
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.images import get_image_model

from lms.models import Role
from relais_quizzes.formats import parse_moodle_xml, without_ids
from relais_quizzes.imports import export
from relais_quizzes.models import Question, QuestionCategory
from tests.factories import member
from tests.quiz_kit import moodle_bank

SHARED = Path(__file__).resolve().parents[2] / "shared" / "quizzes"

GIFT = """$CATEGORY: $course$/top/Hygiène/Froid

::Frigo::À quelle température garder les yaourts ?{=4 °C ~8 °C ~12 °C}

::Recongeler::On peut recongeler un produit décongelé.{F}

::Mains::Quand se laver les mains ?{
  ~%50%En arrivant
  ~%50%Après les toilettes
  ~%-100%Jamais
}

::Urgence::Le numéro d'urgence européen ?{#112}

::Piège::[html]<script>alert(1)</script>Une question <b>sûre</b> ?{=oui =bien sûr}

::Rédaction::Racontez votre première permanence.{}
"""


@pytest.fixture
def trainer_client(client_a, org_a, enable_plugin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    enable_plugin(org_a, "quizzes")
    client_a.force_login(member(org_a, Role.TRAINER))
    return client_a


def post_file(client, name, data, host="a.test"):
    return client.post(
        "/admin/quizzes/import/",
        {"file": SimpleUploadedFile(name, data)},
        HTTP_HOST=host,
    )


def test_a_trainer_imports_a_gift_file_and_sees_what_was_left_out(
    trainer_client, org_a
):
    response = post_file(trainer_client, "banque.gift", GIFT.encode())
    page = response.content.decode()
    assert response.status_code == 200, page[:500]
    assert "5 questions importées" in page  # the UI speaks French first
    assert "Rédaction" in page  # the essay is listed as skipped, not dropped
    questions = {q.name: q for q in Question.objects.filter(organisation=org_a)}
    assert sorted(questions) == ["Frigo", "Mains", "Piège", "Recongeler", "Urgence"]
    assert str(questions["Frigo"].category) == "Hygiène / Froid"
    assert questions["Mains"].type == "multiple"
    assert [c["fraction"] for c in questions["Mains"].spec["choices"]] == [
        0.5,
        0.5,
        -1.0,
    ]
    assert "<script" not in questions["Piège"].prompt
    assert "<b>sûre</b>" in questions["Piège"].prompt


def test_a_broken_question_imports_nothing_until_the_trainer_chooses(
    trainer_client, org_a
):
    broken = GIFT.replace("{#112}", "{#112")
    response = post_file(trainer_client, "banque.gift", broken.encode())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ligne 13" in page and "Importer les 4 autres questions" in page
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


def test_a_file_that_cannot_be_read_imports_nothing_and_says_why(trainer_client, org_a):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;">]><quiz>&b;</quiz>'
    )
    response = post_file(trainer_client, "bomb.xml", bomb)
    assert response.status_code == 400
    assert "entités XML" in response.content.decode()
    assert "Importer les" not in response.content.decode()
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


HELD = re.compile(r'name="held" value="([^"]+)"')


def held_token(response):
    return HELD.search(response.content.decode()).group(1)


def decide(client, token, decision, host="a.test"):
    return client.post(
        "/admin/quizzes/import/",
        {"held": token, "decision": decision},
        HTTP_HOST=host,
    )


def test_an_unusable_question_is_listed_and_the_trainer_imports_the_rest(
    trainer_client, org_a
):
    response = post_file(trainer_client, "banque.xml", moodle_bank())
    page = re.sub(r"\s+", " ", html.unescape(response.content.decode()))
    assert response.status_code == 200
    assert "Ligne 14 : La question « Illisible » a un choix sans texte." in page
    assert not Question.objects.exists()  # nothing until the trainer chooses
    response = decide(trainer_client, held_token(response), "rest")
    assert response.status_code == 200
    assert "10 questions importées" in response.content.decode()
    names = set(
        Question.objects.filter(organisation=org_a).values_list("name", flat=True)
    )
    assert len(names) == 10 and "Illisible" not in names
    assert {"Couleurs", "Point", "Bonne 1"} <= names


def test_the_trainer_may_import_nothing_and_a_choice_is_made_once(
    trainer_client, org_a
):
    token = held_token(post_file(trainer_client, "banque.xml", moodle_bank()))
    response = decide(trainer_client, token, "nothing")
    assert "Rien n\u2019a été importé" in html.unescape(response.content.decode())
    assert decide(trainer_client, token, "rest").status_code == 409
    assert not Question.objects.exists()


def test_a_file_waiting_for_a_choice_is_only_its_trainers(trainer_client, org_a):
    token = held_token(post_file(trainer_client, "banque.xml", moodle_bank()))
    colleague = Client(HTTP_HOST="a.test")
    colleague.force_login(member(org_a, Role.TRAINER))
    assert decide(colleague, token, "rest").status_code == 409
    assert decide(trainer_client, "not-a-token", "rest").status_code == 409
    assert not Question.objects.exists()


def test_pictures_in_choices_are_kept_and_no_svg_or_script_is_stored(
    trainer_client, org_a
):
    token = held_token(post_file(trainer_client, "banque.xml", moodle_bank()))
    decide(trainer_client, token, "rest")
    colours = Question.objects.get(name="Couleurs")
    texts = [choice["text"] for choice in colours.spec["choices"]]
    assert all(t.startswith('<embed embedtype="image"') for t in texts), texts
    assert ['alt="Vert"' in texts[0], 'alt="Rouge"' in texts[1]] == [True, True]
    point = Question.objects.get(name="Point").spec["choices"][0]["text"]
    assert '<embed embedtype="image"' in point and 'alt="Un point"' in point
    stored = " ".join(str(q.spec) for q in Question.objects.all()).lower()
    assert "<svg" not in stored and "script" not in stored and "onload" not in stored
    images = get_image_model().objects.all()
    assert images.count() == 3
    for image in images:
        with image.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"\x89PNG") and b"alert" not in content
        assert image.file.name.endswith(".png")


def test_pictures_in_choices_survive_an_export_and_an_import_again(
    trainer_client, org_a
):
    decide(
        trainer_client,
        held_token(post_file(trainer_client, "banque.xml", moodle_bank())),
        "rest",
    )
    exported = export(Question.objects.filter(name__in=["Couleurs", "Point"]))
    again = parse_moodle_xml(exported)
    assert again.ok
    for question in again.questions:
        picture = question.spec["choices"][0]["text"]
        name = re.search(r"@@PLUGINFILE@@/([^\"]+)", picture).group(1)
        assert question.images[name].startswith(b"\x89PNG")


def test_importing_is_for_trainers_and_lands_in_their_organisation(
    client_a, org_a, org_b, enable_plugin
):
    enable_plugin(org_a, "quizzes")
    client_a.force_login(member(org_a, Role.LEARNER))
    response = post_file(client_a, "banque.gift", GIFT.encode())
    assert response.status_code in (302, 403)
    assert not Question.objects.exists()
    trainer = member(org_b, Role.TRAINER)
    client_a.force_login(trainer)
    response = post_file(client_a, "banque.gift", GIFT.encode(), host="b.test")
    assert response.status_code == 404  # B has not enabled quizzes
    enable_plugin(org_b, "quizzes")
    post_file(client_a, "banque.gift", GIFT.encode(), host="b.test")
    assert set(Question.objects.values_list("organisation", flat=True)) == {org_b.pk}


def _comparable(report):
    return [
        (q.type, q.name, q.prompt, q.explanation, q.category, q.tags, q.mark,
         without_ids(q.spec))
        for q in report.questions
    ]  # fmt: skip


def test_moodle_xml_round_trip_through_the_database(trainer_client, org_a):
    """Import, export, re-import: the same questions, images included."""
    if SHARED.exists():
        source = (
            SHARED / "moodle-xml/amc2moodle__moodle-bank-exemple.xml"
        ).read_bytes()
    else:
        from relais_quizzes.formats import ImportedQuestion, export_moodle_xml

        source = export_moodle_xml(
            [
                ImportedQuestion(
                    type="numeric",
                    name="Pi",
                    prompt="<p>π ?</p>",
                    explanation="",
                    spec={
                        "answers": [
                            {"id": "a", "value": 3.14, "tolerance": 0.01,
                             "fraction": 1.0, "feedback": ""}
                        ],
                        "unit": "",
                    },
                    category=["Maths"],
                    tags=["pi"],
                )
            ]
        )  # fmt: skip
    assert post_file(trainer_client, "bank.xml", source).status_code == 200
    first = export(Question.objects.filter(organisation=org_a).order_by("pk"))
    Question.objects.all().delete()
    assert post_file(trainer_client, "again.xml", first).status_code == 200
    second = export(Question.objects.filter(organisation=org_a).order_by("pk"))
    assert _comparable(parse_moodle_xml(first)) == _comparable(parse_moodle_xml(second))
    # The essay and the description are imported too; the two calculated are not.
    assert len(parse_moodle_xml(second).questions) == (11 if SHARED.exists() else 1)
    download = trainer_client.get("/admin/quizzes/export/?download=1")
    assert download["Content-Type"] == "application/xml"
    assert parse_moodle_xml(download.content).ok


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/quizzes is not here")
def test_every_shared_file_imports_or_is_refused_as_a_whole(trainer_client):
    for path in sorted(SHARED.rglob("*")):
        if not path.is_file() or path.suffix == ".md":
            continue
        before = Question.objects.count()
        response = post_file(trainer_client, path.name, path.read_bytes())
        assert response.status_code in (200, 400), path.name
        if response.status_code == 400:
            assert Question.objects.count() == before, path.name
