"""WARC web archives: an article per archived page, read whole or cut into pieces at
record boundaries (plain, gzipped a record a member, or gzipped as one stream),
and a download cut short loads what came before the cut."""

from __future__ import annotations

import gzip
import io
import json
import lzma
from datetime import datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.ingest import ingest_unit
from flows.ingest.readers import format_of, read_file
from flows.ingest.units import plan_units
from flows.ingest.warc import OVERRUN
from flows.pipeline import news_etl
from warehouse import Warehouse

WHEN = datetime(2026, 11, 30)
STORY = (
    "The harbour authority said on Monday that the sea wall would be rebuilt over the "
    "winter, after storms damaged two sections of it in October. "
)
DUMA = "Городская дума утвердила бюджет на следующий год в среду вечером, сообщил мэр. "


def _page(title: str, body: str, day: str, charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title>"
        f'<meta property="article:published_time" content="{day}"></head>'
        f"<body><nav>Home News Sport</nav><article><h1>{title}</h1>"
        f"<p>{body}</p><p>{body}</p></article></body></html>"
    )


def _response(writer: WARCWriter, url: str, status: str, headers: list, body: bytes) -> None:
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
    writer.write_record(record)


def write_crawl(path: Path, gzip_members: bool) -> Path:
    """A small crawl: warcinfo, five request/response pairs of news pages, a page in
    windows-1251 that only its Content-Type header names, a redirect and an image
    (records 0-13)."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip_members)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for i in range(5):
            url = f"https://gazette.test/2020/03/0{i + 1}/story-{i}"
            request = io.BytesIO(b"GET / HTTP/1.1\r\nHost: gazette.test\r\n\r\n")
            writer.write_record(writer.create_warc_record(url, "request", payload=request))
            html = _page(f"Story {i}", STORY * 2, f"2020-03-0{i + 1}").encode()
            _response(writer, url, "200 OK", [("Content-Type", "text/html; charset=utf-8")], html)
        russian = _page("Дума", DUMA * 3, "2020-03-03", charset=None).encode("cp1251")
        _response(
            writer,
            "https://duma.test/1",
            "200 OK",
            [("Content-Type", "text/html; charset=windows-1251")],
            russian,
        )
        moved = [("Location", "https://gazette.test/new")]
        _response(writer, "https://gazette.test/old", "301 Moved Permanently", moved, b"")
        png = b"\x89PNG\r\n\x1a\n" + bytes(64)
        _response(
            writer, "https://gazette.test/logo.png", "200 OK", [("Content-Type", "image/png")], png
        )
    return path


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("warc")
    plain = write_crawl(folder / "plain.warc", gzip_members=False)
    members = write_crawl(folder / "members.warc.gz", gzip_members=True)
    stream = folder / "stream.warc.gz"  # gzip over the whole file: not the standard's way
    stream.write_bytes(gzip.compress(plain.read_bytes()))
    xz = folder / "crawl.warc.xz"  # warcio reads no xz: read through its decompressor
    xz.write_bytes(lzma.compress(plain.read_bytes()))
    return {"plain": plain, "members": members, "stream": stream, "xz": xz}


def _planned(units: list) -> list[tuple]:
    """The rows of a file read unit by unit, as the planner cut it."""
    got = []
    for unit in units:
        frame = ingest_unit(unit, "r", WHEN).raw
        got += [
            (r["record_index"], r["title"], r["date"], r["url"], r["error"])
            for r in frame.iter_rows(named=True)
        ]
    return got


def _rows(records: list) -> list[tuple]:
    return [(r.record_index, r.title, r.date, r.url, r.error) for r in records]


def test_each_archived_page_is_an_article_and_other_documents_say_what_they_are(
    crawls: dict[str, Path],
) -> None:
    records = read_file(crawls["members"])
    assert format_of(crawls["members"]) == "warc"
    assert [r.record_index for r in records] == [2, 4, 6, 8, 10, 11, 12, 13]
    first = records[0]
    assert (first.format, first.encoding, first.title, first.date, first.url) == (
        "warc",
        "utf-8",
        "Story 0",
        "2020-03-01",
        "https://gazette.test/2020/03/01/story-0",
    )
    assert first.source_id.startswith("urn:uuid:")
    assert first.raw_text.count("The harbour authority said on Monday") == 4
    assert "Home News Sport" not in first.raw_text  # the page's <nav>
    assert set(json.loads(first.extra)) == {"warc_date"}
    duma = records[5]
    assert (duma.encoding, duma.title) == ("cp1251", "Дума")  # from the HTTP header
    assert DUMA.strip() in duma.raw_text
    assert [r.error for r in records[6:]] == [
        "https://gazette.test/old: HTTP 301 response, a redirect to https://gazette.test/new",
        "https://gazette.test/logo.png: image/png document, not a page",
    ]
    assert all(r.error is None for r in records[:6])


@pytest.mark.parametrize("kind", ["plain", "members", "stream", "xz"])
def test_a_crawl_cut_into_pieces_reads_as_it_does_whole(crawls: dict[str, Path], kind: str) -> None:
    path = crawls[kind]
    whole = _rows(read_file(path))
    units = list(plan_units([path], batch_size=2))
    pieces = [piece for unit in units for piece in unit.pieces]
    assert len(pieces) == 4 and [p.lines for p in pieces] == [2, 2, 2, 2]
    assert {p.warc for p in pieces} == {"stream" if kind in ("stream", "xz") else "members"}
    assert _planned(units) == whole
    assert units[-1].completes[0].records == 8


def test_pieces_of_a_large_crawl_gzipped_as_one_stream_read_whole_spans(
    crawls: dict[str, Path], tmp_path: Path
) -> None:
    """A gzip stream hands out what one block of its input holds a read (stored, not
    compressed, here: a few KiB): a piece took the first read for all of its span."""
    big = tmp_path / "big.warc.gz"
    big.write_bytes(gzip.compress(crawls["plain"].read_bytes() * 40, compresslevel=0))
    whole = _rows(read_file(big))
    units = list(plan_units([big], batch_size=50))
    assert len(units) == 7 and len(whole) == 320
    assert _planned(units) == whole


@pytest.mark.parametrize("kind", ["plain", "members", "stream"])
def test_a_crawl_cut_short_loads_the_pages_before_the_cut(
    crawls: dict[str, Path], kind: str, tmp_path: Path
) -> None:
    """warcio takes the end of a cut gzip stream for the end of the archive and says
    nothing: the pages after the cut went missing without a reason."""
    data = crawls[kind].read_bytes()
    # Inside a record: a file cut between two records (or two gzip members) is a
    # whole, shorter WARC, which nothing can tell from the crawl's real end.
    at = int(len(data) * 0.6)
    if kind != "stream":  # one gzip stream: any cut before its end shows
        with crawls[kind].open("rb") as fh:
            archive = ArchiveIterator(fh)
            spans = [(archive.get_record_offset(), archive.get_record_length()) for _ in archive]
        start, length = spans[8]  # the response of the fourth page
        at = start + length // 2
    cut = tmp_path / crawls[kind].name
    cut.write_bytes(data[:at])
    whole = _rows(read_file(cut))
    assert whole[0][1] == "Story 0"
    *pages, (_, _, _, url, error) = whole
    assert len(pages) >= 2 and all(row[4] is None for row in pages)
    # The page that was cut says so; a cut between documents is the archive's damage.
    assert error.endswith("the file ends inside a record (a download cut short?)")
    assert error.startswith(f"{url}: " if url else "WARC damaged after record ")
    assert _planned(list(plan_units([cut], batch_size=2))) == whole


@pytest.mark.parametrize("gzip_members", [False, True])
def test_a_record_warcio_cannot_parse_is_damage_not_a_crash(
    crawls: dict[str, Path], gzip_members: bool, tmp_path: Path
) -> None:
    """warcio reads a response's HTTP headers with its WARC-Target-URI and raised
    AttributeError on one without: that stopped the whole run (found by fuzzing)."""
    no_uri = (
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\n"
        b"Content-Length: 99\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html></html>"
    )
    path = tmp_path / ("bad.warc.gz" if gzip_members else "bad.warc")
    good = crawls["members" if gzip_members else "plain"].read_bytes()
    path.write_bytes(good + (gzip.compress(no_uri) if gzip_members else no_uri))
    *pages, (index, _, _, _, error) = _rows(read_file(path))
    assert len(pages) == 8 and pages == _rows(read_file(crawls["plain"]))
    assert index == 14  # the records before it are read; it is where the damage is
    assert error == (
        "WARC damaged after record 14: a record warcio cannot parse "
        "(AttributeError: 'NoneType' object has no attribute 'startswith')"
    )
    assert _planned(list(plan_units([path], batch_size=3))) == [
        *pages,
        (index, None, None, None, error),
    ]


def _shortened(data: bytes, record: int, by: int, gzip_members: bool) -> bytes:
    """`data`, a crawl, with record `record`'s Content-Length `by` bytes too small."""
    archive = ArchiveIterator(io.BytesIO(data))
    spans = [(archive.get_record_offset(), archive.get_record_length()) for _ in archive]
    start, length = spans[record]
    raw = data[start : start + length]
    body = gzip.decompress(raw) if gzip_members else raw
    head, _, rest = body.partition(b"Content-Length: ")
    digits, _, tail = rest.partition(b"\r\n")
    body = head + b"Content-Length: %d\r\n" % (int(digits) - by) + tail
    raw = gzip.compress(body) if gzip_members else body
    return data[:start] + raw + data[start + length :]


