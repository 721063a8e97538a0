from .team import POST_PERMISSION, published_contact_set, team_post_give, team_post_take

__all__ = ["POST_PERMISSION", "published_contact_set", "team_post_give", "team_post_take"]
