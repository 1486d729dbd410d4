"""DNS can change after a configuration is saved: the policy runs again at every connection.

The source is named `erp.operator.invalid`, a name no real DNS answers (RFC 2606):
the test's resolver answers it. That the first runs work at all proves the
connection went to the address the policy checked, not to a fresh lookup.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
import sqlalchemy as sa

from shared.adapters.network import resolve_host
from shared.adapters.sql.etl.source import SqlSourceConnector
from shared.adapters.sql.urls import connectable
from shared.bootstrap import build_source_policy
from shared.core.common.clock import utc_now
from shared.core.etl.errors import SourcePolicyError
from shared.core.etl.model.config import EtlConfigInput
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.jobs import EtlJob, etl_message
from shared.core.etl.ports.runs import RunStatus
from shared.core.etl.services.etl import EtlService
from shared.core.registry.services.tenants import CreateTenant
from tests.integration import etl_support
from tests.integration.etl_support import (
    admin_of,
    mysql_source,
    operator_config,
    seed_operator,
)

pytestmark = pytest.mark.mysql
mod_platform = etl_support.mod_platform
NAME = "erp.operator.invalid"


class Resolver:
    """Answers NAME with `answer` (changeable), every other name from the system's DNS."""

    def __init__(self, answer: list[str]) -> None:
        self.answer = answer

    def __call__(self, host: str, port: int) -> list[str]:
        return list(self.answer) if host == NAME else resolve_host(host, port)


@pytest.fixture
def rebinding(mod_platform, mysql_server_url):
    """A tenant whose source is NAME, resolving to the test MariaDB; the service and resolver."""
    server = sa.make_url(mysql_server_url)
    resolver = Resolver(resolve_host(str(server.host), server.port or 3306))
    policy = build_source_policy(
        mod_platform.settings, mod_platform.master, mod_platform.secrets, resolve=resolver
    )
    service = EtlService(replace(mod_platform.etl._d, connector=SqlSourceConnector(policy)))
    slug = f"rebind-{uuid.uuid4().hex[:6]}"
    tenant = mod_platform.tenants.create(
        CreateTenant(slug=slug, name="Rebind", admin_email=f"a@{slug}.test")
    ).tenant
    with mysql_source(mysql_server_url) as source:
        seed_operator(source, days=2)
        url = connectable(sa.make_url(source.url).set(host=NAME))
        yield service, resolver, tenant, url


def test_a_name_that_moves_to_a_forbidden_address_is_refused_at_run_time(rebinding):
    service, resolver, tenant, url = rebinding
    # GIVEN a configuration saved while the name resolved to an allowed address
    actor = admin_of(tenant)
    service.put_config(tenant, actor, EtlConfigInput.model_validate(operator_config(url)))
    assert service.run_tenant(tenant, "manual").status is RunStatus.SUCCEEDED
    good = list(resolver.answer)
    for moved, reason in (
        (["169.254.169.254"], "a cloud metadata address"),
        (["10.20.30.40"], "a private or reserved address"),
        ([*good, "fd00:ec2::254"], "a cloud metadata address"),
    ):
        # WHEN the name now resolves elsewhere (or to one more, forbidden, address)
        resolver.answer = moved
        # THEN a run, a test and a preview are refused, naming the kind of address
        with pytest.raises(SourcePolicyError, match=reason):
            service.run_tenant(tenant, "manual")
        with pytest.raises(SourcePolicyError, match=reason):
            service.test_connection(tenant, actor)
        with pytest.raises(SourcePolicyError, match=reason):
            service.preview(tenant, actor, Entity.WELLS)
    # AND a queued run is done with, not retried forever; the history says why
    body = etl_message(EtlJob(tenant.id, "schedule"), utc_now()).body
    assert service.handle_job(body) is None
    runs = service.runs(tenant, actor, 10, 0)
    assert [run.status for run in runs] == [RunStatus.FAILED] * 4 + [RunStatus.SUCCEEDED]
    assert "cloud metadata" in (runs[0].error or "") and NAME not in (runs[0].error or "")


def test_a_save_checks_every_address_the_name_has(rebinding):
    service, resolver, tenant, url = rebinding
    # GIVEN a name that answers the allowed address and the metadata address
    resolver.answer = [*resolver.answer, "169.254.169.254"]
    # WHEN the configuration is saved THEN it is refused, and nothing is stored
    with pytest.raises(SourcePolicyError, match="a cloud metadata address"):
        service.put_config(
            tenant, admin_of(tenant), EtlConfigInput.model_validate(operator_config(url))
        )
    with pytest.raises(Exception, match="etl configuration"):
        service.config_of(tenant)
