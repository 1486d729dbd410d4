"""Name resolution and this machine's own addresses, for the ETL source policy.

Kept apart from the policy (pure, in shared.core.etl.model.source_policy) so tests can
hand it a resolver of their own.
"""

from __future__ import annotations

import socket


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to for TCP, in the resolver's order; OSError if none."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_own_address(address: str) -> bool:
    """True when this machine holds `address`: only then can a socket bind to it.

    A source on one of the server's own interfaces reaches the same local
    services as loopback does (a database listening on 0.0.0.0, say).
    """
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((address, 0))
    except OSError:
        return False
    return True
