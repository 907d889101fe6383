"""Admin rights follow the organisation: a trainer edits only their own pages."""

from lms.models import Role
from tests.factories import member


def test_a_trainer_edits_their_organisations_pages_and_not_anothers(org_a, org_b):
    trainer = member(org_a, Role.TRAINER)
    assert org_a.root_page.permissions_for_user(trainer).can_edit()
    assert not org_b.root_page.permissions_for_user(trainer).can_edit()


def test_volunteers_and_mentors_have_no_admin_access(org_a):
    for role in (Role.LEARNER, Role.MENTOR):
        assert not member(org_a, role).has_perm("wagtailadmin.access_admin")


def test_leaving_a_role_removes_its_rights(org_a):
    trainer = member(org_a, Role.TRAINER)
    membership = trainer.memberships.get()
    membership.role = Role.LEARNER
    membership.save()
    trainer = type(trainer).objects.get(pk=trainer.pk)  # fresh permission cache
    assert not org_a.root_page.permissions_for_user(trainer).can_edit()
    assert not trainer.has_perm("wagtailadmin.access_admin")
