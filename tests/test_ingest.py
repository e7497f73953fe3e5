"""Ingest: encodings, formats and bad input become records, never crashes."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import itertools
import json
import lzma
import os
import zipfile
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from polars.exceptions import PanicException

from flows.ingest import (
    RAW_SCHEMA,
    discover,
    doc_id_for,
    ingest_files,
    ingest_unit,
    records_to_frame,
)
from flows.ingest.encoding import TWINS, Decoded, _twin_reading, decode_bytes, sniff_binary
from flows.ingest.readers import read_file
from tests.conftest import SEEDS

TEXT = "Café owners in Zürich said “prices” rose — again.\nSecond line."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_decode_recovers_text_exactly(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.error is None
    assert decoded.encoding == encoding
    assert decoded.text == TEXT


def test_decode_legacy_single_byte() -> None:
    text = "Les élèves ont reçu leurs diplômes à Paris après l'été, dit-il à la presse. " * 3
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.error is None
    assert decoded.text == text
    assert decoded.encoding in {"cp1252", "latin_1", "iso8859_15", "iso8859_1"}


# Text whose bytes hold nothing in 0x80-0x9F, so that a Windows code page and its
# ISO twin both read them; only the letters inside the words tell which was meant.
TWIN_TEXTS = {
    "iso8859-15": "Le billet coûte 12 € et l'abonnement annuel 150 €, a précisé la "
    "mairie. Les élèves ont reçu leurs diplômes à Paris après l'été, dit-il.",
    "iso8859-2": "Na Šumavě zasněžilo, řekl meteorolog. Silnice přes Šumavu "
    "jsou sjízdné se zvýšenou opatrností, dodala policie v úterý večer.",
}
# Symbols that do stand next to letters in Windows text, and are no such sign:
# fractions, an acute accent typed as an apostrophe, »quotes«.
TWIN_LOOKALIKES = {
    "cp1252": "The café's 3½-mile trail opens at 8 o´clock, don´t be late: "
    "entry costs ¼ of last year's price, said the société's director.",
    "cp1250": "A miniszter szerint »a költségvetés kész«, és a kormány jövő héten "
    "elfogadja; az ellenzék ezt elhamarkodott kijelentésnek nevezte.",
}


@pytest.mark.parametrize("encoding", sorted(TWIN_TEXTS))
def test_twin_code_pages_are_told_apart_by_the_letters_in_words(encoding: str) -> None:
    """ISO-8859-15 read as cp1252 turned "€" into "¤" (and, on a dev-set page,
    "sœurs" into "s½urs"); ISO-8859-2 read as cp1250 turned "Šumavě" into "©umavě"."""
    text = TWIN_TEXTS[encoding]
    data = text.encode(encoding)
    assert not any(0x80 <= b <= 0x9F for b in data)
    decoded = decode_bytes(data)
    assert decoded.text == text, decoded.encoding
    assert decoded.encoding == encoding.replace("-", "_")  # as the run report names it


@pytest.mark.parametrize("encoding", sorted(TWIN_LOOKALIKES))
def test_symbols_that_belong_next_to_letters_keep_the_windows_reading(encoding: str) -> None:
    text = TWIN_LOOKALIKES[encoding]
    data = text.encode(encoding)
    assert not any(0x80 <= b <= 0x9F for b in data)
    assert data.decode(TWINS[encoding]) != text  # its twin reads it otherwise
    kept = _twin_reading(data, Decoded(text, encoding, guessed=True))
    assert (kept.text, kept.encoding) == (text, encoding)


def test_decode_utf8_with_stray_cp1252_byte_keeps_everything() -> None:
    data = "Zürich’s mayor".encode() + b" said \x93no\x94."
    decoded = decode_bytes(data)
    assert decoded.text == "Zürich’s mayor said “no”."
    assert decoded.encoding == "utf-8+cp1252"


# News sentences in scripts whose legacy code pages are double-byte (or Thai's).
ASIAN_TEXTS = {
    "euc-kr": "서울시는 내년부터 버스 요금을 조정한다고 오늘 발표했다. "
    "시민들은 교통카드로 환승 할인을 받을 수 있다.",
    "cp949": "부산 해운대 해수욕장이 다음 달 1일 개장한다고 구청이 밝혔다.",
    "shift_jis": "東京都は来年から路線バスの運賃を改定すると発表した。"
    "交通系カードで乗り換え割引が受けられる。",
    "euc-jp": "大阪市は新しい図書館を来月開館すると発表した。利用者は事前に登録する必要がある。",
    "gbk": "北京市政府今天宣布，明年起将调整公交票价，市民可使用一卡通享受换乘优惠。",
    "big5": "臺北市政府今天宣布，明年起將調整公車票價，市民可使用悠遊卡享受轉乘優惠。",
    "cp874": "กรุงเทพมหานครประกาศว่าจะปรับค่าโดยสารรถประจำทางตั้งแต่ปีหน้า",
}


@pytest.mark.parametrize("encoding", sorted(ASIAN_TEXTS))
@pytest.mark.parametrize("copies", [1, 8])
def test_a_double_byte_code_page_is_not_read_as_utf8_with_strays(
    encoding: str, copies: int
) -> None:
    """Their bytes hold valid-looking UTF-8 pairs by chance: read as UTF-8 with the
    rest as cp1252, a Korean page came out as mojibake ("¼­¿ï½Ã´Â")."""
    text = "\n".join([ASIAN_TEXTS[encoding]] * copies)
    data = text.encode(encoding)
    decoded = decode_bytes(data)
    assert decoded.encoding != "utf-8+cp1252"
    assert decoded.text == text


def test_utf8_with_a_pasted_legacy_passage_keeps_both() -> None:
    """Runs of invalid bytes are no evidence in a short passage ("ação")."""
    utf8 = "São Paulo aprovou o orçamento da educação na quarta-feira.\n" * 3
    legacy = "A prefeitura divulgou as informações à imprensa.\n"
    decoded = decode_bytes(utf8.encode() + legacy.encode("cp1252"))
    assert decoded.encoding == "utf-8+cp1252"
    assert decoded.text == utf8 + legacy


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"%PDF-1.7\n\x00\x01\x02binary",
        # 16-bit numbers: NULs on one side only, as in UTF-16, but no text.
        b"".join(n.to_bytes(2, "little") for n in range(256)) * 4,
    ],
)
def test_decode_refuses_binary_with_a_reason(data: bytes) -> None:
    decoded = decode_bytes(data)
    assert decoded.text is None
    assert decoded.error and decoded.error.startswith("not text")


@pytest.mark.parametrize(
    ("compress", "command"),
    [(gzip.compress, "gunzip -k FILE"), (bz2.compress, "bunzip2 -k FILE"), (lzma.compress, "unxz")],
)
def test_a_compressed_file_is_refused_with_how_to_unpack_it(
    compress: Callable[[bytes], bytes], command: str
) -> None:
    decoded = decode_bytes(compress(TEXT.encode()))
    assert decoded.text is None and decoded.error and decoded.error.startswith("not text")
    assert f"unpack it ({command}" in decoded.error


STRAY_NUL_TEXTS = {
    # A NUL after every 26 bytes: all of them fall on one side, as in UTF-16.
    "one side": b"".join(
        b"The council met on Tuesday" + b"\x00" + b" and voted.\n" for _ in range(60)
    ),
    "end of each line": "Городская дума утвердила бюджет.\x00\n".encode() * 60,
}


@pytest.mark.parametrize("kind", sorted(STRAY_NUL_TEXTS))
def test_utf8_text_with_stray_nul_bytes_is_text(kind: str) -> None:
    """A few NULs that all fall on one side made text read as UTF-16 ("楔汴e楷桴…")
    and load as such; above 1 % of the bytes, text was refused as binary."""
    data = STRAY_NUL_TEXTS[kind]
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text == data.decode()


def test_a_zip_archive_not_named_so_is_refused_with_how_to_read_it() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", TEXT)
    decoded = decode_bytes(buffer.getvalue())
    assert decoded.text is None and decoded.error
    assert decoded.error.startswith("not text: ZIP archive")
    assert "name an archive .zip to read the files inside" in decoded.error


def test_decode_empty() -> None:
    assert decode_bytes(b"").text == ""


def test_discover_recurses_skips_hidden_and_reports_missing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "a" / ".DS_Store").write_bytes(b"\x00")
    files, problems = discover([tmp_path, tmp_path / "nope"])
    assert [f.name for f in files] == ["one.txt"]
    assert problems == [f"input path does not exist: {tmp_path / 'nope'}"]


def test_a_pipe_or_device_named_as_an_input_is_quarantined_as_what_it_is(tmp_path: Path) -> None:
    """Found in a folder, a pipe was quarantined as "not a regular file"; named on its
    own (`--input /dev/zero`), it was refused as a path that does not exist."""
    pipe = tmp_path / "feed.txt"
    os.mkfifo(pipe)
    files, problems = discover([pipe, "/dev/null", tmp_path / "gone.txt"])
    assert files == [Path("/dev/null"), pipe] and problems == [
        f"input path does not exist: {tmp_path / 'gone.txt'}"
    ]
    errors = [r.error for path in files for r in read_file(path)]
    assert all(e and e.startswith("not a regular file") for e in errors), errors


def test_discover_follows_folder_links_once_and_keeps_unlistable_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "archive" / "2024-11-30"
    archive.mkdir(parents=True)
    (archive / "a.txt").write_text("x")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "2024-11-30").symlink_to(archive)  # was skipped, its files with it
    (inputs / "latest").symlink_to(archive)  # the same files again: read once
    (inputs / "loop").symlink_to(inputs)  # a link back up
    (inputs / "locked").mkdir()
    files, problems = discover([inputs])
    assert files == [archive.resolve() / "a.txt"]
    assert problems == []
    # A folder that cannot be listed is an input of its own, quarantined with why.
    real_listdir = os.listdir

    def listdir(path: str | Path) -> list[str]:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)  # what Path.iterdir calls
    files, _ = discover([inputs])
    assert files == sorted([archive.resolve() / "a.txt", (inputs / "locked").absolute()])
    (record,) = read_file(inputs / "locked")
    assert record.error == "cannot list folder: Permission denied"


def test_jsonl_good_and_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a1", "url": "https://x.test/a", "text": "Body A", "section": "World"}),
        "{not json",
        json.dumps({"id": "a2", "title": "No text here"}),
        json.dumps(["a", "list"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = read_file(path)
    assert [r.record_index for r in records] == [0, 1, 2, 3]
    good, bad_json, no_text, not_object = records
    assert good.error is None and good.source_id == "a1" and good.url == "https://x.test/a"
    assert json.loads(good.extra) == {"section": "World"}
    assert bad_json.error.startswith("line 2: invalid JSON")
    assert bad_json.raw_text == "{not json"
    assert "no 'text' field" in no_text.error
    assert "expected a JSON object" in not_object.error


def test_a_text_field_of_paragraphs_is_joined_and_one_of_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [
        {"id": "p", "text": ["First paragraph.", "Second paragraph."]},
        {"id": "o", "text": {"body": "Nested text"}},
        {"id": "n", "maintext": 42},
        {"id": "m", "text": ["Mixed", 3]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    paragraphs, nested, number, mixed = read_file(path)
    assert paragraphs.error is None
    assert paragraphs.raw_text == "First paragraph.\n\nSecond paragraph."
    assert (
        nested.raw_text is None
        and nested.error == "record's 'text' field holds an object, not text"
    )
    assert number.error == "record's 'maintext' field holds a number, not text"
    assert mixed.error == "record's 'text' field holds an array, not text"
    pq = tmp_path / "p.parquet"
    pl.DataFrame({"id": ["q"], "text": [["One.", "Two."]]}).write_parquet(pq)
    (rec,) = read_file(pq)
    assert (rec.raw_text, rec.error) == ("One.\n\nTwo.", None)


@pytest.mark.parametrize(
    ("name", "delimiter"), [("semi.csv", ";"), ("tabs.tsv", "\t"), ("pipes.csv", "|")]
)
def test_csv_with_another_delimiter_is_read(tmp_path: Path, name: str, delimiter: str) -> None:
    """European exports use ";", .tsv files a tab: read as one column, such a file
    was quarantined whole (or, as .tsv, read as one text)."""
    path = tmp_path / name
    rows = [["id", "title", "text"], ["r1", "Council agrees", 'Body, with "quotes"; and more']]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    (record,) = read_file(path)
    assert (record.format, record.source_id, record.title, record.raw_text, record.error) == (
        "csv",
        "r1",
        "Council agrees",
        'Body, with "quotes"; and more',
        None,
    )


def test_common_scrapers_field_names_are_read(tmp_path: Path) -> None:
    """news-please, schema.org and RSS name the fields otherwise; `text` still wins."""
    path = tmp_path / "scraped.jsonl"
    lines = [
        {
            "_id": "np1",
            "maintext": "Body of a news-please record",
            "headline": "A headline",
            "link": "https://x.test/np1",
            "date_publish": "2024-03-01 10:00:00",
            "source_domain": "x.test",
        },
        {"guid": "rss1", "content": "Body of a feed item", "pubDate": "Fri, 01 Mar 2024"},
        {"text": "The text field", "body": "not this one", "id": "both"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    first, second, third = read_file(path)
    assert (first.source_id, first.raw_text, first.title, first.url, first.date) == (
        "np1",
        "Body of a news-please record",
        "A headline",
        "https://x.test/np1",
        "2024-03-01 10:00:00",
    )
    assert json.loads(first.extra) == {"source_domain": "x.test"}
    assert (second.source_id, second.raw_text, second.date) == (
        "rss1",
        "Body of a feed item",
        "Fri, 01 Mar 2024",
    )
    assert third.raw_text == "The text field" and json.loads(third.extra) == {
        "body": "not this one"
    }
    assert all(r.error is None for r in (first, second, third))


def test_field_names_are_matched_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    """Excel and database exports capitalise their headers: a CSV of "ID", "Title",
    "Text" and "Published At" was refused as having no text column."""
    table = tmp_path / "export.csv"
    table.write_text(
        "ID,Title,Text,Published At,Source\nc1,Sea wall,The harbour wall is rebuilt.,"
        "2020-03-03,Gazette\n",
        encoding="utf-8-sig",
    )
    (rec,) = read_file(table)
    assert (rec.source_id, rec.title, rec.raw_text, rec.date, rec.error) == (
        "c1",
        "Sea wall",
        "The harbour wall is rebuilt.",
        "2020-03-03",
        None,
    )
    assert json.loads(rec.extra) == {"Source": "Gazette"}
    typed = tmp_path / "export.parquet"
    pl.DataFrame({"Full Text": ["Body"], "PubDate": ["2020-03-03"]}).write_parquet(typed)
    (row,) = read_file(typed)
    assert (row.raw_text, row.date, row.error) == ("Body", "2020-03-03", None)
    api = tmp_path / "newsapi.json"  # NewsAPI's response: camelCase, records in a list
    api.write_text(
        json.dumps(
            {
                "status": "ok",
                "articles": [
                    {
                        "source": {"name": "Gazette"},
                        "title": "Sea wall",
                        "url": "https://gazette.test/1",
                        "publishedAt": "2020-03-03T10:00:00Z",
                        "content": "The harbour wall is rebuilt.",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    (news,) = read_file(api)
    assert (news.title, news.url, news.date, news.raw_text) == (
        "Sea wall",
        "https://gazette.test/1",
        "2020-03-03T10:00:00Z",
        "The harbour wall is rebuilt.",
    )
    both = tmp_path / "both.jsonl"
    both.write_text(json.dumps({"Text": "other", "text": "exact"}) + "\n", encoding="utf-8")
    (exact,) = read_file(both)  # a key spelt exactly so comes first
    assert exact.raw_text == "exact" and json.loads(exact.extra) == {"Text": "other"}


JSON_RECORDS = [
    {"id": "j1", "title": "Sea wall", "text": "The harbour wall is rebuilt.", "date": "2020-03-03"},
    {"id": "j2", "headline": "Roads", "content": "Two roads close for repairs.", "lang": "en"},
]


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("array.json", JSON_RECORDS),
        ("wrapped.json", {"status": "ok", "count": 2, "articles": JSON_RECORDS}),
    ],
)
def test_a_json_document_of_records_is_one_article_per_record(
    tmp_path: Path, name: str, document: object
) -> None:
    """A `.json` array of articles was loaded as one article of JSON syntax."""
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    first, second = read_file(path)
    assert (first.format, first.record_index, first.source_id, first.title) == (
        "json",
        0,
        "j1",
        "Sea wall",
    )
    assert (first.raw_text, first.date, first.error) == (
        "The harbour wall is rebuilt.",
        "2020-03-03",
        None,
    )
    assert (second.record_index, second.title, second.raw_text) == (
        1,
        "Roads",
        "Two roads close for repairs.",
    )
    assert json.loads(second.extra) == {"lang": "en"}
    gz = tmp_path / f"{name}.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert [r.raw_text for r in read_file(gz)] == [first.raw_text, second.raw_text]


def test_a_json_feed_is_one_article_per_item(tmp_path: Path) -> None:
    """JSON Feed (jsonfeed.org): its items under "items", text in content_text or
    content_html."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Harbour Gazette",
        "items": [
            {
                "id": "https://gazette.test/1",
                "url": "https://gazette.test/1",
                "title": "Sea wall",
                "content_text": "The harbour wall is rebuilt.",
                "date_published": "2020-03-03T10:00:00Z",
            },
            {"id": "2", "content_html": "<p>Two roads close for repairs.</p>"},
        ],
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    first, second = read_file(path)
    assert (first.source_id, first.url, first.title, first.raw_text, first.date) == (
        "https://gazette.test/1",
        "https://gazette.test/1",
        "Sea wall",
        "The harbour wall is rebuilt.",
        "2020-03-03T10:00:00Z",
    )
    assert second.raw_text.strip() == "Two roads close for repairs." and second.error is None