@pytest.mark.parametrize("gzip_members", [False, True])
@pytest.mark.parametrize("by", [10, 300])
def test_a_record_longer_than_its_content_length_is_quarantined_not_cut(
    crawls: dict[str, Path],
    gzip_members: bool,
    by: int,
    tmp_path: Path,
    capfd: pytest.CaptureFixture,
) -> None:
    """warcio reads such a record cut at its Content-Length, writes a warning to stderr
    and reads on: the page lost its end (300 bytes: article text) without a reason."""
    good = crawls["members" if gzip_members else "plain"]
    path = tmp_path / good.name
    path.write_bytes(_shortened(good.read_bytes(), 8, by, gzip_members))
    expected = _rows(read_file(good))
    got = _rows(read_file(path))
    index, _, _, url, error = got[3]
    assert (index, url) == (8, "https://gazette.test/2020/03/04/story-3")
    assert error == (
        f"{url}: the record runs on past its Content-Length, so the page read from it is "
        "cut short (the archive's record lengths are wrong; rewrite or re-fetch it)"
    )
    assert got[:3] + got[4:] == expected[:3] + expected[4:]  # the others read as before
    assert _planned(list(plan_units([path], batch_size=2))) == got
    assert "Content-Length is invalid" not in capfd.readouterr().err


