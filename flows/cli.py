"""The `newsclean` command.

Prefect is imported lazily (it takes a few seconds), so `--help` and `sql` are fast,
and the environment is set before Prefect reads it: telemetry off (there is no
internet here), and Prefect's own INFO chatter hidden unless --verbose.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from flows.config import load_settings

EPILOG = """\
examples:
  newsclean run                              clean seeds/ into warehouse/news.duckdb
  newsclean run --input data/ --input more.jsonl --warehouse /tmp/news.duckdb
  newsclean sql "select source_id, title, published_date from articles"
  newsclean eval --dataset ../shared/data/news-text-dev/boilerplate.jsonl

settings come from newsclean.toml (if present) and NEWSCLEAN_* environment variables;
command-line flags win over both.
"""


def _prepare_environment(verbose: bool) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    logging.basicConfig(format="%(message)s", stream=sys.stderr)
    logging.getLogger("newsclean").setLevel(logging.INFO)


def _print_table(rows: Sequence[tuple[str, object]], title: str) -> None:
    width = max(len(label) for label, _ in rows)
    print(title)
    print("-" * len(title))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def cmd_run(args: argparse.Namespace) -> int:
    _prepare_environment(args.verbose)
    from flows.pipeline import news_etl, summary_rows

    settings = load_settings()
    inputs = args.input or list(settings.inputs)
    missing = [p for p in inputs if not Path(p).exists()]
    if missing:
        print(f"newsclean: input path(s) not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    summary = news_etl(
        inputs=inputs,
        warehouse=args.warehouse,
        batch_size=args.batch_size,
        reports_dir=args.reports_dir,
    )
    _print_table(summary_rows(summary), "newsclean run summary")
    return 0 if summary.status == "Completed" else 1


def cmd_sql(args: argparse.Namespace) -> int:
    import polars as pl

    from warehouse import Warehouse

    path = Path(args.warehouse or load_settings().warehouse)
    if not path.exists():
        print(f"newsclean: no warehouse at {path}; run `newsclean run` first", file=sys.stderr)
        return 2
    frame = Warehouse(path).query(args.query, read_only=True)
    with pl.Config(tbl_rows=args.max_rows, fmt_str_lengths=args.width, tbl_width_chars=200):
        print(frame)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    from flows.evaluation import evaluate_records

    path = Path(args.dataset)
    if not path.is_file():
        print(f"newsclean: no dataset at {path}", file=sys.stderr)
        return 2
    records = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsclean",
        description="Clean messy news text into a trustworthy DuckDB corpus "
        "(Prefect + polars + ftfy + pandera + DuckDB).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the news_etl flow: ingest → clean → validate → load → report",
        description="Run the news_etl Prefect flow once, locally (Prefect starts a temporary "
        "in-process server; nothing to start by hand), and print a summary table.",
    )
    run.add_argument(
        "--input",
        action="append",
        metavar="PATH",
        help="a file or folder (recursive) to read; repeatable. Formats: .txt/.md "
        "(one article per file), .jsonl/.ndjson, .csv, .parquet (one article per "
        "record; 'text' required, 'id', 'url', 'title', 'date' optional). "
        "Default: seeds/",
    )
    run.add_argument(
        "--warehouse",
        metavar="FILE",
        help="DuckDB file to load into (created if missing). Default: warehouse/news.duckdb",
    )
    run.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help="input files per batch/transaction (default 2000)",
    )
    run.add_argument("--reports-dir", metavar="DIR", help="where run reports go (default reports/)")
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own logs")
    run.set_defaults(func=cmd_run)

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

    q = sub.add_parser(
        "sql",
        help="run a read-only SQL query against the warehouse",
        description="Run one read-only SQL statement and print the result.",
    )
    q.add_argument("query", help='e.g. "select source_id, title from articles"')
    q.add_argument(
        "--warehouse", metavar="FILE", help="DuckDB file (default warehouse/news.duckdb)"
    )
    q.add_argument("--max-rows", type=int, default=50, help="rows to print (default 50)")
    q.add_argument("--width", type=int, default=60, help="characters per cell (default 60)")
    q.set_defaults(func=cmd_sql)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsclean` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("newsclean: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
