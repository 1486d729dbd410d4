"""The source-connection policy on URLs as SQLAlchemy parses them, with a resolver of our own.

`platform` is WellOS's own servers: master and tenants on `db.wellos.internal`
(52.1.2.3:5432), which `reports.example.com` also resolves to.
"""

from __future__ import annotations

import ipaddress

import pytest

from shared.adapters.sql.etl.source_urls import parse_source_url
from shared.core.etl.errors import SourcePolicyError, SourceUnavailableError
from shared.core.etl.model.source_policy import CheckedSource, PlatformDatabases, SourcePolicy

PASSWORD = "Hunter2-secret"
DNS = {
    "erp.example.com": ["93.184.216.34"],
    "reports.example.com": ["52.1.2.3"],
    "db.wellos.internal": ["52.1.2.3"],
    "twofaced.example.com": ["93.184.216.34", "169.254.169.254"],
    "intranet.example.com": ["10.1.2.3"],
    "localhost": ["127.0.0.1", "::1"],
    "own.example.com": ["198.51.100.7"],
}
PLATFORM = PlatformDatabases(
    endpoints=frozenset({(ipaddress.ip_address("52.1.2.3"), 5432)}),
    names=frozenset({"wellos_master", "acme_prod"}),
    name_prefix="wellos_t_",
)


def resolve(host: str, _port: int) -> list[str]:
    if host not in DNS:
        raise OSError("no such name")
    return DNS[host]


def policy(*allowed: str) -> SourcePolicy:
    return SourcePolicy(
        resolve,
        lambda: PLATFORM,
        [ipaddress.ip_network(net) for net in allowed],
        is_own_address=lambda address: address == "198.51.100.7",
    )


def check(url: str, *allowed: str) -> CheckedSource:
    return policy(*allowed).check(parse_source_url(url).target)


def refusal(url: str, *allowed: str) -> str:
    with pytest.raises(SourcePolicyError) as caught:
        check(url, *allowed)
    assert caught.value.field == "connection_url"
    assert PASSWORD not in caught.value.detail and "example.com" not in caught.value.detail
    return caught.value.reason


@pytest.mark.parametrize(
    ("scheme", "driver", "port"),
    [
        ("postgresql", "postgresql+pg8000", 5432),
        ("postgres", "postgresql+pg8000", 5432),
        ("postgresql+pg8000", "postgresql+pg8000", 5432),
        ("mysql", "mysql+pymysql", 3306),
        ("mariadb", "mysql+pymysql", 3306),
        ("mssql", "mssql+pyodbc", 1433),
        ("mssql+pymssql", "mssql+pymssql", 1433),
        ("oracle", "oracle+oracledb", 1521),
    ],
)
def test_allowed_drivers_are_normalized_and_pinned_to_the_checked_address(scheme, driver, port):
    checked = check(f"{scheme}://reader:{PASSWORD}@erp.example.com/ops")
    assert checked.target.driver == driver
    assert (checked.host, checked.address, checked.port) == (
        "erp.example.com",
        "93.184.216.34",
        port,
    )


