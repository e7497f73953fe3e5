"""The command line: help text, exit codes, read-only SQL."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic_core import PydanticSerializationError

from flows import cli
from flows.cli import Terminated, build_parser, main
from tests.conftest import SEEDS
from warehouse import Warehouse, migrate


def test_help_explains_every_run_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ("--input", "--warehouse", "--batch-size", "--batch-bytes", "--reports-dir",
                   "--verbose"):  # fmt: skip
        assert option in out


def test_a_bad_batch_size_in_bytes_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--batch-bytes", "8X"])
    assert exc.value.code == 2
    assert "--batch-bytes: not a size: '8X'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["run", "--batch-size", "0"], "--batch-size: must be at least 1, not 0"),
        (["run", "--workers", "-1"], "--workers: must be at least 0, not -1"),
        (["run", "--batch-size", "2k"], "--batch-size: not a whole number: '2k'"),
        (["serve", "--interval", "0"], "--interval: must be at least 1, not 0"),
        (["serve", "--cron", "bad cron"], "--cron: not a cron expression: 'bad cron'"),
        (["serve", "--cron", "61 * * * *"], "--cron: not a cron expression: '61 * * * *'"),
        (["sql", "select 1", "--width", "0"], "--width: must be at least 1, not 0"),
        (["sql", "select 1", "--max-rows", "0"], "--max-rows: must be at least 1, not 0"),
        (["bench", "generate", "--docs", "0", "--out", "x"], "--docs: must be at least 1"),
        (["bench", "generate", "--docs", "9", "--out", "x", "--shard-docs", "0"], "--shard-docs"),
        (["bench", "run", "--corpus", "x", "--peer-docs", "0"], "--peer-docs: must be at least 1"),
        (["bench", "run", "--corpus", "x", "--batch-size", "0"], "--batch-size: must be at least"),
        (["bench", "steps", "--corpus", "x", "--repeats", "0"], "--repeats: must be at least 1"),
        (["bench", "corruption", "--show-failures", "-1"], "--show-failures: must be at least 0"),
    ],
)
def test_a_count_out_of_range_is_a_usage_error_before_anything_starts(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--batch-size 0` used to start a Prefect server, then fail the run (exit 1)
    with Settings' ValueError; `sql --width 0` ended in polars' traceback."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert said in capsys.readouterr().err


def test_a_warehouse_that_cannot_be_written_is_a_usage_error_before_anything_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It failed the run at its first load ("FileNotFoundError: … .lock"), after the
    Prefect server had started."""
    (tmp_path / "a-file").write_text("x")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # serve needs one named
    for command in ("run", "serve"):
        code = main([command, "--input", str(SEEDS), "--warehouse", str(tmp_path / "a-file" / "w")])
        assert code == 2
        err = capsys.readouterr().err
        said = f"cannot write the warehouse there: {tmp_path / 'a-file'} is a file, not a folder"
        assert said in err, command


def test_a_reports_folder_that_is_a_file_is_a_usage_error_before_anything_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run cleaned and loaded everything, then failed writing its report
    (FileExistsError); `report` ended in that traceback."""
    taken = tmp_path / "taken"
    taken.write_text("x")
    warehouse = tmp_path / "w.duckdb"
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # serve needs one named
    for command in ("run", "serve"):
        args = [command, "--input", str(SEEDS), "--warehouse", str(warehouse)]
        assert main([*args, "--reports-dir", str(taken)]) == 2, command
        said = f"cannot write the run's report there: {taken} is a file, not a folder"
        assert said in capsys.readouterr().err, command
    assert not warehouse.exists()  # nothing started
    with Warehouse(warehouse).connect():
        pass
    assert main(["report", "--warehouse", str(warehouse), "--reports-dir", str(taken)]) == 2
    said = f"cannot write the report there: {taken} is a file, not a folder"
    assert said in capsys.readouterr().err


def test_an_empty_sql_statement_says_there_is_nothing_to_show(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """DuckDB answers "" and a lone comment with no relation: an AttributeError."""
    warehouse = tmp_path / "w.duckdb"
    with Warehouse(warehouse).connect():
        pass
    for statement in ("", "-- the articles"):
        assert main(["sql", "--warehouse", str(warehouse), statement]) == 1
        assert "no rows to show: the statement is empty or returns no result" in (
            capsys.readouterr().err
        )


def test_serve_without_a_server_answering_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prefect's client ended in httpx's ConnectError traceback, after newsclean had
    announced the deployment."""
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens on 9
    code = main(["serve", "--cron", "*/5 * * * *", "--warehouse", str(tmp_path / "w.duckdb")])
    assert code == 2
    err = capsys.readouterr().err
    assert "no Prefect server answers at http://127.0.0.1:9/api (its /health)" in err
    assert "serving deployment" not in err


