"""HTML pages: read as the text a browser shows, with the date, headline and URL their
markup gives, then cleaned like any text dump (fixtures in tests/fixtures/html)."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flows.ingest import ingest_files
from flows.ingest.html import declared_charset, read_page
from flows.ingest.readers import format_of
from flows.pipeline import news_etl
from warehouse import Warehouse

PAGES = Path(__file__).parent / "fixtures" / "html"
WHEN = datetime(2026, 11, 30)


def _record(path: Path) -> dict:
    return ingest_files([path], "r", WHEN).row(0, named=True)


def test_a_news_page_reads_as_its_text_with_the_markups_date_title_and_url() -> None:
    page = _record(PAGES / "coast-news.html")
    assert page["format"] == "html" and page["error"] is None
    assert page["title"] == "Harbour wall to be rebuilt after October storms"  # og:title
    assert page["url"] == "https://www.coastnews.example/local/2024/harbour-wall-rebuilt"
    assert page["date"] == "2024-03-05"  # JSON-LD datePublished, not dateModified
    assert page["extra"] == '{"html_lang": "en-GB"}'
    text = page["raw_text"]
    # Paragraphs on lines of their own, entities decoded, hard wraps in the source
    # joined as a browser joins them.
    assert (
        "Engineers expect the work to take four months and to cost about £2m, most of it "
        "paid from the authority’s reserves." in text
    )
    assert "\nThe council will hold a public meeting about the plans on 12 March.\n" in text
    # Never the article: navigation, search form, related-links aside, cookie dialog,
    # scripts and styles. A plain <div> of teasers stays, for the boilerplate step.
    for gone in ("Sport", "Search", "Storm warnings", "We use cookies", "dataLayer", "Georgia"):
        assert gone not in text, gone
    assert "Council approves new car park" in text


def test_a_page_in_its_declared_legacy_encoding() -> None:
    page = _record(PAGES / "volga-cp1251.html")
    assert page["encoding"] == "cp1251"
    assert "Строительство нового моста через Волгу почти закончено" in page["raw_text"]
    # <title> "… — Новости Поволжья" starts with the <h1>: the <h1> is the headline.
    assert page["title"] == "Мост через Волгу откроют весной"
    assert page["date"] == "2024-02-14"  # article:published_time


def test_a_page_without_text_is_quarantined_with_the_reason() -> None:
    page = _record(PAGES / "app-shell.html")
    assert page["error"] == "HTML page without text (a script-only page?)"


def test_a_fragment_with_unclosed_tags_still_reads() -> None:
    page = _record(PAGES / "fragment.htm")
    assert page["format"] == "html" and page["error"] is None
    assert "The town library reopened on Saturday" in page["raw_text"]
    assert "the librarian said." in page["raw_text"]
    assert "Opening hours are unchanged." in page["raw_text"]


def test_a_compressed_page_reads_as_the_plain_one(tmp_path: Path) -> None:
    packed = tmp_path / "coast-news.html.gz"
    packed.write_bytes(gzip.compress((PAGES / "coast-news.html").read_bytes()))
    assert format_of(packed) == "html"
    plain, page = _record(PAGES / "coast-news.html"), _record(packed)
    for field in ("raw_text", "title", "url", "date", "source_id", "encoding"):
        assert page[field] == plain[field], field
    assert page["source_uri"] == str(packed)


def test_a_page_saved_under_another_name_is_read_as_a_page(tmp_path: Path) -> None:
    path = tmp_path / "harbour.txt"
    path.write_bytes((PAGES / "coast-news.html").read_bytes())
    page, plain = _record(path), _record(PAGES / "coast-news.html")
    assert page["format"] == "html"
    assert (page["raw_text"], page["date"]) == (plain["raw_text"], plain["date"])


def test_a_legacy_page_under_another_name_is_read_in_its_declared_charset(
    tmp_path: Path,
) -> None:
    """The text reader's guess at the code page gives way to the page's own <meta>."""
    path = tmp_path / "volga.txt"
    path.write_bytes((PAGES / "volga-cp1251.html").read_bytes())
    page, plain = _record(path), _record(PAGES / "volga-cp1251.html")
    assert page["format"] == "html" and page["encoding"] == "cp1251"
    assert (page["raw_text"], page["title"]) == (plain["raw_text"], plain["title"])


def test_a_whole_page_in_a_records_field_is_read_as_a_page(tmp_path: Path) -> None:
    """A crawl keeps `{"url": …, "html": "<!DOCTYPE html>…"}`: the record's text is the
    page's rendering, and its markup fills the fields the record does not give. A
    text that is a piece of a page (paragraphs in tags) is rendered too."""
    html = (PAGES / "coast-news.html").read_text(encoding="utf-8")
    rows = [
        {"url": "https://crawl.example/1", "html": html},
        {"id": "given", "title": "The crawler's title", "date": "2024-03-06", "text": html},
        {"text": "<p>A fragment of a page, <b>rendered</b>.</p><p>The sea wall will be rebuilt."},
        {"text": "Prose that mentions <b> and x < y is left as it is."},
    ]
    feed = tmp_path / "crawl.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    first, second, third, fourth = ingest_files([feed], "r", WHEN).rows(named=True)
    plain = _record(PAGES / "coast-news.html")
    assert first["raw_text"] == second["raw_text"] == plain["raw_text"]
    assert (first["url"], first["title"], first["date"]) == (
        "https://crawl.example/1",  # the record's own field wins
        "Harbour wall to be rebuilt after October storms",
        "2024-03-05",
    )
    assert (second["title"], second["date"]) == ("The crawler's title", "2024-03-06")
    # A CMS export's body or a JSON Feed's content_html: tags were loaded as text.
    assert (
        third["raw_text"].strip()
        == "A fragment of a page, rendered.\n\nThe sea wall will be rebuilt."
    )
    assert fourth["raw_text"] == rows[3]["text"]
    assert all(r["error"] is None for r in (first, second, third, fourth))


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        (b'<meta charset="utf-8">', "utf-8"),
        (b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=Shift_JIS'>", "shift_jis"),
        (b'<meta charset="iso-8859-1">', "cp1252"),  # as browsers read it
        (b'<meta charset="no-such-thing">', None),
        (b"<p>no declaration</p>", None),
    ],
)
def test_the_declared_charset(head: bytes, charset: str | None) -> None:
    assert declared_charset(b"<html><head>" + head + b"</head>") == charset


def test_utf8_bytes_win_over_a_wrong_declaration(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    body = "<p>Le conseil municipal a voté mercredi la rénovation de l’école.</p>"
    path.write_bytes(f'<meta charset="windows-1251">{body}'.encode())
    page = _record(path)
    assert page["encoding"] == "utf-8"
    assert "rénovation de l’école" in page["raw_text"]


@pytest.mark.parametrize("depth", [300, 1500])
def test_text_inside_hundreds_of_unclosed_tags_is_kept(depth: int) -> None:
    """Old pages leave <font> and <div> tags open by the hundred. libxml2 dropped
    everything below 256 levels; past ~900, inscriptis runs out of recursion and a
    flat rendering keeps the paragraphs apart."""
    html = (
        "<html><body><p>The first paragraph of the story.</p>"
        + "<div><font>" * (depth // 2)
        + "<p>A paragraph deep inside.</p><p>And the last one.</p></body></html>"
    )
    page = read_page(html)
    assert page.error is None
    lines = [line.strip() for line in page.text.splitlines() if line.strip()]
    assert lines == [
        "The first paragraph of the story.",
        "A paragraph deep inside.",
        "And the last one.",
    ]


TAGS = st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<nav>",
                        "<br>", "<!--", "-->", "<?xml version='1.0'?>", "<html>", "&amp;",
                        "&#0;", "\x00", "<meta charset='x-none'>", "<table><tr><td>"])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TAGS, st.text(max_size=12)), max_size=40))
@example(["\x08", "<script>", "</script>", "&amp;"])  # lxml refused the control character
def test_any_markup_reads_without_raising(parts: list[str]) -> None:
    page = read_page("".join(parts))
    assert isinstance(page.text, str)
    assert (page.error is None) == bool(page.text.strip())


def test_markup_that_parses_to_nothing() -> None:
    assert read_page("").error is not None
    assert read_page('<?xml version="1.0" encoding="utf-8"?><p>Text after a declaration.</p>').text


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_cleans_html_pages_into_articles(tmp_path: Path) -> None:
    """End to end: the page's date beats the banner's, furniture goes, the
    script-only page is quarantined with its reason."""
    summary = news_etl(
        inputs=[str(PAGES)],
        warehouse=str(tmp_path / "wh.duckdb"),
        reports_dir=str(tmp_path / "reports"),
        thresholds={"max_quarantine_rate": 1},
    )
    assert (summary.counts.articles_loaded, summary.counts.quarantined) == (3, 1)
    store = Warehouse(tmp_path / "wh.duckdb")
    article = store.query(
        "select title, published_date, body from articles where source_id = 'coast-news'"
    ).row(0, named=True)
    assert article["title"] == "Harbour wall to be rebuilt after October storms"
    assert str(article["published_date"]) == "2024-03-05"  # not the banner's 19 November
    assert article["body"].startswith("The harbour authority said on Tuesday")
    assert article["body"].endswith("public meeting about the plans on 12 March.")
    for gone in ("Most read", "Council approves", "All rights reserved", "By Jane Doe"):
        assert gone not in article["body"], gone
    reason = store.query("select reason_text from quarantine").item()
    assert "HTML page without text" in reason


ARTICLE_BODY = (
    "The harbour authority said on Monday that the sea wall would be rebuilt over the "
    "winter, after storms damaged two sections of it in October. Work starts in "
    "November and will take four months, officials said at a meeting on the quay."
)


def _app_shell(ld: object, body: str = '<div id="root"></div>') -> str:
    return (
        "<!DOCTYPE html><html><head><title>Sea wall | Gazette</title>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f'<body><header><a href="/">Gazette</a> News Sport</header>{body}'
        '<script src="/app.js"></script></body></html>'
    )


@pytest.mark.parametrize(
    "ld",
    [
        {"@type": "NewsArticle", "headline": "Sea wall to be rebuilt", "articleBody": ARTICLE_BODY},
        {  # Yoast-style @graph, with a list of types
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "name": "Gazette"},
                {
                    "@type": ["Article", "NewsArticle"],
                    "headline": "Sea wall to be rebuilt",
                    "articleBody": ARTICLE_BODY,
                },
            ],
        },
        [{"@type": "BreadcrumbList"}, {"@type": "ReportageNewsArticle",
          "headline": "Sea wall to be rebuilt", "articleBody": ARTICLE_BODY}],
    ],
)  # fmt: skip
def test_a_page_built_by_javascript_is_read_from_its_json_ld_article(ld: object) -> None:
    """Its <body> is menus and an empty <div> a script fills: it was quarantined as
    "HTML page without text", or loaded as its menus."""
    for shell in (_app_shell(ld), _app_shell(ld, '<div id="root"></div>' * 2)):
        page = read_page(shell)
        assert (page.text, page.title, page.error) == (ARTICLE_BODY, "Sea wall to be rebuilt", None)
        assert json.loads(page.extra() or "{}") == {"text_from": "json-ld articleBody"}


def test_a_page_that_shows_its_article_is_read_as_shown_and_html_in_the_body_rendered() -> None:
    paragraphs = "".join(f"<p>{s}.</p>" for s in ARTICLE_BODY.split(". "))
    shown = read_page(_app_shell({"@type": "NewsArticle", "articleBody": ARTICLE_BODY}, paragraphs))
    assert shown.text_from is None and "Gazette News Sport" in shown.text  # the rendering
    tagged = {"@type": "NewsArticle", "articleBody": "<p>Sea wall &amp; quay.</p><p>Rebuilt.</p>"}
    page = read_page(_app_shell(tagged))
    assert page.text.split() == ["Sea", "wall", "&", "quay.", "Rebuilt."]
