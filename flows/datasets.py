"""Reading labelled JSON Lines datasets (the dev set's format: {id, url, text,
gold_body?, gold_date?}) for `eval` and the benchmarks: a line that is not a
record is an error that names it, not json's traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class DatasetError(ValueError):
    """A dataset line that is not a record, named."""


def dataset_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line of `path`; DatasetError names
    the first line that is not a JSON object."""
    data = path.read_bytes()
    try:
        # Split on line feeds only: str.splitlines() also splits at U+2028, which a
        # JSON string may hold as it is.
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DatasetError(f"{path.name} line {line}: not UTF-8 ({exc.reason})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path.name} line {number}: invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise DatasetError(f"{path.name} line {number}: expected a JSON object")
        yield number, record
