"""Throttling keys on an address the client cannot choose."""

from __future__ import annotations

from starlette.requests import Request

from functions.api.dependencies import client_address


def _request(forwarded: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "headers": headers, "client": ("10.0.0.7", 5123)})


def test_without_trusted_proxies_the_peer_address_counts_and_the_header_is_ignored():
    assert client_address(_request("203.0.113.9"), trusted_proxy_hops=0) == "10.0.0.7"


def test_behind_one_proxy_its_appended_entry_counts_not_what_the_client_wrote():
    # GIVEN a client that writes a fake address before the proxy appends the real one
    request = _request("1.2.3.4, 198.51.100.20")
    # THEN the proxy's entry is used
    assert client_address(request, trusted_proxy_hops=1) == "198.51.100.20"


def test_two_proxies_take_the_second_last_entry():
    assert client_address(_request("1.1.1.1, 198.51.100.20, 10.1.1.1"), 2) == "198.51.100.20"


def test_fewer_entries_than_trusted_hops_fall_back_to_the_peer():
    assert client_address(_request("198.51.100.20"), trusted_proxy_hops=2) == "10.0.0.7"
