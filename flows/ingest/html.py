"""HTML pages (`.html`, `.htm`): one article per file, read as the text a browser
shows, plus what the page's markup says about it.

Scrapers often keep the page itself rather than its text. The page becomes the
same kind of text the cleaning steps are built for, a layout-keeping dump of the
page: inscriptis renders it (block elements on lines of their own, lists, tables),
after the parts a reader never sees as the page (scripts, styles, hidden elements)
and the HTML5 landmarks that are never the article (`<nav>`, `<aside>`, forms,
dialogs such as cookie notices) are dropped. Menus and teasers in plain `<div>`s
stay; the boilerplate step removes them as it does from any text dump.

The markup also says what the text alone often does not: the publication date
(htmldate reads `article:published_time`, JSON-LD `datePublished`, `<time>`
elements and the URL, in its fast mode: no guessing from the text, which the dates
step does itself), the headline (`og:title`, else the JSON-LD article's
`headline`, else the `<h1>` the `<title>` starts with, else the `<title>`) and the
canonical URL.
They fill the record's `date`, `title` and `url` fields, as a JSONL record's
would: the date is the strongest candidate the dates step weighs. A page that
JavaScript builds shows no article; its JSON-LD `articleBody`, when it has one, is
then its text.

The bronze `raw_text` of a page is this rendering (its bytes are hashed as they
are), so `--full` re-cleans the text without reading the page again.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from html import unescape

from htmldate import find_date
from inscriptis import Inscriptis
from inscriptis.model.config import ParserConfig
from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from flows.ingest import json_values

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
# Where a page declares its encoding: <meta charset="…"> or the http-equiv form,
# in the first bytes (HTML requires the declaration in the first 1,024).
DECLARED_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
CHARSET_WINDOW = 4096
# Browsers read these labels as windows-1252 (the WHATWG encoding standard), and
# pages labelled so use its curly quotes and dashes.
AS_CP1252 = {"ascii", "latin-1", "iso8859-1", "us-ascii"}
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
TAG_START = re.compile(r"<[A-Za-z][^>]*>")
# Control characters a browser shows nothing for, and that lxml refuses in text it
# sets (dropping an element joins its tail to the text before it).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A whole page kept in a record's text field (`{"url": …, "html": "<!DOCTYPE html>…"}`).
PAGE_START = re.compile(r"^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!doctype\s+html|<html[\s>])", re.I)
# Never the article: landmarks of page furniture, what a reader does not see,
# and forms and dialogs (search boxes, newsletter sign-ups, cookie notices).
DROP_XPATH = (
    "//script | //style | //noscript | //template | //svg | //iframe | //nav | //aside"
    " | //form | //button | //select | //dialog | //*[@hidden]"
    " | //*[@aria-hidden='true'] | //*[@role='navigation'] | //*[@role='dialog']"
    " | //*[@role='alertdialog'] | //*[@role='search'] | //*[@role='complementary']"
)
RENDERING = ParserConfig(display_links=False, display_images=False)
# libxml2 stops building the tree 256 elements deep, and what lies deeper was lost
# (old pages nest hundreds of unclosed <font> or <div> tags): huge_tree lifts that
# to 2,048 (libxml2's own hard limit).
PARSER = HTMLParser(huge_tree=True)
# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})
# fmt: on


@dataclass(frozen=True)
class Page:
    """A page's text and what its markup says; `error` when it has no text."""

    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    lang: str | None = None
    error: str | None = None
    text_from: str | None = None  # set when the text is not the page's rendering

    def extra(self) -> str | None:
        """The record's `extra` JSON: the page's declared language, and where the
        text came from when not from the page's rendering."""
        fields = {"html_lang": self.lang, "text_from": self.text_from}
        kept = {k: v for k, v in fields.items() if v}
        return json.dumps(kept) if kept else None


def declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in a <meta> tag, if Python knows it."""
    found = DECLARED_CHARSET.search(data[:CHARSET_WINDOW])
    return charset_codec(found.group(1).decode("ascii")) if found else None


def charset_codec(label: str) -> str | None:
    """Python's codec for a charset label (a <meta> tag's, an HTTP header's), read
    as browsers read it (ISO-8859-1 and ASCII as windows-1252); None if unknown."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in AS_CP1252 else name


def is_html_page(text: str) -> bool:
    """Whether a record's text is a whole HTML page rather than text."""
    return PAGE_START.match(text[:512]) is not None


# A record's text that opens with one of these tags and closes a tag later is
# markup (a CMS export's body, a JSON Feed's content_html), not prose that
# mentions a "<".
FRAGMENT_START = re.compile(
    r"^\ufeff?\s*<(?:p|div|article|section|main|h[1-6]|ul|ol|table|blockquote|figure"
    r"|header|span|strong|em|b|i|a|img|br)(?:\s[^>]*)?/?>",
    re.I,
)
CLOSING_TAG = re.compile(r"</[A-Za-z]|<br\s*/?>", re.I)


def is_html_fragment(text: str) -> bool:
    """Whether a record's text is a piece of HTML (paragraphs in tags) to render."""
    return FRAGMENT_START.match(text[:512]) is not None and CLOSING_TAG.search(text) is not None


