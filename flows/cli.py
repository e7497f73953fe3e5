"""The `newsclean` command.

Prefect is imported lazily (it takes a few seconds), so `--help` and `sql` are fast,
and the environment is set before Prefect reads it: telemetry off (there is no
internet here), and Prefect's own INFO chatter hidden unless --verbose.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from flows.config import SettingsError, load_settings
from flows.interrupts import wrapped_signal

if TYPE_CHECKING:
    from warehouse import Warehouse

EPILOG = """\
examples:
  newsclean run                              clean seeds/ into warehouse/news.duckdb
  newsclean run --input data/ --input more.jsonl --warehouse /tmp/news.duckdb
  newsclean run --threshold max_quarantine_rate=0.1   fail the run above 10 % quarantined
  newsclean run --full                       re-clean everything already loaded (new rules)
  newsclean serve --interval 900             run every 15 min (needs PREFECT_API_URL)
  newsclean report --open                    (re)write and open the latest run's report
  newsclean sql "select source_id, title, published_date from articles"
  newsclean sql "select * from quality_by_run"
  newsclean export corpus.parquet            the cleaned articles, each body once, as Parquet
  newsclean eval --dataset ../shared/data/news-text-dev/boilerplate.jsonl
  newsclean bench corruption                 damage clean text six ways, check the repair
  newsclean bench generate --docs 100000 --out /tmp/corpus   a realistic messy corpus
  newsclean bench run --corpus /tmp/corpus   full pipeline vs naive vs datatrove

