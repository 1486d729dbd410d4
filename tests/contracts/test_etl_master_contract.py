"""The tenants' ETL configurations in the master: one suite, run against the in-memory
master database and the SQL registry (`tenants.etl_config`) on a migrated PostgreSQL
master, so the twin the ETL functional tests use keeps the column's promises."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from shared.core.registry.model.tenants import Tenant
from tests.contracts.master import NOW, acme_fixture, make_tenant, uow_fixture

CONFIG = {"source": {"kind": "postgresql", "tables": ["wells"]}, "interval_minutes": 60}

__all__ = ["acme_fixture", "uow_fixture"]  # the suite's fixtures


def test_a_tenant_without_a_configuration_has_none(uow: Any, acme: Tenant) -> None:
    assert uow.etl.get(acme.id) is None
    assert uow.etl.get(str(uuid.uuid4())) is None
    assert uow.etl.all_configured() == []


def test_a_saved_configuration_comes_back_as_json_and_touches_the_tenant(
    uow: Any, acme: Tenant
) -> None:
    later = NOW + timedelta(hours=1)
    uow.etl.save(acme.id, {**CONFIG, "columns": ("a", "b")}, later)
    stored = uow.etl.get(acme.id)
    assert stored.config == {**CONFIG, "columns": ["a", "b"]}  # a tuple comes back a list
    assert stored.last_enqueued_at is None
    assert stored.tenant == replace(acme, updated_at=later)
    assert uow.tenants.get(acme.id).updated_at == later
    stored.config["interval_minutes"] = 5  # the caller's copy only
    assert uow.etl.get(acme.id).config["interval_minutes"] == 60


def test_the_last_enqueue_survives_a_new_configuration(uow: Any, acme: Tenant) -> None:
    uow.etl.save(acme.id, CONFIG, NOW)
    enqueued = NOW + timedelta(minutes=30)
    uow.etl.mark_enqueued(acme.id, enqueued)
    assert uow.tenants.get(acme.id).updated_at == NOW  # enqueueing is not an edit
    uow.etl.save(acme.id, {**CONFIG, "interval_minutes": 15}, NOW + timedelta(hours=1))
    stored = uow.etl.get(acme.id)
    assert stored.config["interval_minutes"] == 15 and stored.last_enqueued_at == enqueued


def test_enqueueing_or_saving_for_a_tenant_without_a_row_keeps_nothing(
    uow: Any, acme: Tenant
) -> None:
    uow.etl.mark_enqueued(acme.id, NOW)  # not configured: stays unconfigured
    assert uow.etl.get(acme.id) is None
    stranger = str(uuid.uuid4())
    uow.etl.save(stranger, CONFIG, NOW)
    uow.etl.mark_enqueued(stranger, NOW)
    assert uow.etl.get(stranger) is None and uow.etl.all_configured() == []


def test_all_configured_lists_configured_tenants_by_slug(uow: Any, acme: Tenant) -> None:
    beta, gamma = make_tenant("beta"), make_tenant("gamma")
    uow.tenants.add(gamma)
    uow.tenants.add(beta)
    uow.etl.save(gamma.id, CONFIG, NOW)
    uow.etl.save(acme.id, CONFIG, NOW)
    assert [s.tenant.slug for s in uow.etl.all_configured()] == ["acme", "gamma"]
