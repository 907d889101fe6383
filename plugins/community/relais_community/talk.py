"""Discussions and recognition, written once: who reads what, who may post where,
moderation, thank-you cards and the daily job for unanswered questions.

Who reads a post:

* a question and its answers: the organisation's active members, under a course or
  lesson the organisation offers;
* a team post and its replies: that team's members and the organisation's
  coordinators and admins (moderators), nobody else;
* a hidden post (or anything under it): moderators only.

A person who leaves (membership inactive) or changes team reads nothing of their
former place: rights are read from the current membership at every request.
Refusals raise ``Refused`` with a sentence for the person; nothing is changed.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.badges import award_badge
from courses.models import CoursePage, LessonPage, available_courses
from lms.models import Membership, Role, Team
from lms.models.people import PEOPLE_MANAGERS
from lms.plugins.activation import enabled_labels
from relais_community import talk_notices, talk_text
from relais_community.talk_models import (
    DiscussionPost,
    ModerationRecord,
    Mute,
    OrganisationValue,
    PostReport,
    ThankYou,
)

Kind = DiscussionPost.Kind
# Who marks an answer as the one that helped, besides the asker.
ANSWER_MARKERS = frozenset({Role.TRAINER, Role.ADMIN})
MAX_LENGTH = 5000


class Refused(Exception):
    """An action the person may not take here; the message says why."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


# -- who ------------------------------------------------------------------------


def is_moderator(request):
    membership = getattr(request, "membership", None)
    return request.user.is_superuser or (
        membership is not None and membership.role in PEOPLE_MANAGERS
    )


def can_mark(request, question):
    membership = getattr(request, "membership", None)
    return (
        request.user.is_superuser
        or question.author_id == request.user.pk
        or (membership is not None and membership.role in ANSWER_MARKERS)
    )


def teams_readable(request):
    """The teams whose space this person opens: their own; every team for
    moderators."""
    teams = Team.objects.for_organisation(request.organisation)
    if is_moderator(request):
        return teams
    membership = getattr(request, "membership", None)
    return teams.filter(pk=membership.team_id if membership else None)


def team_for(request, team_id):
    """The team, for someone who may read its space; another organisation's is
    404, another team's space 403."""
    team = Team.objects.for_organisation(request.organisation).filter(pk=team_id)
    team = team.first()
    if team is None:
        raise Http404
    if not teams_readable(request).filter(pk=team.pk).exists():
        raise Refused(_("This team space is for its members only."), status=403)
    return team


def readable_posts(request):
    """Posts of the organisation this person may read (see the module's rules)."""
    posts = DiscussionPost.objects.for_organisation(request.organisation)
    if is_moderator(request):
        return posts
    membership = getattr(request, "membership", None)
    team_id = membership.team_id if membership else None
    posts = posts.filter(hidden_at__isnull=True).exclude(
        parent__hidden_at__isnull=False
    )
    return posts.filter(Q(team__isnull=True) | Q(team_id=team_id))


