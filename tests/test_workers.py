"""Worker-process hygiene: the allocator setting batch workers start with."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from flows.workers import LEAN_ALLOCATOR, lean_allocator_for_children

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
