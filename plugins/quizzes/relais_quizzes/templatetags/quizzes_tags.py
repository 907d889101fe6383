import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def chosen(option_id, response):
    """Whether a choice is in a saved response (one id or a list of ids)."""
    if isinstance(response, list):
        return option_id in response
    return option_id == response


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


_TABLE_START = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_END = re.compile(r"</table\s*>", re.IGNORECASE)


@register.filter
def scrollable_tables(html):
    """Tables of questions (imported ones often are wide) in a region that scrolls
    sideways on a phone, reachable with the keyboard (focusable, named) and saying
    so, instead of pushing the card wider than the screen."""
    if not isinstance(html, SafeData):
        html = escape(html)  # only markup already trusted (|richtext) is wrapped
    if "<table" not in html.lower():
        return html
    label = escape(_("Table: scroll sideways to see all of it"))
    start = (
        f'<p class="muted table-hint" aria-hidden="true">{label}</p>'
        f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}">'
        "<table"
    )
    wrapped = _TABLE_END.sub("</table></div>", _TABLE_START.sub(start, str(html)))
    # The same trusted HTML, with our own markup around its tables.
    return mark_safe(wrapped)  # noqa: S308
