"""``{% share_links award as share %}``: a badge's link and the plain links that
share it (``courses.badges.share_links``)."""

from django import template

from courses import badges

register = template.Library()


@register.simple_tag
def share_links(award):
    return badges.share_links(award)