def read_page(html: str) -> Page:
    """The text of a decoded page and its metadata; never raises."""
    markup = CONTROL.sub("", XML_DECLARATION.sub("", html, count=1))
    try:
        tree = document_fromstring(markup, parser=PARSER)
    except (etree.ParserError, ValueError) as exc:
        return Page("", error=f"HTML page that could not be parsed ({exc})")
    date = _published(tree)
    articles = _json_ld_articles(tree)
    title = _title(tree, articles)
    url = _first(tree, "//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content")
    lang = _first(tree, "/html/@lang")
    body = _article_body(articles)
    for element in tree.xpath(DROP_XPATH):
        if element.getparent() is not None:
            element.drop_tree()  # its tail text is the next element's, and stays
    try:
        text = Inscriptis(tree, RENDERING).get_text()
    except RecursionError:  # inscriptis recurses per element: thousands of unclosed tags
        text = _flat_text(tree)
    url = url if url and url.startswith("http") else None
    if body is not None and not _shows(text, body):
        return Page(body, title, url, date, lang, text_from=ARTICLE_BODY)
    if not text.strip():
        return Page("", title, url, date, lang, "HTML page without text (a script-only page?)")
    return Page(text, title, url, date, lang)


# schema.org types of a news or blog article (NewsArticle's subtypes included).
ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
    "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle", "AskPublicQuestion",
    "SatiricalArticle", "BlogPosting", "LiveBlogPosting", "Report", "TechArticle",
})  # fmt: skip
ARTICLE_BODY = "json-ld articleBody"
JSON_LD = "//script[@type='application/ld+json']/text()"


def _json_ld_articles(tree: HtmlElement) -> list[dict]:
    """The article objects (schema.org ARTICLE_TYPES) of the page's JSON-LD."""
    found: list[dict] = []
    for block in tree.xpath(JSON_LD):
        try:
            found += _articles(json_values.loads(block))
        except (ValueError, RecursionError):
            continue
    return found


def _articles(data: object, depth: int = 0) -> list[dict]:
    """The article objects in a JSON-LD value (a list, an object, an @graph),
    looked for a few levels deep."""
    if depth > 4:
        return []
    if isinstance(data, list):
        return [a for item in data for a in _articles(item, depth + 1)]
    if not isinstance(data, dict):
        return []
    kinds = data.get("@type")
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    found = [data] if ARTICLE_TYPES.intersection(k for k in kinds if isinstance(k, str)) else []
    for key in ("@graph", "mainEntity", "mainEntityOfPage"):
        if key in data:
            found += _articles(data[key], depth + 1)
    return found


def _article_body(articles: list[dict]) -> str | None:
    """The longest `articleBody` of the page's JSON-LD articles, as text. Pages
    built by JavaScript (an empty <div id="root"> and a script) show a reader
    nothing without it, yet many carry the whole article there for search engines."""
    bodies = [a["articleBody"] for a in articles if isinstance(a.get("articleBody"), str)]
    bodies = [b for b in bodies if b.strip()]
    if not bodies:
        return None
    body = max(bodies, key=len)
    if TAG_START.search(body):  # some sites put the article's HTML there
        body = Inscriptis(document_fromstring(body, parser=PARSER), RENDERING).get_text()
    return unescape(body).strip() or None


def _shows(text: str, body: str) -> bool:
    """Whether the rendered page shows the article: the start or the middle of its
    articleBody is in the text (spacing aside; a site may open its articleBody
    with a dateline its page prints apart). A page whose article JavaScript fills
    in shows its menus and footer only."""
    flat, shown = " ".join(body.split()), " ".join(text.split())
    middle = len(flat) // 2
    return flat[:60] in shown or flat[middle : middle + 60] in shown


def _flat_text(tree: HtmlElement) -> str:
    """The text of a tree too deep for inscriptis, walked without recursion: each
    block element starts and ends a line, so paragraphs stay apart."""
    parts: list[str] = []
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if not isinstance(element.tag, str):  # a comment or processing instruction
            if event == "end" and element.tail:
                parts.append(element.tail)
            continue
        block = element.tag.lower() in BLOCK_TAGS
        if event == "start":
            if block:
                parts.append("\n")
            if element.text:
                parts.append(element.text)
        else:
            if block:
                parts.append("\n")
            if element.tail:
                parts.append(element.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _published(tree: HtmlElement) -> str | None:
    """The publication day the markup gives, by htmldate's fast mode."""
    try:
        return find_date(tree, extensive_search=False, original_date=True)
    except (ValueError, TypeError, RecursionError, etree.LxmlError):  # odd markup
        return None


def _title(tree: HtmlElement, articles: list[dict]) -> str | None:
    """The headline: `og:title` or `twitter:title` (written for sharing, without
    the site's name), else the JSON-LD article's `headline`, else the <h1> when
    the <title> starts with it ("Storm damages harbour wall | Coast News"), else
    the <title>."""
    shared = _first(
        tree, "//meta[@property='og:title']/@content", "//meta[@name='twitter:title']/@content"
    )
    if shared:
        return shared
    headline = next((a["headline"] for a in articles if isinstance(a.get("headline"), str)), None)
    if headline and headline.strip():
        return " ".join(unescape(headline).split())
    title = _first(tree, "//title/text()")
    for heading in tree.xpath("//h1"):
        text = " ".join(heading.text_content().split())
        if text and (title is None or title.startswith(text)):
            return text
    return title


def _first(tree: HtmlElement, *paths: str) -> str | None:
    """The first non-empty value of the XPath expressions, whitespace collapsed."""
    for path in paths:
        for value in tree.xpath(path):
            text = " ".join(str(value).split())
            if text:
                return text
    return None