def test_json_documents_that_hold_no_records_say_what_they_hold(tmp_path: Path) -> None:
    def read(document: str) -> list[tuple[int, str | None, str | None]]:
        path = tmp_path / "doc.json"
        path.write_text(document, encoding="utf-8")
        return [(r.record_index, r.raw_text, r.error) for r in read_file(path)]

    one = {"text": "One article as an object."}
    assert read(json.dumps(one)) == [(0, "One article as an object.", None)]
    # JSON Lines saved as .json: each line a record, numbered by its line.
    assert [t for _, t, _ in read(json.dumps(one) + "\n" + json.dumps(one) + "\n")] == [
        "One article as an object."
    ] * 2
    ((_, _, broken),) = read('[{"text": "cut off"')
    assert broken.startswith("invalid JSON (") and "line 1 column" in broken
    ((_, _, scalar),) = read('"just a string"')
    assert scalar == "expected a JSON array or object of records, got str"
    ((_, _, empty),) = read('{"status": "ok", "items": []}')
    assert "no 'text' field" in empty and "no list of records" in empty
    assert "fields: ['items', 'status']" in empty
    good, bad = read(json.dumps([one, ["a", "list"]]))
    assert good[2] is None
    assert bad[0] == 1 and bad[2] == "item 2: expected a JSON object, got list"


