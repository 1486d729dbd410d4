"""The source-connection policy: whether WellOS may connect to an operator-supplied database.

Every connection to an operator's database passes `SourcePolicy.check`, when the
configuration is saved and again each time it connects (DNS can change between
the two). It refuses, with a 422 naming the part of the URL at fault (never the
URL, its password or its host):

- drivers and query options not on the lists of `source_drivers` (TLS options only);
- a URL without a host, a login or a database; a Unix socket path as the host;
- a database (or, on MySQL and SQL Server, a schema) that is a WellOS database:
  the master database, any tenant database the registry knows, any name starting
  with the tenant-database prefix — whatever the address;
- any resolved address (all of them are checked) that is unspecified, multicast,
  link-local or a cloud metadata address: never, whatever the settings say;
- loopback, this server's own addresses, private (RFC 1918, CGNAT, unique-local)
  and other non-global addresses, and the host:port of a WellOS database: refused
  unless `allowed_networks` (`WELLOS_ETL_ALLOWED_NETWORKS`) explicitly holds the
  address. Private ranges are refused by default: a cloud deployment's private
  network holds the platform itself; an on-premises deployment names its range.

The check answers the address it approved; the connector connects to that
address (pinned), so a name that resolves differently a moment later cannot
slip in between the check and the connection.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from shared.core.etl.errors import SourcePolicyError, SourceUnavailableError
from shared.core.etl.model.source_drivers import (
    check_host,
    check_identity,
    check_options,
    check_port,
)

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]
"""(host, port) -> the host's IP addresses; raises OSError when the name does not resolve."""

METADATA = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, Azure, GCP, OCI instance metadata
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "169.254.169.253",  # AWS DNS
        "fd00:ec2::254",  # AWS metadata over IPv6
        "fd00:ec2::123",
        "168.63.129.16",  # Azure wireserver (a global address)
        "100.100.100.200",  # Alibaba Cloud metadata
        "192.0.0.192",  # Oracle Cloud legacy metadata
    )
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class SourceTarget:
    """The parts of a source URL, as the driver will read them; `driver` is canonical."""

    driver: str
    host: str | None
    port: int | None
    database: str | None
    username: str | None
    options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedSource:
    """An approved target: connect to `address`:`port`; `host` is the name TLS verifies."""

    target: SourceTarget
    host: str
    address: str
    port: int


@dataclass(frozen=True)
class PlatformDatabases:
    """WellOS's own databases: their resolved (address, port) and their names (casefolded)."""

    endpoints: frozenset[tuple[IpAddress, int]] = frozenset()
    names: frozenset[str] = frozenset()
    name_prefix: str = ""

    def is_wellos_database(self, name: str) -> bool:
        folded = name.casefold()
        prefix = self.name_prefix.casefold()
        return folded in self.names or (bool(prefix) and folded.startswith(prefix))


class SourcePolicy:
    """The checks above; `platform` lists WellOS's own databases when asked (cached by it)."""

    def __init__(
        self,
        resolve: Resolver,
        platform: Callable[[], PlatformDatabases],
        allowed_networks: Sequence[IpNetwork] = (),
        is_own_address: Callable[[str], bool] = lambda _address: False,
    ) -> None:
        self._resolve = resolve
        self._platform = platform
        self._allowed = tuple(allowed_networks)
        self._is_own = is_own_address

    def check(self, target: SourceTarget) -> CheckedSource:
        """The target with the address to connect to, or SourcePolicyError naming the problem."""
        check_options(target.driver, target.options)
        host = check_host(target.host)
        port = check_port(target.port, target.driver)
        databases = _databases(target)
        check_identity(target.username, databases)
        platform = self._platform()
        if any(platform.is_wellos_database(name) for name in databases):
            raise SourcePolicyError("connection_url", "the database is a WellOS database")
        addresses = self._addresses(host, port)
        for address in addresses:
            problem = self.address_problem(address, port, platform)
            if problem is not None:
                raise SourcePolicyError("connection_url", f"the host resolves to {problem}")
        return CheckedSource(target, host, str(addresses[0]), port)

    def check_schema(self, schema: str | None) -> None:
        """A schema must not reach a WellOS database (MySQL schemas, `db.owner`, are databases)."""
        if schema is None:
            return
        platform = self._platform()
        if any(platform.is_wellos_database(part) for part in {schema, schema.split(".")[0]}):
            raise SourcePolicyError("source_schema", "names a WellOS database")

    def _addresses(self, host: str, port: int) -> list[IpAddress]:
        try:
            return [_address(host)]  # an IP literal: nothing to resolve
        except ValueError:
            pass
        try:
            found = [_address(text) for text in self._resolve(host, port)]
        except (OSError, ValueError):
            found = []
        if not found:
            raise SourceUnavailableError("source database: the host name does not resolve")
        return found

    def address_problem(
        self, address: IpAddress, port: int, platform: PlatformDatabases
    ) -> str | None:
        """Why WellOS may not connect to `address`:`port`, or None when it may."""
        candidates = [address, *_embedded_ipv4(address)]
        for candidate in candidates:
            never = _never(candidate)
            if never is not None:
                return never
        if all(self._explicitly_allowed(candidate) for candidate in candidates):
            return None
        if any((candidate, port) in platform.endpoints for candidate in candidates):
            return "a WellOS database server"
        for candidate in candidates:
            if candidate.is_loopback:
                return "a loopback address"
            if self._is_own(str(candidate)):
                return "an address of the WellOS server itself"
            if not candidate.is_global:
                return "a private or reserved address (see WELLOS_ETL_ALLOWED_NETWORKS)"
        return None

    def _explicitly_allowed(self, address: IpAddress) -> bool:
        return any(address.version == net.version and address in net for net in self._allowed)


def _databases(target: SourceTarget) -> list[str]:
    """The database names the URL reaches (Oracle may name a service instead of a SID)."""
    names = [target.database] if target.database else []
    names.extend(target.options.get("service_name", ()))
    return names


def _address(text: str) -> IpAddress:
    address = ipaddress.ip_address(text.split("%", 1)[0])
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped if mapped is not None else address


def _embedded_ipv4(address: IpAddress) -> list[IpAddress]:
    """IPv4 addresses an IPv6 address carries to (6to4, NAT64, Teredo), checked as well."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    embedded: list[IpAddress] = []
    if address.sixtofour is not None:
        embedded.append(address.sixtofour)
    if address.teredo is not None:
        embedded.extend(address.teredo)
    if address in NAT64:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return embedded


def _never(address: IpAddress) -> str | None:
    if address in METADATA:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_link_local:
        return "a link-local address"
    return None
