"""Issue 15, admin tenancy: rights are answered for the organisation whose admin is in
use, admin forms offer only that organisation's objects, and a plugin's admin answers
only where the plugin is enabled."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from courses.models import BadgeClass, OnboardingPath, PathStep
from lms.models import OrganisationSettings, PluginActivation, Role, Team
from lms.models.organisations import organisation_collection
from lms.plugins.activation import view_owner
from tests.factories import make_course, member
from tests.test_learning import png


def badge(organisation, name):
    return BadgeClass.objects.create(
        organisation=organisation,
        name=name,
        description="d",
        criteria="c",
        image=png(),
    )


def path_with_step(organisation, title):
    path = OnboardingPath.objects.create(organisation=organisation, title=title)
    PathStep.objects.create(path=path, kind="checklist", title="Signer la charte")
    return path


def image_of(organisation):
    image = png()
    image.collection = organisation_collection(organisation)
    image.save()
    return image


def badge_post(default_image, **fields):
    return {
        "name": "Badge posté",
        "description": "d",
        "criteria": "c",
        "image": default_image.pk,
        **{name: getattr(value, "pk", value) for name, value in fields.items()},
    }


# Finding 1: cross-organisation admin --------------------------------------------------


@pytest.fixture
def b_content(org_b, enable_plugin):
    from tests.quiz_kit import make_quiz, single

    enable_plugin(org_b, "quizzes")
    return {
        "badge": badge(org_b, "Badge secret de B"),
        "path": path_with_step(org_b, "Parcours secret de B"),
        "quiz": make_quiz(org_b, [single(org_b)], title="Quiz secret de B"),
    }


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COORDINATOR])
def test_finding_1_a_trainer_or_coordinator_of_a_gets_nothing_from_bs_admin(
    client, org_a, org_b, b_content, enable_plugin, role
):
    enable_plugin(org_a, "quizzes")
    person = member(org_a, role)
    client.force_login(person)
    quiz_b = b_content["quiz"]
    for url in [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{org_b.root_page.pk}/",
        f"/admin/pages/{org_a.root_page.pk}/edit/",
        "/admin/images/",
        "/admin/choose-page/",
        "/admin/snippets/courses/badgeclass/",
        "/admin/snippets/courses/onboardingpath/",
        f"/admin/snippets/courses/onboardingpath/edit/{b_content['path'].pk}/",
        f"/admin/snippets/quizzes/quiz/edit/{quiz_b.pk}/",
        "/admin/snippets/choose/courses/badgeclass/",
    ]:
        response = client.get(url, HTTP_HOST="b.test")
        assert response.status_code in (302, 403, 404), url
        if response.status_code == 302:
            assert response.url.startswith("/admin/login/"), url
        assert "secret de B" not in response.content.decode(), url

    response = client.post(
        "/admin/snippets/courses/badgeclass/add/",
        badge_post(image_of(org_b), name="Badge forgé"),
        HTTP_HOST="b.test",
    )
    assert response.status_code in (302, 403)
    assert not BadgeClass.objects.filter(name="Badge forgé").exists()

    # Positive control: the same person on their own organisation's host.
    ours = badge(org_a, "Badge de A")
    assert client.get("/admin/", HTTP_HOST="a.test").status_code == 200
    listing = client.get("/admin/snippets/courses/badgeclass/", HTTP_HOST="a.test")
    assert listing.status_code == 200
    assert ours.name in listing.content.decode()
    assert "secret de B" not in listing.content.decode()
    response = client.post(
        "/admin/snippets/courses/badgeclass/add/",
        badge_post(image_of(org_a), name="Badge de A, nouveau"),
        HTTP_HOST="a.test",
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert BadgeClass.objects.get(name="Badge de A, nouveau").organisation == org_a


def test_finding_1_a_trainer_of_a_does_not_edit_as_page_author_on_bs_host(
    client, org_a, org_b
):
    trainer = member(org_a, Role.TRAINER)
    client.force_login(trainer)
    edit = f"/admin/pages/{org_a.root_page.pk}/edit/"
    assert client.get(edit, HTTP_HOST="a.test").status_code == 200
    assert client.get(edit, HTTP_HOST="b.test").status_code == 302


@pytest.mark.parametrize("role", [Role.LEARNER, Role.MENTOR])
def test_finding_1_learners_and_mentors_of_a_never_get_into_the_admin(
    client, org_a, org_b, role
):
    client.force_login(member(org_a, role))
    for host in ("a.test", "b.test"):
        response = client.get("/admin/", HTTP_HOST=host)
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")


def test_finding_1_a_member_of_b_with_another_role_gets_bs_admin_only_by_that_role(
    client, org_a, org_b
):
    person = member(org_a, Role.TRAINER)
    member(org_b, Role.LEARNER, user=person)
    client.force_login(person)
    assert client.get("/admin/", HTTP_HOST="a.test").status_code == 200
    assert client.get("/admin/", HTTP_HOST="b.test").status_code == 302


def test_finding_1_organisation_roles_hold_no_global_model_permission(org_a, org_b):
    from django.contrib.auth.models import Permission

    from lms.models.scoping import acting_in

    coordinator = member(org_a, Role.COORDINATOR)
    granted = Permission.objects.filter(group__user=coordinator)
    assert not granted.exists()
    with acting_in(org_a):
        assert coordinator.has_perm("courses.add_badgeclass")
        assert coordinator.has_perm("wagtailadmin.access_admin")
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)
    with acting_in(org_b):
        assert not coordinator.has_perm("courses.add_badgeclass")
        assert not coordinator.has_perm("wagtailadmin.access_admin")
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)
    assert not coordinator.has_perm("courses.add_badgeclass")  # no organisation


# Finding 3: admin forms offer other organisations' objects ---------------------------


@pytest.fixture
def federation(org_a, org_b):
    """C is A's federation and shares a catalogue; B has nothing to do with A."""
    from courses.models import CourseIndexPage
    from tests.factories import make_organisation

    org_c = make_organisation("Fédération", "c.test")
    settings_a = OrganisationSettings.for_organisation(org_a)
    settings_a.federation = org_c
    settings_a.save()
    shared = make_course(org_c, title="Cours fédéral")
    CourseIndexPage.objects.filter(pk=shared.get_parent().pk).update(
        shared_with_members=True
    )
    return shared


