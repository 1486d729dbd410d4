"""The registry caches: fresh values are reused, stale or unusable ones reloaded, forget works."""

from __future__ import annotations

import doctest

from shared.core.common import ttl_cache
from shared.core.common.ttl_cache import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def counting(values: list[int]):
    def load() -> int:
        values.append(len(values) + 1)
        return values[-1]

    return load


def test_a_value_is_reused_while_fresh_then_reloaded():
    clock, loads = Clock(), []
    cache: TtlCache[str, int] = TtlCache(10.0, clock)
    assert [cache.get_or_load("a", counting(loads)) for _ in range(3)] == [1, 1, 1]
    clock.now = 9.9
    assert cache.get_or_load("a", counting(loads)) == 1
    clock.now = 10.0
    assert cache.get_or_load("a", counting(loads)) == 2


def test_a_missing_value_is_cached_too():
    clock, calls = Clock(), []
    cache: TtlCache[str, None] = TtlCache(10.0, clock)
    for _ in range(3):
        assert cache.get_or_load("unknown", lambda: calls.append(1)) is None
    assert len(calls) == 1


def test_an_unusable_value_is_reloaded_at_once():
    clock, loads = Clock(), []
    cache: TtlCache[str, int] = TtlCache(10.0, clock)
    cache.get_or_load("a", counting(loads))
    assert cache.get_or_load("a", counting(loads), usable=lambda v: v >= 2) == 2


def test_forget_one_key_matching_keys_or_everything():
    clock, loads = Clock(), []
    cache: TtlCache[tuple[str, str], int] = TtlCache(10.0, clock)
    for key in (("t1", "u1"), ("t2", "u1"), ("t1", "u2")):
        cache.get_or_load(key, counting(loads))
    cache.forget_where(lambda key: key[1] == "u1")
    assert cache.get_or_load(("t1", "u1"), counting(loads)) == 4
    assert cache.get_or_load(("t1", "u2"), counting(loads)) == 3
    cache.forget(("t1", "u2"))
    assert cache.get_or_load(("t1", "u2"), counting(loads)) == 5
    cache.forget()
    assert cache.get_or_load(("t1", "u1"), counting(loads)) == 6


def test_a_full_cache_starts_afresh():
    clock, loads = Clock(), []
    cache: TtlCache[int, int] = TtlCache(10.0, clock, max_entries=2)
    cache.get_or_load(1, counting(loads))
    cache.get_or_load(2, counting(loads))
    cache.get_or_load(3, counting(loads))  # full: cleared before keeping 3
    assert cache.get_or_load(1, counting(loads)) == 4


def test_the_docstring_example_holds():
    assert doctest.testmod(ttl_cache).failed == 0


def test_peek_answers_only_from_a_fresh_entry() -> None:
    ticks = iter([0.0, 1.0, 2.0, 20.0])
    cache: TtlCache[str, int | None] = TtlCache(10.0, monotonic=lambda: next(ticks))
    assert cache.peek("a") is None  # nothing cached: the caller must load
    cache.get_or_load("a", lambda: None)
    assert cache.peek("a") == (None,)  # a cached miss is an answer too
    assert cache.peek("a") is None  # expired


def test_a_load_overtaken_by_forget_is_answered_but_not_kept() -> None:
    """A session looked up while a password change ended it must not stay 'live' for ttl_s."""
    clock = Clock()
    cache: TtlCache[str, bool] = TtlCache(30.0, clock)

    def read_before_the_change_commits() -> bool:
        cache.forget("session-2")  # the password change commits and forgets meanwhile
        return True  # what the lookup read before that commit

    assert cache.get_or_load("session-2", read_before_the_change_commits) is True
    assert cache.get_or_load("session-2", lambda: False) is False
    assert cache.peek("session-2") == (False,)
