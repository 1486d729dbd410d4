"""Identity services over the in-memory master database: sign-in and its throttle,
invitations, passwords and resets, sign-in links, sessions, two-factor sign-in, API keys,
SSO (a fake OpenID provider), users and the audit trail they leave."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import NoReturn
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from argon2 import PasswordHasher as Argon2Hasher

from shared.adapters.memory.registry import MemoryMasterDatabase
from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.security.passwords import Argon2PasswordHasher
from shared.adapters.security.tokens import JwtAccessTokenCodec
from shared.adapters.security.totp import PyotpOneTimeCodes
from shared.core.common.actor import Actor
from shared.core.common.errors import (
    AuthenticationError,
    ConflictError,
    DuplicateError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from shared.core.common.roles import Role
from shared.core.common.units_of_work import AuditQuery
from shared.core.ports.notifications import NotificationError
from shared.core.registry.errors import (
    LinkInvalidError,
    MfaCodeInvalidError,
    MfaEnrolmentRequiredError,
    MfaRequiredError,
    PasswordChangeRequiredError,
    SsoDomainRefusedError,
    SsoNotConfiguredError,
    SsoRequiredError,
    SsoStateInvalidError,
    TenantMismatchError,
    ThrottledError,
)
from shared.core.registry.model.mfa import MfaRequirement
from shared.core.registry.model.sessions import ClientInfo
from shared.core.registry.model.sso import OidcDiscovery, SsoProviderKind
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import User, UserStatus
from shared.core.registry.services.api_keys import ApiKeyService
from shared.core.registry.services.auth import AuthPolicy, AuthService, TokenPair
from shared.core.registry.services.invitations import InvitationService
from shared.core.registry.services.magic_links import MagicLinkService
from shared.core.registry.services.mail import IdentityMail
from shared.core.registry.services.mfa import MfaService
from shared.core.registry.services.passwords import PasswordService
from shared.core.registry.services.sessions import SessionService
from shared.core.registry.services.sso import SignInOptions, SsoConfigInput, SsoService
from shared.core.registry.services.users import UserService
from tests.functional.people import Clock, tenant

PASSWORD = "correct horse battery"
CLIENT = ClientInfo("Firefox", "10.0.0.1")


class NoEntra:
    """These tenants use a generic OpenID provider; Entra's flow (MSAL) is never reached."""

    def begin(self, *args: object) -> NoReturn:
        raise AssertionError("an Entra flow was started for a generic OpenID provider")

    def complete(self, *args: object) -> NoReturn:
        raise AssertionError("an Entra flow was completed for a generic OpenID provider")


class FakeOidcProvider:
    """An OpenID provider that answers without a network: codes map to claims."""

    def __init__(self) -> None:
        self.discovery = OidcDiscovery(
            "https://idp.example.com", "https://idp.example.com/authorize",
            "https://idp.example.com/token", "https://idp.example.com/jwks",
        )  # fmt: skip
        self.claims_by_code: dict[str, dict[str, object]] = {}

    def discover(self, discovery_url: str) -> OidcDiscovery:
        return self.discovery

    def exchange_code(self, discovery: OidcDiscovery, client_id: str, client_secret: str,
                      code: str, redirect_uri: str, code_verifier: str) -> str:  # fmt: skip
        if client_secret != "idp-secret":
            raise AuthenticationError("the provider refused the client secret")
        return code

    def verify_id_token(
        self, discovery: OidcDiscovery, id_token: str, audience: str
    ) -> dict[str, object]:
        return dict(self.claims_by_code[id_token])


