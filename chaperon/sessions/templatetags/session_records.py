"""The meeting record's place on the session page (LOG-1)."""

from typing import Any

from django import template

from chaperon.people.models import User

from ..models import DeliveryMethod, Session
from ..record_selectors import record_link_for

register = template.Library()


@register.inclusion_tag("sessions/record_link.html", takes_context=True)
def meeting_record_link(context: dict[str, Any], session: Session) -> dict[str, Any]:
    """A link to the record for those who may read it, or "write the record" for the host
    once the session has ended."""
    user = context.get("user")
    link = record_link_for(user, session) if isinstance(user, User) else None
    return {"session": session, "link": link}


@register.filter
def delivery_method_label(value: str) -> str:
    return str(dict(DeliveryMethod.choices).get(value, value))