def test_lines_after_a_too_short_record_are_damage_after_it(tmp_path: Path) -> None:
    """More than a line past the Content-Length: warcio takes the second for the next
    record's start and cannot read on, so the archive ends there, saying so."""
    path = tmp_path / "lines.warc"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        for i in range(4):
            html = f"<html><title>T{i}</title><body>\n" + f"<p>{STORY}</p>\n" * 6 + "</body>"
            _response(
                writer,
                f"https://x.test/{i}",
                "200 OK",
                [("Content-Type", "text/html")],
                html.encode(),
            )
    path.write_bytes(_shortened(path.read_bytes(), 1, 400, gzip_members=False))
    got = [(r.record_index, r.error) for r in read_file(path)]
    assert got[0] == (0, None)
    assert got[1] == (1, f"https://x.test/1: {OVERRUN}")
    assert got[2][0] == 2 and got[2][1].startswith("WARC damaged after record 2: ")
    assert len(got) == 3


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_loads_a_crawl_and_skips_it_when_unchanged(
    crawls: dict[str, Path], tmp_path: Path
) -> None:
    def run() -> tuple[int, int, int, int]:
        c = news_etl(
            inputs=[str(crawls["members"])],
            warehouse=str(tmp_path / "wh.duckdb"),
            reports_dir=str(tmp_path / "reports"),
            batch_size=3,
            thresholds={"max_quarantine_rate": 1, "max_duplicate_share": 1},  # pages repeat
        ).counts
        return c.docs_read, c.articles_loaded, c.quarantined, c.skipped

    assert run() == (8, 6, 2, 0)
    assert run() == (8, 0, 0, 8)
    store = Warehouse(tmp_path / "wh.duckdb")
    got = store.query(
        "select a.url, published_date::varchar, language from articles a "
        "join raw_documents r using (doc_id) order by r.record_index"
    ).rows()
    assert got[0] == ("https://gazette.test/2020/03/01/story-0", "2020-03-01", "en")
    assert got[-1] == ("https://duma.test/1", "2020-03-03", "ru")
