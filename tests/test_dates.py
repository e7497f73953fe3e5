"""Date resolution rules, each on a small page written like the real ones it covers."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.clean import dates, month_words
from flows.clean.cache_dir import CACHE_ENV
from flows.clean.dates import resolve
from tests.conftest import DEV_SET, SEEDS, real_texts

INGESTED = datetime(2026, 11, 24)
NAV = "\n".join(["Home", "World", "Business", "Sport", "Culture", "Opinion"])


def chosen(text: str, url: str | None = None) -> date | None:
    return resolve(text, url, None, None, INGESTED)["published_date"]


def page(title: str, stamp: str, body: str, extra: str = "") -> str:
    return f"{title} | Section | Site\n\n{NAV}\n\n{title}\n\n{stamp}\n\n{body}\n\n{extra}"


BODY = (
    "The council said the plan would go ahead after a long debate about the budget "
    "and the schedule for the works in the city centre."
)


def test_persian_digits_and_solar_hijri_calendar() -> None:
    text = page("خبر مهم درباره بودجه شهر", "تاریخ انتشار: ۲۹ بهمن ۱۳۹۸ - ۰۶:۵۵", "متن خبر")
    assert chosen(text) == date(2020, 2, 18)


def test_arabic_indic_digits_read_day_first() -> None:
    text = page("طهران تدفن العالم وتتهم المعارضة", "٠٢:٠٠ الثلاثاء ١ / ١٢ / ٢٠٢٠", "نص الخبر")
    assert chosen(text) == date(2020, 12, 1)


def test_levantine_double_month_name() -> None:
    text = page("وفيات بسبب فيروس كورونا في الأردن", "تم نشره الجمعة 24 نيسان / أبريل 2020", "نص")
    assert chosen(text) == date(2020, 4, 24)


def test_two_digit_year_only_with_a_time() -> None:
    stamped = page("Le centre hospitalier lance un appel", "Publié le 27 Mar 20 à 9:21", BODY)
    assert chosen(stamped) == date(2020, 3, 27)
    count = page("The council votes on the plan", "By Staff", "They met on 27 Mar 20 people.")
    assert chosen(count) is None


def test_published_beats_updated_but_updated_alone_counts() -> None:
    both = page(
        "Some US states begin lifting lockdowns",
        "22:57 GMT 28.04.2020 (updated 11:14 GMT 29.04.2020)",
        BODY,
    )
    assert chosen(both) == date(2020, 4, 28)
    alone = page(
        "Tiz the Law draws the post", "Updated 9:53 am PDT, Tuesday, September 1, 2020", BODY
    )
    assert chosen(alone) == date(2020, 9, 1)


def test_photo_caption_and_embedded_post_dates_are_citations() -> None:
    caption = (
        "FILE - In this June 20, 2020, file photo, the horse crosses the finish line ahead "
        "of the field at the track in front of an empty grandstand."
    )
    text = page("Tiz the Law draws the post", "Updated September 1, 2020", caption)
    text += "\n\nJune 20, 2020 was the race. June 20, 2020 again."
    assert chosen(text) == date(2020, 9, 1)
    tweet = page(
        "Trump visited his golf course again",
        "6:14 a.m.",
        "— Daniel Dale (@ddale8) January 1, 2020",
        "The count was published on January 2, 2020 and again on January 2, 2020.",
    )
    assert chosen(tweet) == date(2020, 1, 2)


def test_banner_weekday_is_not_evidence_for_itself() -> None:
    text = (
        "Site - SEBI should settle the mutual fund cases\n\n"
        "Wednesday, September 30, 2020 02:45 PM English\n\n"
        f"{NAV}\n\nSEBI should settle the mutual fund cases\n\n"
        f"Staff Writer / Mumbai September 29, 2020\n\n{BODY}"
    )
    assert chosen(text) == date(2020, 9, 29)


def test_a_list_of_repeated_dates_is_not_many_votes() -> None:
    listing = "\n".join(f"Event {i} in the region 2020.08.19. 08.00." for i in range(8))
    text = page("Fatigue may follow recovery from the virus", "2020. 08. 18. 21:35", BODY, listing)
    assert chosen(text) == date(2020, 8, 18)


def test_stamp_nearest_the_headline_beats_print_edition_date() -> None:
    text = (
        "Cutting heads in the name of the prophet | World | Politics | Site\n\n"
        f"{NAV}\n\nFresh issue\n\nNo. 42. 14/10/2020\nSwan lake: how many such places?\n\n"
        "19.10.2020 09:34\nAndrei Sidorchik\n\n"
        f"Cutting heads in the name of the prophet\n\n{BODY}"
    )
    assert chosen(text) == date(2020, 10, 19)


def _dev_pages() -> list[str]:
    """The dev set's page texts (none where ../shared is absent)."""
    if not DEV_SET.exists():
        return []
    return [
        json.loads(line)["text"]
        for name in ("dates.jsonl", "boilerplate.jsonl")
        for line in (DEV_SET / name).read_text(encoding="utf-8").splitlines()
    ]