def test_a_json_document_above_the_size_limit_says_how_to_read_it_in_records(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(JSON_RECORDS * 100), encoding="utf-8")
    (rec,) = read_file(path, max_bytes=1000)
    assert rec.error and rec.error.startswith("document too large")
    assert "jq -c '.[]' FILE.json > FILE.jsonl, or '.KEY[]' for an object" in rec.error


POST = (
    "The harbour authority said on Monday that the sea wall would be rebuilt.\n\n"
    "Work starts in November, officials said.\n"
)


@pytest.mark.parametrize(
    ("name", "front"),
    [
        (
            "post.md",
            '---\ntitle: "Sea wall: to be rebuilt"\ndate: 2020-03-03T10:00:00+01:00\n'
            "author: Jane Doe\ntags: [harbour, storms]\n"
            "canonical_url: https://gazette.test/sea-wall\n---\n\n",
        ),
        (
            "post.txt",  # Hugo's TOML front matter
            '+++\ntitle = "Sea wall: to be rebuilt"\ndate = 2020-03-03T10:00:00+01:00\n'
            'author = "Jane Doe"\ntags = ["harbour", "storms"]\n'
            'canonical_url = "https://gazette.test/sea-wall"\n+++\n',
        ),
    ],
)
def test_a_posts_front_matter_gives_its_fields(tmp_path: Path, name: str, front: str) -> None:
    """Static-site posts open with their metadata: "---" was the headline and
    "title: …" a line of the body."""
    path = tmp_path / name
    path.write_text(front + POST, encoding="utf-8")
    (rec,) = read_file(path)
    assert (rec.source_id, rec.title, rec.date, rec.url, rec.raw_text, rec.error) == (
        "post",
        "Sea wall: to be rebuilt",
        "2020-03-03T10:00:00+01:00",
        "https://gazette.test/sea-wall",
        POST,
        None,
    )
    assert json.loads(rec.extra) == {"author": "Jane Doe", "tags": ["harbour", "storms"]}


