"""Building an asyncua Client for one configured connection, security included."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from asyncua import ua
from asyncua.client.client import Client
from asyncua.crypto import security_policies
from asyncua.crypto.uacrypto import CertProperties
from cryptography import x509

from shared.core.scada.model.gateway_config import ConnectionConfig

log = logging.getLogger(__name__)

POLICIES: dict[str, type[security_policies.SecurityPolicy]] = {
    "Basic256Sha256": security_policies.SecurityPolicyBasic256Sha256,
    "Aes128_Sha256_RsaOaep": security_policies.SecurityPolicyAes128Sha256RsaOaep,
    "Aes256_Sha256_RsaPss": security_policies.SecurityPolicyAes256Sha256RsaPss,
}
MODES = {
    "Sign": ua.MessageSecurityMode.Sign,
    "SignAndEncrypt": ua.MessageSecurityMode.SignAndEncrypt,
}


@dataclass(frozen=True)
class ClientOptions:
    timeout_s: float = 4.0
    watchdog_interval_s: float = 15.0
    session_timeout_ms: int = 120_000


def application_uri(certificate_pem: str) -> str | None:
    """The certificate's URI SubjectAltName: the client must present it as its own."""
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return None
    uris = names.value.get_values_for_type(x509.UniformResourceIdentifier)
    return uris[0] if uris else None


def new_client(connection: ConnectionConfig, options: ClientOptions) -> Client:
    """A configured client; `secure` it before connecting when the connection asks for it."""
    client = Client(
        connection.endpoint_url,
        timeout=options.timeout_s,
        watchdog_intervall=options.watchdog_interval_s,
    )
    client.session_timeout = options.session_timeout_ms
    client.name = client.description = "WellOS edge gateway"
    if connection.username:
        client.set_user(connection.username)
    if connection.password is not None:
        client.set_password(connection.password.get_secret_value())
    return client


async def secure(client: Client, connection: ConnectionConfig) -> None:
    """Certificates and policy; without a pinned server certificate this asks the endpoint."""
    if connection.security_mode != "None":
        await _secure(client, connection)


async def _secure(client: Client, connection: ConnectionConfig) -> None:
    certificate = connection.client_certificate_pem or ""
    key = connection.client_private_key_pem
    if key is None:
        raise ValueError("client_private_key_pem is required for Sign and SignAndEncrypt")
    uri = application_uri(certificate)
    if uri:
        client.application_uri = uri
    server = connection.server_certificate_pem
    if server is None:
        log.warning(
            "connection %s: no server certificate pinned; trusting the endpoint's", connection.name
        )
    await client.set_security(
        POLICIES[connection.security_policy],
        CertProperties(certificate.encode(), "pem"),
        CertProperties(key.get_secret_value().encode(), "pem"),
        server_certificate=CertProperties(server.encode(), "pem") if server else None,
        mode=MODES[connection.security_mode],
    )