def _not_duckdb_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Paths a user may give as --warehouse that DuckDB cannot open, and what
    newsclean says of each."""
    import sqlite3

    junk = folder / "notes.duckdb"
    junk.write_text("not a database, some notes\n" * 3)
    lite = folder / "lite.db"
    with contextlib.closing(sqlite3.connect(lite)) as con:
        con.execute("create table t (a)")
        con.commit()
    there = folder / "a-folder"
    there.mkdir()
    made = "name a new file, or a warehouse newsclean made"
    return {
        "junk": (junk, f"{junk} is not a DuckDB database: {made}"),
        "sqlite": (lite, f"{lite} is a SQLite database, not a DuckDB one: {made}"),
        "folder": (there, f"{there} is a folder, not a DuckDB file"),
    }


def test_a_warehouse_path_that_is_no_duckdb_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each read command ended in DuckDB's traceback ("IOException: … exists, but it is
    not a valid DuckDB database file"), a run failed after its Prefect server had
    started, and DuckDB took a SQLite file for one to open through an extension it
    tried to download."""
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # serve needs one named
    for kind, (path, said) in _not_duckdb_files(tmp_path).items():
        for args in (
            ["sql", "--warehouse", str(path), "select 1"],
            ["report", "--warehouse", str(path)],
            ["export", "--warehouse", str(path), str(tmp_path / "out.jsonl")],
            ["run", "--input", str(SEEDS), "--warehouse", str(path)],
            ["serve", "--input", str(SEEDS), "--warehouse", str(path)],
        ):
            assert main(args) == 2, (kind, args[0])
            assert said in capsys.readouterr().err, (kind, args[0])
        assert not (tmp_path / "out.jsonl").exists()


def test_an_empty_warehouse_file_is_no_warehouse_yet_and_a_run_makes_it_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`touch w.duckdb` or mktemp's file: DuckDB refuses an empty file."""
    empty = tmp_path / "w.duckdb"
    empty.touch()
    assert main(["sql", "--warehouse", str(empty), "select 1"]) == 2
    assert f"{empty} is empty: no warehouse yet; run `newsclean run` first" in (
        capsys.readouterr().err
    )
    store = Warehouse(empty)
    with store.connect() as con:  # a writer, as a run's first load opens it
        assert con.execute("select count(*) from articles").fetchall() == [(0,)]
    assert main(["sql", "--warehouse", str(empty), "select count(*) as n from runs"]) == 0


