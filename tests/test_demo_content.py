"""What the demo promises is in it: H5P activities built by the project, a video
that loads only when asked, past quiz attempts and a cohort on the path."""

import pytest
from django.core.management import call_command
from wagtail.models import Site

from courses.models import LessonPage
from lms.models import PluginActivation


@pytest.fixture
def demo(db, settings, tmp_path):
    from relais_h5p.models import H5PContent
    from tests.h5p_packages import storage_in

    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    packages = H5PContent._meta.get_field("package").storage
    with storage_in(packages, tmp_path / "packages"):
        call_command("seed_demo", verbosity=0)
        yield Site.objects.get(is_default_site=True)


def test_the_demo_association_has_ready_h5p_activities_built_by_the_project(demo):
    from relais_h5p.models import H5PContent

    contents = H5PContent.objects.filter(organisation=demo)
    assert PluginActivation.objects.filter(organisation=demo, app_label="h5p").exists()
    assert [(c.status, c.main_library) for c in contents] == [
        ("ready", "H5P.RelaisChoice"),
        ("ready", "H5P.RelaisChoice"),
    ]


def test_the_welcome_lesson_plays_an_h5p_activity(demo):
    lesson = LessonPage.objects.descendant_of(demo.root_page).get(slug="bienvenue")
    [block] = [block for block in lesson.body if block.block_type == "h5p"]
    assert block.value["content"].title == "Qui fait quoi à Entraide Quartier ?"


def test_seeding_the_demo_again_adds_no_second_activity(demo):
    from relais_h5p.models import H5PContent

    call_command("seed_demo", verbosity=0)
    lesson = LessonPage.objects.descendant_of(demo.root_page).get(slug="bienvenue")
    assert [b.block_type for b in lesson.body].count("h5p") == 1
    assert H5PContent.objects.filter(organisation=demo).count() == 2


def test_the_welcome_video_is_shown_as_a_button_until_the_learner_asks(demo, client):
    from django.contrib.auth import get_user_model

    lesson = LessonPage.objects.descendant_of(demo.root_page).get(slug="bienvenue")
    client.force_login(get_user_model().objects.get(username="benevole"))
    page = client.get(lesson.learn_url(), HTTP_HOST=demo.hostname).content.decode()
    assert "Lancer la vidéo" in page
    # The player is inert markup in a <template>, never a frame of the page.
    before_template = page.split("<template>")[0]
    assert "youtube" not in before_template
    assert "youtube-nocookie.com/embed" in page.split("<template>")[1]


def test_karim_sees_the_fridge_question_most_volunteers_get_wrong(demo):
    from relais_quizzes.analysis import items
    from relais_quizzes.models import Quiz

    quiz = Quiz.objects.get(organisation=demo)
    analysed = items(quiz, demo)
    hardest = min(analysed, key=lambda item: item.facility)
    assert quiz.attempts.count() >= 30
    assert hardest.question.name == "Température du réfrigérateur"
    assert (
        hardest.facility
        < 0.5
        < min(item.facility for item in analysed if item is not hardest)
    )
    label, _count, _share, right = max(hardest.options, key=lambda option: option[1])
    assert (label, right) == ("8 °C", False)


def test_the_onboarding_funnel_shows_a_cohort_of_newcomers(demo):
    from courses.models import PathAssignment, StepCompletion

    assignments = PathAssignment.objects.filter(path__organisation=demo)
    months = {a.start_date.strftime("%Y-%m") for a in assignments}
    finished = assignments.filter(completed_at__isnull=False).count()
    assert assignments.count() >= 10
    assert len(months) >= 4
    assert 0 < finished < assignments.count()
    stuck = [
        a
        for a in assignments.filter(completed_at__isnull=True)
        if StepCompletion.objects.filter(assignment=a).count() == 2
    ]
    assert stuck  # the step where some stop shows in the funnel
