"""What an operator's source URL may say: the drivers, and per driver its TLS options.

Only these drivers connect, and only these URL query options pass; anything else
(`local_infile`, `init_command`, `read_default_file`, `unix_socket`, `host=/path`,
`odbc_connect`, `authentication`, …) is refused with a 422 naming the option. A
value must be one of the listed choices or match the pattern: none of them names
a file on the WellOS server, so no option can make the driver read one.

- `postgresql+pg8000` (also `postgresql://`): `sslmode` = disable, require, verify-full;
- `mysql+pymysql` (also `mysql://`, `mariadb://`): `ssl_disabled`, `ssl_verify_cert`,
  `ssl_verify_identity` (true/false), `charset`;
- `mssql+pyodbc` (also `mssql://`): `driver` (ODBC Driver 17/18 for SQL Server),
  `Encrypt`, `TrustServerCertificate`, `HostNameInCertificate`;
- `mssql+pymssql`: none (TLS comes from the server's FreeTDS configuration);
- `oracle+oracledb` (also `oracle://`): `service_name`, `ssl_server_dn_match`,
  `ssl_server_cert_dn`.

`charset` (MySQL) and `driver`/`service_name` are not TLS settings, but a
connection needs them to work and they name nothing on the WellOS server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from shared.core.etl.errors import SourcePolicyError

HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}[A-Za-z0-9_])?"
    r"(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}[A-Za-z0-9_])?)*\.?$"
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class OptionRule:
    """The values an option may take: one of `choices` (any case), or a `pattern` match."""

    choices: frozenset[str] = frozenset()
    pattern: re.Pattern[str] | None = None

    def accepts(self, value: str) -> bool:
        if self.pattern is not None:
            return self.pattern.fullmatch(value) is not None
        return value.casefold() in self.choices

    def describe(self) -> str:
        return ", ".join(sorted(self.choices)) if self.choices else "a plain name"


def choice(*values: str) -> OptionRule:
    return OptionRule(choices=frozenset(value.casefold() for value in values))


def pattern(regex: str) -> OptionRule:
    return OptionRule(pattern=re.compile(regex))


BOOLEAN = choice("true", "false", "yes", "no", "1", "0")


@dataclass(frozen=True)
class DriverRule:
    dialect: str
    default_port: int
    options: Mapping[str, OptionRule] = field(default_factory=dict)


DRIVERS: Mapping[str, DriverRule] = {
    "postgresql+pg8000": DriverRule(
        "postgresql", 5432, {"sslmode": choice("disable", "require", "verify-full")}
    ),
    "mysql+pymysql": DriverRule(
        "mysql",
        3306,
        {
            "ssl_disabled": BOOLEAN,
            "ssl_verify_cert": BOOLEAN,
            "ssl_verify_identity": BOOLEAN,
            "charset": choice("utf8mb4", "utf8mb3", "utf8", "latin1"),
        },
    ),
    "mssql+pyodbc": DriverRule(
        "mssql",
        1433,
        {
            "driver": choice("ODBC Driver 17 for SQL Server", "ODBC Driver 18 for SQL Server"),
            "Encrypt": choice("yes", "no", "mandatory", "optional", "strict"),
            "TrustServerCertificate": choice("yes", "no"),
            "HostNameInCertificate": OptionRule(pattern=HOST_NAME),
        },
    ),
    "mssql+pymssql": DriverRule("mssql", 1433),
    "oracle+oracledb": DriverRule(
        "oracle",
        1521,
        {
            "service_name": pattern(r"[A-Za-z0-9_.$#-]{1,128}"),
            "ssl_server_dn_match": BOOLEAN,
            "ssl_server_cert_dn": pattern(r"[A-Za-z0-9 =,.*_-]{1,256}"),
        },
    ),
}
ALIASES = {
    "postgresql": "postgresql+pg8000",
    "postgres": "postgresql+pg8000",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
    "mariadb+pymysql": "mysql+pymysql",
    "mssql": "mssql+pyodbc",
    "oracle": "oracle+oracledb",
}
# Why the options people try most are refused (any other unknown option: the generic reason).
REFUSALS = {
    "local_infile": "a source never reads files of the WellOS server",
    "init_command": "no SQL runs before the session is read-only",
    "read_default_file": "a source never reads files of the WellOS server",
    "read_default_group": "a source never reads files of the WellOS server",
    "unix_socket": "sources connect over TCP only",
    "unix_sock": "sources connect over TCP only",
    "host": "sources connect over TCP only: put the host before the database name",
    "sock": "sources connect over TCP only",
    "odbc_connect": "name the host, port and database in the URL instead",
    "ssl_ca": "a source never reads files of the WellOS server; certificates are checked "
    "against the system's trusted authorities",
    "ssl_cert": "a source never reads files of the WellOS server",
    "ssl_key": "a source never reads files of the WellOS server",
}


def refused(reason: str) -> SourcePolicyError:
    return SourcePolicyError("connection_url", reason)


def shown(text: str, limit: int = 40) -> str:
    """Text from the URL as a message may show it: printable and short."""
    printable = CONTROL.sub("?", text)
    return repr(printable if len(printable) <= limit else printable[:limit] + "…")


def canonical_driver(name: str) -> str:
    """The allowed driver a URL's scheme names (`mysql` is `mysql+pymysql`); 422 otherwise."""
    driver = ALIASES.get(name.lower(), name.lower())
    if driver not in DRIVERS:
        allowed = ", ".join(DRIVERS)
        raise refused(f"driver {shown(name)} is not allowed; use {allowed}")
    return driver


def check_options(driver: str, options: Mapping[str, tuple[str, ...]]) -> None:
    """Each query option is on the driver's list, given once, with an accepted value."""
    rule = DRIVERS[driver]
    for name, values in options.items():
        option = rule.options.get(name)
        if option is None:
            allowed = ", ".join(rule.options) or "none"
            reason = REFUSALS.get(name, f"{driver} takes TLS options only ({allowed})")
            raise refused(f"option {shown(name)} is not allowed: {reason}")
        if len(values) != 1:
            raise refused(f"option {shown(name)} is given more than once")
        if not option.accepts(values[0]):
            raise SourcePolicyError(
                "connection_url", f"option {shown(name)} must be {option.describe()}"
            )


def check_host(host: str | None) -> str:
    """A host name or an IP address: never a socket path, an instance name or a list."""
    if not host:
        raise refused("name the source's host (sources connect over TCP)")
    if host.startswith("/") or not (HOST_NAME.fullmatch(host) or _ip_literal(host)):
        raise SourcePolicyError(
            "connection_url", "the host must be a host name or an IP address (TCP only)"
        )
    return host


def _ip_literal(host: str) -> bool:
    return ":" in host and re.fullmatch(r"[0-9A-Fa-f:.]{2,45}", host) is not None


def check_port(port: int | None, driver: str) -> int:
    chosen = DRIVERS[driver].default_port if port is None else port
    if not 0 < chosen < 65536:
        raise refused("the port must be between 1 and 65535")
    return chosen


def check_identity(username: str | None, databases: list[str]) -> None:
    """A login and a database are named (no defaults from the WellOS server), plain text."""
    if not username:
        raise SourcePolicyError(
            "connection_url", "name the login (user@host): WellOS never logs in as itself"
        )
    if not databases:
        raise refused("name the source's database")
    if any(CONTROL.search(text) for text in [username, *databases]):
        raise refused("the login and database contain control characters")