def _whole_texts(texts: list[str], anchors: tuple = dates.ANCHORED) -> list[dict]:
    """batch_windows' stand-in that hands the patterns each whole text."""
    return [{anchor: [(0, len(text))] for anchor in anchors} for text in texts]


def _whole_page_candidates(text: str, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    with monkeypatch.context() as m:
        m.setattr(dates, "batch_windows", _whole_texts)
        return dates.text_candidates(text, dates._header_end(text))


def test_scanning_digit_windows_finds_what_scanning_the_page_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spread = " " * 120  # a date broken over a long run of whitespace
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*"))] + [
        f"Title of the story here\n\nPublished March 5,{spread}2024 at 10:30\n\n{BODY}",
        f"Headline\n\n17 de{spread}marzo de 2020\n\n24 نيسان / أبريل 2020\n\n{BODY}",
        "29 بهمن ۱۳۹۸ — " + BODY,
        f"Story\n\nWindows 10 1909(November 2019 Update) and Route 101 March 5\n\n{BODY}",
        f"Story\n\n17. septiembre{spread}/{spread}September de{spread}2020\n\n{BODY}",
        f"Story\n\n17. de Σεπτεμβρίου. / Σεπτεμβρίου, de 2020\n\n{BODY}",  # 38 before 2020
        f"Story\n\nSeptember. 30th,{spread}2020 and December 4,   20245 people\n\n{BODY}",
    ]
    texts += _dev_pages()
    for text in texts:
        expected = _whole_page_candidates(text, monkeypatch)
        assert dates.text_candidates(text, dates._header_end(text)) == expected


DATE_PIECES = st.sampled_from(
    ["1", "5", "12", "30", "101", "2019", "2020", "20245", "09:21", "10:30", "st", "th",
     "September", "Sept", "March", "mayo", "marzo", "de", "of", "/", ",", ".", "-", ":",
     "年", "月", "日", " ", "\n", " " * 70, "\n\n", "Published", "Updated:", "The",
     "word", "a" * 30, "x"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(DATE_PIECES, max_size=40), st.lists(st.sampled_from(["", " "]), max_size=40))
def test_scanning_windows_finds_what_scanning_the_page_finds_on_generated_text(
    pieces: list[str], gaps: list[str]
) -> None:
    """Each pattern scans only windows around the digit runs it can hold (a year,
    a day, any run); that must find what scanning the whole text finds."""
    text = "".join(p + g for p, g in zip(pieces, gaps + [" "] * len(pieces), strict=False))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(dates, "batch_windows", _whole_texts)
        expected = dates.text_candidates(text, dates._header_end(text))
    assert dates.text_candidates(text, dates._header_end(text)) == expected


def _regex_windows(text: str) -> list[tuple[int, int]]:
    """date_windows as first written, with `re` (the reference for the numpy one)."""
    margin = dates.ANY_RUN.margin

    def reach(pos: int, step: int) -> int:
        extra = 0
        while True:
            edge = max(0, min(len(text), pos + step * (margin + extra)))
            lo, hi = (edge, pos) if step < 0 else (pos, edge)
            wider = sum(len(m.group()) - 1 for m in re.finditer(r"\s{2,}", text[lo:hi]))
            if wider == extra or edge in (0, len(text)):
                return edge
            extra = wider

    windows: list[tuple[int, int]] = []
    runs = [m.span() for m in re.finditer(r"\d+", text)]
    first = 0
    for i, (_, end) in enumerate(runs):
        if i + 1 < len(runs) and runs[i + 1][0] - end <= 2 * margin:
            continue
        lo, hi = reach(runs[first][0], -1), reach(end, +1)
        first = i + 1
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
        else:
            windows.append((lo, hi))
    return windows


def test_date_windows_match_the_regex_reading_on_real_pages() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*"))] + _dev_pages()
    for text in texts:
        assert dates.date_windows(text) == _regex_windows(text)


WINDOW_PIECES = st.sampled_from(
    ["1", "2024", "٣", "۱۳۹۸", "x", "March", " ", "  ", "\n\n", "\u3000", "\x1c", "\u2028",
     "\xa0", "\t", "\ud800", "²", "a" * 40, " " * 60, "7" * 3]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(WINDOW_PIECES, st.text(max_size=5)), max_size=60))