def post_for(request, post_id):
    """A post this person may read, or 404 (another organisation's, another team's,
    hidden, or none)."""
    post = (
        readable_posts(request)
        .select_related("parent", "page", "team", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise Http404
    return post


def discussion_page(organisation, page_id):
    """A live course of the organisation's catalogue, or a live lesson of one,
    under which questions are asked; 404 otherwise."""
    page = Page.objects.live().filter(pk=page_id).specific().first()
    courses = available_courses(organisation)
    if isinstance(page, CoursePage) and courses.filter(pk=page.pk).exists():
        return page
    if isinstance(page, LessonPage) and courses.filter(path=page.parent_path).exists():
        return page
    raise Http404


def readers(organisation, post):
    """Everyone who may read ``post`` (whom a mention may notify)."""
    members = Membership.objects.active().for_organisation(organisation)
    thread = post.parent if post.parent_id else post
    if thread.team_id:
        members = members.filter(
            Q(team_id=thread.team_id) | Q(role__in=PEOPLE_MANAGERS)
        )
    return get_user_model().objects.filter(pk__in=members.values("user"))


def members(organisation):
    return get_user_model().objects.filter(
        pk__in=Membership.objects.active().for_organisation(organisation).values("user")
    )


# -- posting --------------------------------------------------------------------


def _may_post(request):
    if (
        Mute.objects.for_organisation(request.organisation)
        .filter(person=request.user)
        .exists()
    ):
        raise Refused(
            _("A coordinator has paused your posting here. You can still read."),
            status=403,
        )
    limit = getattr(settings, "LMS_COMMUNITY_POSTS_PER_WINDOW", 6)
    window = getattr(settings, "LMS_COMMUNITY_POST_WINDOW_SECONDS", 60)
    key = f"community:posts:{request.organisation.pk}:{request.user.pk}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        raise Refused(
            _(
                "You are posting very fast. Please wait a minute, then try again: "
                "what you wrote is still in the form."
            ),
            status=429,
        )


def _clean_text(text, limit=MAX_LENGTH):
    text = (text or "").strip()
    if not text:
        raise Refused(_("Write something first."))
    if len(text) > limit:
        raise Refused(
            _("This is too long: %(limit)s characters at most.") % {"limit": limit}
        )
    return text


def place_of(post):
    """What a notification names as the place: a page's or a team's name."""
    thread = post.parent if post.parent_id else post
    return thread.page.title if thread.page_id else thread.team.name


def url_of(post):
    thread = post.parent if post.parent_id else post
    if thread.team_id:
        url = reverse("community:talk_team", args=[thread.team_id])
    else:
        url = reverse("community:talk_questions", args=[thread.page_id])
    return f"{url}#post-{post.pk}"


def _publish(request, post, text):
    text = _clean_text(text)
    _may_post(request)
    organisation = request.organisation
    mentioned = [
        user
        for user in talk_text.mentioned_members(text, organisation)
        if user.pk != request.user.pk
    ]
    # Only those who may read the post are linked and told.
    allowed = set(
        readers(organisation, post)
        .filter(pk__in=[user.pk for user in mentioned])
        .values_list("pk", flat=True)
    )
    mentioned = [user for user in mentioned if user.pk in allowed]
    post.organisation = organisation
    post.author = request.user
    post.body = text
    post.body_html = talk_text.render(text, mentioned)
    post.save()
    post.mentioned.set(mentioned)
    author = request.user.get_full_name() or request.user.get_username()
    for user in mentioned:
        _tell(
            talk_notices.MENTION,
            user,
            organisation,
            url_of(post),
            author=author,
            place=place_of(post),
        )
    return post


def _tell(kind, person, organisation, url, **params):
    # notify() belongs inside the transaction: its e-mail leaves on commit.
    talk_notices.tell(kind, person, organisation, url, **params)


@transaction.atomic
def ask(request, page, text):
    return _publish(request, DiscussionPost(kind=Kind.QUESTION, page=page), text)


@transaction.atomic
def post_in_team(request, team, text):
    return _publish(request, DiscussionPost(kind=Kind.TEAM_POST, team=team), text)


@transaction.atomic
def reply(request, parent, text):
    """An answer to a question or a reply to a team post (one level only)."""
    if parent.parent_id:
        raise Refused(_("Reply to the first post of the conversation."))
    if parent.hidden_at is not None:
        raise Refused(_("This post is hidden; it takes no replies."))
    if parent.is_question:
        post = DiscussionPost(kind=Kind.ANSWER, parent=parent)
    else:
        post = DiscussionPost(kind=Kind.TEAM_REPLY, parent=parent, team=parent.team)
    post = _publish(request, post, text)
    if parent.is_question and parent.author_id != request.user.pk:
        _tell(
            talk_notices.ANSWER,
            parent.author,
            request.organisation,
            url_of(post),
            author=request.user.get_full_name() or request.user.get_username(),
            place=place_of(post),
        )
    return post


@transaction.atomic
def mark_helpful(request, answer):
    """The asker or a trainer marks the answer that helped (one per question)."""
    question = answer.parent
    if answer.kind != Kind.ANSWER or question is None:
        raise Refused(_("Only an answer to a question can be marked."))
    if not can_mark(request, question):
        raise Refused(
            _("Only the person who asked or a trainer marks the answer."), status=403
        )
    if answer.helpful:
        return False
    question.replies.filter(helpful=True).update(helpful=False)
    DiscussionPost.objects.filter(pk=answer.pk).update(helpful=True)
    DiscussionPost.objects.filter(pk=question.pk).update(answered_at=timezone.now())
    if answer.author_id != request.user.pk:
        _tell(
            talk_notices.HELPFUL,
            answer.author,
            request.organisation,
            url_of(answer),
            place=place_of(answer),
        )
    return True


def questions_under(request, page):
    """Questions under a page, answered first, then the newest; their answers
    (the helpful one first) in one more query."""
    from django.db.models import Prefetch

    visible = readable_posts(request)
    return (
        visible.filter(kind=Kind.QUESTION, page=page)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=visible.select_related("author").order_by(
                    "-helpful", "created_at"
                ),
                to_attr="visible_replies",
            )
        )
        .order_by(
            # answered questions first, then the newest
            ExpressionWrapper(Q(answered_at__isnull=True), BooleanField()),
            "-created_at",
        )
    )