@pytest.mark.parametrize(
    "text",
    [
        "---\n\n" + POST,  # a Markdown rule, never closed
        "---\nJust a line between rules.\n---\n" + POST,  # not a mapping
        "---\ntitle: [unclosed\n---\n" + POST,  # not YAML
        "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n" + POST,  # deeper than PyYAML
        "+++\ntitle = " + "[" * 5000 + "]" * 5000 + "\n+++\n" + POST,  # … or tomllib reach
        # The "billion laughs": each alias a reference in YAML, the fields' JSON took
        # 24 GB and the process with it. Aliases are refused.
        "---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in itertools.pairwise("abcdefghi")
        )
        + "---\n"
        + POST,
    ],
)
def test_text_that_only_looks_like_front_matter_is_read_as_it_is(tmp_path: Path, text: str) -> None:
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    (rec,) = read_file(path)
    assert (rec.raw_text, rec.title, rec.extra) == (text, None, None)


def test_csv_and_parquet_records(tmp_path: Path) -> None:
    csv_path = tmp_path / "a.csv"
    csv_path.write_text('id,text,lang\nc1,"Hello, world",en\nc2,"Second ""quoted""",fr\n')
    records = read_file(csv_path)
    assert [r.raw_text for r in records] == ["Hello, world", 'Second "quoted"']
    assert json.loads(records[1].extra) == {"lang": "fr"}

    pq = tmp_path / "b.parquet"
    pl.DataFrame({"id": ["p1"], "text": ["Parquet body"], "date": ["2024-01-02"]}).write_parquet(pq)
    (rec,) = read_file(pq)
    assert (rec.source_id, rec.raw_text, rec.date, rec.error) == (
        "p1",
        "Parquet body",
        "2024-01-02",
        None,
    )

    no_text = tmp_path / "c.parquet"
    pl.DataFrame({"words": ["x"]}).write_parquet(no_text)
    (bad,) = read_file(no_text)
    assert bad.error and "no 'text' column" in bad.error