def ids(field):
    return set(field.queryset.values_list("pk", flat=True))


def test_finding_3_the_role_profile_form_offers_only_the_organisations_people_and_teams(
    client_a, org_a, org_b, enable_plugin
):
    from relais_skills.models import Framework, RoleProfile, Skill

    enable_plugin(org_a, "skills")
    coordinator = member(org_a, Role.COORDINATOR)
    learner_a = member(org_a)
    gone = member(org_a)
    gone.memberships.update(is_active=False)
    learner_b = member(org_b)
    team_a = Team.objects.create(organisation=org_a, name="Accueil")
    team_b = Team.objects.create(organisation=org_b, name="Parc")
    skill_a = Skill.objects.create(
        framework=Framework.objects.create(organisation=org_a, name="F"), name="S"
    )
    client_a.force_login(coordinator)
    url = reverse("wagtailsnippets_skills_roleprofile:add")
    form = client_a.get(url).context["form"]
    assert ids(form.fields["holders"]) == {coordinator.pk, learner_a.pk}
    assert ids(form.fields["team"]) == {team_a.pk}

    def post(**fields):
        return client_a.post(
            url,
            {
                "name": "Accueil",
                "requirements-TOTAL_FORMS": "1",
                "requirements-INITIAL_FORMS": "0",
                "requirements-MIN_NUM_FORMS": "1",
                "requirements-MAX_NUM_FORMS": "1000",
                "requirements-0-skill": skill_a.pk,
                "requirements-0-level": "1",
                "requirements-0-ORDER": "1",
                **fields,
            },
        )

    for crafted in ({"holders": [learner_b.pk]}, {"team": team_b.pk}):
        response = post(**crafted)
        assert response.status_code == 200
        assert response.context["form"].errors, crafted
        assert not RoleProfile.objects.exists()
    response = post(holders=[learner_a.pk], team=team_a.pk)
    assert response.status_code == 302, response.context["form"].errors
    assert list(RoleProfile.objects.get().holders.all()) == [learner_a]


