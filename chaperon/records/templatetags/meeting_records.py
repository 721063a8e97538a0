"""Words for meeting record pages (LOG-1)."""

from django import template

from ..models import DeliveryMethod

register = template.Library()


@register.filter
def delivery_method_label(value: str) -> str:
    return str(dict(DeliveryMethod.choices).get(value, value))