def test_parquet_dates_and_binary_text_read_as_text(tmp_path: Path) -> None:
    # Typed columns of a dataset export: a Date (was loaded as '"2024-01-02"', JSON
    # quotes and all), a Datetime, and the page's bytes in a Binary column.
    path = tmp_path / "typed.parquet"
    pl.DataFrame(
        {
            "text": [
                b"Plain bytes",
                "Caf\u00e9 ol\u00e9. ".encode("cp1252") * 20,
                bytes(range(256)),
            ],
            "date": [date(2024, 1, 2), None, None],
            "published_at": [None, datetime(2024, 5, 6, 7, 8, 9), None],
        },
        schema_overrides={"text": pl.Binary},
    ).write_parquet(path)
    first, second, third = read_file(path)
    assert (first.raw_text, first.date, first.error) == ("Plain bytes", "2024-01-02", None)
    assert second.raw_text == "Café olé. " * 20 and second.error is None
    assert second.date == "2024-05-06T07:08:09"  # its `date` is null: the next name
    assert json.loads(second.extra) == {"date": None}
    assert third.raw_text is None and "holds bytes: no text encoding fits" in third.error


def test_a_parquet_file_polars_panics_on_is_quarantined_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """polars panics on some damaged Parquet metadata ("Thrift out of range": found by
    fuzzing), and its PanicException is a BaseException, which `except Exception`
    let through: the batch, and the run, failed. Each of the first 120 bytes of a
    small file damaged in turn: read whole and in row ranges, never a raise."""
    from flows.ingest.units import plan_units

    good = tmp_path / "good.parquet"
    rows = {"id": [f"a{i}" for i in range(20)], "text": [TEXT * 3] * 20}
    pl.DataFrame(rows).write_parquet(good, row_group_size=5)
    data = good.read_bytes()
    damaged = tmp_path / "damaged.parquet"
    for at in range(4, 124):
        damaged.write_bytes(data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1 :])
        for record in read_file(damaged):
            assert record.error is None or record.error.startswith("unreadable Parquet")
        for unit in plan_units([damaged], batch_size=7):
            ingest_unit(unit, "r", datetime(2026, 12, 1))

    def panics(*args: object, **kwargs: object) -> None:
        raise PanicException("called `Result::unwrap()` on an `Err` value: OutOfSpec")

    monkeypatch.setattr(pl, "read_parquet", panics)
    monkeypatch.setattr(pl, "scan_parquet", panics)
    (whole,) = read_file(good)
    assert whole.error == (
        "unreadable Parquet: called `Result::unwrap()` on an `Err` value: OutOfSpec"
    )
    ranges = [ingest_unit(u, "r", datetime(2026, 12, 1)).raw for u in plan_units([good], 7)]
    assert [frame["error"].to_list() for frame in ranges] == [
        [f"unreadable Parquet (rows {a}-{b}): called `Result::unwrap()` on an `Err` value: "
         "OutOfSpec"] for a, b in [(1, 7), (8, 14), (15, 20)]
    ]  # fmt: skip


