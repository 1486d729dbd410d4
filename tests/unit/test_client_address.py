"""Throttling keys on an address the client cannot choose: the peer, and X-Forwarded-For
only as far as trusted proxies wrote it; each host puts the platform's peer in the scope."""

from __future__ import annotations

import asyncio
from typing import Any

from functions.api.addresses import (
    PlatformPeer,
    azure_front_end_peer,
    bare_address,
    client_address,
    scope_peer,
)
from shared.settings import proxy_networks

LOOPBACK = proxy_networks("127.0.0.1,::1")
PROXIES = proxy_networks("10.0.0.0/8")


def test_without_trusted_hops_the_peer_counts_and_the_header_is_ignored():
    assert client_address("127.0.0.1", "203.0.113.9", hops=0, trusted=LOOPBACK) == "127.0.0.1"


def test_the_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored():
    # GIVEN one trusted hop, but a caller connecting directly from the internet
    address = client_address("198.51.100.7", "203.0.113.9", hops=1, trusted=LOOPBACK)
    # THEN the address it wrote in the header is not believed
    assert address == "198.51.100.7"


def test_behind_one_trusted_proxy_its_appended_entry_counts_not_what_the_client_wrote():
    # GIVEN a client that writes a fake address before the proxy appends the real one
    address = client_address("10.0.0.7", "1.2.3.4, 198.51.100.20", hops=1, trusted=PROXIES)
    # THEN the proxy's entry is used
    assert address == "198.51.100.20"


def test_two_hops_walk_left_only_through_trusted_proxies():
    chain = "1.1.1.1, 198.51.100.20, 10.1.1.1"
    assert client_address("10.0.0.7", chain, hops=2, trusted=PROXIES) == "198.51.100.20"
    # an untrusted second hop stops the walk at its address
    assert client_address("10.0.0.7", "1.1.1.1, 203.0.113.5", 2, PROXIES) == "203.0.113.5"


def test_fewer_entries_than_hops_give_the_leftmost_entry_a_trusted_proxy_wrote():
    assert client_address("10.0.0.7", "198.51.100.20", hops=2, trusted=PROXIES) == ("198.51.100.20")


def test_ports_and_brackets_are_dropped_and_no_peer_is_unknown():
    assert bare_address("203.0.113.5:51234") == "203.0.113.5"
    assert bare_address("[2001:db8::1]:443") == "2001:db8::1"
    assert client_address(None, "203.0.113.9", hops=0, trusted=LOOPBACK) == "unknown"


def _seen_by_app(app_wrapper: Any, scope: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.update(scope)

    asyncio.run(app_wrapper(app)(scope, None, None))
    return seen


def _azure(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    scope = {"type": "http", "client": None, "headers": headers}
    return _seen_by_app(lambda app: PlatformPeer(app, azure_front_end_peer), scope)


def test_azure_takes_the_front_ends_client_ip_and_drops_its_forwarded_entry():
    # GIVEN the headers the App Service front end writes after a client's own X-Forwarded-For
    seen = _azure([(b"x-forwarded-for", b"6.6.6.6, 203.0.113.5:51234"),
                   (b"x-client-ip", b"203.0.113.5")])  # fmt: skip
    # THEN the app sees the front end's peer, and only what arrived in the header
    assert seen["client"] == ("203.0.113.5", 0)
    assert (b"x-forwarded-for", b"6.6.6.6") in seen["headers"]
    # AND throttling keys on the peer
    forwarded = dict(seen["headers"])[b"x-forwarded-for"].decode()
    assert client_address(seen["client"][0], forwarded, hops=0, trusted=LOOPBACK) == ("203.0.113.5")


def test_azure_without_client_ip_takes_the_last_forwarded_entry():
    seen = _azure([(b"x-forwarded-for", b"203.0.113.5:443")])
    assert seen["client"] == ("203.0.113.5", 0)
    assert b"x-forwarded-for" not in dict(seen["headers"])


def test_aws_keeps_api_gateways_source_ip_and_drops_the_copy_it_appended():
    scope = {"type": "http", "client": ("198.51.100.7", 0),
             "headers": [(b"x-forwarded-for", b"6.6.6.6,198.51.100.7")]}  # fmt: skip
    seen = _seen_by_app(lambda app: PlatformPeer(app, scope_peer), scope)
    assert seen["client"] == ("198.51.100.7", 0)
    assert seen["headers"] == [(b"x-forwarded-for", b"6.6.6.6")]