@dataclass
class Identity:
    master: MemoryMasterDatabase
    clock: Clock
    tenant: Tenant
    admin: User
    auth: AuthService
    invitations: InvitationService
    passwords: PasswordService
    magic_links: MagicLinkService
    sessions: SessionService
    mfa: MfaService
    api_keys: ApiKeyService
    sso: SsoService
    users: UserService
    provider: FakeOidcProvider
    secrets: InMemorySecrets

    def login(self, email: str, password: str = PASSWORD, **extra: object) -> TokenPair:
        return self.auth.login(self.tenant, email, password, "10.0.0.1", **extra)

    def actor(self, pair: TokenPair) -> Actor:
        return self.auth.authenticate(self.tenant, pair.access_token)

    def token_in_mail(self, recipient: str) -> str:
        """The token of the newest link e-mailed to `recipient`."""
        mails = [m for m in self.master.data.outbox.values() if m.recipient == recipient]
        newest = max(mails, key=lambda m: m.created_at)
        url = next(line for line in newest.body.splitlines() if "token=" in line)
        return parse_qs(urlsplit(url.split("#", 1)[1]).query)["token"][0]

    def audit_actions(self) -> list[str]:
        return [e.action for e in self.master.data.audit]


@pytest.fixture
def world() -> Identity:
    master, clock, acme = MemoryMasterDatabase(), Clock(datetime.now(UTC)), tenant()
    hasher = Argon2PasswordHasher(Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1))
    admin = User(str(uuid.uuid4()), acme.id, "al@acme.com", "Al", Role.ADMIN, UserStatus.ACTIVE,
                 hasher.hash(PASSWORD), created_at=clock.now)  # fmt: skip
    with master.unit_of_work() as uow:
        uow.tenants.add(acme)
        uow.users.add(admin)
        uow.commit()
    codes, secrets, provider = PyotpOneTimeCodes(), InMemorySecrets(), FakeOidcProvider()
    auth = AuthService(master, hasher, JwtAccessTokenCodec("k" * 32), AuthPolicy(), clock,
                       codes=codes)  # fmt: skip
    mail = IdentityMail(lambda t: f"https://{t.slug}.wellos.example", clock)
    return Identity(
        master, clock, acme, admin, auth,
        InvitationService(master, hasher, auth, mail, clock, auth.forget_user),
        PasswordService(master, hasher, auth, mail, clock, auth.forget_user),
        MagicLinkService(master, auth, mail, clock),
        SessionService(master, auth.forget_sessions, clock),
        MfaService(master, codes, auth, clock, auth.forget_user),
        ApiKeyService(master, clock),
        SsoService(master, auth, secrets, provider, lambda t: "https://api.wellos.example",
                   NoEntra(), clock=clock),
        UserService(master, hasher, clock, auth.forget_user),
        provider, secrets,
    )  # fmt: skip


# --- sign-in, refresh, logout ----------------------------------------------------------------


def test_a_user_signs_in_refreshes_and_signs_out(world: Identity) -> None:
    pair = world.login("AL@acme.com")
    assert world.actor(pair).user_id == world.admin.id
    renewed = world.auth.refresh(world.tenant, pair.refresh_token)
    assert world.actor(renewed).role is Role.ADMIN
    with pytest.raises(AuthenticationError):  # the old refresh token was spent: a replay
        world.auth.refresh(world.tenant, pair.refresh_token)
    with pytest.raises(AuthenticationError):  # and the replay ended the whole session
        world.auth.refresh(world.tenant, renewed.refresh_token)
    again = world.login("al@acme.com")
    world.auth.logout(world.tenant, again.refresh_token)
    with pytest.raises(AuthenticationError):
        world.auth.refresh(world.tenant, again.refresh_token)


def test_wrong_passwords_are_refused_then_throttled(world: Identity) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            world.login("al@acme.com", "wrong password!")
    with pytest.raises(ThrottledError):
        world.login("al@acme.com")
    with pytest.raises(AuthenticationError):
        world.login("nobody@acme.com")


def test_a_token_of_another_tenant_is_refused(world: Identity) -> None:
    pair = world.login("al@acme.com")
    with pytest.raises(TenantMismatchError):
        world.auth.authenticate(tenant("beta"), pair.access_token)


# --- invitations -----------------------------------------------------------------------------


