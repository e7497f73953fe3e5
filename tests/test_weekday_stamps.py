"""Weekday stamps without a year, read with the page's copyright year (the weekday
is the check), and only on pages that have no other usable date."""

from __future__ import annotations

from datetime import date, datetime

from flows.clean import clean_batch
from flows.clean.dates import resolve
from flows.clean.weekday_stamps import copyright_year, may_hold_stamps, weekday_words
from flows.evaluation import bronze_frame

INGESTED = datetime(2026, 11, 24)
NAV = "\n".join(["Accueil", "Monde", "Économie", "Sports", "Culture"])
BODY = (
    "Le transport scolaire ne reprendra qu'à la mi-septembre, a annoncé l'autorité "
    "régionale lundi, en raison des changements liés à la pandémie dans les écoles."
)


def page(stamp: str, footer: str = "Tous droits réservés © Société Radio-Canada 2020.") -> str:
    title = "Le transport scolaire reprendra à la mi-septembre"
    return f"{title} | Radio-Canada\n\n{NAV}\n\n{title}\n\n{stamp}\n\n{BODY}\n\n{footer}"


def chosen(text: str) -> dict:
    return resolve(text, None, None, None, INGESTED)


def test_weekday_words_from_every_language() -> None:
    words = weekday_words()
    assert (words["lundi"], words["неділя"], words["sunday"], words["sonntag"]) == (0, 6, 6, 6)
    assert "sat" not in words and "are" not in words  # short forms collide with words


def test_stamp_read_with_the_copyright_year_when_the_weekday_agrees() -> None:
    out = chosen(page("lundi 24 août"))
    assert out["published_date"] == date(2020, 8, 24)
    winner = next(c for c in out["date_candidates"] if c["chosen"])
    assert winner["raw"] == "lundi 24 août"
    assert "year from the copyright line" in winner["note"]
    # Day-month-weekday, upper case, with a site name on the line; a range of years.
    zaxid = page("ZAXID NET 7 ЧЕРВНЯ, НЕДІЛЯ", "© 2005—2020, ПрАТ «Люкс»")
    assert chosen(zaxid)["published_date"] == date(2020, 6, 7)
    english = page("Sunday, May 3", "Copyright © 2020 WABC-TV. All Rights Reserved.")
    assert chosen(english)["published_date"] == date(2020, 5, 3)


def test_no_date_when_the_weekday_disagrees_or_no_year_is_named() -> None:
    assert chosen(page("mardi 24 août"))["published_date"] is None  # 24/8/2020 was a Monday
    assert chosen(page("lundi 24 août", footer="Radio-Canada"))["published_date"] is None
    undated = chosen(page("lundi 24 août", footer="Radio-Canada"))
    assert [r["kind"] for r in undated["repairs"]] == ["date_missing"]


def test_a_weekday_in_a_sentence_is_not_a_stamp() -> None:
    text = page("Par la rédaction", BODY.replace("lundi", "dès le lundi 24 août,"))
    assert chosen(text)["published_date"] is None


def test_a_dated_page_never_reads_its_stamps() -> None:
    text = page("lundi 24 août\n\nPublié le 20 août 2020")
    out = chosen(text)
    assert out["published_date"] == date(2020, 8, 20)
    assert all("copyright" not in (c["note"] or "") for c in out["date_candidates"])


def test_a_full_date_with_its_weekday_keeps_its_own_year() -> None:
    out = chosen(page("lundi 24 août 2015"))
    assert out["published_date"] == date(2015, 8, 24)


def test_copyright_year_is_the_latest_in_copyright_lines() -> None:
    assert copyright_year("Text from 1999.\n© 2005—2020, Lux\nEnd") == 2020
    assert copyright_year("Copyright (c) 2019 Example Media") == 2019
    assert copyright_year("Founded in 2001.\nAll rights reserved.") is None


def test_prefilter_finds_stamps_in_lower_and_upper_case() -> None:
    flags = may_hold_stamps(["x\nLUNDI 24 AOÛT\n", "7 червня, неділя", "The 24 members met."])
    assert flags == [True, True, False]


def test_batch_step_reads_stamps_only_on_undated_pages() -> None:
    records = [
        {"id": "stamp", "text": page("lundi 24 août")},
        {"id": "dated", "text": page("lundi 24 août\n\nPublié le 20 août 2020")},
        {"id": "none", "text": page("Par la rédaction", footer="Radio-Canada")},
    ]
    articles = clean_batch(bronze_frame(records)).articles
    got = dict(zip(articles["source_id"], articles["published_date"], strict=True))
    assert got == {"stamp": date(2020, 8, 24), "dated": date(2020, 8, 20), "none": None}
