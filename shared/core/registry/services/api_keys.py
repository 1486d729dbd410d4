"""API keys: admins create (shown once), list and revoke them; requests authenticate with them.

A key acts with its role; a read-only key may only read (GET, HEAD). Lookups
are cached for `cache_ttl_s` (a revocation applies at once on the instance that
made it, within that time elsewhere); the last-use time is written at most once
a minute per key.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from shared.core.common.roles import Permission, Role
from shared.core.common.ttl_cache import TtlCache
from shared.core.registry.errors import TenantMismatchError
from shared.core.registry.model.api_keys import (
    SHOWN_PREFIX_LENGTH,
    ApiKey,
    hash_api_key,
    new_api_key,
)
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import validate_person_name
from shared.core.registry.ports import MasterAuditEntry, MasterDatabase

READ_METHODS = frozenset({"GET", "HEAD"})
TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyService:
    def __init__(
        self,
        master: MasterDatabase,
        clock: Clock = utc_now,
        cache_ttl_s: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._master = master
        self._clock = clock
        self._keys: TtlCache[str, ApiKey | None] = TtlCache(cache_ttl_s, monotonic)

    def create(
        self, tenant: Tenant, actor: Actor, name: str, role: Role, read_only: bool
    ) -> tuple[ApiKey, str]:
        """The key's record and the key itself (shown once)."""
        require(actor, Permission.SETTINGS_WRITE)
        name = validate_person_name(name, "name")
        secret = new_api_key()
        key = ApiKey(
            id=str(uuid.uuid4()),
            tenant_id=tenant.id,
            name=name,
            role=role,
            read_only=read_only,
            prefix=secret[:SHOWN_PREFIX_LENGTH],
            key_hash=hash_api_key(secret),
            created_by=actor.user_id,
            created_at=self._clock(),
        )
        with self._master.unit_of_work() as uow:
            uow.api_keys.add(key)
            uow.audit.record(self._entry(tenant, actor, "api_key.created", key))
            uow.commit()
        return key, secret

    def list(self, tenant: Tenant, actor: Actor) -> list[ApiKey]:
        require(actor, Permission.SETTINGS_WRITE)
        with self._master.unit_of_work() as uow:
            return uow.api_keys.list(tenant.id)

    def revoke(self, tenant: Tenant, actor: Actor, key_id: str) -> ApiKey:
        require(actor, Permission.SETTINGS_WRITE)
        with self._master.unit_of_work() as uow:
            key = uow.api_keys.get(tenant.id, key_id)
            if key is None:
                raise NotFoundError("api key", key_id)
            uow.api_keys.revoke(tenant.id, key_id, self._clock())
            uow.audit.record(self._entry(tenant, actor, "api_key.revoked", key))
            uow.commit()
            revoked = uow.api_keys.get(tenant.id, key_id)
        self._keys.forget(key.key_hash)
        assert revoked is not None
        return revoked

    def authenticate(self, tenant: Tenant, secret: str, method: str, request_id: str) -> Actor:
        """The actor of a live key of `tenant`; a read-only key only reads."""
        key_hash = hash_api_key(secret)
        key = self._keys.get_or_load(key_hash, lambda: self._load(key_hash))
        if key is None or key.revoked_at is not None:
            raise AuthenticationError("API key invalid or revoked")
        if key.tenant_id != tenant.id:
            raise TenantMismatchError()
        if key.read_only and method.upper() not in READ_METHODS:
            raise PermissionDeniedError("this API key is read-only")
        now = self._clock()
        if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
            with self._master.unit_of_work() as uow:
                uow.api_keys.touch(key.id, now)
                uow.commit()
            self._keys.forget(key_hash)
        email = f"api-key:{key.name}"
        return Actor(key.id, email, key.role, tenant.id, tenant.slug, request_id)

    def _load(self, key_hash: str) -> ApiKey | None:
        with self._master.unit_of_work() as uow:
            return uow.api_keys.get_by_hash(key_hash)

    def _entry(self, tenant: Tenant, actor: Actor, action: str, key: ApiKey) -> MasterAuditEntry:
        view = {"name": key.name, "role": key.role.value, "read_only": key.read_only}
        return MasterAuditEntry(
            action=action,
            entity="api_key",
            entity_id=key.id,
            actor=actor.email,
            at=self._clock(),
            tenant_id=tenant.id,
            after={**view, "prefix": key.prefix},
            request_id=actor.request_id,
        )
