from django import template

register = template.Library()


@register.filter
def in_set(value, collection):
    return value in collection