def test_an_invited_user_sets_a_password_through_the_link_once(world: Identity) -> None:
    admin = world.actor(world.login("al@acme.com"))
    invited = world.invitations.invite(world.tenant, admin, "Bo@Acme.com", "Bo", Role.MANAGER)
    assert invited.status is UserStatus.INVITED and invited.email == "bo@acme.com"
    with pytest.raises(DuplicateError):
        world.invitations.invite(world.tenant, admin, "bo@acme.com", "Bo", Role.VIEWER)
    first = world.token_in_mail("bo@acme.com")
    world.clock.advance(seconds=1)
    world.invitations.resend(world.tenant, admin, invited.id)
    token = world.token_in_mail("bo@acme.com")
    with pytest.raises(LinkInvalidError):  # resending replaced the first link
        world.invitations.accept(world.tenant, first, PASSWORD)
    with pytest.raises(InputError):
        world.invitations.accept(world.tenant, token, "short")
    pair = world.invitations.accept(world.tenant, token, PASSWORD, CLIENT)
    assert world.actor(pair).role is Role.MANAGER
    with pytest.raises(LinkInvalidError):
        world.invitations.accept(world.tenant, token, PASSWORD)
    with pytest.raises(ConflictError):
        world.invitations.resend(world.tenant, admin, invited.id)
    assert {"user.invited", "user.invitation_accepted"} <= set(world.audit_actions())


def test_a_revoked_invitation_deactivates_and_its_link_stops_working(world: Identity) -> None:
    admin = world.actor(world.login("al@acme.com"))
    invited = world.invitations.invite(world.tenant, admin, "cy@acme.com", "Cy", Role.VIEWER)
    token = world.token_in_mail("cy@acme.com")
    revoked = world.invitations.revoke(world.tenant, admin, invited.id)
    assert revoked.status is UserStatus.DEACTIVATED
    with pytest.raises(LinkInvalidError):
        world.invitations.accept(world.tenant, token, PASSWORD)
    viewer = replace(admin, role=Role.VIEWER)
    with pytest.raises(PermissionDeniedError):
        world.invitations.invite(world.tenant, viewer, "dee@acme.com", "Dee", Role.VIEWER)


def test_an_invitation_whose_mail_cannot_be_queued_leaves_nothing(world: Identity) -> None:
    admin = world.actor(world.login("al@acme.com"))
    world.master.refuse_mail = True
    with pytest.raises(NotificationError):
        world.invitations.invite(world.tenant, admin, "eve@acme.com", "Eve", Role.VIEWER)
    with world.master.unit_of_work() as uow:
        assert uow.users.get_by_email(world.tenant.id, "eve@acme.com") is None


# --- passwords -------------------------------------------------------------------------------


def test_changing_the_password_ends_every_other_session(world: Identity) -> None:
    other = world.login("al@acme.com")
    mine = world.login("al@acme.com")
    new = "staple horse battery"
    with pytest.raises(InputError):
        world.passwords.change(world.tenant, world.actor(mine), "not it at all", new, CLIENT)
    with pytest.raises(InputError):
        world.passwords.change(world.tenant, world.actor(mine), PASSWORD, PASSWORD, CLIENT)
    fresh = world.passwords.change(world.tenant, world.actor(mine), PASSWORD, new, CLIENT)
    with pytest.raises(AuthenticationError):
        world.actor(other)
    assert world.actor(fresh).user_id == world.admin.id
    with pytest.raises(AuthenticationError):
        world.login("al@acme.com")
    world.login("al@acme.com", new)


def test_changing_the_password_often_from_one_address_is_not_throttled(world: Identity) -> None:
    """An office behind one address: successful changes give the address its attempt back."""
    pair = world.login("al@acme.com")
    passwords = [PASSWORD, "staple horse battery"]
    for turn in range(AuthPolicy().max_failures_per_address + 2):
        current, new = passwords[turn % 2], passwords[(turn + 1) % 2]
        pair = world.passwords.change(world.tenant, world.actor(pair), current, new, CLIENT)
    world.login("al@acme.com", passwords[(AuthPolicy().max_failures_per_address + 2) % 2])


def test_a_reset_link_sets_a_new_password_once(world: Identity) -> None:
    session = world.login("al@acme.com")
    world.passwords.request_reset(world.tenant, "al@acme.com", "10.0.0.1")
    world.passwords.request_reset(world.tenant, "ghost@acme.com", "10.0.0.1")  # silently nothing
    assert {m.recipient for m in world.master.data.outbox.values()} == {"al@acme.com"}
    token = world.token_in_mail("al@acme.com")
    world.passwords.reset(world.tenant, token, "brand new secret")
    with pytest.raises(LinkInvalidError):
        world.passwords.reset(world.tenant, token, "another new secret")
    with pytest.raises(AuthenticationError):
        world.actor(session)
    world.login("al@acme.com", "brand new secret")