def team_posts(request, team):
    from django.db.models import Prefetch

    visible = readable_posts(request)
    return (
        visible.filter(kind=Kind.TEAM_POST, team=team)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=visible.select_related("author").order_by("created_at"),
                to_attr="visible_replies",
            )
        )
        .order_by("-created_at")
    )


# -- moderation -----------------------------------------------------------------


@transaction.atomic
def report(request, post, reason):
    reason = _clean_text(reason, limit=500)
    _report, created = PostReport.objects.get_or_create(
        post=post,
        reporter=request.user,
        defaults={"organisation": request.organisation, "reason": reason},
    )
    return created


@transaction.atomic
def moderate(request, post, action, reason):
    """Hide, restore or delete a post, with the reason kept."""
    if not is_moderator(request):
        raise Refused(_("Only coordinators moderate."), status=403)
    reason = _clean_text(reason, limit=300)
    now = timezone.now()
    if action == ModerationRecord.Action.HIDE:
        DiscussionPost.objects.filter(pk=post.pk).update(
            hidden_at=now, hidden_by=request.user, hidden_reason=reason
        )
    elif action == ModerationRecord.Action.RESTORE:
        DiscussionPost.objects.filter(pk=post.pk).update(
            hidden_at=None, hidden_by=None, hidden_reason=""
        )
    elif action == ModerationRecord.Action.DELETE:
        post.delete()
    else:
        raise Refused(_("Unknown moderation action."))
    ModerationRecord.objects.create(
        organisation=request.organisation,
        moderator=request.user,
        action=action,
        post_id=post.pk if action != ModerationRecord.Action.DELETE else None,
        reason=reason,
    )
    PostReport.objects.filter(post_id=post.pk, resolved_at__isnull=True).update(
        resolved_at=now
    )


@transaction.atomic
def mute(request, person_id, reason, *, on=True):
    if not is_moderator(request):
        raise Refused(_("Only coordinators moderate."), status=403)
    person = members(request.organisation).filter(pk=person_id).first()
    if person is None:
        raise Http404
    if person.pk == request.user.pk:
        raise Refused(_("You cannot mute yourself."))
    reason = _clean_text(reason, limit=300)
    mutes = Mute.objects.for_organisation(request.organisation)
    if on:
        _mute, changed = mutes.get_or_create(
            person=person,
            defaults={
                "organisation": request.organisation,
                "muted_by": request.user,
                "reason": reason,
            },
        )
    else:
        changed = bool(mutes.filter(person=person).delete()[0])
    if changed:
        ModerationRecord.objects.create(
            organisation=request.organisation,
            moderator=request.user,
            action=ModerationRecord.Action.MUTE
            if on
            else ModerationRecord.Action.UNMUTE,
            person=person,
            reason=reason,
        )
    return changed


