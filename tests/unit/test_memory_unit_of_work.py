"""The in-memory unit of work behaves like a transaction: what the fakes rely on."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from shared.adapters.memory.units_of_work import MemoryState, MemoryUnitOfWork
from shared.core.common.errors import ConflictError, InputError


@dataclass
class Counter:
    values: dict[str, int] = field(default_factory=dict)


def _state() -> MemoryState:
    state = MemoryState()
    state.store("counter", Counter)
    return state


def _write(uow: MemoryUnitOfWork, key: str, value: int) -> None:
    uow.data("counter", Counter).values[key] = value


def _read(state: MemoryState) -> dict[str, int]:
    with MemoryUnitOfWork(state) as uow:
        return dict(uow.data("counter", Counter).values)


def test_only_committed_writes_are_seen_by_the_next_unit_of_work():
    state = _state()
    with MemoryUnitOfWork(state) as uow:
        _write(uow, "kept", 1)
        uow.commit()
        _write(uow, "dropped", 2)  # after the commit, never committed
    assert _read(state) == {"kept": 1}


def test_an_error_drops_everything_not_committed():
    state = _state()
    with pytest.raises(InputError), MemoryUnitOfWork(state) as uow:
        _write(uow, "lost", 1)
        raise InputError("x", "refused")
    assert _read(state) == {}


def test_a_savepoint_rolls_back_only_its_own_writes():
    state = _state()
    with MemoryUnitOfWork(state) as uow:
        _write(uow, "before", 1)
        with pytest.raises(InputError), uow.savepoint():
            _write(uow, "inside", 2)
            raise InputError("x", "refused")
        _write(uow, "after", 3)
        uow.commit()
    assert _read(state) == {"before": 1, "after": 3}


def test_a_value_the_store_refuses_in_a_savepoint_is_a_conflict():
    state = _state()
    with MemoryUnitOfWork(state) as uow:
        with pytest.raises(ConflictError), uow.savepoint():
            _write(uow, "inside", 1)
            raise OverflowError("out of range")
        assert uow.data("counter", Counter).values == {}


def test_the_committed_state_is_not_shared_with_an_open_copy():
    state = _state()
    with MemoryUnitOfWork(state) as uow:
        _write(uow, "a", 1)
        uow.commit()
        _write(uow, "a", 5)  # the working copy changes, the committed value does not
        assert state.snapshot()["counter"].values == {"a": 1}
