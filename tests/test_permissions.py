"""Admin rights follow the organisation: a trainer edits only their own pages, and a
role's rights hold only in the organisation being served."""

from lms.models import Role
from lms.models.scoping import acting_in
from tests.factories import member


def fresh(user):
    """The same person read anew (Django and lms.permissions cache rights on it)."""
    return type(user).objects.get(pk=user.pk)


def test_a_trainer_edits_their_organisations_pages_and_not_anothers(org_a, org_b):
    trainer = member(org_a, Role.TRAINER)
    assert org_a.root_page.permissions_for_user(trainer).can_edit()
    assert not org_b.root_page.permissions_for_user(trainer).can_edit()


def test_volunteers_and_mentors_have_no_admin_access(org_a):
    for role in (Role.LEARNER, Role.MENTOR):
        with acting_in(org_a):
            assert not member(org_a, role).has_perm("wagtailadmin.access_admin")


def test_admin_roles_have_admin_access_in_their_organisation_only(org_a, org_b):
    for role in (Role.TRAINER, Role.COORDINATOR, Role.ADMIN):
        person = member(org_a, role)
        with acting_in(org_a):
            assert person.has_perm("wagtailadmin.access_admin")
        with acting_in(org_b):
            assert not fresh(person).has_perm("wagtailadmin.access_admin")


def test_a_disabled_plugins_rights_are_held_nowhere(org_a, enable_plugin):
    trainer = member(org_a, Role.TRAINER)
    with acting_in(org_a):
        assert not trainer.has_perm("quizzes.add_question")
    enable_plugin(org_a, "quizzes")
    org_a.refresh_from_db()
    with acting_in(type(org_a).objects.get(pk=org_a.pk)):
        assert fresh(trainer).has_perm("quizzes.add_question")


def test_leaving_a_role_removes_its_rights(org_a):
    trainer = member(org_a, Role.TRAINER)
    membership = trainer.memberships.get()
    membership.role = Role.LEARNER
    membership.save()
    trainer = fresh(trainer)
    assert not org_a.root_page.permissions_for_user(trainer).can_edit()
    with acting_in(org_a):
        assert not trainer.has_perm("wagtailadmin.access_admin")
