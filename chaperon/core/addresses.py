"""The address a request came from, for limits per address (sign-in, public reports).

``X-Forwarded-For`` is believed only when the request reached us from a proxy the operator named
in ``TRUSTED_PROXIES`` (addresses or networks; none by default): anyone else can write whatever
they like in it. Behind trusted proxies, the client is the nearest address in the header that is
not itself one of them.
"""

import functools
import ipaddress
from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=4)
def _networks(names: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(name, strict=False) for name in names)


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None when the server was not told one."""
    remote = str(request.META.get("REMOTE_ADDR") or "") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if remote is None or not networks or not _trusted(remote, networks):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # not written by a proxy of ours: believe none of it
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else remote
