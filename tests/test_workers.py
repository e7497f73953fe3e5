"""Worker-process hygiene: the allocator setting batch workers start with, and the
collection between batches."""

from __future__ import annotations

import gc
import multiprocessing
import os
import weakref

import pytest

from flows import workers
from flows.workers import LEAN_ALLOCATOR, lean_allocator_for_children, release_free_memory

KEY = "_RJEM_MALLOC_CONF"


def _child_sees(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put(os.environ.get(KEY))


def _spawned_child_value() -> str | None:
    ctx = multiprocessing.get_context("spawn")  # as Prefect's process pool starts them
    queue = ctx.Queue()
    child = ctx.Process(target=_child_sees, args=(queue,))
    child.start()
    value = queue.get(timeout=60)
    child.join(timeout=60)
    return value


def test_workers_start_with_the_lean_allocator_and_the_flow_is_left_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(KEY, raising=False)
    with lean_allocator_for_children():
        assert _spawned_child_value() == LEAN_ALLOCATOR[KEY]
    assert KEY not in os.environ


def test_a_users_own_allocator_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY, "dirty_decay_ms:500")
    with lean_allocator_for_children():
        assert _spawned_child_value() == "dirty_decay_ms:500"
    assert os.environ[KEY] == "dirty_decay_ms:500"


class _Node:
    me: _Node | None = None


def _cycle() -> _Node:
    node = _Node()
    node.me = node  # only the cycle collector frees it
    return node


def test_between_batches_new_cycles_are_freed_and_frozen_ones_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "_released", 1)  # just after a full examination
    try:
        kept = _cycle()
        old = weakref.ref(kept)
        release_free_memory()  # `kept` is alive: frozen with the rest of the heap
        del kept
        new = weakref.ref(_cycle())  # garbage made by the next batch
        release_free_memory()
        assert new() is None
        assert old() is not None  # frozen objects are skipped ...
        for _ in range(workers.REEXAMINE_EVERY - 2):
            release_free_memory()
        assert old() is None  # ... until the tenth batch looks at them again
    finally:
        gc.unfreeze()
