from django import template

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
