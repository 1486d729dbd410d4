"""The transaction semantics every in-memory unit of work shares.

`MemoryState` is the committed data of one database (a tenant's or the
master's): a bag of per-feature stores, each a plain Python object made by its
feature's fake (`state.store("wells", WellsStore)`). `MemoryUnitOfWork` copies
the state on `__enter__`, works on the copy, publishes it on `commit()` and
drops it otherwise, like a transaction; `savepoint()` restores a snapshot of the
copy when its block raises. Copies are deep: the fakes serve functional tests
over small data sets, where simple and obviously right beats fast.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar, cast

from shared.core.common.errors import ConflictError, WellOSError
from shared.core.registry.model.tenants import Tenant

S = TypeVar("S")


class MemoryState:
    """The committed stores of one database, keyed by feature name."""

    def __init__(self) -> None:
        self._stores: dict[str, Any] = {}
        self._factories: dict[str, Callable[[], Any]] = {}
        self.lock = threading.RLock()
        """Held by a unit of work from its copy to its publication: one writer at a time."""

    def store(self, name: str, factory: Callable[[], S]) -> None:
        """Declare a feature's store (made empty on first use)."""
        self._factories.setdefault(name, factory)

    def committed(self, name: str, kind: type[S]) -> S:
        """The committed store `name` itself, for tests to seed and inspect between
        units of work (never while one is open)."""
        if name not in self._stores:
            self._stores[name] = self._factories[name]()
        return cast(S, self._stores[name])

    def snapshot(self) -> dict[str, Any]:
        for name, factory in self._factories.items():
            self._stores.setdefault(name, factory())
        return copy.deepcopy(self._stores)

    def publish(self, stores: dict[str, Any]) -> None:
        self._stores = stores


class MemoryUnitOfWork:
    """One transaction over a `MemoryState`; subclasses build repositories in `_bind`."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state
        self._working: dict[str, Any] | None = None

    def data(self, name: str, kind: type[S]) -> S:
        """The working copy of the feature store `name` (open units of work only)."""
        if self._working is None:
            raise RuntimeError("unit of work is not open")
        return cast(S, self._working[name])

    def _bind(self) -> None:
        """Build the repositories over the working copy (subclasses)."""

    def __enter__(self) -> Self:
        self._state.lock.acquire()
        self._working = self._state.snapshot()
        self._bind()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._working = None
        self._state.lock.release()

    def commit(self) -> None:
        if self._working is None:
            raise RuntimeError("unit of work is not open")
        self._state.publish(copy.deepcopy(self._working))

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Restore the working copy if the block raises; a refusal stays a WellOSError."""
        if self._working is None:
            raise RuntimeError("unit of work is not open")
        before = copy.deepcopy(self._working)
        try:
            yield
        except WellOSError:
            self._restore(before)
            raise
        except (ValueError, OverflowError) as exc:  # what a database would refuse
            self._restore(before)
            raise ConflictError(str(exc)) from exc

    def _restore(self, before: dict[str, Any]) -> None:
        self._working = before
        self._bind()


class MemoryTenantStates:
    """One `MemoryState` per tenant, each with the stores `STORES` names (name, factory).

    A feature's in-memory databases subclass it, name their stores and open their unit
    of work on `state_of(tenant)`; tests seed and read the committed stores through
    `committed(tenant, name, kind)` between units of work.
    """

    STORES: ClassVar[tuple[tuple[str, Callable[[], Any]], ...]] = ()

    def __init__(self) -> None:
        self._states: dict[str, MemoryState] = {}

    def state_of(self, tenant: Tenant) -> MemoryState:
        state = self._states.get(tenant.id)
        if state is None:
            state = self._states[tenant.id] = MemoryState()
            for name, factory in self.STORES:
                state.store(name, factory)
        return state

    def committed(self, tenant: Tenant, name: str, kind: type[S]) -> S:
        return self.state_of(tenant).committed(name, kind)

    def forget(self, tenant: Tenant) -> None:
        """Nothing is cached per tenant besides its data, which stays."""