def test_a_field_comes_from_the_first_of_its_names_that_holds_a_value(tmp_path: Path) -> None:
    # An export with both `date` and `published_at`: each row filled one of them.
    jsonl = tmp_path / "feed.jsonl"
    rows = [
        {"text": "One", "date": None, "published_at": "2024-05-06"},
        {"text": "Two", "date": "2024-01-02", "published_at": "2024-05-06"},
        {"text": None, "content": "Three", "date": None},
    ]
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    got = [(r.raw_text, r.date, r.error) for r in read_file(jsonl)]
    assert got == [("One", "2024-05-06", None), ("Two", "2024-01-02", None), ("Three", None, None)]
    table = tmp_path / "feed.csv"
    table.write_text("text,date,published_at\nOne,,2024-05-06\nTwo,2024-01-02,\n", encoding="utf-8")
    assert [r.date for r in read_file(table)] == ["2024-05-06", "2024-01-02"]
    typed = tmp_path / "feed.parquet"
    pl.DataFrame(
        {
            "text": ["One", "Two"],
            "date": [None, date(2024, 1, 2)],
            "published_at": [datetime(2024, 5, 6), None],
        }
    ).write_parquet(typed)
    assert [r.date for r in read_file(typed)] == ["2024-05-06T00:00:00", "2024-01-02"]


