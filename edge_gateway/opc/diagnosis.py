"""Why a session could not be built or ended: a cause an operator can act on.

asyncua reports most refusals as `UaStatusCodeError`s, but a server that refuses the
secure channel itself (an untrusted client certificate, a policy it does not offer)
answers with a transport-level ERR message or just closes the socket; asyncua then
times out ("no answer in time"). `ErrorSpy` keeps the ERR messages a client received,
and `probe_endpoints` asks the server (GetEndpoints, no security) what it offers, so a
silent refusal can still be named.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asyncua import ua
from asyncua.client.client import Client
from asyncua.ua.object_ids import ObjectIds
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.ua_binary import nodeid_from_binary, struct_from_binary
from asyncua.ua.uaerrors import UaStatusCodeError

from edge_gateway.errors import SessionLostError
from shared.core.scada.model.gateway_config import ConnectionConfig

log = logging.getLogger(__name__)

CERTIFICATE_REJECTED = "certificate_rejected"
SECURITY_POLICY_REJECTED = "security_policy_rejected"
TOO_MANY_SESSIONS = "too_many_sessions"
USER_REJECTED = "user_rejected"
UNREACHABLE = "unreachable"
CONNECTION_LOST = "connection_lost"
TIMEOUT = "timeout"
CHANNEL_REFUSED = "channel_refused"
NODE_ID_UNKNOWN = "node_id_unknown"
SERVER_ERROR = "server_error"

_CERTIFICATE_CODES = {
    StatusCodes.BadCertificateUntrusted, StatusCodes.BadSecurityChecksFailed,
    StatusCodes.BadCertificateInvalid, StatusCodes.BadCertificateUriInvalid,
    StatusCodes.BadCertificateTimeInvalid, StatusCodes.BadCertificateUseNotAllowed,
    StatusCodes.BadCertificateRevoked, StatusCodes.BadCertificateIssuerRevoked,
    StatusCodes.BadCertificateRevocationUnknown, StatusCodes.BadCertificateHostNameInvalid,
    StatusCodes.BadCertificateIssuerTimeInvalid, StatusCodes.BadCertificateIssuerUseNotAllowed,
    StatusCodes.BadCertificateIssuerRevocationUnknown, StatusCodes.BadCertificatePolicyCheckFailed,
}  # fmt: skip
_POLICY_CODES = {StatusCodes.BadSecurityPolicyRejected, StatusCodes.BadSecurityModeRejected}
_SESSION_CODES = {StatusCodes.BadTooManySessions, StatusCodes.BadMaxConnectionsReached}
_USER_CODES = {
    StatusCodes.BadIdentityTokenRejected, StatusCodes.BadIdentityTokenInvalid,
    StatusCodes.BadUserAccessDenied,
}  # fmt: skip
_TRANSPORT_CAUSES = {UNREACHABLE, CONNECTION_LOST}
_SERVICE_FAULT = ua.FourByteNodeId(ua.Int32(ObjectIds.ServiceFault_Encoding_DefaultBinary))
SILENT_REFUSALS = {TIMEOUT, CHANNEL_REFUSED}
"""Causes a GetEndpoints probe can explain (see `probe_endpoints`)."""


@dataclass(frozen=True)
class Diagnosis:
    cause: str
    """Machine-readable cause (the `/metrics` label)."""
    detail: str
    """One line for the log: what happened and, where known, what to do."""

    @property
    def transport(self) -> bool:
        """The server could not be reached or dropped the link (the probe can see it back)."""
        return self.cause in _TRANSPORT_CAUSES


def cause_of_status(code: int) -> str:
    if code in _CERTIFICATE_CODES:
        return CERTIFICATE_REJECTED
    if code in _POLICY_CODES:
        return SECURITY_POLICY_REJECTED
    if code in _SESSION_CODES:
        return TOO_MANY_SESSIONS
    if code in _USER_CODES:
        return USER_REJECTED
    return SERVER_ERROR


_ADVICE = {
    CERTIFICATE_REJECTED: "the server does not accept the gateway's certificate; add it to the "
    "server's trusted certificates",
    SECURITY_POLICY_REJECTED: "the server does not offer the configured security policy/mode",
    TOO_MANY_SESSIONS: "the server has no session left for the gateway; close other clients "
    "or raise its session limit",
    USER_REJECTED: "the server refused the configured user name or password",
}


def from_status(code: int, where: str) -> Diagnosis:
    name = ua.StatusCode(ua.UInt32(code)).name
    cause = cause_of_status(code)
    advice = _ADVICE.get(cause)
    return Diagnosis(cause, f"{name} {where}" + (f": {advice}" if advice else ""))


class ErrorSpy:
    """Records the refusals one asyncua client receives while connecting: transport ERR
    messages, and service faults where asyncua expects an OpenSecureChannelResponse
    (node-opcua answers an untrusted certificate so; asyncua 2.1.0 fails to parse it
    and raises a bare AssertionError). `watching` is turned off once connected."""

    def __init__(self, client: Client) -> None:
        self.errors: list[int] = []
        self.socket_open = False
        self.watching = True
        uaclient = client.uaclient
        connect_socket: Callable[[str, int], Any] = uaclient.connect_socket

        async def spying_connect(host: str, port: int) -> None:
            await connect_socket(host, port)
            self.socket_open = True
            self._watch(uaclient.protocol)

        uaclient.connect_socket = spying_connect  # type: ignore[method-assign]

    def _watch(self, protocol: Any) -> None:
        process: Callable[[Any], None] = protocol._process_received_message

        def spying_process(message: Any) -> None:
            if self.watching:
                self._inspect(message)
            process(message)

        protocol._process_received_message = spying_process

    def _inspect(self, message: Any) -> None:
        if isinstance(message, ua.ErrorMessage) and message.Error is not None:
            self.errors.append(int(message.Error.value))
        elif isinstance(message, ua.Message):
            body = message.body().copy()  # type: ignore[no-untyped-call]
            try:
                if nodeid_from_binary(body) == _SERVICE_FAULT:
                    header = struct_from_binary(ua.ResponseHeader, body)
                    self.errors.append(int(header.ServiceResult.value))
            except Exception as exc:  # only a hint; asyncua reports the real failure
                log.debug("unreadable answer while connecting: %s", exc)


def diagnose(exc: BaseException, spy: ErrorSpy | None, connected: bool) -> Diagnosis:
    """The cause of a failed connect (`connected` False) or of a session's end."""
    if isinstance(exc, SessionLostError):
        return Diagnosis(CONNECTION_LOST, str(exc))
    if spy is not None and spy.errors:
        return from_status(spy.errors[-1], "(the server closed the channel)")
    if isinstance(exc, UaStatusCodeError):
        where = "from the server" if connected else "while opening the session"
        return from_status(int(exc.code), where)
    if not connected and spy is not None and spy.socket_open:
        if isinstance(exc, TimeoutError):
            return Diagnosis(TIMEOUT, "no answer in time while opening the session")
        return Diagnosis(
            CHANNEL_REFUSED,
            f"the server refused the connection while it was opened ({type(exc).__name__})",
        )
    if isinstance(exc, OSError) and not connected:
        return Diagnosis(
            UNREACHABLE, f"endpoint unreachable ({exc.strerror or type(exc).__name__})"
        )
    if isinstance(exc, TimeoutError) and not connected:
        return Diagnosis(TIMEOUT, "no answer in time while connecting")
    return Diagnosis(CONNECTION_LOST, f"{type(exc).__name__}: {exc}" if str(exc) else "lost")


