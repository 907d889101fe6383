"""Community plugin, discussions and recognition: questions under lessons, team
spaces, mentions, safe text, moderation, flood limits, thank-you cards."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from courses.models import BadgeAward, BadgeClass, Enrolment, LessonPage
from lms.models import Membership, Notification, Role, Team
from lms.notifications import render as render_notification
from relais_community import talk
from relais_community.talk_models import (
    DiscussionPost,
    ModerationRecord,
    Mute,
    OrganisationValue,
    PostReport,
    ThankYou,
)
from tests.factories import UserFactory, make_course, member

# Known XSS payloads (OWASP's filter evasion cheat sheet and friends); each carries
# "XSS" so anything of it that ran would be found.
XSS_PAYLOADS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=//xss.example/XSS.js></SCRIPT>",
    "<img src=x onerror=\"alert('XSS')\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<svg/onload=alert('XSS')>",
    '<svg><script>alert("XSS")</script></svg>',
    "<body onload=alert('XSS')>",
    "<iframe src=\"javascript:alert('XSS')\"></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>XSS"></iframe>',
    "[clique ici](javascript:alert('XSS'))",
    "[clique](JaVaScRiPt:alert('XSS'))",
    "[clique](data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=)",
    "![XSS](javascript:alert('XSS'))",
    "<a href=\"javascript:alert('XSS')\">XSS</a>",
    '<a href="data:text/html,<script>alert(1)</script>">XSS</a>',
    "<style>body{background:url('javascript:alert(\"XSS\")')}</style>",
    "<div style=\"background-image: url(javascript:alert('XSS'))\">XSS</div>",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">XSS'
    "</object>",
    "<embed src=\"javascript:alert('XSS')\">",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("XSS")>',
    "<form action=\"javascript:alert('XSS')\"><button>XSS</button></form>",
    "<details open ontoggle=alert('XSS')>",
    '"><script>alert("XSS")</script>',
    "<<SCRIPT>alert('XSS');//<</SCRIPT>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'XSS\')">',
    "<a href=\"  javascript:alert('XSS')\">XSS</a>",
    "[x](vbscript:msgbox('XSS'))",
]
DANGEROUS_TAGS = {
    "iframe",
    "svg",
    "object",
    "embed",
    "math",
    "style",
    "meta",
    "img",
    "body",
    "base",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"}


ALLOWED_IN_TEXT = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "code"}
ALLOWED_IN_TEXT |= {"blockquote", "span"}


def assert_nothing_active(html):
    """What the people's text became: inside each ``.user-text`` only the Markdown
    subset's elements; anywhere in ``<main>`` no event handler, no style, no URL of a
    scheme that runs or embeds, no script but the page's own (with its nonce)."""
    main = BeautifulSoup(html, "html.parser").find("main")
    assert main is not None
    texts = main.select(".user-text")
    assert texts, "no typed text on the page"
    for text in texts:
        for element in text.find_all(True):
            assert element.name in ALLOWED_IN_TEXT, str(element)
    for element in main.find_all(True):
        if element.name == "script":
            assert element.get("nonce") and "XSS" not in element.text, str(element)
        assert element.name not in DANGEROUS_TAGS, str(element)
        for attribute, value in element.attrs.items():
            assert not attribute.lower().startswith("on"), str(element)
            assert attribute.lower() != "style", str(element)
            if attribute.lower() in URL_ATTRIBUTES:
                url = "".join(str(value).split()).lower()
                assert not url.startswith(("javascript:", "data:", "vbscript:")), str(
                    element
                )
        if element.name == "a" and element.get("href", "").startswith("http"):
            assert set(element.get("rel", [])) >= {"nofollow", "noopener"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def community(org_a, enable_plugin):
    enable_plugin(org_a, "community")
    return org_a


@pytest.fixture
def front_desk(community):
    return Team.objects.create(organisation=community, name="Accueil")


@pytest.fixture
def lesson(community):
    course = make_course(community, title="Hygiène alimentaire")
    return LessonPage.objects.child_of(course).first()


def person(organisation, role=Role.LEARNER, team=None, first="Léa", last="Martin"):
    user = member(organisation, role, team=team)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def as_(client, user):
    client.force_login(user)
    return client


def ask(client, lesson, text):
    return client.post(
        reverse("community:talk_questions", args=[lesson.pk]), {"body": text}
    )


# -- safe text ------------------------------------------------------------------


def test_markdown_is_rendered_and_links_are_nofollow(client_a, lesson):
    lea = person(lesson.get_site(), first="Léa")
    ask(as_(client_a, lea), lesson, "**Gras** et [lien](https://example.org)")
    post = DiscussionPost.objects.get()
    assert "<strong>Gras</strong>" in post.body_html
    assert 'rel="nofollow noopener"' in post.body_html
    assert 'href="https://example.org"' in post.body_html


def test_no_xss_payload_survives_any_text_input(
    client_a, community, lesson, front_desk
):
    coordinator = person(community, Role.COORDINATOR, first="Sophie", last="Durand")
    lea = person(community, team=front_desk)
    michel = person(
        community, Role.MENTOR, team=front_desk, first="Michel", last="Roux"
    )
    value = OrganisationValue.objects.create(organisation=community, name="Respect")
    Enrolment.objects.create(
        user=lea, course=lesson.get_parent().specific, organisation=community
    )
    with_settings = pytest.MonkeyPatch()
    with_settings.setattr(talk, "_may_post", lambda request: None)  # no flood limit
    try:
        as_(client_a, lea)
        for payload in XSS_PAYLOADS:
            ask(client_a, lesson, payload)
            question = DiscussionPost.objects.filter(kind="question").latest("pk")
            client_a.post(
                reverse("community:talk_reply", args=[question.pk]), {"body": payload}
            )
            client_a.post(
                reverse("community:talk_team", args=[front_desk.pk]), {"body": payload}
            )
            team_post = DiscussionPost.objects.filter(kind="team_post").latest("pk")
            client_a.post(
                reverse("community:talk_reply", args=[team_post.pk]), {"body": payload}
            )
            client_a.post(
                reverse("community:talk_wall"),
                {"recipient": michel.pk, "value": value.pk, "message": payload},
            )
            client_a.post(
                reverse("community:talk_report", args=[question.pk]),
                {"reason": payload},
            )
    finally:
        with_settings.undo()
    count = len(XSS_PAYLOADS)
    assert DiscussionPost.objects.filter(kind="question").count() == count
    assert DiscussionPost.objects.filter(kind="answer").count() == count
    assert DiscussionPost.objects.filter(kind="team_reply").count() == count
    assert ThankYou.objects.count() == count
    assert PostReport.objects.count() == count
    pages = [
        (lea, reverse("community:talk_questions", args=[lesson.pk])),
        (lea, lesson.specific.learn_url()),
        (lea, reverse("community:talk_team", args=[front_desk.pk])),
        (lea, reverse("community:talk_wall")),
        (coordinator, reverse("community:talk_moderation")),
    ]
    for question in DiscussionPost.objects.all()[:5]:
        pages.append((lea, reverse("community:talk_report", args=[question.pk])))
    for user, url in pages:
        response = as_(client_a, user).get(url + "?page=1")
        assert response.status_code == 200, url
        assert_nothing_active(response.content.decode())
        # What was typed is shown as text, escaped.
        assert "alert(" in response.content.decode() or "XSS" in (
            response.content.decode()
        ), url


# -- questions under lessons ----------------------------------------------------


def test_lesson_page_shows_the_questions_panel_where_the_plugin_is_on(
    client_a, org_a, enable_plugin
):
    course = make_course(org_a)
    lesson = LessonPage.objects.child_of(course).first()
    lea = person(org_a)
    Enrolment.objects.create(user=lea, course=course, organisation=org_a)
    as_(client_a, lea)
    assert "Ask a question about this page" not in client_a.get(
        lesson.learn_url()
    ).content.decode("utf-8")
    enable_plugin(org_a, "community")
    client_a.cookies["django_language"] = "en"
    response = client_a.get(lesson.learn_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("community:talk_questions", args=[lesson.pk]) in (
        response.content.decode()
    )


def test_answered_questions_show_first(client_a, community, lesson):
    lea = person(community)
    karim = person(community, Role.TRAINER, first="Karim", last="Benali")
    as_(client_a, lea)
    ask(client_a, lesson, "Première question")
    ask(client_a, lesson, "Seconde question")
    first = DiscussionPost.objects.get(body="Première question")
    as_(client_a, karim).post(
        reverse("community:talk_reply", args=[first.pk]), {"body": "Réponse"}
    )
    answer = DiscussionPost.objects.get(kind="answer")
    client_a.post(reverse("community:talk_helpful", args=[answer.pk]))
    answer.refresh_from_db()
    first.refresh_from_db()
    assert answer.helpful and first.answered_at is not None
    request = type("R", (), {"user": lea, "organisation": community})()
    request.membership = Membership.objects.get(user=lea)
    order = [q.body for q in talk.questions_under(request, lesson)]
    assert order == ["Première question", "Seconde question"]


def test_another_learner_cannot_mark_an_answer(client_a, community, lesson):
    lea, other = person(community), person(community, first="Inès", last="Garcia")
    as_(client_a, lea)
    ask(client_a, lesson, "Question")
    question = DiscussionPost.objects.get()
    as_(client_a, other).post(
        reverse("community:talk_reply", args=[question.pk]), {"body": "Réponse"}
    )
    answer = DiscussionPost.objects.get(kind="answer")
    response = client_a.post(reverse("community:talk_helpful", args=[answer.pk]))
    assert response.status_code == 403
    answer.refresh_from_db()
    assert not answer.helpful
    # The asker can.
    as_(client_a, lea).post(reverse("community:talk_helpful", args=[answer.pk]))
    answer.refresh_from_db()
    assert answer.helpful


def test_questions_of_a_page_outside_the_catalogue_are_404(client_a, community, org_b):
    course = make_course(org_b, title="Ailleurs")
    elsewhere = LessonPage.objects.child_of(course).first()
    lea = person(community)
    response = ask(as_(client_a, lea), elsewhere, "Hors catalogue")
    assert response.status_code == 404
    assert not DiscussionPost.objects.exists()


# -- team spaces ------------------------------------------------------------------


def test_a_team_space_is_for_its_members_and_coordinators(
    client_a, community, front_desk
):
    distribution = Team.objects.create(organisation=community, name="Distribution")
    lea = person(community, team=front_desk)
    ines = person(community, team=distribution, first="Inès", last="Garcia")
    sophie = person(community, Role.COORDINATOR, first="Sophie", last="Durand")
    as_(client_a, lea).post(
        reverse("community:talk_team", args=[front_desk.pk]),
        {"body": "Secret du planning"},
    )
    url = reverse("community:talk_team", args=[front_desk.pk])
    assert "Secret du planning" in as_(client_a, lea).get(url).content.decode()
    assert "Secret" in as_(client_a, sophie).get(url).content.decode()
    response = as_(client_a, ines).get(url)
    assert response.status_code == 403 and b"Secret" not in response.content
    # Posting in a team space one is not in is refused and changes nothing.
    response = client_a.post(url, {"body": "Intrusion"})
    assert response.status_code == 403
    assert not DiscussionPost.objects.filter(body="Intrusion").exists()
    # Replying to its posts by id: not found.
    post = DiscussionPost.objects.get()
    for name in ("talk_reply", "talk_report"):
        response = client_a.post(
            reverse(f"community:{name}", args=[post.pk]), {"body": "x", "reason": "x"}
        )
        assert response.status_code == 404
    assert DiscussionPost.objects.count() == 1 and not PostReport.objects.exists()


def test_a_person_who_leaves_or_changes_team_reads_nothing_of_it(
    client_a, community, front_desk
):
    lea = person(community, team=front_desk)
    url = reverse("community:talk_team", args=[front_desk.pk])
    as_(client_a, lea).post(url, {"body": "Planning de samedi"})
    membership = Membership.objects.get(user=lea)
    membership.team = Team.objects.create(organisation=community, name="Collecte")
    membership.save()
    assert client_a.get(url).status_code == 403
    membership.team, membership.is_active = front_desk, False
    membership.save()
    wall, teams = reverse("community:talk_wall"), reverse("community:talk_teams")
    for address in (url, wall, teams):
        response = client_a.get(address)
        assert response.status_code == 403 and b"Planning" not in response.content


def test_another_organisations_team_and_posts_are_404(
    client_a, community, front_desk, org_b, enable_plugin
):
    enable_plugin(org_b, "community")
    their_team = Team.objects.create(organisation=org_b, name="Accueil B")
    stranger = person(org_b, team=their_team)
    theirs = DiscussionPost.objects.create(
        organisation=org_b,
        kind="team_post",
        team=their_team,
        author=stranger,
        body="Chez eux",
        body_html="<p>Chez eux</p>",
    )
    sophie = person(community, Role.COORDINATOR)
    as_(client_a, sophie)
    assert (
        client_a.get(reverse("community:talk_team", args=[their_team.pk])).status_code
        == 404
    )
    for name in ("talk_reply", "talk_helpful", "talk_report", "talk_moderate"):
        response = client_a.post(
            reverse(f"community:{name}", args=[theirs.pk]),
            {"body": "x", "reason": "x", "action": "hide"},
        )
        assert response.status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.hidden_at is None and theirs.replies.count() == 0


# -- mentions ---------------------------------------------------------------------


def test_mentions_link_members_only(client_a, community, front_desk, org_b, lesson):
    lea = person(community, team=front_desk)
    michel = person(
        community, Role.MENTOR, team=front_desk, first="Michel", last="Roux"
    )
    outsider = person(org_b, first="Paul", last="Dehors")
    as_(client_a, lea)
    ask(client_a, lesson, "Merci @Michel Roux et @Paul Dehors !")
    post = DiscussionPost.objects.get()
    assert list(post.mentioned.all()) == [michel]
    assert '<span class="mention">@Michel Roux</span>' in post.body_html
    assert '<span class="mention">@Paul' not in post.body_html
    assert outsider not in post.mentioned.all()


def test_erasing_a_mentioned_member_leaves_the_post_and_forgets_her_name(
    client_a, community, front_desk, lesson
):
    from lms.privacy.engines import erase_person

    lea = person(community, team=front_desk, first="Léa", last="Martin")
    michel = person(community, Role.MENTOR, first="Michel", last="Roux")
    chantal = person(community, first="Chantal", last="Leroy")
    ask(as_(client_a, chantal), lesson, "Bienvenue @Léa Martin ! @Michel Roux aide.")
    post = DiscussionPost.objects.get()
    assert set(post.mentioned.all()) == {lea, michel}

    erase_person(lea, community)

    post.refresh_from_db()
    assert post.author == chantal
    assert "Martin" not in post.body + post.body_html
    assert post.body == "Bienvenue un ancien membre ! @Michel Roux aide."
    assert '<span class="mention">@Michel Roux</span>' in post.body_html
    assert list(post.mentioned.all()) == [michel]


def test_a_team_post_mentions_only_who_may_read_it(client_a, community, front_desk):
    lea = person(community, team=front_desk)
    person(community, first="Inès", last="Garcia")  # in no team
    sophie = person(community, Role.COORDINATOR, first="Sophie", last="Durand")
    as_(client_a, lea).post(
        reverse("community:talk_team", args=[front_desk.pk]),
        {"body": "@Inès Garcia et @Sophie Durand, venez voir"},
    )
    post = DiscussionPost.objects.get()
    assert list(post.mentioned.all()) == [sophie]


# -- moderation and floods --------------------------------------------------------


def test_a_hidden_post_is_read_by_moderators_only(client_a, community, lesson):
    lea = person(community)
    other = person(community, first="Inès", last="Garcia")
    sophie = person(community, Role.COORDINATOR, first="Sophie", last="Durand")
    ask(as_(client_a, lea), lesson, "Message déplacé")
    post = DiscussionPost.objects.get()
    url = reverse("community:talk_questions", args=[lesson.pk])
    response = as_(client_a, other).post(
        reverse("community:talk_moderate", args=[post.pk]),
        {"action": "hide", "reason": "Hors sujet"},
    )
    assert response.status_code == 403
    as_(client_a, sophie).post(
        reverse("community:talk_moderate", args=[post.pk]),
        {"action": "hide", "reason": "Hors sujet"},
    )
    post.refresh_from_db()
    assert post.hidden_at is not None and post.hidden_reason == "Hors sujet"
    assert "déplacé" in client_a.get(url).content.decode()
    for reader in (lea, other):
        assert "déplacé" not in as_(client_a, reader).get(url).content.decode()
        assert (
            client_a.get(reverse("community:talk_report", args=[post.pk])).status_code
            == 404
        )
    as_(client_a, sophie).post(
        reverse("community:talk_moderate", args=[post.pk]),
        {"action": "restore", "reason": "Erreur"},
    )
    assert "déplacé" in as_(client_a, other).get(url).content.decode()
    as_(client_a, sophie).post(
        reverse("community:talk_moderate", args=[post.pk]),
        {"action": "delete", "reason": "Doublon"},
    )
    assert not DiscussionPost.objects.exists()
    assert list(
        ModerationRecord.objects.order_by("pk").values_list("action", "reason")
    ) == [("hide", "Hors sujet"), ("restore", "Erreur"), ("delete", "Doublon")]


def test_moderating_without_a_reason_changes_nothing(client_a, community, lesson):
    lea = person(community)
    sophie = person(community, Role.COORDINATOR, first="Sophie", last="Durand")
    ask(as_(client_a, lea), lesson, "Question")
    post = DiscussionPost.objects.get()
    as_(client_a, sophie).post(
        reverse("community:talk_moderate", args=[post.pk]),
        {"action": "hide", "reason": "  "},
    )
    post.refresh_from_db()
    assert post.hidden_at is None and not ModerationRecord.objects.exists()


def test_a_muted_person_cannot_post(client_a, community, lesson):
    lea = person(community)
    sophie = person(community, Role.COORDINATOR, first="Sophie", last="Durand")
    as_(client_a, sophie).post(
        reverse("community:talk_mute"), {"person": lea.pk, "reason": "Insultes"}
    )
    assert Mute.objects.filter(person=lea).exists()
    response = ask(as_(client_a, lea), lesson, "Encore moi")
    assert response.status_code == 403
    assert not DiscussionPost.objects.exists()


def test_a_flood_of_posts_is_refused_with_a_clear_message(
    client_a, community, lesson, settings
):
    settings.LMS_COMMUNITY_POSTS_PER_WINDOW = 3
    lea = person(community)
    as_(client_a, lea)
    for number in range(3):
        assert ask(client_a, lesson, f"Question {number}").status_code == 302
    response = ask(client_a, lesson, "Question de trop")
    assert response.status_code == 429
    assert "Question de trop" in response.content.decode()  # kept in the form
    assert DiscussionPost.objects.count() == 3


def test_an_empty_or_too_long_post_changes_nothing(client_a, community, lesson):
    as_(client_a, person(community))
    assert ask(client_a, lesson, "   ").status_code == 400
    assert ask(client_a, lesson, "x" * 5001).status_code == 400
    assert not DiscussionPost.objects.exists()


# -- recognition --------------------------------------------------------------------


def test_thanks_go_to_members_only(client_a, community, org_b):
    lea = person(community)
    michel = person(community, Role.MENTOR, first="Michel", last="Roux")
    outsider = person(org_b, first="Paul", last="Dehors")
    foreign_value = OrganisationValue.objects.create(organisation=org_b, name="Autre")
    as_(client_a, lea)
    url = reverse("community:talk_wall")
    for data in (
        {"recipient": outsider.pk, "message": "Merci"},
        {"recipient": lea.pk, "message": "Merci moi"},
        {"recipient": michel.pk, "value": foreign_value.pk, "message": "Merci"},
        {"recipient": michel.pk, "message": " "},
        {"recipient": "pas un nombre", "message": "Merci"},
    ):
        assert client_a.post(url, data).status_code == 400, data
    assert not ThankYou.objects.exists()
    client_a.post(url, {"recipient": michel.pk, "message": "Merci Michel !"})
    assert "Merci Michel !" in client_a.get(url).content.decode()


def test_coordinators_turn_thanks_into_a_badge_once(
    client_a, community, django_assert_max_num_queries
):
    from courses.demo import badge_image

    michel = person(community, Role.MENTOR, first="Michel", last="Roux")
    lea = person(community)
    sophie = person(community, Role.COORDINATOR, first="Sophie", last="Durand")
    value = OrganisationValue.objects.create(organisation=community, name="Respect")
    for _ in range(3):
        ThankYou.objects.create(
            organisation=community,
            sender=lea,
            recipient=michel,
            value=value,
            message="Merci",
            message_html="<p>Merci</p>",
        )
    badge = BadgeClass.objects.create(
        organisation=community,
        name="Pilier de l'accueil",
        description="Remercié souvent",
        criteria="Des mercis",
        image=badge_image(community, "Pilier", "#166534"),
    )
    url = reverse("community:talk_recognition")
    assert as_(client_a, lea).post(url, {"person": michel.pk}).status_code == 403
    as_(client_a, sophie)
    data = {"person": michel.pk, "badge": badge.pk, "value": value.pk}
    client_a.post(url, data)
    client_a.post(url, data)
    award = BadgeAward.objects.get()
    assert award.recipient == michel and award.rule == f"community:thanks:{value.pk}"
    # Someone never thanked gets nothing.
    assert client_a.post(url, {**data, "person": lea.pk}).status_code == 400
    assert BadgeAward.objects.count() == 1


# -- the daily job --------------------------------------------------------------------


def test_trainers_hear_of_unanswered_questions_once(community, lesson):
    lea = person(community)
    karim = person(community, Role.TRAINER, first="Karim", last="Benali")
    old = DiscussionPost.objects.create(
        organisation=community,
        kind="question",
        page=lesson,
        author=lea,
        body="Vieille",
        body_html="<p>Vieille</p>",
    )
    DiscussionPost.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=4)
    )
    DiscussionPost.objects.create(
        organisation=community,
        kind="question",
        page=lesson,
        author=lea,
        body="Récente",
        body_html="<p>Récente</p>",
    )
    assert talk.notify_unanswered() == 1
    told = Notification.objects.filter(kind="community.unanswered")
    assert [n.person for n in told] == [karim]
    assert told.get().params["place"] == lesson.title
    assert talk.notify_unanswered() == 0  # idempotent
    assert told.count() == 1


