"""SQLAlchemy Core implementations of the master registry ports."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from shared.adapters.security.secret_box import SecretBox
from shared.adapters.sql.audit_query import audit_filters
from shared.adapters.sql.registry import tables as t
from shared.core.common.pages import Page
from shared.core.common.roles import Role
from shared.core.common.units_of_work import AuditQuery
from shared.core.ports.notifications import NotificationError
from shared.core.registry.model.api_keys import ApiKey
from shared.core.registry.model.links import LinkPurpose, OutboxMail, UserLink
from shared.core.registry.model.mfa import MfaRequirement, TotpEnrolment
from shared.core.registry.model.sessions import UserSession
from shared.core.registry.model.sso import SsoConfig, SsoProviderKind, SsoState
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.core.registry.model.users import User, UserStatus
from shared.core.registry.ports import AttemptWindow, MasterAuditEntry, RefreshTokenRecord


def _tenant_from_row(row: sa.RowMapping) -> Tenant:
    return Tenant(
        id=str(row["id"]),
        slug=row["slug"],
        name=row["name"],
        status=TenantStatus(row["status"]),
        tier=row["tier"],
        database_kind=DatabaseKind(row["database_kind"]),
        connection_secret_ref=row["connection_secret_ref"],
        region=row["region"],
        storage_provider=row["storage_provider"],
        features=dict(row["features"] or {}),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class SqlTenantRegistry:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, tenant: Tenant) -> None:
        self._c.execute(
            t.tenants.insert().values(
                id=tenant.id,
                slug=tenant.slug,
                name=tenant.name,
                status=tenant.status.value,
                tier=tenant.tier,
                features=tenant.features,
                database_kind=tenant.database_kind.value,
                connection_secret_ref=tenant.connection_secret_ref,
                region=tenant.region,
                storage_provider=tenant.storage_provider,
                created_at=tenant.created_at,
                updated_at=tenant.updated_at,
            )
        )

    def get(self, tenant_id: str) -> Tenant | None:
        row = self._c.execute(sa.select(t.tenants).where(t.tenants.c.id == tenant_id)).first()
        return _tenant_from_row(row._mapping) if row else None

    def get_by_slug(self, slug: str) -> Tenant | None:
        row = self._c.execute(sa.select(t.tenants).where(t.tenants.c.slug == slug)).first()
        return _tenant_from_row(row._mapping) if row else None

    def list(self) -> list[Tenant]:
        rows = self._c.execute(sa.select(t.tenants).order_by(t.tenants.c.slug))
        return [_tenant_from_row(row._mapping) for row in rows]

    def set_status(self, tenant_id: str, status: TenantStatus, at: datetime) -> None:
        self._c.execute(
            t.tenants.update()
            .where(t.tenants.c.id == tenant_id)
            .values(status=status.value, updated_at=at)
        )


def _user_from_row(row: sa.RowMapping) -> User:
    return User(
        id=str(row["id"]),
        tenant_id=str(row["tenant_id"]),
        email=row["email"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        status=UserStatus(row["status"]),
        password_hash=row["password_hash"],
        last_login_at=row["last_login_at"],
        created_at=row["created_at"],
        must_change_password=bool(row["must_change_password"]),
    )


def _user_values(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role.value,
        "status": user.status.value,
        "password_hash": user.password_hash,
        "last_login_at": user.last_login_at,
        "must_change_password": user.must_change_password,
    }


class SqlUserRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, user: User) -> None:
        created = user.created_at or datetime.now(UTC)
        self._c.execute(
            t.users.insert().values(
                id=user.id,
                tenant_id=user.tenant_id,
                created_at=created,
                updated_at=created,
                **_user_values(user),
            )
        )

    def get(self, tenant_id: str, user_id: str) -> User | None:
        query = sa.select(t.users).where(t.users.c.tenant_id == tenant_id, t.users.c.id == user_id)
        row = self._c.execute(query).first()
        return _user_from_row(row._mapping) if row else None

    def get_by_email(self, tenant_id: str, email: str) -> User | None:
        query = sa.select(t.users).where(t.users.c.tenant_id == tenant_id, t.users.c.email == email)
        row = self._c.execute(query).first()
        return _user_from_row(row._mapping) if row else None

    def list(self, tenant_id: str, limit: int, offset: int) -> Page[User]:
        where = t.users.c.tenant_id == tenant_id
        total = self._c.execute(sa.select(sa.func.count()).select_from(t.users).where(where))
        rows = self._c.execute(
            sa.select(t.users).where(where).order_by(t.users.c.email).limit(limit).offset(offset)
        )
        items = [_user_from_row(row._mapping) for row in rows]
        return Page(items=items, total=int(total.scalar_one()), limit=limit, offset=offset)

    def update(self, user: User) -> None:
        self._c.execute(
            t.users.update()
            .where(t.users.c.id == user.id, t.users.c.tenant_id == user.tenant_id)
            .values(updated_at=datetime.now(UTC), **_user_values(user))
        )


def _token_from_row(row: sa.RowMapping) -> RefreshTokenRecord:
    return RefreshTokenRecord(
        id=str(row["id"]),
        family_id=str(row["family_id"]),
        user_id=str(row["user_id"]),
        tenant_id=str(row["tenant_id"]),
        token_hash=row["token_hash"],
        issued_at=row["issued_at"],
        expires_at=row["expires_at"],
        used_at=row["used_at"],
        revoked_at=row["revoked_at"],
    )


class SqlRefreshTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, record: RefreshTokenRecord) -> None:
        self._c.execute(
            t.refresh_tokens.insert().values(
                id=record.id,
                family_id=record.family_id,
                user_id=record.user_id,
                tenant_id=record.tenant_id,
                token_hash=record.token_hash,
                issued_at=record.issued_at,
                expires_at=record.expires_at,
            )
        )

    def get_by_hash(self, token_hash: str) -> RefreshTokenRecord | None:
        query = sa.select(t.refresh_tokens).where(t.refresh_tokens.c.token_hash == token_hash)
        row = self._c.execute(query).first()
        return _token_from_row(row._mapping) if row else None

    def mark_used(self, token_id: str, at: datetime) -> bool:
        result = self._c.execute(
            t.refresh_tokens.update()
            .where(t.refresh_tokens.c.id == token_id, t.refresh_tokens.c.used_at.is_(None))
            .values(used_at=at)
        )
        return result.rowcount == 1

    def revoke_family(self, family_id: str, at: datetime) -> None:
        self._c.execute(
            t.refresh_tokens.update()
            .where(
                t.refresh_tokens.c.family_id == family_id,
                t.refresh_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )

    def revoke_user(self, user_id: str, at: datetime) -> None:
        self._c.execute(
            t.refresh_tokens.update()
            .where(t.refresh_tokens.c.user_id == user_id, t.refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )


PRUNE_BATCH = 500


class SqlLoginAttemptLog:
    """Attempt counters in `login_throttle`, one row per key (PostgreSQL; SQLite in tests)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def count_attempt(self, key: str, at: datetime, window_s: int) -> AttemptWindow:
        table = t.login_throttle
        ended = table.c.window_started_at <= at - timedelta(seconds=window_s)
        statement = (
            _upsert_dialect(self._c)
            .insert(table)
            .values(throttle_key=key, window_started_at=at, attempts=1)
        )
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.throttle_key],
            set_={
                "attempts": sa.case((ended, 1), else_=table.c.attempts + 1),
                "window_started_at": sa.case((ended, at), else_=table.c.window_started_at),
            },
        ).returning(table.c.attempts, table.c.window_started_at)
        row = self._c.execute(statement).one()
        return AttemptWindow(int(row.attempts), row.window_started_at)

    def refund_attempt(self, key: str) -> None:
        table = t.login_throttle
        self._c.execute(
            table.update()
            .where(table.c.throttle_key == key, table.c.attempts > 0)
            .values(attempts=table.c.attempts - 1)
        )

    def clear(self, key: str) -> None:
        self._c.execute(t.login_throttle.delete().where(t.login_throttle.c.throttle_key == key))

    def prune(self, started_before: datetime) -> None:
        """Up to `PRUNE_BATCH` ended windows, skipping rows a login holds (no waits, no
        deadlock with the upserts, which lock an account row, then an address row)."""
        table = t.login_throttle
        ended = (
            sa.select(table.c.throttle_key)
            .where(table.c.window_started_at < started_before)
            .limit(PRUNE_BATCH)
            .with_for_update(skip_locked=True)
        )
        self._c.execute(table.delete().where(table.c.throttle_key.in_(ended.scalar_subquery())))