def test_ingest_seeds_frame() -> None:
    files, _ = discover([SEEDS])
    raw = ingest_files(files, "run-1", datetime(2026, 1, 1))
    assert raw.height == 5
    assert raw["error"].null_count() == 5
    assert set(raw["encoding"]) == {"utf-8"}
    first = raw.row(0, named=True)
    assert first["raw_text"] == files[0].read_text(encoding="utf-8")  # verbatim
    assert first["doc_id"] == doc_id_for(first["source_uri"], 0, first["sha256"])


def test_bronze_frame_holds_every_record_as_read(tmp_path: Path) -> None:
    """One row per record, good or not, each field as the reader gave it, in order."""
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps({"id": "a1", "url": "https://x.test/a", "text": "Body", "k": 1}),
             "{not json", json.dumps({"title": "no text"})]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = read_file(path) + read_file(next(SEEDS.glob("*")))
    at = datetime(2026, 1, 1, 12, 30)
    frame = records_to_frame(records, "run-7", at)
    assert frame.schema == pl.Schema(RAW_SCHEMA)
    expected = [
        {**asdict(r), "doc_id": doc_id_for(r.source_uri, r.record_index, r.sha256),
         "ingested_at": at, "run_id": "run-7"}
        for r in records
    ]  # fmt: skip
    assert frame.rows(named=True) == [{k: row[k] for k in RAW_SCHEMA} for row in expected]
    assert records_to_frame([], "run-7", at).schema == pl.Schema(RAW_SCHEMA)


def test_doc_id_changes_with_content_only() -> None:
    a = doc_id_for("/x.txt", 0, "0" * 64)
    assert a == doc_id_for("/x.txt", 0, "0" * 64)
    assert a != doc_id_for("/x.txt", 0, "1" * 64)
    assert a != doc_id_for("/y.txt", 0, "0" * 64)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_decoding_any_bytes_gives_text_or_a_reason(data: bytes) -> None:
    decoded = decode_bytes(data)  # never raises
    assert decoded.text is not None or decoded.error  # text, or a reason to act on


# Printable text: no control characters (NUL, ESC) and no byte-order mark.
PRINTABLE = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff"),
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(PRINTABLE)
def test_any_printable_text_in_utf8_reads_back_as_itself(text: str) -> None:
    data = text.encode("utf-8")
    assume(sniff_binary(data) is None)  # "GIF89a…", "BZh…": read as the format they name
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert decoded.encoding in {"utf-8", "empty"}


