"""The caller's address, for per-address login throttling: one an attacker cannot choose.

The address is the TCP peer, as the host saw it. `X-Forwarded-For` is believed only
when that peer is one of our trusted proxies (`WELLOS_TRUSTED_PROXIES`), and then
only for up to `WELLOS_TRUSTED_PROXY_HOPS` entries, walked from the right: every
entry left of the first untrusted hop was written by whoever connected to it.

Hosts put the right peer in the ASGI scope: uvicorn from the socket (started with
its own proxy-header handling off, so it never rewrites the peer from a header),
Lambda from API Gateway's `requestContext` (Mangum), and Azure Functions, whose
scope has no client, from the header the App Service front end writes
(`PlatformPeer` with `azure_front_end_peer`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

Network = IPv4Network | IPv6Network
UNKNOWN = "unknown"
FORWARDED_FOR = b"x-forwarded-for"
AZURE_CLIENT_IP = b"x-client-ip"


def bare_address(entry: str) -> str:
    """`203.0.113.5`, `203.0.113.5:443`, `[2001:db8::1]:443` → the address alone, normalized."""
    entry = entry.strip()
    if entry.startswith("[") and "]" in entry:
        entry = entry[1 : entry.index("]")]
    elif entry.count(":") == 1:
        entry = entry.partition(":")[0]
    try:
        return str(ip_address(entry))
    except ValueError:
        return entry


def _parsed(address: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(address)
    except ValueError:
        return None


def is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    parsed = _parsed(address)
    return parsed is not None and any(parsed in network for network in trusted)


def forwarded_entries(header: str | None) -> list[str]:
    entries = [bare_address(part) for part in (header or "").split(",")]
    return [entry for entry in entries if entry]


def client_address(
    peer: str | None, forwarded_for: str | None, hops: int, trusted: Sequence[Network]
) -> str:
    """The peer, or the `X-Forwarded-For` entry our last trusted proxy appended.

    Walks from the peer leftwards through at most `hops` entries, moving on only
    while the current address is a trusted proxy.
    """
    address = bare_address(peer) if peer else UNKNOWN
    entries = forwarded_entries(forwarded_for)
    for _ in range(hops):
        if not entries or not is_trusted(address, trusted):
            break
        address = entries.pop()
    return address


def _header(scope: Scope, name: bytes) -> str | None:
    """Every line of a header, joined with commas (proxies may add lines, not entries)."""
    values = [v.decode("latin-1") for k, v in scope.get("headers", []) if k == name]
    return ",".join(values) if values else None


def azure_front_end_peer(scope: Scope) -> str | None:
    """The address the App Service front end saw: `X-Client-IP` (the front end overwrites
    it), else the entry it appended to `X-Forwarded-For` (`ip:port`)."""
    written = _header(scope, AZURE_CLIENT_IP)
    if written and written.strip():
        return bare_address(written)
    entries = forwarded_entries(_header(scope, FORWARDED_FOR))
    return entries[-1] if entries else None


def scope_peer(scope: Scope) -> str | None:
    """The peer the host put in the scope (Mangum: API Gateway's `sourceIp`; for an ALB
    event Mangum passes the whole `X-Forwarded-For`, whose last entry the ALB wrote)."""
    client = scope.get("client")
    entries = forwarded_entries(str(client[0])) if client and client[0] else []
    return entries[-1] if entries else None


class PlatformPeer:
    """Puts the platform front end's peer in the scope, as uvicorn does from the socket.

    The front end also appends that peer to `X-Forwarded-For`; the entry is dropped
    so the header reads as it arrived, and `client_address` sees one chain whatever
    the host.
    """

    def __init__(self, app: ASGIApp, peer: Callable[[Scope], str | None]) -> None:
        self.app = app
        self.peer = peer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            peer = self.peer(scope)
            scope = {**scope, "client": (peer, 0) if peer else None}
            scope["headers"] = _without_appended_entry(scope.get("headers", []), peer)
        await self.app(scope, receive, send)


def _without_appended_entry(
    headers: list[tuple[bytes, bytes]], peer: str | None
) -> list[tuple[bytes, bytes]]:
    """The headers with the front end's own entry (the last one, if it is `peer`) removed."""
    lines = [index for index, (key, _) in enumerate(headers) if key == FORWARDED_FOR]
    if not lines or not peer:
        return list(headers)
    last = lines[-1]
    entries = headers[last][1].decode("latin-1").split(",")
    if bare_address(entries[-1]) != peer:
        return list(headers)
    kept = ",".join(entries[:-1]).strip()
    rest = [*headers[:last], *headers[last + 1 :]]
    return rest if not kept else [*rest, (FORWARDED_FOR, kept.encode("latin-1"))]
