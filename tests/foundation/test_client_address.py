"""The client's address is read through the chain of trusted proxies, never beyond it."""

from __future__ import annotations

import pytest

from advisor.net import UNKNOWN, client_address

PROXIES = ("10.0.0.0/24", "192.0.2.10")


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        # Direct clients: the header is theirs to write, so it is ignored.
        ("203.0.113.7", "", "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # One trusted proxy: the entry it appended is the client.
        ("10.0.0.2", "203.0.113.7", "203.0.113.7"),
        # Whatever the client wrote before that is ignored.
        ("10.0.0.2", "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "not-an-address, 203.0.113.7", "203.0.113.7"),
        # Two trusted proxies (a load balancer, then nginx).
        ("10.0.0.2", "1.2.3.4, 203.0.113.7, 192.0.2.10", "203.0.113.7"),
        # A trusted proxy with nothing forwarded: the proxy is all we know.
        ("10.0.0.2", "", "10.0.0.2"),
        # Ports and IPv6 spellings.
        ("10.0.0.2", "203.0.113.7:51234", "203.0.113.7"),
        ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:10.0.0.2", "203.0.113.7", "203.0.113.7"),
        # A garbage last entry from a trusted proxy: stop at the proxy.
        ("10.0.0.2", "203.0.113.7, garbage", "10.0.0.2"),
        # No usable peer address at all.
        ("", "203.0.113.7", UNKNOWN),
    ],
)
def test_the_client_address(remote_addr: str, forwarded_for: str, expected: str) -> None:
    assert client_address(remote_addr, forwarded_for, PROXIES) == expected


def test_a_star_trusts_every_hop() -> None:
    assert client_address("10.9.9.9", "203.0.113.7, 10.0.0.5", ("*",)) == "203.0.113.7"


def test_the_default_trusts_loopback_only() -> None:
    assert client_address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert client_address("10.0.0.2", "203.0.113.7") == "10.0.0.2"
