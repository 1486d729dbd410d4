"""A database URL handed to a driver keeps its password; one shown to a person does not."""

from __future__ import annotations

from shared.adapters.sql.urls import connectable, normalize_url, redacted


def test_a_connectable_url_keeps_its_password_and_names_the_database() -> None:
    server = normalize_url("postgresql://wellos:s3cr%40t@db.example.com:5432/postgres")
    text = connectable(server, "tenant_acme")
    assert text == "postgresql+pg8000://wellos:s3cr%40t@db.example.com:5432/tenant_acme"
    assert normalize_url(text).password == "s3cr@t"
    assert connectable(server).endswith("/postgres")


def test_a_redacted_url_hides_the_password() -> None:
    shown = redacted(connectable(normalize_url("postgresql://wellos:s3cr%40t@db/x")))
    assert "s3cr" not in shown and "***" in shown
