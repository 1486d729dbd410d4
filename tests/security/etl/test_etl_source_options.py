"""Driver options that reach the server's files, sockets or SQL are refused, naming the option.

Each URL points at a listener that counts its clients: a refusal must come
before any connection. Before the policy, `init_command` ran SQL before the
session was read-only, `unix_socket`/`host=/path` reached local servers as
their own users, `sqlite:` created files and unknown options answered 500.
"""

from __future__ import annotations

import logging

import pytest

from tests.integration.api_support import problem_field
from tests.security.etl.conftest import PASSWORD, source_config
from tests.security.etl.hostile import UnixListener, hostile_mysql_server

TEST_CONNECTION = "/api/v1/etl/test-connection"
CONFIG = "/api/v1/etl/config"


@pytest.fixture
def listener(wanted_file):
    path, _marker = wanted_file
    with hostile_mysql_server(path) as server:
        yield server


@pytest.fixture
def unix_listener(tmp_path):
    listener = UnixListener(tmp_path / ".s.PGSQL.5432")
    yield listener
    listener.close()


def both_ways(session, url: str) -> list:
    """The URL tested and saved: both must refuse it."""
    tested = session.client.post(
        TEST_CONNECTION, json={"connection_url": url}, headers=session.headers
    )
    saved = session.client.put(CONFIG, json=source_config(url), headers=session.headers)
    return [tested, saved]


def assert_refused(responses: list, named: str) -> None:
    for response in responses:
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["code"] == "etl_source_refused"
        assert problem_field(response) == "connection_url"
        assert named in body["detail"]
        assert PASSWORD not in response.text


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ("init_command=SET+GLOBAL+read_only%3D0", "'init_command'"),
        ("read_default_file=/etc/mysql/debian.cnf", "'read_default_file'"),
        ("read_default_group=client", "'read_default_group'"),
        ("unix_socket=/run/mysqld/mysqld.sock", "'unix_socket'"),
        ("ssl_ca=/proc/self/environ", "'ssl_ca'"),
        ("client_flag=128", "'client_flag'"),
        ("sql_mode=ANSI", "'sql_mode'"),
        ("nonsense=1", "'nonsense'"),
        ("charset=utf8mb4;SET", "'charset' must be"),
        ("ssl_disabled=true&ssl_disabled=false", "more than once"),
    ],
)
def test_mysql_options_beyond_tls_are_refused_before_connecting(
    loopback_tenant, listener, options, named
):
    # WHEN a URL on an allowed address carries the option
    responses = both_ways(loopback_tenant, listener.url(options=options))
    # THEN 422 naming it, and the server never saw a connection
    assert_refused(responses, named)
    assert listener.recording.connections == 0


def test_a_unix_socket_path_as_postgres_host_is_refused(loopback_tenant, unix_listener, tmp_path):
    # GIVEN a PostgreSQL-like socket in a directory, as /var/run/postgresql holds one
    for directory in (str(tmp_path), "/var/run/postgresql"):
        url = f"postgresql://postgres:{PASSWORD}@/postgres?host={directory}"
        # WHEN it is named as the host THEN it is refused, and nothing reached the socket
        assert_refused(both_ways(loopback_tenant, url), "'host'")
    assert unix_listener.accepted == 0


def test_a_mysql_unix_socket_is_refused(loopback_tenant, tmp_path):
    listener = UnixListener(tmp_path / "mysqld.sock")
    try:
        url = f"mysql://root:{PASSWORD}@localhost/mysql?unix_socket={listener.path}"
        assert_refused(both_ways(loopback_tenant, url), "'unix_socket'")
        assert listener.accepted == 0
    finally:
        listener.close()


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("sqlite:///{tmp}/created.db", "'sqlite'"),
        ("sqlite+pysqlite:///{tmp}/created.db", "'sqlite+pysqlite'"),
        ("postgresql+psycopg://u:{pw}@127.0.0.1/x", "'postgresql+psycopg'"),
        ("mysql+mysqldb://u:{pw}@127.0.0.1/x", "'mysql+mysqldb'"),
        ("mssql+pyodbc://u:{pw}@127.0.0.1/x?odbc_connect=DSN%3Dx", "'odbc_connect'"),
        ("mssql+pyodbc://u:{pw}@127.0.0.1/x?authentication=ActiveDirectoryMsi", "'authentication'"),
        ("mssql+pymssql://u:{pw}@127.0.0.1/x?conn_properties=SET+x", "'conn_properties'"),
        ("oracle://u:{pw}@127.0.0.1/x?wallet_location=/home", "'wallet_location'"),
        ("postgresql://u:{pw}@127.0.0.1/x?options=-c+transaction_read_only%3Doff", "'options'"),
        ("postgresql://u:{pw}@127.0.0.1/x?sslmode=prefer", "'sslmode' must be"),
        ("not a url at all {pw}", "is not a database URL"),
    ],
)  # fmt: skip
def test_other_dialects_drivers_and_options_are_refused(loopback_tenant, tmp_path, url, named):
    responses = both_ways(loopback_tenant, url.format(tmp=tmp_path, pw=PASSWORD))
    assert_refused(responses, named)
    assert not (tmp_path / "created.db").exists()


def test_a_refused_option_is_not_logged_with_the_url(loopback_tenant, listener, caplog):
    # WHEN unknown options arrive with a password
    with caplog.at_level(logging.DEBUG):
        responses = both_ways(loopback_tenant, listener.url(options="x=%2Fetc%2Fshadow"))
    # THEN they are 422s, and no log line carries the password or the URL
    assert_refused(responses, "'x'")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert PASSWORD not in logged and "mysql+pymysql://" not in logged
    assert "/etc/shadow" not in logged
