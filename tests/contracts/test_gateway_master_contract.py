"""The master's gateway registry: one suite, run against the in-memory master database
and the SQL registry on a migrated PostgreSQL master, so the twin the SCADA functional
tests use keeps the `gateways` table's promises."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from shared.core.common.errors import ConflictError
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.ports import Gateway, GatewayStatus
from tests.contracts.master import NOW, acme_fixture, make_tenant, uow_fixture

__all__ = ["acme_fixture", "uow_fixture"]  # the suite's fixtures


def _gateway(tenant: Tenant, name: str, minutes: int = 0) -> Gateway:
    at = NOW + timedelta(minutes=minutes)
    return Gateway(str(uuid.uuid4()), tenant.id, name, GatewayStatus.ACTIVE, at, "al@acme.test")


def test_gateways_are_found_by_id_and_listed_per_tenant_oldest_first(
    uow: Any, acme: Tenant
) -> None:
    beta = make_tenant("beta")
    uow.tenants.add(beta)
    late, early, theirs = _gateway(acme, "late", 5), _gateway(acme, "early"), _gateway(beta, "b")
    for gateway in (late, early, theirs):
        uow.gateways.add(gateway)
    assert uow.gateways.get(late.id) == late
    assert uow.gateways.get(str(uuid.uuid4())) is None
    assert [g.name for g in uow.gateways.list_for_tenant(acme.id)] == ["early", "late"]
    assert uow.gateways.list_for_tenant(beta.id) == [theirs]
    assert uow.gateways.list_for_tenant(str(uuid.uuid4())) == []


def test_a_new_gateway_is_never_revoked_nor_seen_whatever_the_caller_says(
    uow: Any, acme: Tenant
) -> None:
    claimed = replace(_gateway(acme, "gw"), revoked_at=NOW, last_seen_at=NOW)
    uow.gateways.add(claimed)
    assert uow.gateways.get(claimed.id) == replace(claimed, revoked_at=None, last_seen_at=None)


def test_a_second_gateway_with_one_id_or_one_of_an_unknown_tenant_is_refused(
    uow: Any, acme: Tenant
) -> None:
    first = _gateway(acme, "first")
    uow.gateways.add(first)
    with pytest.raises(ConflictError), uow.savepoint():
        uow.gateways.add(replace(first, name="again"))
    stranger = replace(_gateway(acme, "stranger"), tenant_id=str(uuid.uuid4()))
    with pytest.raises(ConflictError), uow.savepoint():
        uow.gateways.add(stranger)
    assert uow.gateways.list_for_tenant(acme.id) == [first]
    assert uow.gateways.get(stranger.id) is None


def test_revoking_marks_the_gateway_and_leaves_the_others(uow: Any, acme: Tenant) -> None:
    kept, revoked = _gateway(acme, "kept"), _gateway(acme, "revoked", 1)
    uow.gateways.add(kept)
    uow.gateways.add(revoked)
    later = NOW + timedelta(hours=1)
    uow.gateways.revoke(revoked.id, later)
    uow.gateways.revoke(str(uuid.uuid4()), later)  # unknown: nothing happens
    assert uow.gateways.get(revoked.id) == replace(
        revoked, status=GatewayStatus.REVOKED, revoked_at=later
    )
    assert uow.gateways.get(kept.id) == kept


def test_touching_moves_last_seen_forward_only(uow: Any, acme: Tenant) -> None:
    one, two = _gateway(acme, "one"), _gateway(acme, "two")
    uow.gateways.add(one)
    uow.gateways.add(two)
    later, earlier = NOW + timedelta(minutes=10), NOW + timedelta(minutes=5)
    uow.gateways.touch([one.id, str(uuid.uuid4())], later)
    uow.gateways.touch([one.id, two.id], earlier)
    uow.gateways.touch([], NOW + timedelta(days=1))
    assert uow.gateways.get(one.id).last_seen_at == later
    assert uow.gateways.get(two.id).last_seen_at == earlier
