from .acceptable_use import (
    aup_publish,
    aup_sign,
    current_version,
    has_signed_current,
)
from .team import POST_PERMISSION, published_contact_set, team_post_give, team_post_take

__all__ = [
    "POST_PERMISSION",
    "aup_publish",
    "aup_sign",
    "current_version",
    "has_signed_current",
    "published_contact_set",
    "team_post_give",
    "team_post_take",
]
