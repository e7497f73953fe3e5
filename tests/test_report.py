"""The run report, quality gates and analyst views, on seeds plus broken inputs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from flows.cli import main
from flows.pipeline import QualityGateFailed, RunSummary, news_etl
from flows.report.data import load_report_data
from flows.report.svg import DATES, LOADED, QUARANTINED, REPAIR
from tests.conftest import SEEDS
from warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")

XSS_TITLE = "<script>alert(1)</script> Port reopens"


def make_demo_inputs(folder: Path) -> Path:
    """The seeds plus the deliberately broken inputs of the issue, a hostile title,
    and the first seed again under another name (a story loaded twice)."""
    shutil.copytree(SEEDS, folder)
    (folder / "wire-copy.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "menu.txt").write_text(
        "Home\nWorld\nSport\nSubscribe\nWe use cookies. Accept all cookies\n© 2024 Example\n"
    )
    story = "The port reopened on Monday after a week of repairs to the sea wall, officials said. "
    record = {"id": "x1", "url": "https://evil.example/a", "title": XSS_TITLE, "text": story * 3}
    (folder / "feed.jsonl").write_text(json.dumps(record) + "\n")
    return folder


@dataclass
class Demo:
    summary: RunSummary
    store: Warehouse
    html: str
    inputs: Path
    reports: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("report")
    inputs = make_demo_inputs(root / "in")
    reports = root / "reports"
    summary = news_etl(
        inputs=[str(inputs)], warehouse=str(root / "wh.duckdb"), reports_dir=str(reports)
    )
    html = Path(summary.report_path).read_text(encoding="utf-8")
    return Demo(summary, Warehouse(root / "wh.duckdb"), html, inputs, reports)


def test_run_loads_good_quarantines_bad_and_reconciles(demo: Demo) -> None:
    c = demo.summary.counts
    assert (c.docs_read, c.articles_loaded, c.quarantined, c.skipped) == (10, 7, 3, 0)
    reasons = dict(demo.store.query("select source_uri, reason_text from quarantine").iter_rows())
    assert "not text: PNG image" in reasons[str(demo.inputs / "picture.png")]
    assert "body_min_length" in reasons[str(demo.inputs / "menu.txt")]
    assert demo.summary.status == "Completed"


def test_report_is_self_contained_and_has_every_section(demo: Demo) -> None:
    html = demo.html
    sections = ("counts", "gates", "repairs", "quarantine", "dates", "outlets", "inputs", "trend")
    for section in sections:
        assert f"<section id='{section}'>" in html
    for chart in ("reconciliation", "repairs", "quarantine", "dates", "trend"):
        assert f"data-chart='{chart}'" in html
    assert "10 read = 7 loaded + 3 quarantined + 0 unchanged" in html
    assert "reconciles</span>" in html
    # Offline: nothing fetched from anywhere.
    assert "<link" not in html and " src=" not in html and "@import" not in html
    # Before/after examples for repair kinds, e.g. the U+FFFD removed from seed 000.
    assert "<div class='before'>" in html and "Located on the left bank" in html


def test_the_report_lists_the_inputs_by_format_and_encoding(demo: Demo) -> None:
    data = load_report_data(demo.store, demo.summary.run_id)
    rows = {(f, e): (n, ok, q) for f, e, n, ok, q in data.inputs.iter_rows()}
    assert rows == {
        ("text", "utf-8"): (7, 6, 1),  # the seeds, the copy, and the menu without an article
        ("jsonl", "utf-8"): (1, 1, 0),
        ("text", "empty"): (1, 0, 1),
        ("text", "binary"): (1, 0, 1),  # the PNG
    }
    assert "<section id='inputs'>" in demo.html
    markdown = Path(demo.summary.markdown_path).read_text(encoding="utf-8")
    assert (
        "## Inputs by format and encoding" in markdown
        and "| text | utf-8 | 7 | 6 | 1 |" in markdown
    )


def test_values_from_articles_are_escaped(demo: Demo) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Port reopens" in demo.html
    assert "<script>" not in demo.html


def test_markdown_summary_and_prefect_artifacts(demo: Demo) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    markdown = Path(demo.summary.markdown_path).read_text(encoding="utf-8")
    assert "## Quality gates" in markdown and "| 10 | 7 | 3 | 0 | yes |" in markdown
    keys = ["newsclean-run-summary", "newsclean-quality-gates", "newsclean-repairs"]
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=keys))
        )
    assert {a.key for a in found} == set(keys)


def test_report_command_regenerates_the_same_report(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "again"
    code = main(
        ["report", "--run", demo.summary.run_id, "--warehouse", str(demo.store.path),
         "--reports-dir", str(out)]
    )  # fmt: skip
    assert code == 0
    assert (out / Path(demo.summary.report_path).name).read_text(encoding="utf-8") == demo.html
    assert main(["report", "--run", "nope", "--warehouse", str(demo.store.path)]) == 2


@pytest.mark.parametrize("opened", [True, False])
def test_report_open_says_when_no_browser_could_open_it(
    demo: Demo,
    tmp_path: Path,
    opened: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--open` on a machine without a browser (webbrowser.open gives False) used to
    say nothing; the report is written either way."""
    asked: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: asked.append(url) or opened)
    argv = ["report", "--open", "--warehouse", str(demo.store.path), "--reports-dir", str(tmp_path)]
    assert main(argv) == 0
    printed = capsys.readouterr()
    html = Path(printed.out.splitlines()[0])
    assert html.is_file() and asked == [html.resolve().as_uri()]
    assert ("found no web browser to open it" in printed.err) is not opened


