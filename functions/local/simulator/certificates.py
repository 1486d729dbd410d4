"""Self-signed application instance certificates for OPC-UA (Basic256Sha256 and up).

`ensure_pair` writes `<name>.cert.pem` and `<name>.key.pem` (0600) once; the
certificate names the application URI (a URI SubjectAltName, which OPC-UA peers
check), the host names and 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVER_URI = "urn:wellos:field-simulator:rtu"
CLIENT_URI = "urn:wellos:edge-gateway"


@dataclass(frozen=True)
class CertificatePair:
    certificate: Path
    private_key: Path

    def certificate_pem(self) -> str:
        return self.certificate.read_text()

    def private_key_pem(self) -> str:
        return self.private_key.read_text()


def _extensions(builder: x509.CertificateBuilder, uri: str) -> x509.CertificateBuilder:
    names: list[x509.GeneralName] = [
        x509.UniformResourceIdentifier(uri),
        x509.DNSName("localhost"),
        x509.DNSName(socket.gethostname()),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=True,
        data_encipherment=True, key_agreement=False, key_cert_sign=True, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    purposes = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    return (
        builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage(purposes), critical=False)
    )


def make_pair(directory: Path, name: str, uri: str, days: int = 365) -> CertificatePair:
    """A new key and self-signed certificate, written as PEM under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"WellOS {name}")])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
    )
    certificate = _extensions(builder, uri).sign(key, hashes.SHA256())
    pair = CertificatePair(directory / f"{name}.cert.pem", directory / f"{name}.key.pem")
    pair.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(pair.private_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key_pem)
    return pair


def ensure_pair(directory: Path, name: str, uri: str) -> CertificatePair:
    """The pair under `directory`, generated on first use."""
    pair = CertificatePair(directory / f"{name}.cert.pem", directory / f"{name}.key.pem")
    if pair.certificate.exists() and pair.private_key.exists():
        return pair
    return make_pair(directory, name, uri)