def _upsert_dialect(connection: Connection) -> Any:
    """The dialect module whose `insert` has `on_conflict_do_update` ... `returning`."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql
    if name == "sqlite":
        return sqlite
    raise NotImplementedError(f"the master registry needs PostgreSQL, not {name}")


class SqlMasterAuditLog:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def search(self, tenant_id: str, query: AuditQuery, limit: int) -> list[MasterAuditEntry]:
        c = t.audit_events.c
        select = sa.select(t.audit_events).where(c.tenant_id == tenant_id, *audit_filters(c, query))
        rows = self._c.execute(select.order_by(c.at.desc(), c.id.desc()).limit(limit))
        return [
            MasterAuditEntry(
                action=row.action,
                entity=row.entity,
                entity_id=row.entity_id,
                actor=row.actor,
                at=row.at,
                tenant_id=str(row.tenant_id),
                before=row.before,
                after=row.after,
                request_id=row.request_id,
                details=dict(row.details or {}),
            )
            for row in rows
        ]

    def count(self, tenant_id: str, query: AuditQuery) -> int:
        c = t.audit_events.c
        where = [c.tenant_id == tenant_id, *audit_filters(c, query)]
        total = sa.select(sa.func.count()).select_from(t.audit_events).where(*where)
        return int(self._c.execute(total).scalar_one())

    def record(self, entry: MasterAuditEntry) -> None:
        self._c.execute(
            t.audit_events.insert().values(
                at=entry.at,
                tenant_id=entry.tenant_id,
                actor=entry.actor,
                action=entry.action,
                entity=entry.entity,
                entity_id=entry.entity_id,
                before=entry.before,
                after=entry.after,
                request_id=entry.request_id,
                details=entry.details,
            )
        )


def _link_from_row(row: sa.RowMapping) -> UserLink:
    return UserLink(
        id=str(row["id"]),
        tenant_id=str(row["tenant_id"]),
        user_id=str(row["user_id"]),
        purpose=LinkPurpose(row["purpose"]),
        token_hash=row["token_hash"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        used_at=row["used_at"],
        revoked_at=row["revoked_at"],
    )


class SqlUserLinkRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, link: UserLink) -> None:
        self._c.execute(
            t.user_links.insert().values(
                id=link.id,
                tenant_id=link.tenant_id,
                user_id=link.user_id,
                purpose=link.purpose.value,
                token_hash=link.token_hash,
                created_at=link.created_at,
                expires_at=link.expires_at,
            )
        )

    def get_by_hash(self, token_hash: str) -> UserLink | None:
        query = sa.select(t.user_links).where(t.user_links.c.token_hash == token_hash)
        row = self._c.execute(query).first()
        return _link_from_row(row._mapping) if row else None

    def mark_used(self, link_id: str, at: datetime) -> bool:
        table = t.user_links
        result = self._c.execute(
            table.update()
            .where(table.c.id == link_id, table.c.used_at.is_(None), table.c.revoked_at.is_(None))
            .values(used_at=at)
        )
        return result.rowcount == 1

    def revoke(self, user_id: str, purpose: LinkPurpose | None, at: datetime) -> None:
        table = t.user_links
        where = [table.c.user_id == user_id, table.c.used_at.is_(None)]
        where.append(table.c.revoked_at.is_(None))
        if purpose is not None:
            where.append(table.c.purpose == purpose.value)
        self._c.execute(table.update().where(*where).values(revoked_at=at))


def _mail_from_row(row: sa.RowMapping) -> OutboxMail:
    return OutboxMail(
        id=str(row["id"]),
        tenant_id=str(row["tenant_id"]) if row["tenant_id"] else None,
        recipient=row["recipient"],
        subject=row["subject"],
        body=row["body"],
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        attempts=int(row["attempts"]),
        status=row["status"],
    )


class SqlMailOutbox:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, mail: OutboxMail) -> None:
        """Queue it; NotificationError when the outbox refuses (the caller's work rolls back)."""
        try:
            self._insert(mail)
        except DBAPIError as exc:
            raise NotificationError("the e-mail could not be queued; nothing was changed") from exc

    def _insert(self, mail: OutboxMail) -> None:
        self._c.execute(
            t.mail_outbox.insert().values(
                id=mail.id,
                tenant_id=mail.tenant_id,
                recipient=mail.recipient,
                subject=mail.subject,
                body=mail.body,
                status=mail.status,
                attempts=mail.attempts,
                next_attempt_at=mail.next_attempt_at,
                created_at=mail.created_at,
            )
        )

    def due(self, now: datetime, limit: int) -> list[OutboxMail]:
        table = t.mail_outbox
        rows = self._c.execute(
            sa.select(table)
            .where(table.c.status == "PENDING", table.c.next_attempt_at <= now)
            .order_by(table.c.next_attempt_at)
            .limit(limit)
        )
        return [_mail_from_row(row._mapping) for row in rows]

    def claim(self, mail_id: str, seen_due_at: datetime, lease_until: datetime) -> bool:
        table = t.mail_outbox
        result = self._c.execute(
            table.update()
            .where(
                table.c.id == mail_id,
                table.c.status == "PENDING",
                table.c.next_attempt_at == seen_due_at,
            )
            .values(next_attempt_at=lease_until)
        )
        return result.rowcount == 1

    def sent(self, mail_id: str, attempts: int, at: datetime) -> None:
        self._c.execute(
            t.mail_outbox.update()
            .where(t.mail_outbox.c.id == mail_id)
            .values(status="SENT", attempts=attempts, sent_at=at, body="")
        )

    def failed(
        self, mail_id: str, attempts: int, error: str, next_attempt_at: datetime | None
    ) -> None:
        values: dict[str, Any] = {"attempts": attempts, "last_error": error[:500]}
        if next_attempt_at is None:
            values.update(status="FAILED", body="")
        else:
            values["next_attempt_at"] = next_attempt_at
        self._c.execute(t.mail_outbox.update().where(t.mail_outbox.c.id == mail_id).values(values))


def _session_from_row(row: sa.RowMapping) -> UserSession:
    return UserSession(
        id=str(row["id"]),
        tenant_id=str(row["tenant_id"]),
        user_id=str(row["user_id"]),
        device=row["device"],
        address=row["address"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        ended_at=row["ended_at"],
    )


class SqlSessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, session: UserSession) -> None:
        self._c.execute(
            t.user_sessions.insert().values(
                id=session.id,
                tenant_id=session.tenant_id,
                user_id=session.user_id,
                device=session.device,
                address=session.address,
                created_at=session.created_at,
                last_used_at=session.last_used_at,
            )
        )

    def get(self, session_id: str) -> UserSession | None:
        query = sa.select(t.user_sessions).where(t.user_sessions.c.id == session_id)
        row = self._c.execute(query).first()
        return _session_from_row(row._mapping) if row else None

    def list_active(self, tenant_id: str, user_id: str) -> list[UserSession]:
        table = t.user_sessions
        rows = self._c.execute(
            sa.select(table)
            .where(
                table.c.tenant_id == tenant_id,
                table.c.user_id == user_id,
                table.c.ended_at.is_(None),
            )
            .order_by(table.c.last_used_at.desc())
            .limit(500)
        )
        return [_session_from_row(row._mapping) for row in rows]

    def touch(self, session_id: str, at: datetime) -> None:
        table = t.user_sessions
        self._c.execute(table.update().where(table.c.id == session_id).values(last_used_at=at))

    def end(self, session_ids: list[str], at: datetime) -> None:
        if not session_ids:
            return
        table = t.user_sessions
        self._c.execute(
            table.update()
            .where(table.c.id.in_(session_ids), table.c.ended_at.is_(None))
            .values(ended_at=at)
        )


class SqlMfaRepository:
    """Enrolments; with a `box` the secret is sealed at rest (plain rows still read)."""

    def __init__(self, connection: Connection, box: SecretBox | None = None) -> None:
        self._c = connection
        self._box = box

    def get(self, tenant_id: str, user_id: str) -> TotpEnrolment | None:
        table = t.user_totp
        row = self._c.execute(
            sa.select(table).where(table.c.tenant_id == tenant_id, table.c.user_id == user_id)
        ).first()
        if row is None:
            return None
        secret = row.secret
        if self._box:
            opened = self._box.open_checked(row.secret)
            secret = opened.plain
            if not opened.current:  # from before sealing, or sealed before a key rotation
                self._c.execute(
                    table.update()
                    .where(table.c.user_id == row.user_id)
                    .values(secret=self._box.seal(secret))
                )
        return TotpEnrolment(
            user_id=str(row.user_id),
            tenant_id=str(row.tenant_id),
            secret=secret,
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
            last_step=row.last_step,
        )

    def put(self, enrolment: TotpEnrolment) -> None:
        self.delete(enrolment.user_id)
        self._c.execute(
            t.user_totp.insert().values(
                user_id=enrolment.user_id,
                tenant_id=enrolment.tenant_id,
                secret=self._box.seal(enrolment.secret) if self._box else enrolment.secret,
                created_at=enrolment.created_at,
                confirmed_at=enrolment.confirmed_at,
                last_step=enrolment.last_step,
            )
        )

    def reseal_all(self) -> int:
        """Seal every enrolment's secret with the current key; answers how many changed."""
        if self._box is None:
            return 0
        table = t.user_totp
        changed = 0
        rows = self._c.execute(
            sa.select(table.c.user_id, table.c.secret).order_by(table.c.user_id).with_for_update()
        ).all()
        for row in rows:
            opened = self._box.open_checked(row.secret)
            if opened.current:
                continue
            self._c.execute(
                table.update()
                .where(table.c.user_id == row.user_id)
                .values(secret=self._box.seal(opened.plain))
            )
            changed += 1
        return changed

    def use_step(self, user_id: str, step: int) -> bool:
        table = t.user_totp
        result = self._c.execute(
            table.update()
            .where(
                table.c.user_id == user_id,
                sa.or_(table.c.last_step.is_(None), table.c.last_step < step),
            )
            .values(last_step=step)
        )
        return result.rowcount == 1

    def delete(self, user_id: str) -> None:
        self._c.execute(
            t.mfa_recovery_codes.delete().where(t.mfa_recovery_codes.c.user_id == user_id)
        )
        self._c.execute(t.user_totp.delete().where(t.user_totp.c.user_id == user_id))

    def replace_recovery_codes(self, user_id: str, code_hashes: list[str]) -> None:
        table = t.mfa_recovery_codes
        self._c.execute(table.delete().where(table.c.user_id == user_id))
        if code_hashes:
            self._c.execute(
                table.insert(), [{"user_id": user_id, "code_hash": h} for h in code_hashes]
            )

    def use_recovery_code(self, user_id: str, code_hash: str, at: datetime) -> bool:
        table = t.mfa_recovery_codes
        result = self._c.execute(
            table.update()
            .where(
                table.c.user_id == user_id,
                table.c.code_hash == code_hash,
                table.c.used_at.is_(None),
            )
            .values(used_at=at)
        )
        return result.rowcount >= 1

    def requirement(self, tenant_id: str) -> MfaRequirement:
        table = t.identity_policies
        value = self._c.execute(
            sa.select(table.c.mfa_required).where(table.c.tenant_id == tenant_id)
        ).scalar()
        return MfaRequirement(value) if value else MfaRequirement.NONE

    def set_requirement(self, tenant_id: str, requirement: MfaRequirement) -> None:
        table = t.identity_policies
        statement = (
            _upsert_dialect(self._c)
            .insert(table)
            .values(tenant_id=tenant_id, mfa_required=requirement.value)
        )
        self._c.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.tenant_id], set_={"mfa_required": requirement.value}
            )
        )


