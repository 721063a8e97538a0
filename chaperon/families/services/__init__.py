"""Every change to family pages: stopping the links (``links``)."""

from .links import family_links_stop

__all__ = ["family_links_stop"]