settings come from newsclean.toml (if present) and NEWSCLEAN_* environment variables;
command-line flags win over both.
"""


def _prepare_environment(verbose: bool) -> None:
    """Settings Prefect reads when it is imported: no telemetry from its server
    (PREFECT_SERVER_ANALYTICS_ENABLED) nor from its client (DO_NOT_TRACK, which
    Prefect's SDK analytics honour), and its log level: WARNING unless set, INFO
    or finer with --verbose."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    level = os.environ.get("PREFECT_LOGGING_LEVEL", "").upper()
    if verbose and level not in ("DEBUG", "INFO"):  # the flag wins over the environment
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    elif not level:
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
    logging.basicConfig(format="%(message)s", stream=sys.stderr)
    logging.getLogger("newsclean").setLevel(logging.INFO)


def _print_table(rows: Sequence[tuple[str, object]], title: str) -> None:
    width = max(len(label) for label, _ in rows)
    print(title)
    print("-" * len(title))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def _parse_thresholds(pairs: Sequence[str] | None) -> dict[str, float]:
    """NAME=VALUE pairs from --threshold; checked against the known gates."""
    from flows.quality import validate_thresholds

    limits: dict[str, float] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        try:
            limits[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise ValueError(
                f"--threshold expects NAME=VALUE, e.g. max_quarantine_rate=0.1: {pair!r}"
            )
    validate_thresholds(limits)
    return limits


def _size_arg(value: str) -> int:
    """argparse type for a byte size ("8M"): its error becomes a usage message."""
    from flows.config import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _at_least(minimum: int) -> Callable[[str], int]:
    """argparse type for a count of at least `minimum`: `--batch-size 0` is a usage
    error (exit 2) before anything starts, not a failed run."""

    def count(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {number}")
        return number

    return count


def _cron(value: str) -> str:
    """A cron expression Prefect's schedule takes; refused here, not by a traceback
    from the server's client after the deployment was announced."""
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=value)
    except ValueError:  # pydantic's ValidationError
        raise argparse.ArgumentTypeError(
            f"not a cron expression: {value!r} (five fields: minute hour day-of-month "
            'month day-of-week, e.g. "*/15 * * * *" or "0 6 * * 1-5")'
        ) from None
    return value


def _unusable_outputs(warehouse: Path, reports: Path) -> str | None:
    """Why a run cannot write the warehouse at `warehouse` or its report in
    `reports`, or None: a folder that cannot be written, or a file there that is
    not a DuckDB database. Checked before the run starts its Prefect server, not
    found at its first load (or, for the report, after the whole run)."""
    from warehouse.store import not_a_database

    problem = _unwritable_folder(warehouse.parent)
    if problem:
        return f"cannot write the warehouse there: {problem}"
    problem = not_a_database(warehouse)
    if problem:
        return f"cannot use the warehouse: {problem}"
    problem = _unwritable_folder(reports)
    return f"cannot write the run's report there: {problem}" if problem else None


def _unwritable_folder(folder: Path) -> str | None:
    """Why files cannot be made in `folder` (created if missing), or None: checked
    before the run starts its Prefect server, not found at its first load."""
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"{folder}: {exc.strerror or exc}"
    return None


def cmd_run(args: argparse.Namespace) -> int:
    _prepare_environment(args.verbose)
    try:
        settings = load_settings()
        limits = _parse_thresholds(args.threshold)
    except ValueError as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return 2
    inputs = args.input or list(settings.inputs)
    if args.full and args.input:
        print(
            "newsclean: --full re-cleans what the warehouse holds and reads no input; "
            "drop --input (or drop --full to read the inputs)",
            file=sys.stderr,
        )
        return 2
    missing = [p for p in inputs if not Path(p).exists()]
    if missing and not args.full:
        print(f"newsclean: input path(s) not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    problem = _unusable_outputs(
        Path(args.warehouse or settings.warehouse), Path(args.reports_dir or settings.reports_dir)
    )
    if problem:
        print(f"newsclean: {problem}", file=sys.stderr)
        return 2
    from flows import local_server

    # With no Prefect server given, a local one boots while the flow's code loads.
    with local_server.for_this_run() as server:
        from flows.pipeline import (
            QualityGateFailed,
            news_etl,
            send_pending_logs,
            stopped_by,
            summary_rows,
        )

        if not args.verbose:  # the CLI prints why a run failed; Prefect's traceback is noise
            logging.getLogger("prefect.flow_runs").setLevel(logging.CRITICAL)
        if server is not None:
            try:
                server.wait_ready()
            except RuntimeError as exc:
                print(f"newsclean: {exc}", file=sys.stderr)
                return 1
        state = news_etl(
            inputs=inputs,
            warehouse=args.warehouse,
            batch_size=args.batch_size,
            batch_bytes=args.batch_bytes,
            reports_dir=args.reports_dir,
            thresholds=limits or None,
            full=args.full,
            runner="dask" if args.dask_address else args.runner,
            workers=args.workers,
            dask_address=args.dask_address,
            return_state=True,
        )
        outcome = state.result(raise_on_failure=False)
        send_pending_logs()  # while the local server still answers
    if isinstance(outcome, QualityGateFailed):
        _print_table(summary_rows(outcome.summary), "newsclean run summary")
        print(f"\nnewsclean: run FAILED — {outcome.message}", file=sys.stderr)
        print(f"newsclean: see the report: {outcome.summary.report_path}", file=sys.stderr)
        return 1
    if isinstance(outcome, BaseException):
        sig = stopped_by(outcome)
        if sig is not None:  # Prefect's own SIGTERM handler had it, not ours
            print("newsclean: terminated", file=sys.stderr)
            return 128 + sig
        print(f"newsclean: run FAILED — {type(outcome).__name__}: {outcome}", file=sys.stderr)
        return 1
    _print_table(summary_rows(outcome), "newsclean run summary")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _prepare_environment(args.verbose)
    if not os.environ.get("PREFECT_API_URL"):
        print(
            "newsclean: serve needs a Prefect server to schedule runs. Start one with\n"
            "  prefect server start --host 127.0.0.1 --port 4200\n"
            "and point newsclean at it:\n"
            "  export PREFECT_API_URL=http://127.0.0.1:4200/api",
            file=sys.stderr,
        )
        return 2
    try:
        limits = _parse_thresholds(args.threshold)
    except ValueError as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return 2
    settings = load_settings()
    problem = _unusable_outputs(
        Path(args.warehouse or settings.warehouse), Path(args.reports_dir or settings.reports_dir)
    )
    if problem:
        print(f"newsclean: {problem}", file=sys.stderr)
        return 2
    from flows.local_server import answers

    url = os.environ["PREFECT_API_URL"]
    if not answers(url):  # else Prefect's client ends in a ConnectError traceback
        print(
            f"newsclean: no Prefect server answers at {url} (its /health); start one with\n"
            "  prefect server start --host 127.0.0.1 --port 4200\n"
            "or point PREFECT_API_URL at the one you run",
            file=sys.stderr,
        )
        return 2
    from flows.pipeline import news_etl

    # Absolute paths: scheduled runs must not depend on where they are executed.
    parameters = {
        "inputs": [str(Path(p).resolve()) for p in (args.input or settings.inputs)],
        "warehouse": str(Path(args.warehouse or settings.warehouse).resolve()),
        "reports_dir": str(Path(args.reports_dir or settings.reports_dir).resolve()),
        "batch_size": args.batch_size,
        "batch_bytes": args.batch_bytes,
        "thresholds": limits or None,
        "runner": "dask" if args.dask_address else args.runner,
        "workers": args.workers,
        "dask_address": args.dask_address,
    }
    schedule = {"cron": args.cron} if args.cron else {"interval": args.interval}
    print(
        f"newsclean: serving deployment news_etl/{args.name} "
        f"({'cron ' + args.cron if args.cron else f'every {args.interval} s'}) "
        f"against {os.environ['PREFECT_API_URL']}; Ctrl-C stops",
        file=sys.stderr,
    )
    news_etl.serve(
        name=args.name,
        parameters={k: v for k, v in parameters.items() if v is not None},
        limit=1,  # runs of this deployment never overlap (the writer lock backs this up)
        **schedule,
    )
    return 0


def _existing_warehouse(arg: str | None) -> Warehouse | None:
    """The warehouse a read command names (or the default), telling the user when it
    is missing or busy; None when there is none yet."""
    from warehouse import Warehouse

    path = Path(arg or load_settings().warehouse)
    if not path.exists():
        print(f"newsclean: no warehouse at {path}; run `newsclean run` first", file=sys.stderr)
        return None
    return Warehouse(path, on_busy=lambda msg: print(f"newsclean: {msg}", file=sys.stderr))


def cmd_report(args: argparse.Namespace) -> int:
    import webbrowser

    from flows.report import latest_run_id, write_report

    settings = load_settings()
    store = _existing_warehouse(args.warehouse)
    if store is None:
        return 2
    problem = _unwritable_folder(Path(args.reports_dir or settings.reports_dir))
    if problem:
        print(f"newsclean: cannot write the report there: {problem}", file=sys.stderr)
        return 2
    run_id = args.run or latest_run_id(store)
    if run_id is None:
        print(f"newsclean: {store.path} has no runs yet", file=sys.stderr)
        return 2
    try:
        written = write_report(store, run_id, args.reports_dir or settings.reports_dir)
    except KeyError as exc:
        print(f"newsclean: {exc.args[0]}", file=sys.stderr)
        return 2
    print(written.html_path)
    print(written.markdown_path)
    if args.open and not webbrowser.open(written.html_path.resolve().as_uri()):
        print(
            "newsclean: found no web browser to open it (a server without a display?); "
            "open the HTML file above, it needs no network",
            file=sys.stderr,
        )
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    import polars as pl

    store = _existing_warehouse(args.warehouse)
    if store is None:
        return 2
    from warehouse import QueryError

    try:
        frame = store.query(args.query, read_only=True)
    except QueryError as exc:
        print(f"newsclean sql: {exc}", file=sys.stderr)
        return 1
    with pl.Config(tbl_rows=args.max_rows, fmt_str_lengths=args.width, tbl_width_chars=200):
        print(frame)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from warehouse import QueryError
    from warehouse.export import export_articles, output_format

    out = Path(args.out)
    try:
        output_format(out)
    except ValueError as exc:
        print(f"newsclean export: {exc}", file=sys.stderr)
        return 2
    store = _existing_warehouse(args.warehouse)
    if store is None:
        return 2
    print(f"exporting the {args.articles} articles of {store.path} to {out} …", file=sys.stderr)
    try:
        done = export_articles(store, out, args.articles, args.where)
    except (QueryError, OSError) as exc:
        print(f"newsclean export: {exc}", file=sys.stderr)
        return 1
    print(
        f"exported {done.articles:,} article{'' if done.articles == 1 else 's'} to {done.path} "
        f"({done.size_bytes / 1e6:.1f} MB) in {done.seconds:.1f} s"
    )
    return 0


def _labelled_records(path: Path) -> list[dict[str, object]]:
    """The records of an eval dataset; ValueError (DatasetError) names the first line
    that is not one, or says that no record has a gold label."""
    from flows.datasets import dataset_records

    records = []
    for number, record in dataset_records(path):
        if not isinstance(record.get("text"), str):
            raise ValueError(f"{path.name} line {number}: expected an object with a 'text' string")
        records.append(record)
    if not any("gold_body" in r or "gold_date" in r for r in records):
        raise ValueError(f"{path.name}: no record has a gold_body or a gold_date: nothing to score")
    return records


def cmd_eval(args: argparse.Namespace) -> int:

    from flows.evaluation import evaluate_records

    path = Path(args.dataset)
    if not path.is_file():
        print(f"newsclean: no dataset at {path}", file=sys.stderr)
        return 2
    try:
        records = _labelled_records(path)
    except ValueError as exc:
        print(f"newsclean eval: {exc}", file=sys.stderr)
        return 2
    print(f"evaluating {len(records)} record(s) from {path} …", file=sys.stderr)
    report, results = evaluate_records(records)
    rows: list[tuple[str, object]] = [
        ("records", report.records),
        ("quarantined", report.quarantined),
    ]
    if report.body:
        rows += [
            ("body precision", f"{report.body.precision:.3f}"),
            ("body recall", f"{report.body.recall:.3f}"),
            ("body F1", f"{report.body.f1:.3f}"),
        ]
    if report.date_accuracy is not None:
        rows.append(("date accuracy (exact day)", f"{report.date_accuracy:.3f}"))
    _print_table(rows, f"newsclean eval: {path.name}")
    if args.output:
        Path(args.output).write_text(
            "\n".join(json.dumps(r, default=str, ensure_ascii=False) for r in results) + "\n",
            encoding="utf-8",
        )
    return 0


REPO = Path(__file__).resolve().parent.parent
DEV_SET = REPO.parent / "shared" / "data" / "news-text-dev"


def _default_corruption_sources() -> list[Path]:
    """The seeds, plus the dev set's texts when ../shared is beside the repository."""
    sources = [REPO / "seeds"]
    sources += [p for p in (DEV_SET / "boilerplate.jsonl", DEV_SET / "dates.jsonl") if p.is_file()]
    return sources


def cmd_bench_corruption(args: argparse.Namespace) -> int:

    import polars as pl

    from flows.bench.corruption import report_frame
    from flows.datasets import DatasetError
    from flows.evaluation import corruption_benchmark

    sources = [Path(p) for p in args.source] if args.source else _default_corruption_sources()
    missing = [str(p) for p in sources if not p.exists()]
    if missing:
        print(f"newsclean: source(s) not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    print(
        f"damaging the clean texts of {', '.join(map(str, sources))} six ways and cleaning "
        "every version (about a minute for the dev set) …",
        file=sys.stderr,
    )
    try:
        report = corruption_benchmark(sources, seed=args.seed)
    except DatasetError as exc:  # a JSONL source with a line that is not a record
        print(f"newsclean: {exc}", file=sys.stderr)
        return 2
    with pl.Config(tbl_rows=20, tbl_hide_dataframe_shape=True):
        print(report_frame(report))
    print(
        f"(a) damaged documents restored exactly: {report.restored_share:.2%} "
        f"of {report.damaged} (target ≥ 99%)"
    )
    print(
        f"(b) clean documents changed beyond whitespace: {report.changed_share:.2%} "
        f"({len(report.clean_changed)} of {report.clean_docs}; target ≤ 0.5%)"
        + (f": {', '.join(report.clean_changed[:10])}" if report.clean_changed else "")
    )
    for name, kind, want, got in report.failures[: args.show_failures]:
        print(f"  not restored: {name} [{kind}]\n    expected …{want!r}…\n    got      …{got!r}…")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "restored_share": report.restored_share,
                    "changed_share": report.changed_share,
                    "by_kind": report_frame(report).to_dicts(),
                    "clean_changed": report.clean_changed,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


def cmd_bench_generate(args: argparse.Namespace) -> int:
    from flows.bench.generate import CorpusGenerator, body_paragraphs, source_texts, write_corpus

    sources = [Path(p) for p in (args.source or ["seeds"])]
    missing = [str(p) for p in sources if not p.exists()]
    if missing:
        print(f"newsclean: source(s) not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        generator = CorpusGenerator(body_paragraphs(source_texts(sources)), seed=args.seed)
    except ValueError as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"newsclean: {out} is not empty (use --force to write into it)", file=sys.stderr)
        return 2
    formats = ["txt", "jsonl"] if args.format == "both" else [args.format]
    print(f"writing {args.docs:,} documents ({', '.join(formats)}) to {out} …", file=sys.stderr)
    summary = write_corpus(
        out,
        args.docs,
        generator,
        formats,
        shard_docs=args.shard_docs,
        progress=lambda n: print(f"  {n:,} / {args.docs:,}", file=sys.stderr),
    )
    rows: list[tuple[str, object]] = [("documents", summary.docs), ("seed", summary.seed)]
    rows += [(f"{fmt} bytes", f"{n / 1e6:,.1f} MB") for fmt, n in summary.bytes_by_format.items()]
    rows += [(f"injected: {k}", v) for k, v in sorted(summary.defects.items())]
    _print_table(rows, f"corpus {out}")
    return 0


def cmd_bench_steps(args: argparse.Namespace) -> int:
    from flows.bench.steps import read_batch, time_steps

    corpus = Path(args.corpus)
    if not corpus.exists():
        print(f"newsclean: corpus not found: {corpus}", file=sys.stderr)
        return 2
    print(f"reading the first {args.docs:,} documents of {corpus} …", file=sys.stderr)
    try:
        report = time_steps(read_batch(corpus, args.docs), args.repeats)
    except (FileNotFoundError, ValueError) as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return 2
    docs = report.documents
    print(f"{docs:,} documents, {report.input_bytes / 1e6:.1f} MB; best of {args.repeats} passes")
    print(f"{'step':<20} {'ms/doc':>8} {'share':>6}")
    for s in report.steps:
        print(f"{s.name:<20} {1e3 * s.seconds / docs:>8.4f} {s.seconds / report.total:>6.1%}")
    print(f"{'total':<20} {1e3 * report.total / docs:>8.4f}")
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    return 0


def cmd_bench_encodings(args: argparse.Namespace) -> int:
    from flows.bench.encodings import load_texts, score

    paths = [Path(p) for p in args.dataset]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"newsclean: dataset not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        texts = load_texts(paths)
    except (OSError, ValueError) as exc:
        print(f"newsclean: cannot read the dataset: {exc}", file=sys.stderr)
        return 2
    print(f"saving {len(texts):,} texts in their languages' code pages …", file=sys.stderr)
    scores = score(texts)
    print(f"{'encoding':<12} {'files':>6} {'exact':>6} {'wrong':>6} {'refused':>8}")
    for s in scores:
        exact = s.files - s.wrong
        print(f"{s.encoding:<12} {s.files:>6} {exact:>6} {s.wrong:>6} {s.refused:>8}")
    files, wrong = sum(s.files for s in scores), sum(s.wrong for s in scores)
    refused = sum(s.refused for s in scores)
    print(f"{'all':<12} {files:>6} {files - wrong:>6} {wrong:>6} {refused:>8}")
    return 0


def cmd_bench_run(args: argparse.Namespace) -> int:
    _prepare_environment(args.verbose)
    from flows.bench.throughput import run_benchmark

    try:
        import psutil  # noqa: F401  (measures the memory of the run's process tree)
    except ImportError:
        print("newsclean: bench run needs the bench extra: pip install 'newsclean[bench]'",
              file=sys.stderr)  # fmt: skip
        return 2

    corpus = Path(args.corpus)
    if not corpus.exists():
        print(
            f"newsclean: corpus not found: {corpus} "
            f"(make one: newsclean bench generate --docs 100000 --out {corpus})",
            file=sys.stderr,
        )
        return 2
    peers = tuple(p for p in ("naive", "datatrove") if p not in (args.skip or []))
    try:
        report = run_benchmark(
            corpus,
            peers=peers,
            peer_docs=args.peer_docs,
            runner=args.runner,
            workers=args.workers,
            batch_size=args.batch_size,
            batch_bytes=args.batch_bytes,
            say=lambda m: print(m, file=sys.stderr),
        )
    except FileNotFoundError as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return 2
    peers_ran = any(r.name != "newsclean" and not r.skipped for r in report.results)
    peers = f"peers on the first {report.peer_documents:,}" if peers_ran else "no peers"
    print(f"\ncorpus {report.corpus}: {report.corpus_documents:,} documents; {peers}")
    header = f"{'pipeline':<10} {'docs':>9} {'MB':>8} {'seconds':>8} {'docs/s':>8} "
    print(header + f"{'MB/s':>7} {'peak RSS':>9} {'peak PSS':>9}  note")
    for r in report.results:
        if r.skipped:
            print(f"{r.name:<10} skipped: {r.skipped}")
            continue
        print(
            f"{r.name:<10} {r.documents:>9,} {r.input_bytes / 1e6:>8.1f} {r.seconds:>8.1f} "
            f"{r.docs_per_second:>8,.0f} {r.mb_per_second:>7.2f} "
            f"{r.peak_rss_bytes / 2**20:>6,.0f} MB {r.peak_pss_bytes / 2**20:>6,.0f} MB  {r.note}"
        )
    ours = report.by_name("newsclean")
    if ours and ours.flow_seconds is not None:
        outside = ours.seconds - ours.flow_seconds
        print(
            f"\nnewsclean wall time {ours.seconds:.1f} s: {ours.flow_seconds:.1f} s in the flow, "
            f"{outside:.1f} s around it (loading its code, starting and stopping the local "
            "Prefect server; the same for a run of any size)"
        )
    if ours and ours.stage_seconds:
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in ours.stage_seconds.items())
        print(f"newsclean busy time per stage (summed over workers): {stages}")
        parts = ", ".join(f"{k} {v / 2**20:,.0f} MB" for k, v in ours.rss_parts.items())
        print(f"newsclean peak RSS by process (each kind's own peak): {parts}")
        cpu = sum(ours.cpu_parts.values())
        if cpu:
            shares = ", ".join(f"{k} {v:,.1f} s ({v / cpu:.0%})" for k, v in ours.cpu_parts.items())
            print(f"newsclean CPU time by process: {shares}; {cpu / ours.seconds:.2f} cores busy")
    for peer, ratio in report.ratios().items():
        print(f"newsclean / {peer}: {ratio:.1f}x (MB/s)")
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    return 0 if ours else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsclean",
        description="Clean messy news text into a trustworthy DuckDB corpus "
        "(Prefect + polars + ftfy + pandera + DuckDB).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # Options a scheduled run takes exactly as a one-off run does.
    run_options = argparse.ArgumentParser(add_help=False)
    run_options.add_argument(
        "--input",
        action="append",
        metavar="PATH",
        help="a file or folder (recursive) to read; repeatable. Formats: .txt/.md "
        "(one article per file), .html/.htm (one per page, dated by its markup), "
        ".rss/.atom (one per entry), .warc (one per archived page), .jsonl/.ndjson "
        "(a line that is an API's answer gives the records its list holds), "
        ".json (an array, or an object holding a list of them), .csv, .parquet (one "
        "per record; 'text' required, 'id', 'url', 'title', 'date' optional), each "
        "also gzip/bzip2/xz/zstd-compressed (feed.jsonl.gz); .zip and "
        ".tar/.tar.gz/.tgz archives of such files are read without unpacking. "
        "Default: seeds/",
    )
    run_options.add_argument(
        "--warehouse",
        metavar="FILE",
        help="DuckDB file to load into (created if missing). Default: warehouse/news.duckdb",
    )
    run_options.add_argument(
        "--batch-size",
        type=_at_least(1),
        metavar="N",
        help="documents per batch (one task): up to N files, or N records of a JSONL, "
        "JSON, CSV or Parquet file (default 2000); batches are loaded into DuckDB "
        "a few at a time, ~8,000 documents per transaction",
    )
    run_options.add_argument(
        "--batch-bytes",
        type=_size_arg,
        metavar="SIZE",
        help="… and about this much input text per batch, e.g. 8M, 512K (default 6M): "
        "batches of long pages hold fewer documents, so memory does not grow with "
        "document size",
    )
    run_options.add_argument(
        "--runner",
        choices=["auto", "threads", "processes", "dask"],
        help="where batches are read, cleaned and validated: 'auto' (default: in this "
        "process for a one-batch run, else a pool of worker processes), 'threads' (this "
        "process), 'processes', or 'dask' (prefect-dask; a local cluster unless "
        "--dask-address). The warehouse is always written by this process",
    )
    run_options.add_argument(
        "--workers",
        type=_at_least(0),
        metavar="N",
        help="worker processes (default, or 0: one per CPU core)",
    )
    run_options.add_argument(
        "--dask-address",
        metavar="ADDR",
        help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --runner dask)",
    )
    run_options.add_argument(
        "--reports-dir", metavar="DIR", help="where run reports go (default reports/)"
    )
    run_options.add_argument(
        "--threshold",
        action="append",
        metavar="NAME=VALUE",
        help="a quality gate for this run, e.g. max_quarantine_rate=0.1; repeatable. "
        "Gates: max_quarantine_rate (default 0.5), max_undated_share (0.5), "
        "max_unrecoverable_share (0.3), max_duplicate_share (0.5). Exceeding one fails "
        "the run (exit 1) after "
        "the report is written",
    )
    run_options.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own logs")

    run = sub.add_parser(
        "run",
        parents=[run_options],
        help="run the news_etl flow: ingest → clean → validate → load → report",
        description="Run the news_etl Prefect flow once, locally, and print a summary table. "
        "Runs report to the Prefect server in PREFECT_API_URL; with none set, a local one "
        "(`prefect server start`) runs for the duration of the run: nothing to start by hand.",
    )
    run.add_argument(
        "--full",
        action="store_true",
        help="re-clean every raw document already in the warehouse (after the cleaning "
        "rules changed) instead of reading the inputs; runs are incremental otherwise "
        "(only new or changed files are read)",
    )
    run.set_defaults(func=cmd_run)

    srv = sub.add_parser(
        "serve",
        parents=[run_options],
        help="serve news_etl on a schedule against a Prefect server",
        description="Serve the news_etl flow as a Prefect deployment with a schedule, using "
        "Prefect's `serve`: the process stays up and runs each scheduled flow run. Needs "
        "PREFECT_API_URL pointing at a Prefect server (see README, Operating newsclean).",
    )
    when = srv.add_mutually_exclusive_group()
    when.add_argument(
        "--cron", type=_cron, metavar="EXPR", help='cron schedule, e.g. "*/15 * * * *"'
    )
    when.add_argument(
        "--interval",
        type=_at_least(1),
        default=3600,
        metavar="SECONDS",
        help="every N seconds (3600)",
    )
    srv.add_argument("--name", default="scheduled", help="deployment name (default scheduled)")
    srv.set_defaults(func=cmd_serve)

    ev = sub.add_parser(
        "eval",
        help="score the cleaning on a labelled JSONL dataset",
        description="Run the real ingest → clean → validate stages on a JSONL file of "
        "{id, url, text, gold_body?, gold_date?} and print body precision/recall/F1 "
        "(4-token shingles, averaged per page) and exact-day date accuracy.",
    )
    ev.add_argument(
        "--dataset",
        required=True,
        metavar="FILE.jsonl",
        help="e.g. ../shared/data/news-text-dev/boilerplate.jsonl",
    )
    ev.add_argument("--output", metavar="FILE.jsonl", help="also write each record's output")
    ev.set_defaults(func=cmd_eval)

    bench = sub.add_parser(
        "bench",
        help="benchmarks: corruption (is damaged text restored?), generate (a realistic "
        "corpus), run (throughput against naive and datatrove pipelines), steps (time "
        "per cleaning step), encodings (do legacy code pages read back?)",
        description="Benchmarks of newsclean itself.",
    )
    bench_sub = bench.add_subparsers(dest="bench_command", required=True, metavar="BENCHMARK")
    corr = bench_sub.add_parser(
        "corruption",
        help="damage clean text six ways and check that cleaning restores it",
        description="Take clean texts, damage each one the ways the web does (UTF-8 read "
        "as cp1252, as latin-1, double-encoded, one damaged paragraph, HTML entities, "
        "stray U+FFFD), clean every version, and report (a) the share of damaged "
        "documents whose cleaned body equals the cleaned body of the original and (b) "
        "the share of clean documents that the Unicode repair changes beyond whitespace. "
        "Texts carrying U+FFFD, C1 controls or HTML entities are not clean and are left out.",
    )
    corr.add_argument(
        "--source",
        action="append",
        metavar="PATH",
        help="a .txt file, a folder of them, or a JSONL file (gold_body or text); "
        "repeatable. Default: seeds/ plus ../shared/data/news-text-dev/*.jsonl if present",
    )
    corr.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    corr.add_argument(
        "--show-failures",
        type=_at_least(0),
        default=5,
        metavar="N",
        help="examples to print (default 5)",
    )
    corr.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    corr.set_defaults(func=cmd_bench_corruption)

    gen = bench_sub.add_parser(
        "generate",
        help="write a realistic messy news corpus of any size (.txt files + JSONL shards)",
        description="Assemble articles from the paragraphs of real text (the seeds, plus any "
        "--source) and dress them as scraped pages: 12 outlets with their own menus and "
        "footers, 4 header layouts, dates in 8 languages and many forms, and in realistic "
        "minorities hard wraps with NBSP, glued sentences, doubled titles, mojibake, U+FFFD, "
        "cp1252 files, exact and near duplicates and invalid records. Document i depends "
        "only on (seed, i): the same seed gives the same bytes. corpus.json lists what "
        "was injected.",
    )
    gen.add_argument(
        "--docs", type=_at_least(1), required=True, metavar="N", help="documents to write"
    )
    gen.add_argument("--out", required=True, metavar="DIR", help="output folder")
    gen.add_argument(
        "--source",
        action="append",
        metavar="PATH",
        help="text to build articles from: .txt files/folders or JSONL (gold_body or text); "
        "repeatable. Default: seeds/",
    )
    gen.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    gen.add_argument(
        "--format",
        choices=["both", "txt", "jsonl"],
        default="both",
        help="txt: one file per document, 1,000 per folder; jsonl: shards (default both)",
    )
    gen.add_argument(
        "--shard-docs",
        type=_at_least(1),
        default=10_000,
        metavar="N",
        help="records per JSONL shard",
    )
    gen.add_argument("--force", action="store_true", help="write into a non-empty folder")
    gen.set_defaults(func=cmd_bench_generate)

    brun = bench_sub.add_parser(
        "run",
        help="time the full pipeline on a generated corpus, against naive and datatrove",
        description="Run the full news_etl flow (ingest, clean, validate, load, report) on "
        "the corpus's JSONL shards into a temporary warehouse and print documents/s, MB/s, "
        "the peak memory of the whole process tree (RSS summed over its processes, and PSS, "
        "which counts a page shared by several processes once) and busy time per stage; "
        "then, in the same "
        "invocation, (a) the naive pipeline (pandas, ftfy.fix_text and dateparser per row, "
        "a DuckDB insert) and (b) datatrove's JsonlReader → FTFYFormatter → JsonlWriter, "
        "and print the ratios. Peers need the bench extra: pip install 'newsclean[bench]'.",
    )
    brun.add_argument("--corpus", required=True, metavar="DIR", help="from bench generate")
    brun.add_argument(
        "--peer-docs",
        type=_at_least(1),
        default=20_000,
        metavar="N",
        help="peers run on the first N documents of a larger corpus (default 20000; the "
        "naive pipeline needs ~10 ms a document)",
    )
    brun.add_argument(
        "--skip", action="append", choices=["naive", "datatrove"], help="leave a peer out"
    )
    brun.add_argument("--runner", default="auto", choices=["auto", "threads", "processes", "dask"])
    brun.add_argument("--workers", type=_at_least(0), metavar="N", help="worker processes")
    brun.add_argument("--batch-size", type=_at_least(1), metavar="N", help="documents per batch")
    brun.add_argument(
        "--batch-bytes", type=_size_arg, metavar="SIZE", help="input per batch, e.g. 8M"
    )
    brun.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    brun.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own logs")
    brun.set_defaults(func=cmd_bench_run)

    steps = bench_sub.add_parser(
        "steps",
        help="time each cleaning step on one batch: where the cleaning time goes",
        description="Read the first --docs documents of a corpus (a generated corpus's "
        "JSONL shards, or any file or folder newsclean reads) as one batch and time each "
        "cleaning step, the split into tables and validation on it, in this process, as "
        "a batch worker runs them (after a warm-up batch, with the heap frozen); each "
        "step's best of --repeats passes. bench run gives a whole run's time per stage.",
    )
    steps.add_argument("--corpus", required=True, metavar="PATH", help="corpus folder or input")
    steps.add_argument(
        "--docs",
        type=_at_least(1),
        default=2000,
        metavar="N",
        help="documents in the batch (default 2000)",
    )
    steps.add_argument(
        "--repeats", type=_at_least(1), default=3, metavar="N", help="passes (default 3)"
    )
    steps.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    steps.set_defaults(func=cmd_bench_steps)

    enc = bench_sub.add_parser(
        "encodings",
        help="how files in legacy code pages read back (real texts, saved in their "
        "languages' code pages)",
        description="Read the texts of JSONL datasets (records with a text field, such "
        "as the dev set), save each in the code pages its language was published in "
        "(Shift_JIS, EUC-KR, cp1251, cp1250, cp1252 …, and UTF-16 without a byte-order "
        "mark) and decode the bytes as an input file is; print, per encoding, how many "
        "read back exactly, wrongly, or not at all.",
    )
    enc.add_argument(
        "--dataset", required=True, nargs="+", metavar="FILE", help="JSONL file(s) of texts"
    )
    enc.set_defaults(func=cmd_bench_encodings)

    rep = sub.add_parser(
        "report",
        help="(re)write the HTML + Markdown report of a run from the warehouse",
        description="Write reports/run-<ID>.html (self-contained, works offline) and "
        "run-<ID>.md for a run, from what the warehouse holds. Prints both paths.",
    )
    rep.add_argument("--run", metavar="ID", help="run id (default: the latest run)")
    rep.add_argument("--open", action="store_true", help="open the HTML report in a browser")
    rep.add_argument(
        "--warehouse", metavar="FILE", help="DuckDB file (default warehouse/news.duckdb)"
    )
    rep.add_argument("--reports-dir", metavar="DIR", help="where to write (default reports/)")
    rep.set_defaults(func=cmd_report)

    q = sub.add_parser(
        "sql",
        help="run a read-only SQL query against the warehouse",
        description="Run one read-only SQL statement and print the result.",
    )
    q.add_argument("query", help='e.g. "select source_id, title from articles"')
    q.add_argument(
        "--warehouse", metavar="FILE", help="DuckDB file (default warehouse/news.duckdb)"
    )
    q.add_argument("--max-rows", type=_at_least(1), default=50, help="rows to print (default 50)")
    q.add_argument(
        "--width", type=_at_least(1), default=60, help="characters per cell (default 60)"
    )
    q.set_defaults(func=cmd_sql)

    x = sub.add_parser(
        "export",
        help="write the cleaned articles to a Parquet, JSON Lines or CSV file",
        description="Write the cleaned articles to a file, in input order, for other tools: "
        "a training set, a search index, a notebook. The format follows the file's name.",
        epilog="examples:\n"
        "  newsclean export corpus.parquet\n"
        "  newsclean export en-2024.jsonl.zst --where \"language = 'en' and "
        "published_date >= '2024-01-01'\"\n"
        "  newsclean export everything.csv.gz --articles all",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    x.add_argument(
        "out",
        metavar="FILE",
        help="where to write: .parquet, .jsonl or .csv (the last two also .gz or .zst)",
    )
    x.add_argument(
        "--articles",
        choices=["distinct", "current", "all"],
        default="distinct",
        help="distinct: the latest version of each input record, each body once (default); "
        "current: also the duplicates; all: every version ever loaded",
    )
    x.add_argument(
        "--where",
        metavar="SQL",
        help="only articles matching this SQL condition on the article columns, e.g. "
        "\"language = 'en'\"",
    )
    x.add_argument(
        "--warehouse", metavar="FILE", help="DuckDB file (default warehouse/news.duckdb)"
    )
    x.set_defaults(func=cmd_export)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (`timeout`, `kill`, systemd, `docker stop`), raised like Ctrl-C so that
    the run ends the same way: Prefect records the flow run as crashed, the local
    server is stopped and its temporary folder removed. Without this, Python dies at
    once and leaves all of that behind."""


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Raise `Terminated` on SIGTERM within the block (main thread only: Python
    delivers signals there), then put the previous handler back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    main_pid = os.getpid()

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != main_pid:  # a forked worker inherited this: die as before
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsclean` console script."""
    args = build_parser().parse_args(argv)
    try:
        with _sigterm_as_interrupt():
            return int(args.func(args))
    except SettingsError as exc:  # newsclean.toml or NEWSCLEAN_*, for any command
        print(f"newsclean: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Exception) as exc:
        found = wrapped_signal(exc, (Terminated, KeyboardInterrupt))
        if found is None:
            from warehouse.store import WarehouseUnreadable

            if isinstance(exc, WarehouseUnreadable):  # a read command's --warehouse
                print(f"newsclean: {exc}", file=sys.stderr)
                return 2
            raise
        if found is Terminated or isinstance(found, Terminated):
            print("newsclean: terminated", file=sys.stderr)
            return 128 + signal.SIGTERM
        print("newsclean: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
