"""How well files in legacy code pages read back: real texts saved in the code pages
their languages were published in, then decoded as an input file is.

A text's language is read by the language step; it is then encoded in each code
page of CODE_PAGES for that language (characters a code page lacks are left out)
and in UTF-16 without a byte-order mark, and `decode_bytes` must give the same text
back. A file counts as refused when it is not read at all (quarantined as binary,
or no encoding fits). `newsclean bench encodings --dataset FILE` prints the table;
`tests/test_encodings_dev.py` holds the dev set's pages to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from flows.clean.language import PREFIX_CHARS, detect_languages
from flows.datasets import dataset_records
from flows.ingest.encoding import decode_bytes

_WESTERN = ("cp1252", "iso8859-15")
_CENTRAL = ("cp1250", "iso8859-2")
# The code pages each language's pages were saved in on the web and in archives
# (the HTML Standard's default for its locale first), plus UTF-16 as Windows writes
# it without a byte-order mark.
CODE_PAGES: dict[str, tuple[str, ...]] = {
    "ja": ("shift_jis", "cp932", "euc-jp", "iso2022_jp", "utf-16-le", "utf-16-be"),
    "ko": ("euc-kr", "cp949", "utf-16-le"),
    "zh": ("gbk", "gb18030", "big5", "utf-16-le"),
    "ru": ("cp1251", "koi8-r", "iso8859-5", "cp866", "utf-16-le", "utf-16-be"),
    "uk": ("cp1251", "koi8-u", "utf-16-le"),
    "bg": ("cp1251", "utf-16-le"),
    "el": ("cp1253", "iso8859-7"),
    "he": ("cp1255",),
    "ar": ("cp1256", "utf-16-le"),
    "fa": ("cp1256",),
    "th": ("cp874",),
    "tr": ("cp1254", "iso8859-9"),
    **dict.fromkeys(("cs", "hr", "hu", "pl", "ro", "sk", "sl"), _CENTRAL),
    **dict.fromkeys(("et", "lt", "lv"), ("cp1257",)),
    **dict.fromkeys(
        ("da", "de", "en", "es", "fi", "fr", "id", "it", "nl", "no", "pt", "sq", "sv"), _WESTERN
    ),
}


@dataclass(frozen=True)
class EncodingScore:
    """Files saved in one encoding: how many, how many read back wrongly, and how
    many of those were not read at all."""

    encoding: str
    files: int
    wrong: int
    refused: int


def encoded(text: str, encoding: str) -> tuple[str, bytes]:
    """`text` saved in `encoding` (what it cannot hold left out): (the text the bytes
    hold, the bytes)."""
    data = text.encode(encoding, errors="ignore")
    return data.decode(encoding), data


def score(texts: Sequence[str]) -> list[EncodingScore]:
    """Each encoding's files among `texts` saved in their languages' CODE_PAGES; a
    text that is all ASCII once saved is left out (any decoding reads it)."""
    languages = detect_languages([t[:PREFIX_CHARS] for t in texts])
    counts: dict[str, list[int]] = {}
    for language, text in zip(languages, texts, strict=True):
        for encoding in CODE_PAGES.get(language or "", ()):
            expected, data = encoded(text, encoding)
            if expected.isascii():
                continue
            decoded = decode_bytes(data)
            tally = counts.setdefault(encoding, [0, 0, 0])
            tally[0] += 1
            tally[1] += decoded.text != expected
            tally[2] += decoded.text is None
    return [EncodingScore(name, *tally) for name, tally in sorted(counts.items())]


def load_texts(paths: Iterable[Path]) -> list[str]:
    """The `text` of every record of JSONL datasets (the dev set's format)."""
    texts = []
    for path in paths:
        texts += [t for _, rec in dataset_records(path) if isinstance(t := rec.get("text"), str)]
    return texts
