"""An operator's source URL, parsed once by SQLAlchemy: what the policy checks is what connects.

`parse_source_url` never maps `?host=/path` to a Unix socket (as `urls.normalize_url`
does for WellOS's own databases): for a source that option is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from shared.core.etl.errors import SourcePolicyError
from shared.core.etl.model.source_drivers import canonical_driver
from shared.core.etl.model.source_policy import SourceTarget

MAX_URL_CHARS = 2048


@dataclass(frozen=True)
class ParsedSource:
    url: URL  # with the canonical driver; holds the password
    target: SourceTarget  # what the policy sees (no password)


def parse_source_url(raw: str) -> ParsedSource:
    if len(raw) > MAX_URL_CHARS:
        raise SourcePolicyError("connection_url", f"is longer than {MAX_URL_CHARS} characters")
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError, TypeError):
        raise SourcePolicyError(
            "connection_url", "is not a database URL (driver://user:password@host:port/database)"
        ) from None
    url = url.set(drivername=canonical_driver(url.drivername))
    options = {
        str(name): tuple(value) if isinstance(value, tuple) else (value,)
        for name, value in url.query.items()
    }
    target = SourceTarget(
        driver=url.drivername,
        host=url.host,
        port=url.port,
        database=url.database,
        username=url.username,
        options=options,
    )
    return ParsedSource(url, target)