def test_low_threshold_fails_the_run_after_writing_the_report(demo: Demo, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    with pytest.raises(QualityGateFailed) as failed:
        news_etl(
            inputs=[str(demo.inputs)],
            warehouse=str(tmp_path / "wh.duckdb"),
            reports_dir=str(tmp_path / "reports"),
            thresholds={"max_quarantine_rate": 0.1},
        )
    summary = failed.value.summary
    assert "max_quarantine_rate" in failed.value.message and "30.0%" in failed.value.message
    run = Warehouse(tmp_path / "wh.duckdb").query("select * from runs").row(0, named=True)
    assert run["status"] == "Failed" and "max_quarantine_rate" in run["message"]
    html = Path(summary.report_path).read_text(encoding="utf-8")
    assert "Run failed:" in html and "badge bad'>exceeded" in html
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run["flow_run_id"]).state
    assert state is not None and state.is_failed()


def test_cli_reports_a_gate_failure_with_exit_1(
    demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["run", "--input", str(demo.inputs), "--warehouse", str(tmp_path / "w.duckdb"),
         "--reports-dir", str(tmp_path / "r"), "--threshold", "max_quarantine_rate=0.1"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "run FAILED" in err and "max_quarantine_rate" in err and "see the report" in err
    assert main(["run", "--threshold", "max_quarantine=0.1"]) == 2
    assert "unknown threshold" in capsys.readouterr().err


def test_analyst_views(demo: Demo) -> None:
    q = demo.store.query
    assert q("select count(*) from current_articles").item() == 7
    run = q("select * from quality_by_run").row(0, named=True)
    assert run["reconciles"] and run["quarantine_rate"] == pytest.approx(3 / 10, abs=1e-4)
    copies = q("select source_id, duplicate_of from duplicate_articles").rows()
    first = q("select article_id from current_articles where source_id like '000%'").item()
    assert copies == [("wire-copy", first)]
    assert q("select count(*) from distinct_articles").item() == 6
    checks = set(q("select check_name from quarantine_reasons")["check_name"].to_list())
    assert {"readable_input", "body_min_length"} <= checks
    conflict = q("select source_id, published_date from date_conflicts").rows()
    assert ("004_095502d58ae3b188", __import__("datetime").date(2026, 2, 4)) in conflict
    per_article = q("select kind, repairs from repairs_per_article where source_id like '000%'")
    assert ("unrecoverable_char", 1) in per_article.rows()


def test_current_articles_keeps_the_latest_version(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    wh, reports = str(tmp_path / "wh.duckdb"), str(tmp_path / "r")
    news_etl(inputs=[str(inputs)], warehouse=wh, reports_dir=reports)
    seed = sorted(inputs.glob("*.txt"))[1]
    correction = (
        "Correction: an earlier version of this article misstated the day on which the two "
        "ministers last spoke by telephone; it was a Wednesday, not a Tuesday."
    )
    seed.write_text(seed.read_text(encoding="utf-8") + "\n\n" + correction)
    news_etl(inputs=[str(inputs)], warehouse=wh, reports_dir=reports)
    store = Warehouse(wh)
    assert store.query("select count(*) from articles").item() == 6
    current = store.query(
        "select body from current_articles where source_uri = $u", {"u": str(seed)}
    )
    assert current.height == 1 and "misstated the day" in current["body"][0]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.fail("headless Chromium is needed: install Debian's `chromium` (make setup does)")


def _headless(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _colour_pixels(image: Image.Image, hex_colour: str, tolerance: int = 6) -> int:
    target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(
        n
        for n, px in image.getcolors(maxcolors=1 << 24)
        if all(abs(a - b) <= tolerance for a, b in zip(px[:3], target, strict=True))
    )


def test_report_renders_in_a_real_browser(demo: Demo, tmp_path: Path) -> None:
    """Charts and tables are painted by Chromium, and the hostile title stays text."""
    url = Path(demo.summary.report_path).resolve().as_uri()
    shot = demo.reports / "report-screenshot.png"
    _headless(
        "--hide-scrollbars", "--window-size=1280,5000", f"--screenshot={shot}", url,
        profile=tmp_path / "profile-shot",
    )  # fmt: skip
    image = Image.open(shot).convert("RGB")
    painted = {
        "loaded bars": _colour_pixels(image, LOADED),
        "quarantine bars": _colour_pixels(image, QUARANTINED),
        "repair bars": _colour_pixels(image, REPAIR),
        "date bars": _colour_pixels(image, DATES),
        "table headers": _colour_pixels(image, "#1f2937"),
    }
    assert all(n > 400 for n in painted.values()), painted
    dom = _headless("--dump-dom", url, profile=tmp_path / "profile-dom").stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Port reopens" in dom
    assert "<script>" not in dom
    assert dom.count('<svg class="chart"') == 5


def test_readme_sql_examples_run_on_the_warehouse(demo: Demo) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    views_part = readme.split("## Analyst views", 1)[1].split("\n## ", 1)[0]
    queries = re.findall(r"```sql\n(.*?)```", views_part, flags=re.S)
    assert len(queries) == 6
    for query in queries:
        result = demo.store.query(query)
        assert result.height > 0, query


def test_the_same_corpus_loaded_again_from_another_folder_fails_the_duplicate_gate(
    tmp_path: Path,
) -> None:
    """Its articles are new records (another path) with bodies already loaded."""
    kw = {"warehouse": str(tmp_path / "wh.duckdb"), "reports_dir": str(tmp_path / "reports")}
    shutil.copytree(SEEDS, tmp_path / "first")
    shutil.copytree(SEEDS, tmp_path / "moved")
    news_etl(inputs=[str(tmp_path / "first")], **kw)
    with pytest.raises(QualityGateFailed) as failed:
        news_etl(inputs=[str(tmp_path / "moved")], **kw)
    assert failed.value.message == (
        "quality gate(s) exceeded: share of loaded articles that repeat another article's "
        "body 100.0% exceeds max_duplicate_share = 50.0%"
    )
    store = Warehouse(tmp_path / "wh.duckdb")
    gates = store.query("select name, value, breached from run_gates order by run_id, name")
    assert ("max_duplicate_share", 0.0, False) in gates.rows()
    assert ("max_duplicate_share", 1.0, True) in gates.rows()
    assert store.query("select count(*) from distinct_articles").item() == len(
        list(SEEDS.glob("*.txt"))
    )
