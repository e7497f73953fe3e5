"""Where the cleaning time goes: each step of a batch timed on its own.

`bench run` gives a run's time per stage (ingest, clean, validate, load); this
splits the clean and validate stages into their steps, on one batch in this
process, as a batch worker runs them: after a warm-up batch (compiled patterns,
the month words, the language model) and with the heap frozen as a worker freezes
it between batches (`flows/workers.py`), so that the collector's passes over
modules and caches do not land on whichever step happens to trigger them. Each
step's time is its best of `repeats` passes: the machine's noise only adds.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from flows.bench.throughput import jsonl_files
from flows.clean import FINAL_STEPS, STEPS, Step, _working_frame, run_steps, split_result
from flows.ingest import discover, ingest_unit, plan_units
from flows.validate import validate_batch

WARM_ROWS = 200  # a warm-up batch this size loads what a worker keeps between batches


@dataclass(frozen=True)
class StepTime:
    """One step's best time over the batch."""

    name: str
    seconds: float


@dataclass(frozen=True)
class StepReport:
    """The steps' times over one batch of `documents` documents (`input_bytes`)."""

    documents: int
    input_bytes: int
    steps: list[StepTime]

    @property
    def total(self) -> float:
        return sum(s.seconds for s in self.steps)

    def as_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "input_bytes": self.input_bytes,
            "steps": [
                {
                    "step": s.name,
                    "seconds": s.seconds,
                    "ms_per_doc": 1e3 * s.seconds / self.documents,
                }
                for s in self.steps
            ],
        }


def read_batch(corpus: Path, documents: int) -> pl.DataFrame:
    """The first `documents` records of a corpus as one bronze frame: a generated
    corpus's JSONL shards, else whatever newsclean reads under the path."""
    files = jsonl_files(corpus) if corpus.is_dir() else []
    if not files:
        files, _ = discover([corpus])
    if not files:
        raise FileNotFoundError(f"no input files under {corpus}")
    unit = next(plan_units(files, documents, batch_bytes=1 << 62))
    raw = ingest_unit(unit, "bench-steps", datetime.now()).raw
    return raw.head(documents)


def time_steps(raw: pl.DataFrame, repeats: int = 3) -> StepReport:
    """Each cleaning step, the split into tables and validation, timed over the
    rows of `raw` that were read without an error; best of `repeats` passes."""
    rows = raw.filter(pl.col("error").is_null())
    if rows.is_empty():
        raise ValueError("no readable documents to clean")
    steps: Sequence[Step] = (*STEPS, *FINAL_STEPS)
    best: dict[str, float] = {}

    def keep(name: str, since: float) -> None:
        best[name] = min(best.get(name, float("inf")), time.perf_counter() - since)

    warm = rows.head(WARM_ROWS)
    validate_batch(warm, split_result(run_steps(warm)))
    gc.collect()
    gc.freeze()
    try:
        for _ in range(max(1, repeats)):
            df = _working_frame(rows)
            for step in steps:
                since = time.perf_counter()
                df = step(df)
                keep(step.__name__, since)
            since = time.perf_counter()
            result = split_result(df)
            keep("split_result", since)
            since = time.perf_counter()
            validate_batch(rows, result)
            keep("validate", since)
            del df, result
            gc.collect()
    finally:
        gc.unfreeze()
    order = [s.__name__ for s in steps] + ["split_result", "validate"]
    size = int(rows["size_bytes"].sum() or 0)
    return StepReport(rows.height, size, [StepTime(n, best[n]) for n in order])
