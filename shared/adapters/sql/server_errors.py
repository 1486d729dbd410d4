"""Whether a driver's error leaves its connection usable."""

from __future__ import annotations


def reported_by_server(error: BaseException, dbapi: object) -> bool:
    """Whether the server answered with an error and the protocol is back in step.

    Anything the driver raised in Python (OverflowError, struct.error, ...) and
    the DB-API's InterfaceError/InternalError (client-side or protocol trouble)
    leave the connection's state unknown.
    """
    base = getattr(dbapi, "Error", None)
    unknown = tuple(
        kind
        for kind in (getattr(dbapi, "InterfaceError", None), getattr(dbapi, "InternalError", None))
        if isinstance(kind, type)
    )
    return isinstance(base, type) and isinstance(error, base) and not isinstance(error, unknown)