def test_finding_3_the_badge_form_offers_only_the_organisations_and_shared_courses(
    client_a, org_a, org_b, federation
):
    ours = make_course(org_a, title="Notre cours")
    theirs = make_course(org_b, title="Leur cours")
    client_a.force_login(member(org_a, Role.COORDINATOR))
    url = "/admin/snippets/courses/badgeclass/add/"
    form = client_a.get(url).context["form"]
    assert ids(form.fields["course"]) == {ours.pk, federation.pk}
    path_b = path_with_step(org_b, "Parcours de B")
    assert path_b.pk not in ids(form.fields["path"])
    for crafted in (
        {"course": theirs.pk},
        {"path": path_b.pk},
        {"image": image_of(org_b)},
    ):
        response = client_a.post(url, badge_post(image_of(org_a), **crafted))
        assert response.status_code == 200, crafted
        assert response.context["form"].errors, crafted
        assert not BadgeClass.objects.exists()
    response = client_a.post(url, badge_post(image_of(org_a), course=federation.pk))
    assert response.status_code == 302
    assert BadgeClass.objects.get().course_id == federation.pk


def step_post(**step):
    return {
        "title": "Bienvenue",
        "role": "",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-kind": "course",
        "steps-0-title": "Suivre le cours",
        "steps-0-due_days": "7",
        "steps-0-required": "on",
        "steps-0-ORDER": "1",
        **{f"steps-0-{name}": value for name, value in step.items()},
    }


def test_finding_3_the_path_step_form_offers_only_the_organisations_and_shared_courses(
    client_a, org_a, org_b, federation
):
    ours = make_course(org_a, title="Notre cours")
    theirs = make_course(org_b, title="Leur cours")
    client_a.force_login(member(org_a, Role.COORDINATOR))
    url = "/admin/snippets/courses/onboardingpath/add/"
    form = client_a.get(url).context["form"]
    step_form = form.formsets["steps"].empty_form
    assert ids(step_form.fields["course"]) == {ours.pk, federation.pk}
    response = client_a.post(url, step_post(course=theirs.pk))
    assert response.status_code == 200
    assert not OnboardingPath.objects.exists()
    response = client_a.post(url, step_post(course=ours.pk))
    assert response.status_code == 302
    assert OnboardingPath.objects.get().steps.get().course_id == ours.pk


def test_finding_3_a_choice_field_without_known_scoping_fails_loudly(org_a):
    from django import forms
    from django.contrib.auth.models import Group
    from django.core.exceptions import ImproperlyConfigured

    from lms.snippets import scope_form

    class Unknown(forms.Form):
        group = forms.ModelChoiceField(Group.objects.all())

    with pytest.raises(ImproperlyConfigured, match="Group"):
        scope_form(Unknown(), org_a)


def test_finding_3_every_organisation_snippet_form_is_scoped(rf, org_a, enable_plugin):
    """Each admin form of an organisation's objects builds, every choice scoped."""
    from wagtail.admin.viewsets import viewsets

    from lms.models.scoping import acting_in
    from lms.snippets import OrganisationSnippetViewSet, scope_form

    request = rf.get("/admin/", HTTP_HOST="a.test")
    request.organisation = org_a
    checked = []
    with acting_in(org_a):
        for viewset in viewsets.viewsets:
            if not isinstance(viewset, OrganisationSnippetViewSet):
                continue
            form_class = viewset.get_edit_handler().get_form_class()
            form = form_class(for_user=None)
            scope_form(form, org_a)  # raises for a choice it cannot scope
            checked.append(viewset.model._meta.label_lower)
    assert {"courses.badgeclass", "skills.roleprofile", "quizzes.quiz"} <= set(checked)


