"""Benchmark corpus generator: any number of realistic messy news pages, deterministic.

Articles are assembled from the paragraphs of real text (the seeds, plus any folder
of .txt/.jsonl given) and dressed the way pages arrive from scrapers: one of several
outlets with their own menus and footers, one of several header layouts, a date in
one of many forms and languages, and — in realistic minorities — hard wraps with
non-breaking spaces, glued sentences, a title printed twice, mojibake, U+FFFD, a
non-UTF-8 file, exact and near duplicates, and invalid records (empty, a block page,
binary junk, a broken JSON line, a record without text).

Document `i` depends only on (seed, i), so a corpus of any size is streamed, never
held in memory, and the same seed always gives the same bytes. Pure Python: no
Prefect, no DuckDB.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

from flows.bench.corruption import load_texts

# How often each defect is injected (share of documents).
RATES = {
    "hard_wrap": 0.25,
    "nbsp": 0.10,
    "glued": 0.15,
    "double_title": 0.20,
    "mojibake": 0.04,
    "replacement": 0.02,
    "cp1252_file": 0.02,
    "exact_duplicate": 0.03,
    "near_duplicate": 0.02,
    "invalid": 0.01,
}
FILES_PER_DIR = 1000

OUTLETS = [
    ("Daily Courier", "dailycourier.example.com", "en"),
    ("The Metro Ledger", "metroledger.example.net", "en"),
    ("Global Wire", "globalwire.example.org", "en"),
    ("Capital Post", "capitalpost.example.com", "en"),
    ("Harbor Times", "harbortimes.example.co.uk", "en"),
    ("Le Quotidien", "lequotidien.example.fr", "fr"),
    ("Rheinischer Bote", "rheinbote.example.de", "de"),
    ("El Diario Sur", "eldiariosur.example.es", "es"),
    ("Gazzetta del Nord", "gazzettanord.example.it", "it"),
    ("Jornal da Costa", "jornaldacosta.example.pt", "pt"),
    ("Vestnik Daily", "vestnik.example.ru", "ru"),
    ("Het Dagblad", "hetdagblad.example.nl", "nl"),
]
AGENCIES = ["AFP", "Reuters", "AP", "dpa", "Xinhua", "Sputnik", "ANI", "EFE"]
CITIES = ["PARIS", "MOSCOW", "BERLIN", "MADRID", "LONDON", "ROME", "BRUSSELS", "KYIV", "GENEVA"]
AUTHORS = ["Anna Keller", "Tom Price", "Marie Dubois", "Jonas Weber", "Lucia Romero", "Ivan Petrov"]
SECTIONS = ["World", "Politics", "Business", "Europe", "Security", "Diplomacy"]

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}
PUBLISHED = {
    "en": "Published",
    "fr": "Publié le",
    "de": "Veröffentlicht am",
    "es": "Publicado el",
    "it": "Pubblicato il",
    "pt": "Publicado em",
    "ru": "Опубликовано",
    "nl": "Gepubliceerd op",
}

BLOCK_PAGES = [
    "Access denied",
    "Please enable JavaScript to view this page.",
    "404 Not Found",
    "Subscribe to continue reading.",
]
COOKIE_NOTICES = [
    "We use cookies to improve your experience on our site. By continuing to browse you "
    "agree to our use of cookies. Accept",
    "This website uses cookies. Manage preferences | Accept all",
]


@dataclass(frozen=True)
class Doc:
    """One generated document: its text (or raw bytes), metadata and what was injected."""

    index: int
    text: str | None
    url: str
    title: str | None
    published: date
    defects: tuple[str, ...]
    raw: bytes | None = None  # set when the file is not UTF-8 text
    json_line: str | None = None  # set for a record that is invalid as JSONL


# A source paragraph's own dateline ("PARIS (Agency - 5 May 2023) ") is dropped, so
# that the only dateline of a generated page is the one the generator wrote.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}\([^)]{0,80}\)\s*[-—–]?\s*")


def body_paragraphs(texts: Sequence[str]) -> list[str]:
    """Prose paragraphs (≥ 80 characters, ending like a sentence) of the source texts."""
    out: list[str] = []
    for text in texts:
        for para in re.split(r"\n\s*\n", text):
            para = _DATELINE.sub("", " ".join(para.split()))
            if len(para) >= 80 and para[-1] in '.!?"”»':
                out.append(para)
    return out


def source_texts(sources: Sequence[Path]) -> list[str]:
    """The texts behind the corpus: seed files and any .txt/.jsonl folders given."""
    return [text for _, text in load_texts(sources)]


def _date_forms(d: date, lang: str, rng: random.Random) -> str:
    months = MONTHS[lang].split()
    month = months[d.month - 1]
    hh, mm = rng.randint(0, 23), rng.randint(0, 59)
    forms = {
        "en": [
            f"{month} {d.day}, {d.year}",
            f"{d.day} {month} {d.year}",
            f"{d:%d %b %Y}, {hh:02d}:{mm:02d}",
            f"{d:%A, %d %B %Y} {hh:02d}:{mm:02d} GMT",
            f"{d.isoformat()} {hh:02d}:{mm:02d}:{rng.randint(0, 59):02d}",
            f"{d:%m/%d/%Y}",
        ],
        "fr": [f"{d.day} {month} {d.year} à {hh}h{mm:02d}", f"{d:%d/%m/%Y}"],
        "de": [f"{d.day}. {month} {d.year}, {hh:02d}:{mm:02d} Uhr", f"{d:%d.%m.%Y}"],
        "es": [f"{d.day} de {month} de {d.year}", f"{d:%d/%m/%Y} {hh:02d}:{mm:02d}"],
        "it": [f"{d.day} {month} {d.year}", f"{d:%d/%m/%Y}"],
        "pt": [f"{d.day} de {month} de {d.year}", f"{d:%d/%m/%Y}"],
        "ru": [f"{d.day} {month} {d.year}, {hh:02d}:{mm:02d}", f"{d:%d.%m.%Y}"],
        "nl": [f"{d.day} {month} {d.year}", f"{d:%d-%m-%Y}"],
    }
    return rng.choice(forms[lang] + [d.isoformat()])


def _menu(outlet: tuple[str, str, str]) -> str:
    name = outlet[0]
    return "\n".join(["Home", *SECTIONS[: 3 + len(name) % 3], "Sport", "Opinion", "Search"])


def _footer(outlet: tuple[str, str, str], year: int) -> str:
    return (
        "Share this article: Facebook Twitter WhatsApp Email\n"
        f"Subscribe to the {outlet[0]} newsletter\n"
        f"© {year} {outlet[0]}. All rights reserved."
    )


def _latest(titles: Sequence[str], heading: str) -> str:
    return heading + "\n" + "\n".join(t[:70] for t in titles)


def _headline(paragraph: str, rng: random.Random) -> str:
    words = paragraph.split()[: rng.randint(6, 12)]
    return " ".join(words).strip("\"“”'’,;:.") or "News"


def _hard_wrap(text: str, width: int, nbsp: bool) -> str:
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line + (" " if nbsp else ""))
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "\n".join(lines)


def _glue(text: str, rng: random.Random) -> str:
    spots = [m.start() for m in re.finditer(r"\. (?=[A-Z])", text)]
    for pos in sorted(rng.sample(spots, k=min(len(spots), rng.randint(1, 3))), reverse=True):
        text = text[: pos + 1] + text[pos + 2 :]
    return text


def _curly(text: str) -> str:
    """Typographic quotes and dashes, as real pages have (and mojibake needs)."""
    text = re.sub(r'"(\w)', "“\\1", text)
    text = re.sub(r'(\S)"', "\\1”", text)
    return text.replace("'", "’").replace(" - ", " — ")


def _replacement(text: str, rng: random.Random) -> str:
    targets = [m.start() for m in re.finditer(r"[^\x00-\x7f]", text)] or [
        m.start() for m in re.finditer(" ", text)
    ]
    for pos in rng.sample(targets, k=min(len(targets), rng.randint(1, 3))):
        text = text[:pos] + "\ufffd" + text[pos + 1 :]
    return text


class CorpusGenerator:
    """Generates document `i` of a corpus from (seed, i) and the source paragraphs."""

    def __init__(self, paragraphs: Sequence[str], seed: int = 0, start: date | None = None):
        if not paragraphs:
            raise ValueError("no prose paragraphs in the sources: give texts with paragraphs")
        self.paragraphs = list(paragraphs)
        self.seed = seed
        self.start = start or date(2023, 1, 1)

    def _rng(self, index: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + index)

    def document(self, index: int) -> Doc:
        """The `index`-th document (its duplicates refer back to earlier indices)."""
        rng = self._rng(index)
        roll = rng.random()
        if index > 10 and roll < RATES["exact_duplicate"]:
            original = self.document(rng.randrange(index))  # the same bytes again
            return Doc(
                index,
                original.text,
                original.url.replace(".html", f"-{index}.html"),
                original.title,
                original.published,
                ("exact_duplicate",),
                original.raw,
                original.json_line,
            )
        roll -= RATES["exact_duplicate"]
        if index > 10 and roll < RATES["near_duplicate"]:
            return self._article(rng.randrange(index), index)
        roll -= RATES["near_duplicate"]
        if roll < RATES["invalid"]:
            return self._invalid(index, rng)
        return self._article(index, None)

    def _invalid(self, index: int, rng: random.Random) -> Doc:
        kind = rng.choice(["empty", "block_page", "binary", "broken_json", "no_text"])
        url = f"https://broken.example.com/{index}.html"
        base = Doc(index, "", url, None, self.start, ("invalid", f"invalid:{kind}"))
        if kind == "block_page":
            return Doc(index, rng.choice(BLOCK_PAGES), url, None, self.start, base.defects)
        if kind == "binary":
            junk = bytes(rng.randrange(256) for _ in range(rng.randint(200, 800)))
            return Doc(index, None, url, None, self.start, base.defects, raw=junk)
        if kind == "broken_json":
            line = f'{{"id": "{index}", "url": "{url}", "text": "unterminated'
            return Doc(index, line, url, None, self.start, base.defects, json_line=line)
        if kind == "no_text":
            line = json.dumps({"id": str(index), "url": url, "body": "moved to another field"})
            return Doc(
                index, "moved to another field", url, None, self.start, base.defects, json_line=line
            )
        return base

    def _article(self, index: int, near_copy_of: int | None) -> Doc:
        """A full article page; with `near_copy_of`, the same article re-scraped later
        (another timestamp line and another 'latest' box)."""
        rng = self._rng(index)
        rng.random()  # the roll that document() spent
        defects: list[str] = []
        outlet = OUTLETS[rng.randrange(len(OUTLETS))]
        name, host, lang = outlet
        published = self.start + timedelta(days=rng.randrange(3 * 365))
        n = len(self.paragraphs)
        first = rng.randrange(n)
        count = rng.randint(4, 7)
        paras = [self.paragraphs[(first + k * rng.randint(1, 3)) % n] for k in range(count)]
        title = _headline(paras[0], rng)
        if rng.random() < 0.5:
            paras = [_curly(p) for p in paras]
        city, agency = rng.choice(CITIES), rng.choice(AGENCIES)
        stamp = _date_forms(published, lang, rng)
        layout = rng.randrange(4)
        lead = paras[0]
        after: list[str] = [""]
        if layout == 0:  # the seeds' feed dump: " date ISO title", then a dateline
            before, title_line = [], f" date {published.isoformat()} {title}"
            lead = f"{city} ({name} / {agency} - {stamp}) {lead}"
        elif layout == 1:  # a wire page: stamp, title, indented dateline
            before, title_line = [stamp, ""], title
            lead = f"          {city}, {stamp} ({agency}) - {lead}"
        elif layout == 2:  # a CMS page: menu, title, byline
            before, title_line = [_menu(outlet)], title
            after = [f"By {rng.choice(AUTHORS)} | {name}", f"{PUBLISHED[lang]} {stamp}", ""]
        else:  # a syndicated page: banner date, title, timestamp, (outlet)
            banner = self.start + timedelta(days=rng.randrange(3 * 365))
            before, title_line = [f"{banner:%A, %d %B %Y}"], title
            after = ["", f"{published.isoformat()} 08:06:21"]
            lead = f"({name}) {lead}"
        titles = [title_line]
        if rng.random() < RATES["double_title"]:
            titles = [title_line, "", title]
            defects.append("double_title")
        header = [*before, *titles, *after]
        if near_copy_of is not None:
            header.insert(0, f"Updated {self.start + timedelta(days=rng.randrange(1200))}")
            defects.append("near_duplicate")
        body = "\n\n".join([lead, *paras[1:]])
        if rng.random() < RATES["glued"]:
            body = _glue(body, rng)
            defects.append("glued")
        if rng.random() < RATES["hard_wrap"]:
            nbsp = rng.random() < RATES["nbsp"] / RATES["hard_wrap"]
            body = _hard_wrap(body, rng.randint(64, 80), nbsp)
            body = body.replace(" ", "\u00a0", 3) if nbsp else body
            defects.append("hard_wrap" + ("+nbsp" if nbsp else ""))
        others = [
            _headline(self.paragraphs[rng.randrange(n)], rng) for _ in range(rng.randint(3, 6))
        ]
        furniture_top = [rng.choice(COOKIE_NOTICES)] if rng.random() < 0.3 else []
        tail = [
            _latest(others, rng.choice(["Latest News", "Most View", "Most Read", "Related"])),
            _footer(outlet, published.year),
        ]
        text = "\n".join([*furniture_top, *header]) + "\n" + body + "\n\n" + "\n\n".join(tail)
        text += "\n"
        raw: bytes | None = None
        damage = rng.random()
        if damage < RATES["mojibake"] and text != text.encode().decode("sloppy-windows-1252"):
            text = text.encode("utf-8").decode("sloppy-windows-1252")
            defects.append("mojibake")
        elif damage < RATES["mojibake"] + RATES["replacement"]:
            text = _replacement(text, rng)
            defects.append("replacement_char")
        elif damage < RATES["mojibake"] + RATES["replacement"] + RATES["cp1252_file"]:
            encoded = text.encode("cp1252", errors="ignore")
            if encoded != text.encode("utf-8"):
                raw = encoded
                defects.append("cp1252_file")
        slug = "-".join(re.findall(r"\w+", title.lower())[:6])
        url = f"https://{host}/{published:%Y/%m/%d}/{slug}-{index}.html"
        return Doc(index, text, url, title, published, tuple(defects), raw)


@dataclass
class CorpusSummary:
    """What was written: counts by defect, documents and bytes per format."""

    docs: int
    seed: int
    formats: list[str]
    bytes_by_format: dict[str, int] = field(default_factory=dict)
    defects: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "docs": self.docs,
            "seed": self.seed,
            "formats": self.formats,
            "bytes": self.bytes_by_format,
            "defects": dict(sorted(self.defects.items())),
            "rates": RATES,
        }


def _jsonl_line(doc: Doc) -> str:
    if doc.json_line is not None:
        return doc.json_line
    text = doc.text
    if doc.raw is not None:  # a feed cannot carry raw bytes: it carries them mis-decoded
        text = doc.raw.decode("latin-1")
    record: dict[str, object] = {"id": f"doc-{doc.index}", "url": doc.url, "text": text}
    if doc.title is not None and doc.index % 2 == 0:
        record["title"] = doc.title
    return json.dumps(record, ensure_ascii=False)


def write_corpus(
    out: Path,
    docs: int,
    generator: CorpusGenerator,
    formats: Sequence[str] = ("txt", "jsonl"),
    shard_docs: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> CorpusSummary:
    """Write `docs` documents under `out/txt/` and/or `out/jsonl/`; returns the summary.

    .txt files go 1,000 to a folder; JSONL shards hold `shard_docs` records each.
    `corpus.json` records the summary next to them.
    """
    summary = CorpusSummary(docs, generator.seed, list(formats))
    shard = None
    for i in range(docs):
        doc = generator.document(i)
        summary.defects.update(doc.defects)
        if "txt" in formats:
            folder = out / "txt" / f"{i // FILES_PER_DIR:05d}"
            if i % FILES_PER_DIR == 0:
                folder.mkdir(parents=True, exist_ok=True)
            data = doc.raw if doc.raw is not None else (doc.text or "").encode("utf-8")
            (folder / f"{i:07d}.txt").write_bytes(data)
            summary.bytes_by_format["txt"] = summary.bytes_by_format.get("txt", 0) + len(data)
        if "jsonl" in formats:
            if i % shard_docs == 0:
                if shard is not None:
                    shard.close()
                (out / "jsonl").mkdir(parents=True, exist_ok=True)
                shard = (out / "jsonl" / f"shard-{i // shard_docs:05d}.jsonl").open("wb")
            line = (_jsonl_line(doc) + "\n").encode("utf-8")
            shard.write(line)
            summary.bytes_by_format["jsonl"] = summary.bytes_by_format.get("jsonl", 0) + len(line)
        if progress is not None and (i + 1) % 10_000 == 0:
            progress(i + 1)
    if shard is not None:
        shard.close()
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpus.json").write_text(json.dumps(summary.as_dict(), indent=2) + "\n")
    return summary
