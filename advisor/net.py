"""The address of the client behind our proxies, for every limit keyed by address.

``REMOTE_ADDR`` is the peer that opened the connection: behind nginx or a load balancer
that is the proxy, shared by everyone. The client's own address is in ``X-Forwarded-For``,
which anyone can also write. So the header is believed only as far as a chain of trusted
proxies vouches for it: starting at ``REMOTE_ADDR``, while the current hop is one of
``settings.TRUSTED_PROXIES`` (``FORWARDED_ALLOW_IPS``, the same list gunicorn trusts
``X-Forwarded-Proto`` from), step one entry left in ``X-Forwarded-For``. The first hop
that is not a trusted proxy is the client. Entries further left were written by the client
or an untrusted hop, and are ignored.

This is nginx's ``real_ip_recursive``. django-ipware was considered: it picks a position in
``X-Forwarded-For`` by a proxy count or by matching the header's trailing entries, without
checking that the connection came from a trusted proxy at all, so a client that reaches
gunicorn directly could choose its own address.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "0.0.0.0"  # noqa: S104 - a placeholder key, never bound to


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...] | None:
    """The trusted proxies as networks; None means "*" (every hop is trusted)."""
    if "*" in entries:
        return None
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: object) -> bool:
    if networks is None:
        return True
    assert isinstance(networks, tuple)
    return any(address in network for network in networks)


def client_address(
    remote_addr: str, forwarded_for: str, trusted: Iterable[str] = ("127.0.0.1", "::1")
) -> str:
    """The client's address from the peer's address and the X-Forwarded-For header."""
    networks = _networks(tuple(trusted))
    current = _parse(remote_addr)
    if current is None:
        return UNKNOWN
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()] if forwarded_for else []
    while hops and _trusted(current, networks):
        previous = _parse(hops.pop())
        if previous is None:  # garbage written by someone: stop at the last good hop
            break
        current = previous
    return str(current)


def client_ip(request: HttpRequest) -> str:
    """The client's address for ``request`` (django-axes calls this too)."""
    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXIES,
    )