# Finding 7: plugin admin screens answer only where the plugin is enabled -------------


def admin_patterns(resolver=None, prefix=""):
    """(route, pattern) of every URL pattern under /admin/, from the URLconf."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from admin_patterns(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("admin/"):
            yield route, pattern


PLUGIN_LABELS = {"quizzes", "h5p", "scorm", "skills", "mentoring"}


def plugin_admin_urls():
    """Every admin URL whose view a first-party plugin owns, parameters filled."""
    urls = {}
    for route, pattern in admin_patterns():
        owner = view_owner(pattern.callback)
        if owner not in PLUGIN_LABELS:
            continue
        url = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)
        url = url.replace("^", "").replace("$", "")
        if "(?P" in url or "\\" in url:
            continue  # a regular expression: not a URL to visit as such
        urls[url] = owner
    return urls


def test_finding_7_plugin_admin_urls_are_found_from_the_urlconf():
    urls = plugin_admin_urls()
    for expected in (
        "/admin/quizzes/import/",
        "/admin/skills/matrix/",
        "/admin/snippets/quizzes/quiz/",
        "/admin/snippets/quizzes/quiz/edit/1/",
        "/admin/snippets/h5p/h5pcontent/",
        "/admin/snippets/h5p/h5pcontent/add/",
        "/admin/snippets/choose/scorm/scormpackage/",
    ):
        assert expected in urls, expected
    assert set(urls.values()) >= {"quizzes", "h5p", "scorm", "skills"}
    assert len(urls) > 50


def test_finding_7_a_disabled_plugins_admin_urls_answer_404(client_a, org_a):
    client_a.force_login(member(org_a, Role.ADMIN))
    urls = plugin_admin_urls()
    answers = {url: client_a.get(url).status_code for url in urls}
    assert {url for url, status in answers.items() if status != 404} == set()
    posted = client_a.post("/admin/quizzes/import/", {})
    assert posted.status_code == 404


def test_finding_7_an_enabled_plugins_admin_urls_answer(client_a, org_a, enable_plugin):
    client_a.force_login(member(org_a, Role.ADMIN))
    for label in PLUGIN_LABELS:
        enable_plugin(org_a, label)
    lists = [url for url in plugin_admin_urls() if "/1/" not in url]
    answers = {url: client_a.get(url).status_code for url in lists}
    refused = {url: status for url, status in answers.items() if status == 404}
    assert refused == {}
    for url in ("/admin/quizzes/import/", "/admin/skills/matrix/"):
        assert answers[url] == 200


def menu_hrefs(page):
    return set(re.findall(r'"url": "([^"]+)"', page)) | set(
        re.findall(r'href="(/admin/[^"]+)"', page)
    )


def test_finding_7_a_disabled_plugins_menu_items_are_absent(
    client, org_a, org_b, enable_plugin
):
    for label in PLUGIN_LABELS:
        enable_plugin(org_a, label)
    admin = member(org_a, Role.ADMIN)
    member(org_b, Role.ADMIN, user=admin)
    client.force_login(admin)
    urls = plugin_admin_urls()
    pages = {
        host: client.get(path, HTTP_HOST=host).content.decode()
        for host in ("a.test", "b.test")
        for path in ("/admin/", "/admin/snippets/")
    }
    page_a = client.get("/admin/", HTTP_HOST="a.test").content.decode()
    page_b = client.get("/admin/", HTTP_HOST="b.test").content.decode()
    shown_a = {href for href in menu_hrefs(page_a) if href in urls}
    shown_b = {href for href in menu_hrefs(page_b) if href in urls}
    assert {"/admin/quizzes/import/", "/admin/snippets/h5p/h5pcontent/"} <= shown_a
    assert shown_b == set()
    snippets_b = client.get("/admin/snippets/", HTTP_HOST="b.test").content.decode()
    assert "/admin/snippets/quizzes/" not in snippets_b
    assert pages


def kind_choices(form, organisation):
    from wagtail.models import Site

    from lms.models.scoping import acting_in

    with acting_in(Site.objects.get(pk=organisation.pk)):  # activation read anew
        html = str(form.formsets["steps"].empty_form["kind"])
    return set(re.findall(r'<option value="([^"]+)"', html))


def test_finding_7_a_disabled_plugins_step_kinds_are_not_offered(
    client_a, org_a, enable_plugin
):
    client_a.force_login(member(org_a, Role.COORDINATOR))
    url = "/admin/snippets/courses/onboardingpath/add/"
    offered = kind_choices(client_a.get(url).context["form"], org_a)
    assert {"course", "checklist", "acknowledge"} <= offered
    assert not offered & {"quiz", "mentor"}
    response = client_a.post(url, step_post(kind="mentor"))
    assert response.status_code == 200
    assert not OnboardingPath.objects.exists()

    enable_plugin(org_a, "mentoring")
    enable_plugin(org_a, "quizzes")
    offered = kind_choices(client_a.get(url).context["form"], org_a)
    assert {"quiz", "mentor"} <= offered
    response = client_a.post(url, step_post(kind="mentor"))
    assert response.status_code == 302
    assert OnboardingPath.objects.get().steps.get().kind == "mentor"


def test_core_admin_views_belong_to_no_plugin():
    from django.urls import resolve

    for url in (
        "/admin/",
        "/admin/pages/",
        "/admin/snippets/courses/badgeclass/",
        "/admin/snippets/courses/onboardingpath/edit/1/",
        "/admin/relais/plugins/",
    ):
        assert view_owner(resolve(url).func) is None, url
    assert view_owner(resolve("/admin/snippets/quizzes/quiz/").func) == "quizzes"


def test_finding_7_a_disabled_plugins_lesson_block_cannot_be_added(
    org_a, enable_plugin
):
    from lms.models.scoping import acting_in
    from relais_quizzes.models import Quiz

    lesson = make_course(org_a, lessons=1).get_children().first().specific
    quiz = Quiz.objects.create(organisation=org_a, title="Hygiène")
    lesson.body.append(("quiz", {"quiz": quiz, "required": True}))
    with acting_in(org_a), pytest.raises(ValidationError) as refused:
        lesson.full_clean()
    assert "Quiz" in str(refused.value)

    enable_plugin(org_a, "quizzes")
    org_a = type(org_a).objects.get(pk=org_a.pk)  # a fresh read of what is enabled
    with acting_in(org_a):
        lesson.full_clean()
        lesson.save()

    # Switched off later: the lesson keeps its quiz and can still be edited.
    PluginActivation.objects.filter(organisation=org_a, app_label="quizzes").delete()
    org_a = type(org_a).objects.get(pk=org_a.pk)
    lesson = type(lesson).objects.get(pk=lesson.pk)
    lesson.title = "Leçon revue"
    with acting_in(org_a):
        lesson.full_clean()


def test_the_page_chooser_opens_at_the_organisations_own_home(client, org_a, org_b):
    client.force_login(member(org_a, Role.TRAINER))
    response = client.get("/admin/choose-page/?multiple=1", HTTP_HOST="a.test")
    assert response.status_code == 302
    assert response.url == f"/admin/choose-page/{org_a.root_page.pk}/?multiple=1"
    opened = client.get(response.url, HTTP_HOST="a.test")
    assert opened.status_code == 200
    assert opened.json()["step"] == "browse"


def test_a_chooser_for_one_page_type_keeps_wagtails_start(client, org_a):
    client.force_login(member(org_a, Role.TRAINER))
    response = client.get(
        "/admin/choose-page/?page_type=courses.coursepage", HTTP_HOST="a.test"
    )
    assert response.status_code == 200
