"""The master registry's contract: one suite, run against the in-memory master database
and the SQL repositories on a migrated PostgreSQL master, so the fake the identity
functional tests use behaves like the database."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from shared.core.common.roles import Role
from shared.core.common.units_of_work import AuditQuery
from shared.core.registry.model.api_keys import ApiKey
from shared.core.registry.model.links import LinkPurpose, OutboxMail, UserLink
from shared.core.registry.model.mfa import MfaRequirement, TotpEnrolment
from shared.core.registry.model.sessions import UserSession
from shared.core.registry.model.sso import SsoConfig, SsoProviderKind, SsoState
from shared.core.registry.model.tenants import Tenant, TenantStatus
from shared.core.registry.model.users import User, UserStatus
from shared.core.registry.ports import MasterAuditEntry, RefreshTokenRecord
from tests.contracts.master import NOW, acme_fixture, make_tenant, uow_fixture

_tenant = make_tenant
__all__ = ["acme_fixture", "uow_fixture"]  # the suite's fixtures


def _user(tenant: Tenant, email: str, role: Role = Role.VIEWER) -> User:
    return User(
        str(uuid.uuid4()), tenant.id, email, "Someone", role, UserStatus.ACTIVE, "hash",
        created_at=NOW,
    )  # fmt: skip


def test_tenants_are_found_by_id_and_slug_and_listed_by_slug(uow: Any, acme: Tenant) -> None:
    beta = _tenant("beta")
    uow.tenants.add(beta)
    assert uow.tenants.get(acme.id) == acme
    assert uow.tenants.get_by_slug("beta") == beta
    assert uow.tenants.get_by_slug("gamma") is None
    assert [t.slug for t in uow.tenants.list()] == ["acme", "beta"]
    later = NOW + timedelta(hours=1)
    uow.tenants.set_status(acme.id, TenantStatus.SUSPENDED, later)
    suspended = uow.tenants.get(acme.id)
    assert suspended.status is TenantStatus.SUSPENDED and suspended.updated_at == later


def test_users_are_per_tenant_by_email_and_listed_in_pages(uow: Any, acme: Tenant) -> None:
    beta = _tenant("beta")
    uow.tenants.add(beta)
    bo, al = _user(acme, "bo@acme.com"), _user(acme, "al@acme.com", Role.ADMIN)
    for user in (bo, al, _user(beta, "bo@acme.com")):
        uow.users.add(user)
    assert uow.users.get(acme.id, bo.id) == bo
    assert uow.users.get(beta.id, bo.id) is None
    assert uow.users.get_by_email(acme.id, "al@acme.com") == al
    page = uow.users.list(acme.id, 1, 1)
    assert page.total == 2 and [u.email for u in page.items] == ["bo@acme.com"]
    changed = User(**{**bo.__dict__, "full_name": "Bo Jones", "last_login_at": NOW})
    uow.users.update(changed)
    assert uow.users.get(acme.id, bo.id) == changed


def test_a_refresh_token_is_spent_once_and_revoked_by_family_or_user(
    uow: Any, acme: Tenant
) -> None:
    user = _user(acme, "bo@acme.com")
    uow.users.add(user)
    family = str(uuid.uuid4())

    def token(hash_: str, family_id: str = family) -> RefreshTokenRecord:
        return RefreshTokenRecord(
            str(uuid.uuid4()), family_id, user.id, acme.id, hash_, NOW, NOW + timedelta(days=1)
        )

    first, second, other = token("h1"), token("h2"), token("h3", str(uuid.uuid4()))
    for record in (first, second, other):
        uow.refresh_tokens.add(record)
    assert uow.refresh_tokens.get_by_hash("h1") == first
    assert uow.refresh_tokens.mark_used(first.id, NOW)
    assert not uow.refresh_tokens.mark_used(first.id, NOW)
    uow.refresh_tokens.revoke_family(family, NOW)
    assert uow.refresh_tokens.get_by_hash("h2").revoked_at == NOW
    assert uow.refresh_tokens.get_by_hash("h3").revoked_at is None
    later = NOW + timedelta(minutes=1)
    uow.refresh_tokens.revoke_user(user.id, later)
    assert uow.refresh_tokens.get_by_hash("h3").revoked_at == later
    assert uow.refresh_tokens.get_by_hash("h2").revoked_at == NOW  # kept its first time


def test_login_attempts_count_in_windows_refund_and_clear(uow: Any) -> None:
    log = uow.login_attempts
    assert log.count_attempt("k", NOW, 60).attempts == 1
    assert log.count_attempt("k", NOW + timedelta(seconds=10), 60).attempts == 2
    log.refund_attempt("k")
    assert log.count_attempt("k", NOW + timedelta(seconds=20), 60).attempts == 2
    restarted = log.count_attempt("k", NOW + timedelta(seconds=61), 60)
    assert restarted.attempts == 1 and restarted.started_at == NOW + timedelta(seconds=61)
    log.clear("k")
    assert log.count_attempt("k", NOW + timedelta(seconds=62), 60).attempts == 1
    log.prune(NOW + timedelta(hours=1))
    assert log.count_attempt("k", NOW + timedelta(seconds=63), 60).attempts == 1


def test_audit_events_are_searched_per_tenant_newest_first(uow: Any, acme: Tenant) -> None:
    beta = _tenant("beta")
    uow.tenants.add(beta)
    for minutes, action, tenant in ((0, "user.invite", acme), (5, "user.role", acme),
                                    (9, "user.invite", beta)):  # fmt: skip
        uow.audit.record(
            MasterAuditEntry(action, "user", "u1", "Al@Acme.com",
                             NOW + timedelta(minutes=minutes), tenant.id, None, {"x": 1})
        )  # fmt: skip
    found = uow.audit.search(acme.id, AuditQuery(), 10)
    assert [e.action for e in found] == ["user.role", "user.invite"]
    assert found[0].after == {"x": 1} and found[0].tenant_id == acme.id
    assert uow.audit.count(acme.id, AuditQuery(actor="al@acme.com", action="user.invite")) == 1
    assert uow.audit.count(acme.id, AuditQuery(since=NOW + timedelta(minutes=1))) == 1
    assert uow.audit.search(acme.id, AuditQuery(), 1)[0].action == "user.role"


def test_a_link_is_spent_once_and_revoked_by_purpose(uow: Any, acme: Tenant) -> None:
    user = _user(acme, "bo@acme.com")
    uow.users.add(user)

    def link(hash_: str, purpose: LinkPurpose) -> UserLink:
        return UserLink(
            str(uuid.uuid4()), acme.id, user.id, purpose, hash_, NOW, NOW + timedelta(hours=1)
        )

    reset, magic = link("r", LinkPurpose.PASSWORD_RESET), link("m", LinkPurpose.MAGIC_LINK)
    uow.links.add(reset)
    uow.links.add(magic)
    assert uow.links.get_by_hash("r") == reset
    uow.links.revoke(user.id, LinkPurpose.PASSWORD_RESET, NOW)
    assert not uow.links.mark_used(reset.id, NOW)  # revoked
    assert uow.links.mark_used(magic.id, NOW)
    assert not uow.links.mark_used(magic.id, NOW)
    assert uow.links.get_by_hash("m").used_at == NOW


def test_the_outbox_hands_out_due_mail_once_and_drops_bodies_when_done(
    uow: Any, acme: Tenant
) -> None:
    def mail(minutes: int) -> OutboxMail:
        at = NOW + timedelta(minutes=minutes)
        return OutboxMail(str(uuid.uuid4()), acme.id, "bo@acme.com", "Hi", "link", at, at)

    late, early, future = mail(5), mail(0), mail(60)
    for queued in (late, early, future):
        uow.outbox.add(queued)
    due = uow.outbox.due(NOW + timedelta(minutes=10), 10)
    assert [m.id for m in due] == [early.id, late.id]
    lease = NOW + timedelta(minutes=20)
    assert uow.outbox.claim(early.id, early.next_attempt_at, lease)
    assert not uow.outbox.claim(early.id, early.next_attempt_at, lease)
    uow.outbox.sent(early.id, 1, NOW)
    uow.outbox.failed(late.id, 1, "refused", NOW + timedelta(minutes=30))
    uow.outbox.failed(future.id, 5, "gave up", None)
    assert uow.outbox.due(NOW + timedelta(days=1), 10) == [
        OutboxMail(late.id, acme.id, "bo@acme.com", "Hi", "link", late.created_at,
                   NOW + timedelta(minutes=30), 1, "PENDING")
    ]  # fmt: skip


def test_sessions_are_listed_by_last_use_until_ended(uow: Any, acme: Tenant) -> None:
    user = _user(acme, "bo@acme.com")
    uow.users.add(user)

    def session(minutes: int) -> UserSession:
        at = NOW + timedelta(minutes=minutes)
        return UserSession(str(uuid.uuid4()), acme.id, user.id, "Firefox", "10.0.0.1", at, at)

    old, new = session(0), session(5)
    uow.sessions.add(old)
    uow.sessions.add(new)
    assert [s.id for s in uow.sessions.list_active(acme.id, user.id)] == [new.id, old.id]
    uow.sessions.touch(old.id, NOW + timedelta(minutes=9))
    assert [s.id for s in uow.sessions.list_active(acme.id, user.id)] == [old.id, new.id]
    uow.sessions.end([new.id], NOW + timedelta(minutes=10))
    uow.sessions.end([new.id], NOW + timedelta(minutes=11))
    assert uow.sessions.get(new.id).ended_at == NOW + timedelta(minutes=10)
    assert [s.id for s in uow.sessions.list_active(acme.id, user.id)] == [old.id]
    uow.sessions.end([], NOW)


def test_totp_steps_only_move_forward_and_recovery_codes_spend_once(uow: Any, acme: Tenant) -> None:
    user = _user(acme, "bo@acme.com")
    uow.users.add(user)
    uow.mfa.put(TotpEnrolment(user.id, acme.id, "SECRET", NOW))
    assert uow.mfa.get(acme.id, user.id).secret == "SECRET"
    assert uow.mfa.use_step(user.id, 10) and not uow.mfa.use_step(user.id, 10)
    assert uow.mfa.use_step(user.id, 11) and not uow.mfa.use_step(user.id, 9)
    uow.mfa.put(TotpEnrolment(user.id, acme.id, "OTHER", NOW, confirmed_at=NOW))
    assert uow.mfa.get(acme.id, user.id).confirmed_at == NOW
    assert uow.mfa.reseal_all() == 0  # no key to seal with: the secret stays as it is
    assert uow.mfa.get(acme.id, user.id).secret == "OTHER"
    uow.mfa.replace_recovery_codes(user.id, ["c1", "c2"])
    assert uow.mfa.use_recovery_code(user.id, "c1", NOW)
    assert not uow.mfa.use_recovery_code(user.id, "c1", NOW)
    uow.mfa.replace_recovery_codes(user.id, ["c3"])
    assert not uow.mfa.use_recovery_code(user.id, "c2", NOW)
    uow.mfa.delete(user.id)
    assert uow.mfa.get(acme.id, user.id) is None
    assert not uow.mfa.use_recovery_code(user.id, "c3", NOW)
    assert uow.mfa.requirement(acme.id) is MfaRequirement.NONE
    uow.mfa.set_requirement(acme.id, MfaRequirement.ADMINS)
    uow.mfa.set_requirement(acme.id, MfaRequirement.EVERYONE)
    assert uow.mfa.requirement(acme.id) is MfaRequirement.EVERYONE


def test_api_keys_are_per_tenant_newest_first_and_revoked_once(uow: Any, acme: Tenant) -> None:
    def key(hash_: str, minutes: int) -> ApiKey:
        return ApiKey(
            str(uuid.uuid4()), acme.id, "ci", Role.VIEWER, True, "wk_abc", hash_, "al@acme.com",
            NOW + timedelta(minutes=minutes),
        )  # fmt: skip

    old, new = key("k1", 0), key("k2", 5)
    uow.api_keys.add(old)
    uow.api_keys.add(new)
    assert [k.id for k in uow.api_keys.list(acme.id)] == [new.id, old.id]
    assert uow.api_keys.get_by_hash("k1") == old
    assert uow.api_keys.get(str(uuid.uuid4()), old.id) is None
    uow.api_keys.revoke(acme.id, old.id, NOW)
    uow.api_keys.revoke(acme.id, old.id, NOW + timedelta(hours=1))
    uow.api_keys.touch(new.id, NOW + timedelta(minutes=7))
    assert uow.api_keys.get(acme.id, old.id).revoked_at == NOW
    assert uow.api_keys.get(acme.id, new.id).last_used_at == NOW + timedelta(minutes=7)


def test_sso_configs_are_replaced_and_states_spent_once_before_expiry(
    uow: Any, acme: Tenant
) -> None:
    config = SsoConfig(
        acme.id, SsoProviderKind.OIDC, "https://idp", "https://idp/.well-known", "client",
        "sso-secret", ("acme.com",), Role.VIEWER, "groups", {"ops": Role.MANAGER},
        updated_at=NOW,
    )  # fmt: skip
    uow.sso.put_config(config)
    changed = SsoConfig(**{**config.__dict__, "require_sso": True})
    uow.sso.put_config(changed)
    assert uow.sso.get_config(acme.id) == changed
    uow.sso.delete_config(acme.id)
    assert uow.sso.get_config(acme.id) is None
    state = SsoState("s1", acme.id, "n1", NOW, NOW + timedelta(minutes=10))
    uow.sso.add_state(state)
    assert uow.sso.spend_state("s1", str(uuid.uuid4()), NOW) is None  # another tenant's
    spent = uow.sso.spend_state("s1", acme.id, NOW + timedelta(minutes=1))
    assert spent is not None and spent.used_at == NOW + timedelta(minutes=1)
    assert uow.sso.spend_state("s1", acme.id, NOW + timedelta(minutes=2)) is None
    uow.sso.add_state(SsoState("s2", acme.id, "n2", NOW, NOW + timedelta(minutes=10)))
    assert uow.sso.spend_state("s2", acme.id, NOW + timedelta(minutes=10)) is None  # expired