# -- recognition ----------------------------------------------------------------


@transaction.atomic
def thank(request, recipient_id, value_id, message):
    organisation = request.organisation
    recipient = members(organisation).filter(pk=recipient_id).first()
    if recipient is None:
        raise Refused(_("Choose a member of the organisation to thank."))
    if recipient.pk == request.user.pk:
        raise Refused(_("Thank someone else than yourself."))
    value = None
    if value_id:
        value = (
            OrganisationValue.objects.for_organisation(organisation)
            .filter(pk=value_id)
            .first()
        )
        if value is None:
            raise Refused(_("Choose one of the organisation's values."))
    message = _clean_text(message, limit=1000)
    _may_post(request)
    card = ThankYou.objects.create(
        organisation=organisation,
        sender=request.user,
        recipient=recipient,
        value=value,
        message=message,
        message_html=talk_text.render(message),
    )
    _tell(
        talk_notices.THANKS,
        recipient,
        organisation,
        reverse("community:talk_wall") + f"#thanks-{card.pk}",
        author=request.user.get_full_name() or request.user.get_username(),
    )
    return card


def recognise(request, person_id, badge, value_id):
    """A coordinator turns a person's thanks (for a value, or all) into a badge of
    the organisation: awarded once per person, badge and value."""
    if not is_moderator(request):
        raise Refused(_("Only coordinators award badges."), status=403)
    organisation = request.organisation
    person = members(organisation).filter(pk=person_id).first()
    if person is None:
        raise Http404
    cards = ThankYou.objects.for_organisation(organisation).filter(recipient=person)
    if value_id:
        cards = cards.filter(value_id=value_id)
    count = cards.count()
    if not count:
        raise Refused(_("This person has received no thank-you card for this yet."))
    _award, created = award_badge(
        badge,
        person,
        organisation,
        rule=f"community:thanks:{value_id or 'all'}",
        evidence=_("%(count)s thank-you cards") % {"count": count},
        awarded_by=request.user,
    )
    return created


# -- the daily job --------------------------------------------------------------


def notify_unanswered(now=None):
    """Tell the organisation's trainers about questions nobody answered in
    ``LMS_COMMUNITY_UNANSWERED_DAYS`` (3) days; each question once (a guarded
    update records it before anyone is told). Returns how many questions."""
    now = now or timezone.now()
    days = getattr(settings, "LMS_COMMUNITY_UNANSWERED_DAYS", 3)
    answers = DiscussionPost.objects.filter(
        parent=OuterRef("pk"), hidden_at__isnull=True
    )
    waiting = (
        DiscussionPost.objects.filter(
            kind=Kind.QUESTION,
            hidden_at__isnull=True,
            trainers_notified_at__isnull=True,
            created_at__lte=now - timedelta(days=days),
        )
        .exclude(Exists(answers))
        .select_related("organisation", "page")
    )
    told = 0
    for question in waiting:
        if "community" not in enabled_labels(question.organisation):
            continue
        with transaction.atomic():
            claimed = DiscussionPost.objects.filter(
                pk=question.pk, trainers_notified_at__isnull=True
            ).update(trainers_notified_at=now)
            if not claimed:
                continue
            trainers = get_user_model().objects.filter(
                pk__in=Membership.objects.active()
                .for_organisation(question.organisation)
                .filter(role=Role.TRAINER)
                .values("user")
            )
            talk_notices.tell_many(
                talk_notices.UNANSWERED,
                trainers,
                question.organisation,
                url_of(question),
                place=question.page.title,
                days=days,
            )
        told += 1
    return told