def _api_key_from_row(row: sa.RowMapping) -> ApiKey:
    return ApiKey(
        id=str(row["id"]),
        tenant_id=str(row["tenant_id"]),
        name=row["name"],
        role=Role(row["role"]),
        read_only=bool(row["read_only"]),
        prefix=row["prefix"],
        key_hash=row["key_hash"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )


class SqlApiKeyRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, key: ApiKey) -> None:
        self._c.execute(
            t.api_keys.insert().values(
                id=key.id,
                tenant_id=key.tenant_id,
                name=key.name,
                role=key.role.value,
                read_only=key.read_only,
                prefix=key.prefix,
                key_hash=key.key_hash,
                created_by=key.created_by,
                created_at=key.created_at,
            )
        )

    def get(self, tenant_id: str, key_id: str) -> ApiKey | None:
        c = t.api_keys.c
        row = self._c.execute(
            sa.select(t.api_keys).where(c.tenant_id == tenant_id, c.id == key_id)
        ).first()
        return _api_key_from_row(row._mapping) if row else None

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        row = self._c.execute(
            sa.select(t.api_keys).where(t.api_keys.c.key_hash == key_hash)
        ).first()
        return _api_key_from_row(row._mapping) if row else None

    def list(self, tenant_id: str) -> list[ApiKey]:
        c = t.api_keys.c
        rows = self._c.execute(
            sa.select(t.api_keys).where(c.tenant_id == tenant_id).order_by(c.created_at.desc())
        )
        return [_api_key_from_row(row._mapping) for row in rows]

    def revoke(self, tenant_id: str, key_id: str, at: datetime) -> None:
        c = t.api_keys.c
        self._c.execute(
            t.api_keys.update()
            .where(c.tenant_id == tenant_id, c.id == key_id, c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def touch(self, key_id: str, at: datetime) -> None:
        self._c.execute(
            t.api_keys.update().where(t.api_keys.c.id == key_id).values(last_used_at=at)
        )


class SqlSsoRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def get_config(self, tenant_id: str) -> SsoConfig | None:
        table = t.sso_configs
        row = (
            self._c.execute(sa.select(table).where(table.c.tenant_id == tenant_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return SsoConfig(
            tenant_id=str(row["tenant_id"]),
            kind=SsoProviderKind(row["kind"]),
            issuer=row["issuer"],
            discovery_url=row["discovery_url"],
            client_id=row["client_id"],
            secret_name=row["secret_name"],
            allowed_domains=tuple(json.loads(row["allowed_domains"])),
            default_role=Role(row["default_role"]),
            role_claim=row["role_claim"],
            role_map={k: Role(v) for k, v in json.loads(row["role_map"]).items()},
            require_sso=bool(row["require_sso"]),
            break_glass_email=row["break_glass_email"],
            updated_at=row["updated_at"],
        )

    def put_config(self, config: SsoConfig) -> None:
        table = t.sso_configs
        values = {
            "kind": config.kind.value,
            "issuer": config.issuer,
            "discovery_url": config.discovery_url,
            "client_id": config.client_id,
            "secret_name": config.secret_name,
            "allowed_domains": json.dumps(list(config.allowed_domains)),
            "default_role": config.default_role.value,
            "role_claim": config.role_claim,
            "role_map": json.dumps({k: v.value for k, v in config.role_map.items()}),
            "require_sso": config.require_sso,
            "break_glass_email": config.break_glass_email,
            "updated_at": config.updated_at or datetime.now(UTC),
        }
        statement = (
            _upsert_dialect(self._c).insert(table).values(tenant_id=config.tenant_id, **values)
        )
        self._c.execute(
            statement.on_conflict_do_update(index_elements=[table.c.tenant_id], set_=values)
        )

    def delete_config(self, tenant_id: str) -> None:
        self._c.execute(t.sso_configs.delete().where(t.sso_configs.c.tenant_id == tenant_id))

    def add_state(self, state: SsoState) -> None:
        table = t.sso_states
        self._c.execute(table.delete().where(table.c.expires_at < state.created_at))
        self._c.execute(
            table.insert().values(
                state_hash=state.state_hash,
                tenant_id=state.tenant_id,
                nonce_hash=state.nonce_hash,
                created_at=state.created_at,
                expires_at=state.expires_at,
            )
        )

    def spend_state(self, state_hash: str, tenant_id: str, at: datetime) -> SsoState | None:
        table = t.sso_states
        result = self._c.execute(
            table.update()
            .where(
                table.c.state_hash == state_hash,
                table.c.tenant_id == tenant_id,
                table.c.used_at.is_(None),
                table.c.expires_at > at,
            )
            .values(used_at=at)
        )
        if result.rowcount < 1:
            return None
        row = (
            self._c.execute(sa.select(table).where(table.c.state_hash == state_hash))
            .mappings()
            .one()
        )
        return SsoState(
            state_hash=row["state_hash"],
            tenant_id=str(row["tenant_id"]),
            nonce_hash=row["nonce_hash"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            used_at=row["used_at"],
        )
