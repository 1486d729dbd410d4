"""Units of work over one SQLAlchemy connection: commit explicitly or roll back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Generic, Literal, Self, TypeVar, overload

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)

from shared.adapters.security.secret_box import SecretBox
from shared.adapters.sql.etl.registry import SqlEtlConfigRegistry
from shared.adapters.sql.registry.repositories import (
    SqlApiKeyRepository,
    SqlLoginAttemptLog,
    SqlMailOutbox,
    SqlMasterAuditLog,
    SqlMfaRepository,
    SqlRefreshTokenRepository,
    SqlSessionRepository,
    SqlSsoRepository,
    SqlTenantRegistry,
    SqlUserLinkRepository,
    SqlUserRepository,
)
from shared.adapters.sql.scada.gateway_registry import SqlGatewayRegistry
from shared.adapters.sql.scada.readings import SqlReadingRepository
from shared.adapters.sql.scada.repositories import SqlScadaRepositories
from shared.adapters.sql.sync.appends import refused
from shared.adapters.sql.sync.change_log import SqlChangeLog
from shared.adapters.sql.sync.field_records import SqlFieldRecordRepository
from shared.adapters.sql.sync.jobs import SqlSyncJobRepository
from shared.adapters.sql.sync.repositories import SqlConflictRepository, SqlSyncEventRepository
from shared.adapters.sql.wells.repositories import (
    SqlAssignmentRepository,
    SqlAuditLog,
    SqlProductionRepository,
    SqlWellRepository,
    sql_equipment,
    sql_facilities,
    sql_fields,
    sql_leases,
)
from shared.core.common.change_feed import ChangeLog
from shared.core.common.errors import ConflictError, DatabaseUnavailableError, WellOSError
from shared.core.common.units_of_work import AuditLog
from shared.core.etl.ports.registry import EtlConfigRegistry
from shared.core.registry.ports import (
    ApiKeyRepository,
    LoginAttemptLog,
    MailOutbox,
    MasterAuditLog,
    MfaRepository,
    RefreshTokenRepository,
    SessionRepository,
    SsoRepository,
    TenantRegistry,
    UserLinkRepository,
    UserRepository,
)
from shared.core.scada.ports import GatewayRegistry, ReadingRepository, ScadaRepositories
from shared.core.sync.ports import (
    ConflictRepository,
    FieldRecordRepository,
    SyncEventRepository,
    SyncJobRepository,
)
from shared.core.wells.ports import (
    AssignmentRepository,
    CatalogRepository,
    Equipment,
    Facility,
    Lease,
    OilField,
    ProductionRepository,
    WellRepository,
)

R = TypeVar("R")


def leaves_connection_in_step(error: BaseException) -> bool:
    """Whether a unit of work that ended with ``error`` may give its connection back.

    A refusal of ours (WellOSError) or an error that went through SQLAlchemy's
    execution (already judged, and invalidated if the driver broke, by the
    engine's ``handle_error`` listener) leave it usable. Anything else may come
    from inside the driver, a raw COPY stream for one, and the connection may
    be mid-protocol.
    """
    return isinstance(error, WellOSError | DBAPIError)


def database_refusal(error: BaseException) -> Literal["conflict", "invalid"] | None:
    """What the database refused, if it refused the data rather than failed.

    ``conflict``: an integrity constraint (SQLSTATE class 23: unique, foreign key,
    check); ``invalid``: a value it cannot hold (class 22: out of range, bad
    encoding such as NUL in text). Anything else (a lost connection, a bug) is None.
    """
    if not isinstance(error, DBAPIError) or not refused(error):
        return None
    if isinstance(error, IntegrityError) or _sqlstate(error.orig).startswith("23"):
        return "conflict"
    return "invalid"


def _sqlstate(error: BaseException | None) -> str:
    state = getattr(error, "sqlstate", None)  # psycopg, PyMySQL
    if state:
        return str(state)
    args = getattr(error, "args", ())
    if args and isinstance(args[0], dict):  # pg8000: the server's error fields
        return str(args[0].get("C", ""))
    return ""


class ConnectionUnitOfWork:
    """One connection and transaction; subclasses open it in ``__enter__`` with ``_open``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    @property
    def _c(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("unit of work is not open")
        return self._connection

    def _open(self) -> Connection:
        try:
            self._connection = self._engine.connect()
        except (OperationalError, InterfaceError) as exc:
            raise DatabaseUnavailableError("the database is unavailable; try again") from exc
        self._connection.begin()
        return self._connection

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if exc is not None and not leaves_connection_in_step(exc):
            connection.invalidate()  # its protocol state is unknown: never back to the pool
        try:
            connection.rollback()
            connection.close()
        except SQLAlchemyError:  # the connection died (a long ETL run): not back to the pool
            connection.invalidate()

    def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("unit of work is not open")
        self._connection.commit()
        self._connection.begin()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """SAVEPOINT; released if the block ends, rolled back alone if it raises.

        A write the database refused for its data comes out as ConflictError.
        """
        if self._connection is None:
            raise RuntimeError("unit of work is not open")
        nested = self._connection.begin_nested()
        try:
            yield
        except Exception as exc:
            nested.rollback()
            if refused(exc) and not isinstance(exc, ConflictError):
                raise ConflictError("the database refused a write") from exc
            raise
        nested.commit()


class SqlMasterUnitOfWork(ConnectionUnitOfWork):
    def __init__(self, engine: Engine, totp_box: SecretBox | None = None) -> None:
        super().__init__(engine)
        self._totp_box = totp_box

    def __enter__(self) -> Self:
        connection = self._open()
        self.tenants: TenantRegistry = SqlTenantRegistry(connection)
        self.users: UserRepository = SqlUserRepository(connection)
        self.refresh_tokens: RefreshTokenRepository = SqlRefreshTokenRepository(connection)
        self.login_attempts: LoginAttemptLog = SqlLoginAttemptLog(connection)
        self.audit: MasterAuditLog = SqlMasterAuditLog(connection)
        self.links: UserLinkRepository = SqlUserLinkRepository(connection)
        self.outbox: MailOutbox = SqlMailOutbox(connection)
        self.sessions: SessionRepository = SqlSessionRepository(connection)
        self.mfa: MfaRepository = SqlMfaRepository(connection, self._totp_box)
        self.api_keys: ApiKeyRepository = SqlApiKeyRepository(connection)
        self.gateways: GatewayRegistry = SqlGatewayRegistry(connection)
        self.etl: EtlConfigRegistry = SqlEtlConfigRegistry(connection)
        self.sso: SsoRepository = SqlSsoRepository(connection)
        return self


class _Repository(Generic[R]):
    """A repository of a unit of work, built on its connection when first used and then
    kept in the instance (a non-data descriptor: later reads find the instance's value).

    A request uses one or two of a tenant unit of work's fifteen repositories; building
    all of them at `__enter__` cost more than the read of a page of wells.
    """

    def __init__(self, build: Callable[[Connection], R]) -> None:
        self._build = build
        self._name = ""

    def __set_name__(self, owner: type[object], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type[object]) -> Self: ...

    @overload
    def __get__(self, instance: ConnectionUnitOfWork, owner: type[object]) -> R: ...

    def __get__(self, instance: ConnectionUnitOfWork | None, owner: type[object]) -> Self | R:
        if instance is None:
            return self
        value = self._build(instance._c)
        instance.__dict__[self._name] = value
        return value


class SqlTenantUnitOfWork(ConnectionUnitOfWork):
    wells = _Repository[WellRepository](SqlWellRepository)
    fields = _Repository[CatalogRepository[OilField]](sql_fields)
    leases = _Repository[CatalogRepository[Lease]](sql_leases)
    facilities = _Repository[CatalogRepository[Facility]](sql_facilities)
    equipment = _Repository[CatalogRepository[Equipment]](sql_equipment)
    production = _Repository[ProductionRepository](SqlProductionRepository)
    assignments = _Repository[AssignmentRepository](SqlAssignmentRepository)
    audit = _Repository[AuditLog](SqlAuditLog)
    sync_events = _Repository[SyncEventRepository](SqlSyncEventRepository)
    field_records = _Repository[FieldRecordRepository](SqlFieldRecordRepository)
    conflicts = _Repository[ConflictRepository](SqlConflictRepository)
    changes = _Repository[ChangeLog](SqlChangeLog)
    sync_jobs = _Repository[SyncJobRepository](SqlSyncJobRepository)
    scada = _Repository[ScadaRepositories](SqlScadaRepositories)
    readings = _Repository[ReadingRepository](SqlReadingRepository)

    def __enter__(self) -> Self:
        for name in _TENANT_REPOSITORIES:  # built on an earlier opening's connection
            self.__dict__.pop(name, None)
        self._open()
        return self


_TENANT_REPOSITORIES = tuple(
    name for name, value in vars(SqlTenantUnitOfWork).items() if isinstance(value, _Repository)
)