# --- sign-in links ---------------------------------------------------------------------------


def test_a_sign_in_link_signs_in_once(world: Identity) -> None:
    world.magic_links.request(world.tenant, "al@acme.com", "10.0.0.1")
    token = world.token_in_mail("al@acme.com")
    pair = world.magic_links.sign_in(world.tenant, token, CLIENT)
    assert world.actor(pair).email == "al@acme.com"
    with pytest.raises(LinkInvalidError):
        world.magic_links.sign_in(world.tenant, token, CLIENT)
    assert "user.signed_in_by_link" in world.audit_actions()


# --- sessions --------------------------------------------------------------------------------


def test_a_user_sees_and_ends_their_sessions_and_an_admin_ends_all(world: Identity) -> None:
    laptop, phone, tablet = (world.login("al@acme.com") for _ in range(3))
    me = world.actor(laptop)
    assert len(world.sessions.list_own(world.tenant, me)) == 3
    world.sessions.end_own(world.tenant, me, world.actor(phone).session_id)
    with pytest.raises(AuthenticationError):
        world.actor(phone)
    with pytest.raises(NotFoundError):
        world.sessions.end_own(world.tenant, me, world.actor(tablet).session_id + "x")
    assert world.sessions.end_all_own(world.tenant, me, keep_current=True) == 1
    assert world.actor(laptop).user_id == me.user_id
    assert world.sessions.end_for_user(world.tenant, me, world.admin.id) == 1
    with pytest.raises(AuthenticationError):
        world.actor(laptop)


# --- two-factor sign-in ----------------------------------------------------------------------


def test_two_factor_sign_in_is_enrolled_used_and_turned_off(world: Identity) -> None:
    me = world.actor(world.login("al@acme.com"))
    setup = world.mfa.start_totp(world.tenant, me)
    totp = pyotp.TOTP(setup.secret)
    with pytest.raises(InputError):
        world.mfa.confirm_totp(world.tenant, me, "abcdef")
    confirmed = world.mfa.confirm_totp(world.tenant, me, totp.at(world.clock.now), CLIENT)
    assert len(confirmed.recovery_codes) >= 8
    assert world.mfa.status(world.tenant, me).enrolled
    with pytest.raises(MfaRequiredError):
        world.login("al@acme.com")
    later = world.clock.advance(seconds=30)
    with pytest.raises(MfaCodeInvalidError):
        world.login("al@acme.com", mfa_code="12345x")
    pair = world.login("al@acme.com", mfa_code=totp.at(later))
    with pytest.raises(ConflictError):
        world.mfa.start_totp(world.tenant, world.actor(pair))
    recovery = confirmed.recovery_codes[0]
    world.mfa.disable(world.tenant, world.actor(pair), recovery)
    assert not world.mfa.status(world.tenant, world.actor(pair)).enrolled
    world.login("al@acme.com")


def test_a_tenant_that_requires_two_factor_lets_users_only_enrol(world: Identity) -> None:
    admin = world.actor(world.login("al@acme.com"))
    world.mfa.set_requirement(world.tenant, admin, MfaRequirement.EVERYONE)
    pair = world.login("al@acme.com")
    with pytest.raises(MfaEnrolmentRequiredError):
        world.actor(pair)
    enrolling = world.auth.authenticate(world.tenant, pair.access_token, enrolling=True)
    setup = world.mfa.start_totp(world.tenant, enrolling)
    code = pyotp.TOTP(setup.secret).at(world.clock.now)
    confirmed = world.mfa.confirm_totp(world.tenant, enrolling, code, CLIENT)
    assert world.actor(confirmed.tokens).user_id == world.admin.id
    with pytest.raises(ConflictError):  # required: it cannot be turned off
        world.mfa.disable(world.tenant, world.actor(confirmed.tokens), confirmed.recovery_codes[0])
    world.mfa.reset_for_user(world.tenant, world.actor(confirmed.tokens), world.admin.id)
    assert not world.mfa.status(world.tenant, admin).enrolled