def test_a_reader_that_fails_quarantines_its_piece_and_the_run_reads_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader's bug on one file (here a JSONL reader raising KeyError) gives that
    piece an error record saying what failed, as does a Rust library's panic; the
    unit's other files are read, and the machine's own errors (OSError) still reach
    the task, which retries them."""
    import flows.ingest as ingest
    from flows.ingest.units import plan_units

    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    for path in (good, bad):
        path.write_text(
            "".join(json.dumps({"id": f"{path.stem}{i}", "text": TEXT}) + "\n" for i in range(3)),
            encoding="utf-8",
        )
    real = ingest.read_range

    def flaky(source: Path, *args: object, **kwargs: object) -> list:
        if source.name == "bad.jsonl":
            raise KeyError("offset")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(ingest, "read_range", flaky)
    (unit,) = plan_units([good, bad], batch_size=10)
    read = ingest.ingest_unit(unit, "r", datetime(2026, 12, 1))
    rows = read.raw.select("source_id", "error").rows()
    assert rows[:3] == [("good0", None), ("good1", None), ("good2", None)]
    assert rows[3] == (
        "bad",
        "newsclean failed to read this (KeyError: 'offset'); please report it with the file",
    )
    assert read.documents_by_file == {str(good): 3, str(bad): 1}

    def broken_disk(*args: object, **kwargs: object) -> list:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(ingest, "read_range", broken_disk)
    with pytest.raises(OSError, match="Input/output error"):
        ingest.ingest_unit(unit, "r", datetime(2026, 12, 1))

    def panics(*args: object, **kwargs: object) -> list:  # a Rust library's panic is
        raise PanicException("index out of bounds")  # a BaseException, not an Exception

    monkeypatch.setattr(ingest, "read_range", panics)
    errors = ingest.ingest_unit(unit, "r", datetime(2026, 12, 1)).raw["error"].to_list()
    panicked = "newsclean failed to read this (PanicException: index out of bounds)"
    assert errors == [f"{panicked}; please report it with the file"] * 2


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("deep.jsonl", "[" * 100_000 + "]" * 100_000 + "\n", "line 1: invalid JSON ({})"),
        (
            "deepobj.jsonl",
            '{"text": "x", "a": ' + "[" * 50_000 + "]" * 50_000 + "}\n",
            "line 1: invalid JSON ({})",
        ),
        ("deep.json", "[" + "[" * 100_000 + "]" * 100_000 + "]", "item 1: invalid JSON ({})"),
    ],
)
def test_json_nested_beyond_the_parser_is_invalid_json_not_the_end_of_the_run(
    tmp_path: Path, name: str, data: str, said: str
) -> None:
    """Python's parser raises RecursionError past ~1,000 levels, which the readers'
    `except ValueError` let through; in a JSON Lines file the planner's own check
    raised it, outside any reader, and the run stopped."""
    from flows.ingest.json_values import TOO_DEEP
    from flows.ingest.units import plan_units

    path = tmp_path / name
    path.write_text(
        data + json.dumps({"id": "ok", "text": TEXT}) + "\n" if name.endswith("l") else data
    )
    rows = [
        row
        for unit in plan_units([path], batch_size=10)
        for row in ingest_unit(unit, "r", datetime(2026, 12, 1))
        .raw.select("source_id", "error")
        .rows()
    ]
    assert rows[0][1] == said.format(TOO_DEEP)
    assert rows[1:] == ([("ok", None)] if name.endswith("l") else [])


def test_a_scanner_that_fails_quarantines_its_file_and_the_plan_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in the planner's scan of one file ended the run before any batch; the
    file is now one error record, left out of the manifest (tried again next run),
    and the other files are planned as before. The machine's errors still stop it."""
    from flows.ingest import units

    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    for path in (good, bad):
        path.write_text(json.dumps({"id": path.stem, "text": TEXT}) + "\n", encoding="utf-8")
    real = units._scan

    def flaky(path: Path, *args: object) -> object:
        if path.name == "bad.jsonl":
            raise PanicException("index out of bounds")
        return real(path, *args)

    monkeypatch.setattr(units, "_scan", flaky)
    (unit,) = units.plan_units([good, bad], batch_size=10)
    assert [state.path for state in unit.completes] == [str(good)]
    rows = ingest_unit(unit, "r", datetime(2026, 12, 1)).raw.select("source_id", "error").rows()
    assert rows == [
        ("good", None),
        (
            "bad",
            "newsclean failed to plan how to read this (PanicException: index out of "
            "bounds); please report it with the file",
        ),
    ]

    def broken_disk(*args: object) -> object:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(units, "_scan", broken_disk)
    with pytest.raises(OSError, match="Input/output error"):
        list(units.plan_units([good], batch_size=10))
