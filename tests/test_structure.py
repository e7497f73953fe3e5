"""Header stamps: `split_header` reads only the page's first lines, and finds what
reading every line finds."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.clean import structure
from flows.clean.repairs import repair
from flows.clean.structure import split_header
from schemas.text_checks import MAX_TITLE_CHARS
from tests.conftest import ARTICLE, clean_and_validate, real_texts


def _split_every_line(text: str, title_hint: str | None, url_hint: str | None) -> dict[str, Any]:
    """split_header as first written, over every line of the page (the reference)."""
    lines = text.split("\n")
    url = url_hint
    title, repairs = structure.record_title(title_hint)
    nonblank = [i for i, line in enumerate(lines) if line.strip()][: structure.HEADER_LINES]
    drop: set[int] = set()
    for i in nonblank:
        line = lines[i]
        m = structure.DATE_PREFIX.match(line)
        if m:
            rest = line[m.end() :].strip()
            repairs.append(repair("header_removed", f"date prefix {m.group(1)!r}", line, rest))
            u = structure.URL_LINE.match(rest)
            if u:
                url = url or u.group(1)
            elif rest:
                title = title or rest
            drop.add(i)
        elif structure.URL_LINE.match(line):
            url = url or line.strip()
            drop.add(i)
            repairs.append(repair("header_removed", "URL line", line.strip(), ""))
        elif structure.STAMP_LINE.match(line):
            drop.add(i)
            repairs.append(repair("header_removed", "timestamp line", line.strip(), ""))
    kept = [line for i, line in enumerate(lines) if i not in drop]
    body = "\n".join(kept)
    if title is None:
        first = next((line.strip() for line in kept if line.strip()), "")
        more = sum(1 for line in kept if line.strip()) > 1
        fits = 0 < len(first) <= MAX_TITLE_CHARS
        if more and fits and not first.endswith((".", ",", ";")):
            title = structure._clean_title(first, body, url)
    return {"text": body, "title": title, "url": url, "repairs": repairs}


HEADER_PIECES = st.sampled_from(
    [
        "date 2024-03-05 Council approves budget - The Daily",
        "date 2024-03-05 https://x.test/a",
        "date 2024-03-05",
        "https://x.test/2024/03/05/budget",
        "Tuesday, March 5, 2024 10:30 am GMT",
        "2024-03-05T10:30",
        "Council approves budget - The Daily",
        "Council approves budget",
        "The council approved the budget on Tuesday after a long debate.",
        "Ends with a comma,",
        "",
        "   ",
        "\u00a0",
        "x" * 301,
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(HEADER_PIECES, max_size=9),
    st.sampled_from([None, "", "  ", "Hint title"]),
    st.sampled_from([None, "https://daily.test/a"]),
)
def test_header_found_from_the_first_lines_is_the_whole_page_reading(
    lines: list[str], title_hint: str | None, url_hint: str | None
) -> None:
    text = "\n".join(lines)
    assert split_header(text, title_hint, url_hint) == _split_every_line(text, title_hint, url_hint)


def test_header_on_real_pages() -> None:
    for text in real_texts():  # seeds included
        for hint in (None, "A title from the record"):
            assert split_header(text, hint, None) == _split_every_line(text, hint, None)


def test_a_records_title_with_line_breaks_becomes_one_line() -> None:
    """A scraped <title> with a line break inside failed title_single_line."""
    title = "\n  Council agrees\n   bridge\trepairs \n"
    checked = clean_and_validate([{"id": "nl", "title": title, "text": ARTICLE}])
    assert checked.quarantine.is_empty()
    assert checked.articles["title"].to_list() == ["Council agrees bridge repairs"]


def test_a_record_title_too_long_to_be_one_is_dropped_and_logged() -> None:
    """A description in the title field used to fail the contract's length check."""
    description = "The council agreed on Tuesday to repair the old bridge. " * 7
    text = f"Council agrees bridge repairs\n\n{ARTICLE}"
    records = [{"id": "long", "title": description, "text": text}]
    checked = clean_and_validate(records)
    assert checked.quarantine.is_empty()
    assert checked.articles["title"].to_list() == ["Council agrees bridge repairs"]  # the page's
    assert "title_dropped" in checked.quality_issues["kind"].to_list()


def test_a_title_with_several_site_parts_keeps_the_headline_printed_again() -> None:
    first = "Council approves budget after long debate | Politics | World | The Daily Ledger"
    body = "Council approves budget after long debate\n\n" + ARTICLE
    text = f"{first}\n\n{body}"
    assert split_header(text, None, "https://ledger.example/a")["title"] == (
        "Council approves budget after long debate"
    )
    # Printed nowhere again and naming no site of the URL: the line stays as it is.
    assert split_header(f"{first}\n\n{ARTICLE}", None, None)["title"] == first