# --- API keys --------------------------------------------------------------------------------


def test_an_api_key_acts_with_its_role_until_revoked(world: Identity) -> None:
    admin = world.actor(world.login("al@acme.com"))
    key, secret = world.api_keys.create(world.tenant, admin, "ci", Role.MANAGER, read_only=True)
    actor = world.api_keys.authenticate(world.tenant, secret, "GET", "req")
    assert actor.role is Role.MANAGER and actor.email == "api-key:ci"
    with pytest.raises(PermissionDeniedError):
        world.api_keys.authenticate(world.tenant, secret, "POST", "req")
    with pytest.raises(TenantMismatchError):
        world.api_keys.authenticate(tenant("beta"), secret, "GET", "req")
    assert [k.id for k in world.api_keys.list(world.tenant, admin)] == [key.id]
    assert world.api_keys.revoke(world.tenant, admin, key.id).revoked_at is not None
    with pytest.raises(AuthenticationError):
        world.api_keys.authenticate(world.tenant, secret, "GET", "req")
    with pytest.raises(NotFoundError):
        world.api_keys.revoke(world.tenant, admin, str(uuid.uuid4()))
    with pytest.raises(PermissionDeniedError):
        world.api_keys.create(world.tenant, replace(admin, role=Role.VIEWER), "x", Role.VIEWER,
                              read_only=True)  # fmt: skip
    assert {"api_key.created", "api_key.revoked"} <= set(world.audit_actions())


# --- SSO -------------------------------------------------------------------------------------


def _configure_sso(world: Identity, **changes: object) -> Actor:
    admin = world.actor(world.login("al@acme.com"))
    data = SsoConfigInput(
        SsoProviderKind.OIDC, "client-1", "idp-secret", ["acme.com"], Role.VIEWER,
        discovery_url="https://idp.example.com", role_claim="groups",
        role_map={"ops": Role.MANAGER},
    )  # fmt: skip
    world.sso.put_config(world.tenant, admin, replace(data, **changes))
    return admin


def _sign_in_by_sso(world: Identity, claims: dict[str, object]) -> TokenPair:
    start = world.sso.start(world.tenant)
    query = parse_qs(urlsplit(start.authorize_url).query)
    code = str(uuid.uuid4())
    world.provider.claims_by_code[code] = {"nonce": query["nonce"][0], **claims}
    return world.sso.finish(world.tenant, code, query["state"][0], start.cookie, CLIENT)


def test_sso_provisions_a_user_with_the_mapped_role(world: Identity) -> None:
    with pytest.raises(SsoNotConfiguredError):
        world.sso.start(world.tenant)
    _configure_sso(world)
    assert world.secrets.get(world.sso.get_config(world.tenant).secret_name) == "idp-secret"
    pair = _sign_in_by_sso(world, {"email": "Pat@Acme.com", "name": "Pat", "groups": "ops"})
    actor = world.actor(pair)
    assert actor.email == "pat@acme.com" and actor.role is Role.MANAGER
    assert "user.provisioned_by_sso" in world.audit_actions()
    again = world.actor(_sign_in_by_sso(world, {"email": "pat@acme.com"}))
    assert again.user_id == actor.user_id


def test_sso_refuses_other_domains_replayed_states_and_bad_config(world: Identity) -> None:
    admin = _configure_sso(world)
    with pytest.raises(SsoDomainRefusedError):
        _sign_in_by_sso(world, {"email": "mallory@evil.com"})
    start = world.sso.start(world.tenant)
    state = parse_qs(urlsplit(start.authorize_url).query)["state"][0]
    world.provider.claims_by_code["c"] = {"nonce": "wrong", "email": "pat@acme.com"}
    with pytest.raises(AuthenticationError):  # the nonce is not this sign-in's
        world.sso.finish(world.tenant, "c", state, start.cookie)
    with pytest.raises(SsoStateInvalidError):  # the state was spent
        world.sso.finish(world.tenant, "c", state, start.cookie)
    with pytest.raises(InputError):
        world.sso.put_config(world.tenant, admin, SsoConfigInput(
            SsoProviderKind.OIDC, "c", None, ["acme.com"], Role.VIEWER,
            discovery_url="http://idp.example.com",
        ))  # fmt: skip
    with pytest.raises(InputError):  # requiring SSO needs a break-glass admin
        _configure_sso(world, require_sso=True)