def test_date_windows_match_the_regex_reading_on_generated_text(pieces: list[str]) -> None:
    """Unicode digits and spaces (Arabic-Indic, ideographic, \\x1c), lone surrogates,
    long whitespace runs near window edges."""
    text = "".join(pieces)
    assert dates.date_windows(text) == _regex_windows(text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.one_of(WINDOW_PIECES, st.text(max_size=5)), max_size=30), max_size=8),
    st.integers(min_value=1, max_value=300),
)
def test_batch_windows_are_each_texts_own(pages: list[list[str]], chunk: int) -> None:
    """Many pages in one numpy pass (split into chunks of any size) give each page
    the windows it has alone: no run, whitespace or window crosses a page boundary.
    Every window is checked against the `re` reading too (ANY_RUN)."""
    texts = ["".join(pieces) for pieces in pages]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(dates, "CHUNK_CHARS", chunk)
        together = dates.batch_windows(texts)
    alone = [dates.batch_windows([text])[0] for text in texts]
    assert together == alone
    for text, windows in zip(texts, together, strict=True):
        assert windows[dates.ANY_RUN] == _regex_windows(text)


def test_batch_prefilters_skip_only_what_cannot_match() -> None:
    """Running each pattern only in the windows its polars prefilter matched,
    looking for weekdays only where one is named and for citations only where one
    may be, gives the same result as running everything."""
    odd_space = "\x1c"  # whitespace to Python's re, not to Rust's regex
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*"))] + [
        f"Title of the story here\n\nPublished March{odd_space}5, 2024 at 10:30\n\n{BODY}",
        f"Headline\n\n17 de marzo de 2020\n\n24 نيسان / أبريل 2020\n\n{BODY}",
        "29 بهمن ۱۳۹۸ — " + BODY,
        f"Story\n\n2020年3月7日 Posted 27 Mar 20 à 9:21 and 27.03.20 09:21\n\n{BODY}",
        f"Story\n\nSaturday, 3/4/2021 and Sept. 9th 2019, 2020. 08. 18.\n\n{BODY}",
    ]
    # A caption's date is a citation, not the byline it would otherwise be; Python
    # reads "FİLE" and "fıle" as "file" case-insensitively.
    for caption in ("FİLE PHOTO -", "Fıle:", "(@newsdesk)", "pic.twİtter.com/x"):
        texts.append(f"{NAV}\n\nPosted | {caption} March 5, 2024\n\n{BODY}")
    texts += _dev_pages()
    weekday = dates.weekday_named(pl.Series(texts))
    cites = dates.citation_possible(pl.Series(texts))
    windows = dates.batch_windows(texts)
    plans, native = dates.scan_plans(texts, windows)
    assert native == [bool(dates.HAS_NATIVE_DIGIT.search(t)) for t in texts] and any(native)
    every = [
        [w[dates.ANCHORS.get(kind, dates.YEAR_RUN)] for kind, _ in dates.PATTERNS] for w in windows
    ]
    # The prefilters do rule windows out: less than half of them are scanned.
    planned = sum(len(spans) for plan in plans for spans in plan)
    assert 0 < planned < sum(len(spans) for plan in every for spans in plan) / 2
    assert 0 < sum(cites) < len(texts) / 2
    for k, text in enumerate(texts):
        full = resolve(text, None, None, None, INGESTED)
        assert resolve(text, None, None, None, INGESTED, every[k]) == full
        filtered = resolve(
            text, None, None, None, INGESTED, plans[k], weekday[k], cites[k], native[k]
        )
        assert filtered == full


