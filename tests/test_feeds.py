"""RSS and Atom feeds: an article per entry, with its headline, link, guid and the
publisher's own day (fixtures in tests/fixtures/feeds)."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.ingest import ingest_files
from flows.ingest.feeds import read_feed_bytes
from flows.ingest.readers import format_of
from flows.pipeline import RunSummary, news_etl
from warehouse import Warehouse

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
WHEN = datetime(2026, 11, 30)


def _records(name: str) -> list[dict]:
    return ingest_files([FEEDS / name], "r", WHEN).rows(named=True)


def test_an_rss_feed_gives_an_article_per_entry() -> None:
    full, teaser, empty = _records("coast-news.rss")
    assert [r["record_index"] for r in (full, teaser, empty)] == [0, 1, 2]
    assert {r["format"] for r in (full, teaser, empty)} == {"feed"}
    assert full["source_id"] == "coastnews-48213"  # the guid
    assert full["title"] == "Harbour wall to be rebuilt after October storms"
    assert full["url"] == "https://www.coastnews.example/local/2024/harbour-wall-rebuilt"
    # The publisher's own offset is kept: 23:30 at -05:00 is 5 March there.
    assert full["date"] == "2024-03-05T23:30:00-05:00"
    assert json.loads(full["extra"]) == {"feed": "Coast News – Local", "author": "Jane Doe"}
    # content:encoded (not the one-line description), rendered: paragraphs on lines of
    # their own, entities decoded, the script gone.
    assert full["raw_text"].startswith("The harbour authority said on Tuesday")
    assert "cost about £2m, most of it paid from the authority’s reserves." in full["raw_text"]
    assert "track(" not in full["raw_text"]
    assert full["raw_text"].count("\n\n") == 2
    assert teaser["raw_text"].startswith("Two walkers were rescued")  # the description
    assert empty["error"] == "feed entry without text (no content, no summary)"


def test_an_atom_entry_dated_by_updated_says_so() -> None:
    (entry,) = _records("science.atom")
    assert entry["date"] == "2024-02-20T08:45:00+01:00"
    assert json.loads(entry["extra"])["date_from"] == "updated"
    assert entry["url"] == "https://sciences.example/2024/02/telescope"
    assert "premières images de galaxies lointaines" in entry["raw_text"]


def test_a_broken_feed_is_quarantined_with_the_reason() -> None:
    (broken,) = _records("broken.rss")
    assert broken["error"].startswith("not a readable RSS/Atom feed")


def test_xml_that_is_no_feed_is_refused_with_its_root_unless_it_is_a_page(
    tmp_path: Path,
) -> None:
    """A sitemap was loaded as an article of XML tags."""
    assert format_of(FEEDS / "sitemap.xml") == "feed"
    (sitemap,) = _records("sitemap.xml")
    assert sitemap["raw_text"] is None
    assert sitemap["error"] == (
        "XML document with root <urlset>, a sitemap: it lists pages, it holds none of "
        "their text; not an RSS or Atom feed, which is the XML newsclean reads"
    )
    export = tmp_path / "export.xml"
    export.write_text(
        '<?xml version="1.0"?>\n<!-- CMS export -->\n<!DOCTYPE items>\n'
        "<items><item>The sea wall is rebuilt.</item></items>",
        encoding="utf-8",
    )
    xhtml = tmp_path / "page.xml"
    xhtml.write_text(
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>'
        "Sea wall</title></head><body><p>The sea wall is rebuilt.</p></body></html>",
        encoding="utf-8",
    )
    notes = tmp_path / "notes.xml"
    notes.write_text("Not XML at all: the sea wall is rebuilt.", encoding="utf-8")
    got = ingest_files([export, xhtml, notes], "r", WHEN).rows(named=True)
    assert [(r["format"], r["error"]) for r in got] == [
        ("feed", "XML document with root <items>; not an RSS or Atom feed, which is the "
         "XML newsclean reads"),
        ("html", None),
        ("text", None),
    ]  # fmt: skip
    assert got[1]["raw_text"].strip() == "The sea wall is rebuilt."


def test_an_atom_title_in_html_is_read_as_text() -> None:
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Gazette</title><entry>'
        '<title type="html">Sea &lt;b&gt;wall&lt;/b&gt; to be rebuilt</title><id>urn:1</id>'
        "<content>The harbour wall is rebuilt.</content></entry></feed>"
    )
    (entry,) = read_feed_bytes(feed.encode()).entries
    assert entry.title == "Sea wall to be rebuilt"


def test_an_entry_keeps_its_hash_where_it_sits_in_the_feed(tmp_path: Path) -> None:
    """A re-fetched feed with a new entry on top: the old entries' content hashes
    do not change, only their positions."""
    text = (FEEDS / "coast-news.rss").read_text(encoding="utf-8")
    new = (
        "<item><title>Ferry timetable changes</title><guid>coastnews-48300</guid>"
        "<description>The ferry will sail an hour later from Monday.</description></item>"
    )
    later = tmp_path / "coast-news.rss"
    later.write_text(text.replace("<item>", new + "<item>", 1), encoding="utf-8")
    before = {r["source_id"]: r["sha256"] for r in _records("coast-news.rss")}
    after = {r["source_id"]: r["sha256"] for r in ingest_files([later], "r", WHEN).rows(named=True)}
    assert set(after) == set(before) | {"coastnews-48300"}
    assert all(after[k] == v for k, v in before.items())


def test_character_references_to_no_character_are_read_not_fatal() -> None:
    """feedparser raised on a reference to a surrogate or beyond U+10FFFF, and on an
    XML declaration naming its encoding in bytes that are not UTF-8: the whole feed
    failed its batch (found by fuzzing). A surrogate pair written as two references
    is the character it encodes; any other reference to no character is U+FFFD."""
    rss = (FEEDS / "coast-news.rss").read_bytes()
    for refs, title in [
        (b"&#55357;&#56832;", "\U0001f600"),
        (b"&#xD83D;&#xDE00;", "\U0001f600"),
        (b"&#xDE00;&#xD83D;", "\ufffd\ufffd"),  # the wrong way round
        (b"&#xDFFF;", "\ufffd"),
        (b"&#x110000;", "\ufffd"),
        (b"&#" + b"9" * 5000 + b";", "\ufffd"),
        (b"&#8217;", "\u2019"),
    ]:
        feed = read_feed_bytes(rss.replace(b"<title>", b"<title>" + refs, 1))
        assert feed.error is None and len(feed.entries) == 3
        assert feed.entries[0].extra["feed"] == title + "Coast News – Local"
    bad_declaration = b"<?xml version='1.0' encoding='\xc7'?>" + rss.split(b"?>", 1)[1]
    feed = read_feed_bytes(bad_declaration)
    assert feed.entries == []
    assert feed.error == (
        "not a readable RSS/Atom feed (feedparser failed: UnicodeDecodeError: 'utf-8' codec "
        "can't decode byte 0xc7 in position 0: unexpected end of data)"
    )


PIECES = st.sampled_from([b"<rss version='2.0'>", b"<channel>", b"<item>", b"</item>",
                          b"<title>", b"</title>", b"<pubDate>", b"</pubDate>", b"<feed>",
                          b"<entry>", b"<content type='html'>", b"&lt;p&gt;", b"<![CDATA[",
                          b"]]>", b"\xff\xfe", b"\x00", b"&#xD83D;", b"&#56832;", b"&#x110000;",
                          b"<?xml version='1.0' encoding='\xc7'?>"])  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(PIECES, st.binary(max_size=16)), max_size=30))
def test_any_bytes_read_as_a_feed_without_raising(parts: list[bytes]) -> None:
    feed = read_feed_bytes(b"".join(parts))
    assert (feed.error is None) or not feed.entries
    assert all((e.error is None) == bool(e.text) for e in feed.entries)


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_loads_feed_entries_as_articles(tmp_path: Path) -> None:
    summary = news_etl(
        inputs=[str(FEEDS)],
        warehouse=str(tmp_path / "wh.duckdb"),
        reports_dir=str(tmp_path / "reports"),
        thresholds={"max_quarantine_rate": 1},
    )
    store = Warehouse(tmp_path / "wh.duckdb")
    articles = store.query(
        "select source_id, published_date, title from articles where source_id like 'coast%' "
        "or source_id like 'urn:%' order by source_id"
    )
    assert [(r[0], str(r[1])) for r in articles.rows()] == [
        ("coastnews-48190", "2024-03-04"),
        ("coastnews-48213", "2024-03-05"),  # the publisher's day, not 6 March in UTC
        ("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", "2024-02-20"),
    ]
    reasons = store.query("select reason_text from quarantine")["reason_text"].to_list()
    assert any("feed entry without text" in r for r in reasons)
    assert any("not a readable RSS/Atom feed" in r for r in reasons)
    c = summary.counts
    assert c.docs_read == c.articles_loaded + c.quarantined


@pytest.mark.usefixtures("prefect_harness")
def test_a_refetched_feed_loads_only_its_new_and_changed_entries(tmp_path: Path) -> None:
    """A feed fetched again into the same file, with a new entry on top (the others
    move down a place) and one headline corrected: the new entry and the corrected
    one are loaded, the unchanged entries are counted unchanged, and
    `current_articles` keeps one row per guid, also for an entry that later falls off
    the feed's end."""
    feed = tmp_path / "in" / "coast-news.rss"
    feed.parent.mkdir()
    first = (FEEDS / "coast-news.rss").read_text(encoding="utf-8")
    new = (
        "<item><title>Ferry timetable changes</title><guid>coastnews-48300</guid>"
        "<pubDate>Wed, 06 Mar 2024 07:00:00 +0000</pubDate><description>The ferry "
        "will sail an hour later from Monday, the operator said, because of repairs to "
        "the slipway at the island end of the crossing.</description></item>"
    )
    second = first.replace("<item>", new + "<item>", 1).replace(
        "Lifeboat crew rescue two walkers", "Lifeboat crew rescues two walkers"
    )
    third = second[: second.index("<item>\n    <title>Photo gallery")] + "</channel>\n</rss>\n"

    def fetch(text: str, step: int) -> RunSummary:
        feed.write_text(text, encoding="utf-8")
        os.utime(feed, ns=(step * 10**9, step * 10**9))  # a new mtime on every fetch
        return news_etl(
            inputs=[str(feed.parent)],
            warehouse=str(tmp_path / "wh.duckdb"),
            reports_dir=str(tmp_path / "reports"),
            thresholds={"max_quarantine_rate": 1},
        )

    c1, c2, c3 = (fetch(text, step).counts for step, text in enumerate((first, second, third), 1))
    assert (c1.docs_read, c1.articles_loaded, c1.quarantined, c1.skipped) == (3, 2, 1, 0)
    # The ferry entry and the corrected headline are new; the harbour entry and the
    # empty gallery entry moved down a place and are unchanged.
    assert (c2.docs_read, c2.articles_loaded, c2.quarantined, c2.skipped) == (4, 2, 0, 2)
    assert (c3.docs_read, c3.articles_loaded, c3.quarantined, c3.skipped) == (3, 0, 0, 3)
    store = Warehouse(tmp_path / "wh.duckdb")
    assert store.query("select count(*) from articles").item() == 4
    current = store.query("select source_id, title from current_articles order by source_id")
    assert current.rows() == [
        ("coastnews-48190", "Lifeboat crew rescues two walkers cut off by the tide"),
        ("coastnews-48213", "Harbour wall to be rebuilt after October storms"),
        ("coastnews-48300", "Ferry timetable changes"),
    ]
