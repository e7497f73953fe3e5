"""Settings: one optional TOML file plus NEWSCLEAN_* environment overrides.

Resolution order (later wins): built-in defaults → `newsclean.toml` in the working
directory (or the file named by NEWSCLEAN_CONFIG) → environment variables → CLI flags.
Keeping every knob in one dataclass means the flow, the CLI and the tests agree on
what a "default run" is.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from flows.quality import validate_thresholds

ENV_PREFIX = "NEWSCLEAN_"
RUNNERS = ("auto", "threads", "processes", "dask")


@dataclass(frozen=True)
class Settings:
    """Every setting a run needs; immutable so a run cannot change it half-way."""

    inputs: tuple[str, ...] = ("seeds",)
    warehouse: str = "warehouse/news.duckdb"
    reports_dir: str = "reports"
    # Documents per batch (files, or records of a JSONL, JSON, CSV or Parquet file):
    # a batch is the unit of a Prefect task, so it bounds memory. Batches are loaded
    # a few at a time (one DuckDB transaction per ~8,000 documents,
    # `load_group_ready`): a crash loses at most the groups not yet committed, which
    # the next run reads again.
    batch_size: int = 2000
    # … and at most about this many bytes of input text per batch (a batch ends after
    # the document that crosses it). Documents vary in size more than in number: the
    # dev set's real pages are four times the size of seed-sized articles, and with
    # 2,000 of them a batch the run peaked at 2.4 GB instead of 1.7. 6 MiB holds
    # 2,000 seed-sized articles (~2.4 KB each), so those batches are unchanged; on
    # long pages it kept the workers ~70 MB below 8 MiB batches, at the same speed.
    batch_bytes: int = 6 << 20
    # Input files larger than this are quarantined without being loaded into memory
    # (bytes). A news article is rarely above 1 MB; 10 MB is a dump, not an article.
    max_document_bytes: int = 10 * 1024 * 1024
    # Quality gates (flows/quality.py); only the overrides, the defaults live there.
    thresholds: dict[str, float] = field(default_factory=dict)
    # Gates are enforced only for runs with at least this many new documents.
    gate_min_documents: int = 5
    # How long a run waits for another run writing the same warehouse to finish.
    lock_wait_seconds: int = 30
    # Where batch tasks run: "auto" (in the flow's process when the run has one
    # batch, else a pool of `workers` processes), "threads" (in the flow's process),
    # "processes", or "dask" (prefect-dask: a local cluster of `workers` processes,
    # or the scheduler at `dask_address`). Only the flow's process writes DuckDB.
    runner: str = "auto"
    workers: int = 0  # 0: one per CPU core
    dask_address: str = ""

    def __post_init__(self) -> None:
        if self.runner not in RUNNERS:
            raise ValueError(f"runner must be one of {', '.join(RUNNERS)}, not {self.runner!r}")
        for name, least in (("workers", 0), ("batch_size", 1), ("batch_bytes", 1)):
            if getattr(self, name) < least:
                raise ValueError(f"{name} must be at least {least}, not {getattr(self, name)}")

    @property
    def worker_count(self) -> int:
        """How many workers `workers` means: 0 is one per CPU core."""
        return self.workers or os.cpu_count() or 1

    def with_overrides(self, **changes: Any) -> Settings:
        """Return a copy with the non-None keyword arguments applied."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


SIZE_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(value: str | int) -> int:
    """A byte count written as 8388608, "8M", "8MB", "8 MiB" or "512K" (binary units:
    K is 1,024 bytes)."""
    if isinstance(value, int):
        return value
    text = str(value).strip().upper().removesuffix("B").removesuffix("I").rstrip()
    unit = SIZE_UNITS.get(text[-1:], 1)
    try:
        size = float(text[:-1] if unit > 1 else text) * unit
    except ValueError:
        raise ValueError(f"not a size: {value!r} (e.g. 8388608, 8M, 512K)") from None
    if not math.isfinite(size) or size < 1:
        raise ValueError(f"a size must be at least 1 byte: {value!r}")
    return int(size)


def _whole(value: Any) -> int:
    """A whole number from TOML (an int) or the environment (its digits): 1.5 or
    true is refused rather than rounded."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ValueError(f"not a whole number: {value!r}")


def _share(value: Any) -> float:
    """A threshold: a number, from TOML or the environment."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"not a number: {value!r}") from None


def _setting(name: str, value: Any, where: str) -> Any:
    """`_coerce`, with an error that names the setting and where it came from."""
    try:
        return _coerce(name, value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: setting {name}: {exc}") from None


def _coerce(name: str, value: Any) -> Any:
    """Turn a TOML/env value into the type the field declares."""
    if name.endswith("_bytes"):
        return parse_size(value)
    default = getattr(Settings(), name)
    if isinstance(default, tuple):
        if isinstance(value, str):
            return tuple(p for p in value.split(os.pathsep) if p)
        return tuple(str(v) for v in value)
    if isinstance(default, bool):
        return str(value).lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return _whole(value)
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise ValueError(f"expected a table of NAME = VALUE, got {value!r}")
        limits = {}
        for key, limit in value.items():
            try:
                limits[str(key)] = _share(limit)
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
        return limits
    return str(value)


class SettingsError(ValueError):
    """Settings that cannot be used: the command stops before it starts (exit 2)."""


def load_settings(config_file: str | os.PathLike[str] | None = None) -> Settings:
    """Build Settings from defaults, the TOML file (if any) and the environment;
    SettingsError says what is wrong with them and where."""
    try:
        return _load_settings(config_file)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _load_settings(config_file: str | os.PathLike[str] | None) -> Settings:
    """`load_settings`, raising ValueError where it raises SettingsError."""
    values: dict[str, Any] = {}
    named = config_file or os.environ.get(ENV_PREFIX + "CONFIG")
    path = Path(named or "newsclean.toml")
    if named and not path.is_file():  # only the default file may be absent
        by = "" if config_file else f" (named by {ENV_PREFIX}CONFIG)"
        raise ValueError(f"no settings file at {path}{by}")
    names = {f.name for f in fields(Settings)}
    if path.is_file():
        with path.open("rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{path}: not valid TOML ({exc})") from None
        unknown = set(data) - names
        if unknown:
            raise ValueError(
                f"{path}: unknown setting(s) {sorted(unknown)}; known: {sorted(names)}"
            )
        values.update({k: _setting(k, v, str(path)) for k, v in data.items()})
    for name in names - {"thresholds"}:
        env = os.environ.get(ENV_PREFIX + name.upper())
        if env is not None:
            values[name] = _setting(name, env, ENV_PREFIX + name.upper())
    threshold_env = ENV_PREFIX + "THRESHOLD_"
    env_limits: dict[str, float] = {}
    for key, value in os.environ.items():
        if key.startswith(threshold_env):
            name = key[len(threshold_env) :].lower()
            env_limits[name] = _setting("thresholds", {name: value}, key)[name]
    if env_limits:
        values["thresholds"] = {**values.get("thresholds", {}), **env_limits}
    validate_thresholds(values.get("thresholds", {}))  # a typo fails here, not mid-run
    return Settings(**values)
