from django import template

from chaperon.core.links import family_page_url

register = template.Library()


@register.simple_tag
def family_page_line(guardian_id: int) -> str:
    """For an email to a parent or carer: a line with their family page link (or nothing)."""
    url = family_page_url(guardian_id)
    if not url:
        return ""
    return (
        f"\nYour child's sessions, your consents and how to report a worry, in one place:\n{url}\n"
    )
