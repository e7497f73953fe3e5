"""One writer at a time: an advisory lock file next to the warehouse.

DuckDB lets one process write a database file; two newsclean runs against the same
warehouse would otherwise interleave batches and fight over the file. A run holds
`<warehouse>.lock` (fcntl.flock, exclusive) from start to finish. The kernel drops
the lock when the process dies — even on `kill -9` — so a crash never leaves a
stale lock behind. The file records who holds it, for the message the next run
prints while it waits.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path


class WarehouseBusy(RuntimeError):
    """Another run holds the writer lock and did not release it in time."""


def lock_path(warehouse: str | Path) -> Path:
    return Path(f"{warehouse}.lock")


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another newsclean run"
    return (
        f"run {info.get('run_id', '?')} (pid {info.get('pid', '?')}, "
        f"started {info.get('started', '?')})"
    )


@contextmanager
def writer_lock(
    warehouse: str | Path,
    run_id: str,
    wait_seconds: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait up to `wait_seconds` for it, then raise
    WarehouseBusy naming the run that holds it."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"{warehouse} is being written by {holder}; only one run may write "
                        f"at a time (waited {wait_seconds:.0f} s). Try again when it has "
                        "finished, or raise lock_wait_seconds."
                    ) from None
                if on_wait and not told:
                    on_wait(f"{warehouse} is being written by {holder}; waiting …")
                    told = True
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        os.write(
            fd,
            json.dumps(
                {"run_id": run_id, "pid": os.getpid(), "started": datetime.now().isoformat()}
            ).encode(),
        )
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
