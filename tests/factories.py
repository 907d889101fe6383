"""The shared test kit: factories for organisations, people and invitations."""

import factory
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from lms.models import HomePage, Invitation, Kind, Membership, Role, Team

PASSWORD = "correct horse battery staple"


def make_organisation(name, hostname, *, default=False):
    """A Wagtail Site with its own home page: what an organisation is."""
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title=name, slug=hostname.replace(".", "-"))
    )
    return Site.objects.create(
        hostname=hostname,
        port=80,
        root_page=home,
        site_name=name,
        is_default_site=default,
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.LEARNER
    kind = Kind.VOLUNTEER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"newcomer{n}@example.org")
    first_name = "Léa"
    role = Role.LEARNER


def member(organisation, role=Role.LEARNER, **kwargs):
    return MembershipFactory(organisation=organisation, role=role, **kwargs).user


def make_course(organisation, title="Découvrir", lessons=2, charter=False, **fields):
    """A live course in the organisation's catalogue with simple text lessons,
    the last one holding the charter acknowledgement when ``charter``."""
    from courses.models import CourseIndexPage, CoursePage, LessonPage

    root = organisation.root_page
    catalogue = CourseIndexPage.objects.child_of(root).first() or root.add_child(
        instance=CourseIndexPage(title="Formations", slug="formations")
    )
    course = catalogue.add_child(
        instance=CoursePage(title=title, summary="Un cours.", **fields)
    )
    for number in range(1, lessons + 1):
        body = [("text", f"<p>Leçon {number}</p>")]
        if charter and number == lessons:
            body.append(
                (
                    "acknowledge",
                    {"text": "<p>Charte</p>", "label": "J'accepte", "required": True},
                )
            )
        course.add_child(instance=LessonPage(title=f"Leçon {number}", body=body))
    return course