# -- query counts ---------------------------------------------------------------


def test_a_team_space_page_reads_in_constant_queries(
    client_a, community, front_desk, django_assert_max_num_queries
):
    lea = person(community, team=front_desk)
    url = reverse("community:talk_team", args=[front_desk.pk])
    as_(client_a, lea).get(url)

    def posts(count):
        for number in range(count):
            author = UserFactory()
            Membership.objects.create(
                user=author, organisation=community, role=Role.LEARNER, team=front_desk
            )
            post = DiscussionPost.objects.create(
                organisation=community,
                kind="team_post",
                team=front_desk,
                author=author,
                body=f"Post {number}",
                body_html=f"<p>Post {number}</p>",
            )
            DiscussionPost.objects.create(
                organisation=community,
                kind="team_reply",
                team=front_desk,
                parent=post,
                author=lea,
                body="Réponse",
                body_html="<p>Réponse</p>",
            )

    posts(2)
    with django_assert_max_num_queries(30) as few:
        client_a.get(url)
    posts(18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_a.get(url)
    assert response.content.decode().count('class="talk-thread"') == 20


def test_a_lessons_questions_page_reads_in_constant_queries(
    client_a, community, lesson, django_assert_max_num_queries
):
    lea = person(community)
    url = reverse("community:talk_questions", args=[lesson.pk])
    as_(client_a, lea).get(url)

    def questions(count):
        for number in range(count):
            question = DiscussionPost.objects.create(
                organisation=community,
                kind="question",
                page=lesson,
                author=UserFactory(),
                body=f"Question {number}",
                body_html=f"<p>Question {number}</p>",
            )
            DiscussionPost.objects.create(
                organisation=community,
                kind="answer",
                parent=question,
                author=lea,
                body="Réponse",
                body_html="<p>Réponse</p>",
            )

    questions(2)
    with django_assert_max_num_queries(30) as few:
        client_a.get(url)
    questions(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_a.get(url)
    assert response.content.decode().count('class="talk-thread"') == 20


# -- notifications ----------------------------------------------------------------


def test_mentions_answers_marks_and_thanks_notify_in_the_readers_language(
    client_a, community, lesson
):
    from django.utils import translation

    lea = person(community)
    karim = person(community, Role.TRAINER, first="Karim", last="Benali")
    ask(as_(client_a, lea), lesson, "Une question pour @Karim Benali")
    mention = Notification.objects.get(kind="community.mention")
    assert mention.person == karim and mention.params["place"] == lesson.title
    question = DiscussionPost.objects.get()
    as_(client_a, karim).post(
        reverse("community:talk_reply", args=[question.pk]), {"body": "Voici"}
    )
    answered = Notification.objects.get(kind="community.answer")
    assert answered.person == lea and "Karim Benali" in answered.params["author"]
    answer = DiscussionPost.objects.get(kind="answer")
    as_(client_a, lea).post(reverse("community:talk_helpful", args=[answer.pk]))
    assert Notification.objects.get(kind="community.helpful").person == karim
    client_a.post(
        reverse("community:talk_wall"), {"recipient": karim.pk, "message": "Merci"}
    )
    thanks = Notification.objects.get(kind="community.thanks")
    assert thanks.person == karim
    with translation.override("fr"):
        assert "vous a remercié" in render_notification(thanks)
    with translation.override("en"):
        assert "thanked you" in render_notification(thanks)