_ASCII_TWINS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})  # re's (?i) equates them
_WEEKDAY_WORD = re.compile(r"(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")


def _split_header_end(text: str) -> int:
    """_header_end as first written, splitting the whole page (the reference)."""
    count, pos = 0, 0
    for line in text.split("\n"):
        pos += len(line) + 1
        if line.strip():
            count += 1
            if count >= 4 or len(line.split()) > 25:
                break
    return pos


HEADER_PIECES = st.sampled_from(
    ["\n", "\n\n", " \n", "\x1c\n", "word", "two words", " ", "\u2028", "w " * 26, "Title"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(HEADER_PIECES, max_size=30))
def test_header_end_walks_only_the_first_lines(pieces: list[str]) -> None:
    """Found line by line, the header zone ends where splitting the page puts it."""
    text = "".join(pieces)
    assert dates._header_end(text) == _split_header_end(text)


def test_header_end_on_real_pages() -> None:
    for text in real_texts():  # seeds included
        assert dates._header_end(text) == _split_header_end(text)


def test_weekday_words_are_what_the_plain_pattern_finds() -> None:
    """Found from their "day" ending, the same words, spans and days as the plain
    case-insensitive pattern, on every real page and on edge cases."""
    edge = [
        "Monday", "xMonday", "_Friday", "Fridays", "FRIDAY,SATURDAY", "Sunday_", "1Sunday",
        "Thursday" + " " * (dates.WEEKDAY_ZONE - 8) + "Monday",  # a word past the zone
        " " * (dates.WEEKDAY_ZONE - 6) + "Monday",  # ends exactly at the zone's end
        " " * (dates.WEEKDAY_ZONE - 3) + "Monday",  # straddles it
        "FRİDAY, 3 March", "Frıday", "ſunday", "Wednesday\u00a0Tuesday",
    ]  # fmt: skip
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*"))] + _dev_pages()
    seen = 0
    for text in texts + edge:
        plain = list(_WEEKDAY_WORD.finditer(text, 0, dates.WEEKDAY_ZONE))
        found = dates._weekday_words(text)
        assert [(a, b) for a, b, _ in found] == [m.span() for m in plain], text[:80]
        for (_, _, day), m in zip(found, plain, strict=True):  # two letters tell the day
            assert dates.WEEKDAYS[day][:2] == m.group(1).translate(_ASCII_TWINS)[:2].lower()
        seen += len(found)
    assert seen > 20
    # Letters whose lower() is not ASCII no longer crash the weekday evidence.
    assert dates._weekday_mentions("FRİDAY ſunday Frıday", []) == {4, 6}


def test_the_month_alternation_reads_each_month_word_whole() -> None:
    month = re.compile(f"(?i){dates._MON}")
    for word in dates.ENGLISH_MONTHS:
        for form in (word, word.title(), word.upper(), word + "."):
            m = month.fullmatch(form)
            assert m is not None and m.group(1).lower() == word, form
    for not_a_month in ("septem", "marches", "junes", "sepactive"):
        assert month.match(not_a_month) is None, not_a_month


def test_month_words_are_read_once_per_word(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = month_words.MonthWords()
    monkeypatch.setattr(month_words, "WORDS", fresh)
    monkeypatch.setenv(CACHE_ENV, "")  # this process's memory only
    assert chosen("Titre\n\nPublié le 5 janvier 2024\n\n" + BODY) == date(2024, 1, 5)
    assert chosen("Titre\n\nPublié le 9 janvier 2023\n\n" + BODY) == date(2023, 1, 9)
    assert fresh.asked == 1
    assert month_words.month_of("året") is None  # "the year" is not a month


def test_solar_hijri_conversion_matches_convertdate() -> None:
    """The per-year shortcut gives convertdate's answer on every month's edges."""
    from convertdate import persian

    for year in (1300, 1357, 1398, 1399, 1403, 1420, 1478):
        for month in range(1, 13):
            for day in (1, 30, 31):  # a month's first day, and where it may end
                expected = date(*persian.to_gregorian(year, month, day))
                assert dates._solar_hijri(year, month, day) == expected, (year, month, day)
    assert dates._solar_hijri(1398, 13, 1) is None
    assert dates._solar_hijri(1398, 1, 0) is None


CANDIDATE_SPOTS = st.fixed_dictionaries(
    {
        "parsed_date": st.sampled_from([date(2024, 3, 5), date(2024, 5, 3), date(2020, 1, 1)]),
        "origin": st.sampled_from(["header", "byline", "body", "url", "dateline"]),
        "position": st.sampled_from([None, 0, 7, 7, 120]),
    }
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CANDIDATE_SPOTS, max_size=25))
def test_agreement_counts_are_the_pairwise_ones(candidates: list[dict]) -> None:
    """Counted per date and spot, the agreement is what comparing every pair gives:
    others with the same date, from another origin or position (the same spot twice,
    as two readings of one stamp give, is one mention)."""
    pairwise = []
    for c in candidates:
        agreeing = [
            o
            for o in candidates
            if o is not c
            and o["parsed_date"] == c["parsed_date"]
            and (o["origin"] != c["origin"] or o["position"] != c["position"])
        ]
        pairwise.append((len(agreeing), sum(o["origin"] != "body" for o in agreeing)))
    assert dates.agreement_counts(candidates) == pairwise


@pytest.mark.parametrize(
    ("hint", "day", "at"),
    [
        ("1700000000", "2023-11-14", "2023-11-14 22:13:20"),
        ("1700000000123", "2023-11-14", "2023-11-14 22:13:20.123000"),
        ("1700000000.5", "2023-11-14", "2023-11-14 22:13:20"),
    ],
)
def test_a_record_date_in_unix_time_is_read_as_utc(hint: str, day: str, at: str) -> None:
    found = resolve("Some text without dates at all.", None, hint, None, datetime(2026, 1, 1))
    assert (str(found["published_date"]), str(found["published_at"])) == (day, at)
    assert found["date_origin"] == "record"


def test_numbers_that_are_not_unix_time_give_no_date() -> None:
    for hint in ("170000000", "17000000000", "12345"):
        assert (
            resolve("No dates here.", None, hint, None, datetime(2026, 1, 1))["published_date"]
            is None
        )


LABEL_PIECES = st.one_of(
    st.sampled_from(
        [
            "Published",
            "UPDATED:",
            "By",
            "by",
            "|",
            "Yayınlanma",
            "YAYINLANMA",
            "PUBLİSHED",
            "mis à jour",
            "Опубликовано",
            "تم نشره",
            "date:",
            "\n",
            " ",
            "on",
            "Standby",
        ]
    ),
    st.text(max_size=4),
)


@pytest.mark.parametrize("name", ["BYLINE", "PUBLISHED", "UPDATED"])
def test_fast_label_reads_as_the_case_insensitive_pattern(name: str) -> None:
    pattern, label = getattr(dates, name), getattr(dates, f"{name}_LABEL")
    befores = [
        dates._label_before(text, m.start())
        for text in real_texts()
        for m in re.finditer(r"\d{4}", text)
    ]
    assert len(befores) > 1000
    assert [label.search(b) for b in befores] == [bool(pattern.search(b)) for b in befores]
    assert sum(label.search(b) for b in befores) > 10  # the labels are there to find


@settings(max_examples=300, deadline=None)
@given(st.lists(LABEL_PIECES, max_size=12))
def test_fast_label_reads_as_the_pattern_on_any_text(pieces: list[str]) -> None:
    text = " ".join(pieces)
    for name in ("BYLINE", "PUBLISHED", "UPDATED"):
        pattern, label = getattr(dates, name), getattr(dates, f"{name}_LABEL")
        assert label.search(text) == bool(pattern.search(text)), (name, text)