@pytest.mark.parametrize(
    "scheme", ["sqlite", "sqlite+pysqlite", "postgresql+psycopg", "mysql+mysqldb", "mssql+aioodbc"]
)
def test_other_drivers_are_refused_by_name(scheme):
    assert f"driver '{scheme}' is not allowed" in refusal(f"{scheme}://u:p@erp.example.com/x")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@erp.example.com/x?sslmode=verify-full",
        "mysql://u@erp.example.com/x?charset=utf8mb4&ssl_verify_identity=true",
        "mysql://u@erp.example.com/x?ssl_disabled=1&ssl_verify_cert=false",
        "mssql://u@erp.example.com/x?driver=ODBC+Driver+18+for+SQL+Server&Encrypt=yes"
        "&TrustServerCertificate=no&HostNameInCertificate=erp.example.com",
        "oracle://u@erp.example.com/?service_name=ORCLPDB1&ssl_server_dn_match=true",
    ],
)
def test_tls_options_pass(url):
    assert check(url).address == "93.184.216.34"


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("mysql://u@erp.example.com/x?local_infile=1", "local_infile"),
        ("mysql://u@erp.example.com/x?init_command=SET+x", "init_command"),
        ("mysql://u@erp.example.com/x?read_default_file=/etc/my.cnf", "read_default_file"),
        ("mysql://u@erp.example.com/x?unix_socket=/tmp/s", "unix_socket"),
        ("mysql://u@erp.example.com/x?ssl_ca=/proc/self/environ", "ssl_ca"),
        ("mysql://u@erp.example.com/x?auth_plugin_map=x", "auth_plugin_map"),
        ("postgresql://u@/x?host=/var/run/postgresql", "host"),
        ("postgresql://u@erp.example.com/x?unix_sock=/tmp/.s.PGSQL.5432", "unix_sock"),
        ("postgresql://u@erp.example.com/x?replication=database", "replication"),
        ("postgresql://u@erp.example.com/x?sslmode=require&sslmode=disable", "sslmode"),
        ("mssql://u@erp.example.com/x?odbc_connect=DRIVER%3D/tmp/evil.so", "odbc_connect"),
        ("mssql://u@erp.example.com/x?driver=/tmp/evil.so", "driver"),
        ("mssql://u@erp.example.com/x?HostNameInCertificate=a;Driver%3Dx", "HostNameInCertificate"),
        ("mssql+pymssql://u@erp.example.com/x?conn_properties=SET+x", "conn_properties"),
        ("oracle://u@erp.example.com/x?config_dir=/etc", "config_dir"),
    ],
)
def test_options_that_reach_files_sockets_or_sql_are_refused_by_name(url, named):
    assert f"option '{named}'" in refusal(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://u@/x", "name the source's host"),
        ("mssql+pymssql://u@erp.example.com\\SQLEXPRESS/x", "host name or an IP address"),
        ("mysql://u@erp.example.com,other.example.com/x", "host name or an IP address"),
        ("mysql://erp.example.com/x", "name the login"),
        ("mysql://u@erp.example.com", "name the source's database"),
        ("mysql://u@erp.example.com/x%0d%0aFLUSHALL", "control characters"),
        ("mysql://u@erp.example.com:70000/x", "between 1 and 65535"),
        (f"mysql://u:{PASSWORD}@erp.example.com:notaport/x", "is not a database URL"),
    ],
)
def test_the_url_names_a_tcp_host_a_login_and_a_database(url, reason):
    assert reason in refusal(url)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@reports.example.com:3306/wellos_master",
        "postgresql://u@erp.example.com/WELLOS_T_ACME",
        "mysql://u@erp.example.com/acme_prod",
        "oracle://u@erp.example.com/?service_name=wellos_master",
    ],
)
def test_wellos_databases_are_refused_by_name_whatever_the_address(url):
    assert refusal(url, "0.0.0.0/0") == "the database is a WellOS database"


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("localhost", "a loopback address"),
        ("[::ffff:127.0.0.1]", "a loopback address"),
        ("[2002:7f00:1::]", "a loopback address"),
        ("[64:ff9b::a9fe:a9fe]", "a cloud metadata address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("[fd00:ec2::254]", "a cloud metadata address"),
        ("168.63.129.16", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("169.254.1.1", "a link-local address"),
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("intranet.example.com", "a private or reserved address"),
        ("100.64.0.1", "a private or reserved address"),
        ("own.example.com", "an address of the WellOS server itself"),
        ("reports.example.com", "a WellOS database server"),
        ("db.wellos.internal", "a WellOS database server"),
        ("twofaced.example.com", "a cloud metadata address"),
    ],
)
def test_forbidden_addresses_are_refused_after_resolution(host, kind):
    assert refusal(f"postgresql://u:{PASSWORD}@{host}/ops").startswith(
        f"the host resolves to {kind}"
    )


def test_allowed_networks_open_private_and_loopback_but_never_metadata():
    assert check("mysql://u@intranet.example.com/ops", "10.0.0.0/8").address == "10.1.2.3"
    assert check("mysql://u@127.0.0.1/ops", "127.0.0.0/8").address == "127.0.0.1"
    for host in ("169.254.169.254", "168.63.129.16", "100.100.100.200"):
        reason = refusal(f"mysql://u@{host}/ops", "0.0.0.0/0", "::/0")
        assert reason == "the host resolves to a cloud metadata address"
    assert "loopback" in refusal("mysql://u@localhost/ops", "127.0.0.0/8")  # ::1 is not allowed


def test_the_platform_server_is_compared_by_address_and_port():
    # another port on the same address is another server
    assert check("mysql://u@reports.example.com:3306/ops").address == "52.1.2.3"
    # the platform's address listed explicitly opens it, but not its databases
    assert check("postgresql://u@reports.example.com/ops", "52.1.2.0/24").port == 5432
    wellos = "postgresql://u@reports.example.com/wellos_t_acme"
    assert refusal(wellos, "52.1.2.0/24") == "the database is a WellOS database"


def test_a_name_that_does_not_resolve_is_a_source_failure():
    with pytest.raises(SourceUnavailableError, match="does not resolve"):
        check("mysql://u@nowhere.example.com/ops")


@pytest.mark.parametrize(
    ("schema", "refused"),
    [
        (None, False),
        ("dbo", False),
        ("wellos_t_acme", True),
        ("Acme_Prod.dbo", True),
        ("WELLOS_MASTER", True),
    ],
)
def test_a_schema_must_not_reach_a_wellos_database(schema, refused):
    if not refused:
        policy().check_schema(schema)
        return
    with pytest.raises(SourcePolicyError, match="names a WellOS database") as caught:
        policy().check_schema(schema)
    assert caught.value.field == "source_schema"
