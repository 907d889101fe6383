"""The admin as the demo's trainer meets it: a page being written is saved when its
author asks, never behind their back."""

from lms.models import Role
from tests.factories import make_course, member


def test_writing_a_new_lesson_saves_no_draft_until_the_author_asks(client_a, org_a):
    trainer = member(org_a, Role.TRAINER)
    course = make_course(org_a)
    client_a.force_login(trainer)
    page = client_a.get(
        f"/admin/pages/add/courses/lessonpage/{course.pk}/"
    ).content.decode()
    assert 'data-controller="w-init w-unsaved "' in page  # the form, without w-autosave
    assert "data-w-autosave-interval-value" not in page
