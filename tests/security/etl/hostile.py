"""Hostile endpoints for the ETL source tests: a MySQL server that asks for files, listeners.

`HostileMySqlServer` speaks just enough of the MySQL protocol (handshake v10,
mysql_native_password, OK packets) to accept any login; then it answers every
query with a LOAD DATA LOCAL INFILE request (a 0xFB packet naming a file), as a
malicious source would (the driver's own `SET NAMES` and `SET AUTOCOMMIT`
get an OK, so the login completes). It records every byte each client sent, so a test can
prove a file's content never left the process.

`UnixListener` and the server's `connections` count prove that nothing connected.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

COM_QUIT, COM_QUERY, COM_PING = 0x01, 0x03, 0x0E
CAPABILITIES = (
    0x1 | 0x2 | 0x4 | 0x8  # long password, found rows, long flag, connect with db
    | 0x80  # LOCAL_FILES: the server says it may ask for files
    | 0x200 | 0x2000 | 0x8000  # protocol 4.1, transactions, secure connection
    | 0x20000 | 0x80000  # multi results, plugin auth
)  # fmt: skip
OK = b"\x00\x00\x00\x02\x00\x00\x00"
DRIVER_SETUP = (b"SET NAMES", b"SET AUTOCOMMIT")


@dataclass
class Recording:
    connections: int = 0
    queries: list[bytes] = field(default_factory=list)
    file_requests: int = 0
    file_packets: list[bytes] = field(default_factory=list)
    received: bytearray = field(default_factory=bytearray)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _packet(sequence: int, payload: bytes) -> bytes:
    return struct.pack("<I", len(payload))[:3] + bytes([sequence & 0xFF]) + payload


def _handshake() -> bytes:
    salt = b"abcdefgh" + b"ijklmnopqrst"
    return (
        b"\x0a5.7.99-hostile\x00"
        + struct.pack("<I", 7)
        + salt[:8]
        + b"\x00"
        + struct.pack("<H", CAPABILITIES & 0xFFFF)
        + b"\x21"
        + struct.pack("<H", 2)
        + struct.pack("<H", CAPABILITIES >> 16)
        + bytes([21])
        + b"\x00" * 10
        + salt[8:]
        + b"\x00mysql_native_password\x00"
    )


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        record = self.server.recording
        with record.lock:
            record.connections += 1
        self.request.settimeout(10)
        self.request.sendall(_packet(0, _handshake()))
        if self._read() is None:  # the client's login
            return
        self.request.sendall(_packet(2, OK))
        while (packet := self._read()) is not None:
            sequence, payload = packet
            if sequence != 0:  # the client obeyed a file request: this is file content
                self._file_data(sequence, payload)
            elif payload[:1] == bytes([COM_QUERY]) and payload[1:].startswith(DRIVER_SETUP):
                self.request.sendall(_packet(1, OK))
            elif payload[:1] == bytes([COM_QUERY]):
                with record.lock:
                    record.queries.append(payload[1:])
                    record.file_requests += 1
                self.request.sendall(_packet(1, b"\xfb" + self.server.wanted_file.encode()))
            elif payload[:1] == bytes([COM_QUIT]):
                return
            else:
                self.request.sendall(_packet(1, OK))

    def _file_data(self, sequence: int, payload: bytes) -> None:
        record = self.server.recording
        with record.lock:
            record.file_packets.append(payload)
        if not payload:  # the end of the file: a real server would load it now
            self.request.sendall(_packet(sequence + 1, OK))

    def _read(self) -> tuple[int, bytes] | None:
        header = self._exactly(4)
        if header is None:
            return None
        length = int.from_bytes(header[:3], "little")
        payload = self._exactly(length) if length else b""
        return None if payload is None else (header[3], payload)

    def _exactly(self, size: int) -> bytes | None:
        data = bytearray()
        while len(data) < size:
            try:
                chunk = self.request.recv(size - len(data))
            except OSError:
                return None
            if not chunk:
                return None
            data.extend(chunk)
            with self.server.recording.lock:
                self.server.recording.received.extend(chunk)
        return bytes(data)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, wanted_file: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.recording = Recording()
        self.wanted_file = wanted_file


@dataclass
class HostileMySqlServer:
    port: int
    recording: Recording

    def url(self, *, options: str = "", host: str = "127.0.0.1") -> str:
        query = f"?{options}" if options else ""
        return f"mysql+pymysql://victim:Hunter2-secret@{host}:{self.port}/erp{query}"


@contextmanager
def hostile_mysql_server(wanted_file: Path) -> Iterator[HostileMySqlServer]:
    """A hostile MySQL server on 127.0.0.1 that asks every client for `wanted_file`."""
    server = _Server(str(wanted_file))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostileMySqlServer(server.server_address[1], server.recording)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class UnixListener:
    """A Unix socket that counts the clients that reached it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.accepted = 0
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(str(path))
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                continue
            self.accepted += 1
            client.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    """A certificate for `name` and its key, as PEM files in `directory`."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "server.crt", directory / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class PostgresTlsProbe:
    """Answers PostgreSQL's SSLRequest with 'S', completes TLS, records the SNI names sent."""

    def __init__(self, cert: Path, key: Path) -> None:
        import ssl

        self.server_names: list[str | None] = []
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert, key)
        self._context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                continue
            with client:
                client.settimeout(5)
                try:
                    client.recv(8)  # SSLRequest
                    client.sendall(b"S")
                    self._context.wrap_socket(client, server_side=True).close()
                except OSError:  # the client refused the certificate: the name is recorded
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()