def test_missing_input_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["run", "--input", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w")])
    assert code == 2
    assert "not found" in capsys.readouterr().err


def test_sql_without_warehouse(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["sql", "select 1", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "run `newsclean run` first" in capsys.readouterr().err


def test_sql_that_duckdb_refuses_is_an_error_message_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse(db).connect() as con:
        migrate(con)
    capsys.readouterr()
    for query, said in [
        ("select reason from quarantine", 'Referenced column "reason" not found'),
        ("selec 1", "syntax error"),
        ("delete from runs", "read-only mode"),
        ("select cast('x' as int)", "Could not convert string 'x'"),
    ]:
        assert main(["sql", query, "--warehouse", str(db)]) == 1, query
        err = capsys.readouterr().err
        assert err.startswith("newsclean sql: ") and said in err, err
        assert "Traceback" not in err
    assert main(["sql", "select count(*) as n from runs", "--warehouse", str(db)]) == 0
    assert "│ 0" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        ('{"id": "a", "text": "x", "gold_date": "2024-01-02"}\nnot json\n', "line 2: invalid JSON"),
        ("[1, 2]\n", "line 1: expected a JSON object"),
        ('{"id": "a", "content": "x", "gold_date": "2024-01-02"}\n', "line 1: expected an object"),
        ('{"id": "a", "text": "x"}\n', "no record has a gold_body or a gold_date"),
    ],
)
def test_eval_on_a_file_that_is_no_labelled_dataset_says_why(
    lines: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It ended in json's traceback, or scored nothing without saying so."""
    path = tmp_path / "set.jsonl"
    path.write_text(lines)
    assert main(["eval", "--dataset", str(path)]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["eval", "--dataset", "{}"],
        ["bench", "encodings", "--dataset", "{}"],
        ["bench", "corruption", "--source", "{}"],
        ["bench", "generate", "--docs", "3", "--out", "{}.out", "--source", "{}"],
    ],
)
def test_every_command_that_reads_a_dataset_names_its_bad_line(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "set.jsonl"
    first = b'{"id": "a", "text": "Some text.", "gold_date": "2024-01-02"}\n'
    for bad, said in [(b"{oops\n", "invalid JSON"), (b'{"text": "caf\xe9"}\n', "not UTF-8")]:
        path.write_bytes(first + bad)
        assert main([a.format(path) for a in argv]) == 2
        err = capsys.readouterr().err
        assert f"set.jsonl line 2: {said}" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [["sql", "select 1"], ["report"], ["export", "x.parquet"], ["run"], ["eval", "--dataset", "x"]],
)
def test_bad_settings_stop_every_command_with_a_message(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """sql, report and export ended in a traceback on a bad newsclean.toml."""
    (tmp_path / "newsclean.toml").write_text("batch_size = 0\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSCLEAN_CONFIG", raising=False)
    code = main(argv)
    err = capsys.readouterr().err
    if argv[0] == "eval":  # reads no settings: its own error (no dataset)
        assert code == 2 and "no dataset" in err
        return
    assert code == 2
    assert "newsclean: batch_size must be at least 1, not 0" in err


def test_parser_has_subcommands() -> None:
    actions = [a for a in build_parser()._actions if a.dest == "command"]
    assert set(actions[0].choices) >= {"run", "sql"}


def _raising(exc: BaseException) -> Callable[[object], int]:
    def command(args: object) -> int:
        raise exc

    return command


@pytest.mark.parametrize(
    ("exc", "code", "said"),
    [
        # A signal that lands while pydantic serialises (Prefect loading its settings)
        # keeps only its name in pydantic's message.
        (PydanticSerializationError("Error calling function `_ser_model`: Terminated: "),
         143, "newsclean: terminated"),
        (PydanticSerializationError("Error calling function `_ser_model`: KeyboardInterrupt: "),
         130, "newsclean: interrupted"),
        (Terminated(), 143, "newsclean: terminated"),
        (KeyboardInterrupt(), 130, "newsclean: interrupted"),
    ],
)  # fmt: skip
def test_a_signal_ends_the_command_cleanly_even_when_wrapped(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exc: BaseException,
    code: int,
    said: str,
) -> None:
    monkeypatch.setattr(cli, "cmd_eval", _raising(exc))
    assert main(["eval", "--dataset", "x.jsonl"]) == code
    assert said in capsys.readouterr().err


def test_a_chained_signal_is_found_and_other_errors_are_not_swallowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    try:
        raise Terminated
    except Terminated as signal_exc:
        wrapped = RuntimeError("state could not be saved")
        wrapped.__cause__ = signal_exc
    monkeypatch.setattr(cli, "cmd_eval", _raising(wrapped))
    assert main(["eval", "--dataset", "x.jsonl"]) == 143
    monkeypatch.setattr(cli, "cmd_eval", _raising(ValueError("Terminated by the user")))
    with pytest.raises(ValueError, match="Terminated by the user"):
        main(["eval", "--dataset", "x.jsonl"])


def test_a_command_turns_prefects_telemetry_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both of Prefect's telemetry channels: its server's analytics and its client's
    (SDK analytics, on in an interactive terminal unless DO_NOT_TRACK is set). There
    is no internet here, and a user's data tool should not phone home."""
    from prefect._internal.analytics.enabled import is_telemetry_enabled

    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    monkeypatch.delenv("PREFECT_SERVER_ANALYTICS_ENABLED", raising=False)
    monkeypatch.delenv("PREFECT_LOGGING_LEVEL", raising=False)  # also set: undone after
    monkeypatch.setattr("prefect._internal.analytics.enabled.is_ci_environment", lambda: False)
    assert is_telemetry_enabled()  # what a user's terminal would have had
    cli._prepare_environment(verbose=False)
    assert not is_telemetry_enabled()
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"


@pytest.mark.parametrize(
    ("before", "verbose", "after"),
    [
        (None, False, "WARNING"),
        (None, True, "INFO"),
        ("WARNING", True, "INFO"),  # the flag wins over the environment
        ("DEBUG", True, "DEBUG"),  # finer than the flag asks: kept
        ("ERROR", False, "ERROR"),  # the user's own setting, without the flag
    ],
)
def test_verbose_sets_prefects_log_level(
    monkeypatch: pytest.MonkeyPatch, before: str | None, verbose: bool, after: str
) -> None:
    if before is None:
        monkeypatch.delenv("PREFECT_LOGGING_LEVEL", raising=False)
    else:
        monkeypatch.setenv("PREFECT_LOGGING_LEVEL", before)
    cli._prepare_environment(verbose=verbose)
    assert os.environ["PREFECT_LOGGING_LEVEL"] == after
