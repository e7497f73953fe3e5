"""Labelled datasets: lines numbered as an editor shows them, records kept whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.datasets import DatasetError, dataset_records


def test_a_line_separator_inside_a_string_does_not_split_its_record(tmp_path: Path) -> None:
    """json.dumps(ensure_ascii=False) writes U+2028 as it is; str.splitlines(), which
    eval and bench corruption used, cut such a record in two."""
    path = tmp_path / "set.jsonl"
    first = json.dumps({"text": "one\u2028two", "gold_date": "2024-01-01"}, ensure_ascii=False)
    path.write_text(first + "\r\n\n" + json.dumps({"text": "three"}) + "\n", encoding="utf-8")
    assert list(dataset_records(path)) == [
        (1, {"text": "one\u2028two", "gold_date": "2024-01-01"}),
        (3, {"text": "three"}),
    ]


def test_a_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_bytes(b'{"text": "a"}\n\n["not", "a", "record"]\n')
    with pytest.raises(DatasetError, match=r"set\.jsonl line 3: expected a JSON object"):
        list(dataset_records(path))
