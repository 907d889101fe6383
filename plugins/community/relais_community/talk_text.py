"""What people type, made safe to show: a small Markdown subset, then sanitised.

markdown-it-py renders the subset (paragraphs, line breaks, emphasis, links, lists,
inline code, quotes) with raw HTML off, so typed tags come out as text; nh3 (the
Ammonia sanitiser) then keeps only those elements, only http(s) and mailto links,
and sets ``rel="nofollow noopener"`` on every link. Mentions of the organisation's
members (``@Prénom Nom``) are found here too; anyone else's name stays plain text.
"""

import re
from functools import cache

import nh3
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import escape
from markdown_it import MarkdownIt

from lms.models import Membership

TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "code", "blockquote", "span"}
ATTRIBUTES = {"a": {"href"}, "span": {"class"}}
SCHEMES = {"http", "https", "mailto"}
# "@Léa Martin", "@Jean-Marc De La Tour" stops at the first two words' end: a
# mention is a first name and a last name.
NAME = r"([^\W\d_][\w'\u2019-]*)"  # letters, apostrophes, hyphens
MENTION = re.compile(rf"(?<![\w@])@{NAME} {NAME}")


@cache
def _markdown():
    return (
        MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True})
        .enable(["emphasis", "link", "list", "backticks", "newline", "blockquote"])
        .enable(["escape", "entity"])
    )


def _clean(html):
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="nofollow noopener",
        # Only the mention class survives on a span.
        attribute_filter=lambda tag, attribute, value: (
            value if tag != "span" or value == "mention" else None
        ),
    )


def mentioned_members(text, organisation):
    """The organisation's active members named ``@First Last`` in ``text``."""
    names = {(first.lower(), last.lower()) for first, last in MENTION.findall(text)}
    if not names:
        return []
    match = Q()
    for first, last in names:
        match |= Q(first_name__iexact=first, last_name__iexact=last)
    members = Membership.objects.active().for_organisation(organisation).values("user")
    return list(get_user_model().objects.filter(match, pk__in=members))


def render(text, mentioned=()):
    """Sanitised HTML of ``text``; names of ``mentioned`` people are highlighted."""
    html = _markdown().render(text)
    known = {
        (user.first_name.lower(), user.last_name.lower()): user for user in mentioned
    }
    if known:

        def highlight(match):
            user = known.get((match[1].lower(), match[2].lower()))
            if user is None:
                return match[0]
            name = f"@{escape(match[1])} {escape(match[2])}"
            return f'<span class="mention">{name}</span>'

        html = MENTION.sub(highlight, html)
    return _clean(html)


def forget_mentions(posts, user):
    """Erasure of ``user``: in other people's ``posts`` her ``@First Last`` becomes
    "a former member" and she leaves the mentioned; the rest of what they wrote
    stays theirs. Returns how many posts changed."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext

    name = re.compile(
        rf"(?<![\w@])@{re.escape(user.first_name)} {re.escape(user.last_name)}",
        re.IGNORECASE,
    )
    with translation.override(settings.LANGUAGE_CODE):  # the organisations' language
        former = gettext("a former member")
    count = 0
    for post in posts.prefetch_related("mentioned"):
        others = [person for person in post.mentioned.all() if person.pk != user.pk]
        post.body = name.sub(former, post.body)
        post.body_html = render(post.body, others)
        post.save(update_fields=["body", "body_html"])
        post.mentioned.remove(user)
        count += 1
    return count
