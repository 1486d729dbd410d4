"""pg8000 connection tuning: the SSL decision is made once, from the URL."""

from __future__ import annotations

import ssl
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import make_url

from shared.adapters.sql.drivers import (
    _DECODERS,
    DATE_OID,
    TIMESTAMPTZ_OID,
    pg8000_connect_args,
    split_sslmode,
)
from shared.adapters.sql.urls import normalize_url
from shared.core.common.errors import InputError


def _args(raw: str) -> dict[str, object]:
    url, mode = split_sslmode(normalize_url(raw))
    assert "sslmode" not in url.query
    return pg8000_connect_args(url, mode)


def test_loopback_and_unix_sockets_default_to_plain_text():
    assert _args("postgresql://u@127.0.0.1/db") == {"ssl_context": False}
    assert _args("postgresql://u@localhost/db") == {"ssl_context": False}
    assert _args("postgresql://u@/db?host=/run/pg") == {"ssl_context": False}


def test_remote_hosts_require_ssl_with_one_shared_context():
    first, second = (
        _args("postgresql://u@db.example.com/a"),
        _args("postgresql://u@db2.example.com/b"),
    )
    context = first["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context is second["ssl_context"], "one context per process, not per connection"
    assert context.verify_mode == ssl.CERT_NONE


def test_sslmode_in_the_url_wins():
    assert _args("postgresql://u@db.example.com/a?sslmode=disable") == {"ssl_context": False}
    verified = _args("postgresql://u@127.0.0.1/a?sslmode=verify-full")["ssl_context"]
    assert isinstance(verified, ssl.SSLContext) and verified.verify_mode == ssl.CERT_REQUIRED


def test_unknown_sslmode_is_an_input_error_naming_it():
    with pytest.raises(InputError) as caught:
        split_sslmode(make_url("postgresql+pg8000://u@h/db?sslmode=prefer-maybe"))
    assert caught.value.field == "sslmode"


def test_fast_decoders_read_postgres_text_and_fall_back_for_infinity():
    decode = _DECODERS[TIMESTAMPTZ_OID]
    assert decode("2026-11-22 03:31:30.972223+00") == datetime(2026, 11, 22, 3, 31, 30, 972223, UTC)
    assert decode("2026-11-22 03:31:30-05:30").utcoffset() == -timedelta(hours=5, minutes=30)
    assert decode("infinity") == "infinity"
    assert _DECODERS[DATE_OID]("2026-02-28") == date(2026, 2, 28)
    assert UTC == UTC