async def probe_endpoints(connection: ConnectionConfig, timeout_s: float) -> Diagnosis | None:
    """Ask an endpoint that timed out what it offers (GetEndpoints needs no security).

    A server that does not offer the configured policy and mode names a wrong policy;
    one that offers them but answered nothing to our secured channel most likely
    rejected our certificate. None when the probe itself fails or security is None.
    """
    if connection.security_mode == "None":
        return None
    client = Client(connection.endpoint_url, timeout=timeout_s)
    try:
        async with asyncio.timeout(timeout_s * 2):
            endpoints = await client.connect_and_get_server_endpoints()
    except (Exception, TimeoutError) as exc:  # a probe; the original failure stands
        log.debug("endpoint probe failed: %s", exc)
        return None
    offered = {
        (_policy_name(e.SecurityPolicyUri), e.SecurityMode.name.rstrip("_")) for e in endpoints
    }
    wanted = (connection.security_policy, connection.security_mode)
    if wanted not in offered:
        listing = ", ".join(sorted(f"{p}/{m}" for p, m in offered)) or "nothing"
        return Diagnosis(
            SECURITY_POLICY_REJECTED,
            f"the server offers {listing}, not {wanted[0]}/{wanted[1]}",
        )
    return Diagnosis(
        CERTIFICATE_REJECTED,
        f"the server offers {wanted[0]}/{wanted[1]} but refused the secure channel: it most "
        "likely does not trust the gateway's certificate (add it to the server's trusted list)",
    )


def _policy_name(uri: str) -> str:
    return uri.rsplit("#", 1)[-1] if uri else "None"