def test_when_sso_is_required_only_the_break_glass_admin_uses_a_password(world: Identity) -> None:
    admin = world.actor(world.login("al@acme.com"))
    world.invitations.invite(world.tenant, admin, "bo@acme.com", "Bo", Role.VIEWER)
    token = world.token_in_mail("bo@acme.com")
    assert world.sso.sign_in_options(world.tenant) == SignInOptions(None, False)
    _configure_sso(world, require_sso=True, break_glass_email="al@acme.com")
    assert world.sso.sign_in_options(world.tenant) == SignInOptions(SsoProviderKind.OIDC, True)
    assert world.sso.read_config(world.tenant, admin).break_glass_email == "al@acme.com"
    with pytest.raises(PermissionDeniedError):  # the secret's name is for admins only
        world.sso.read_config(world.tenant, replace(admin, role=Role.VIEWER))
    with pytest.raises(SsoRequiredError):
        world.invitations.accept(world.tenant, token, PASSWORD)
    world.login("al@acme.com")
    world.sso.delete_config(world.tenant, admin)
    assert world.sso.sign_in_options(world.tenant) == SignInOptions(None, False)
    with pytest.raises(SsoNotConfiguredError):
        world.sso.get_config(world.tenant)


# --- users and the audit trail ---------------------------------------------------------------


def test_admins_change_roles_deactivate_and_reactivate_users(world: Identity) -> None:
    admin = world.actor(world.login("al@acme.com"))
    invited = world.invitations.invite(world.tenant, admin, "bo@acme.com", "Bo", Role.VIEWER)
    pair = world.invitations.accept(world.tenant, world.token_in_mail("bo@acme.com"), PASSWORD)
    promoted = world.users.change_role(world.tenant, admin, invited.id, Role.MANAGER)
    assert promoted.role is Role.MANAGER
    assert world.actor(pair).role is Role.MANAGER
    world.users.deactivate(world.tenant, admin, invited.id)
    with pytest.raises(AuthenticationError):
        world.actor(pair)
    assert world.users.reactivate(world.tenant, admin, invited.id).status is UserStatus.ACTIVE
    page = world.users.list(world.tenant, admin, 10, 0)
    assert [u.email for u in page.items] == ["al@acme.com", "bo@acme.com"]
    with pytest.raises(NotFoundError):
        world.users.get(world.tenant, admin, str(uuid.uuid4()))
    with world.master.unit_of_work() as uow:
        roles = uow.audit.search(world.tenant.id, AuditQuery(entity_id=invited.id), 50)
    assert {"user.invited", "user.invitation_accepted"} <= {e.action for e in roles}


def test_an_admin_set_password_must_be_replaced_at_first_sign_in(world: Identity) -> None:
    admin = world.actor(world.login("al@acme.com"))
    created, given = world.users.invite(world.tenant, admin, "cy@acme.com", "Cy", Role.VIEWER)
    assert created.must_change_password
    with pytest.raises(PasswordChangeRequiredError):
        world.login("cy@acme.com", given)
    with pytest.raises(InputError):
        world.login("cy@acme.com", given, new_password=given)
    pair = world.login("cy@acme.com", given, new_password="my own secret")
    assert world.actor(pair).email == "cy@acme.com"
    world.login("cy@acme.com", "my own secret")


def test_a_refresh_after_a_while_keeps_the_session(world: Identity) -> None:
    pair = world.login("al@acme.com")
    world.clock.advance(minutes=5)
    renewed = world.auth.refresh(world.tenant, pair.refresh_token)
    assert world.actor(renewed).session_id == world.actor(pair).session_id
    [session] = world.master.data.sessions.values()
    assert session.last_used_at == world.clock.now
