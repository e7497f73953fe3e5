"""Turn the bytes of an input into text, and say which encoding was used.

Order of the checks, cheapest and surest first:
1. a byte-order mark names the encoding outright (UTF-8-sig, UTF-16, UTF-32);
2. binary formats (magic numbers) are refused, with the format's name;
3. UTF-16 without a BOM — recognisable by NUL bytes on every other position (or,
   in text of another script, by NULs that fall on one side only);
4. other NUL-heavy content is binary and refused, unless it is UTF-8 text with a
   few stray NULs;
5. strict UTF-8 — by far the most common case, and a valid decode is near-proof
   (except for ISO-2022-JP, 7-bit with escapes that switch to JIS X 0208, checked
   first);
6. UTF-8 with a few stray legacy bytes (a cp1252 "’" pasted into UTF-8): valid
   sequences stay UTF-8 and only the invalid bytes are read as cp1252, so no text
   is lost to U+FFFD. Only when the valid sequences outnumber the invalid bytes and
   those stand alone (`_utf8_with_strays`): the double-byte code pages of Chinese,
   Japanese and Korean and Thai's TIS-620 hold valid-looking UTF-8 pairs by chance
   (a quarter to two fifths of their bytes), but in runs of invalid ones;
7. anything else goes to charset-normalizer, which handles the legacy single-byte
   families (cp1252, latin-1, cp1251, …) far better than any hand-written guess.
   On short texts it often ties several code pages exactly (cp1250 and cp1252 give
   the same "chaos" for French); the language of the text then picks its own code
   page (LANGUAGE_CODE_PAGES), else the one most common on the web wins, so French
   "élèves" does not come out as cp1250 "élčves".
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _unpack(kind: str, command: str, suffix: str | None = None) -> str:
    """A compressed file's reason, with what to do. Files named .gz, .bz2, .xz or
    .zst are read through their decompressor (flows/ingest/compressed.py); these bytes
    came in a file named otherwise, or in a format newsclean does not unpack."""
    if suffix:
        return (
            f"{kind} in a file not named {suffix}; "
            f"rename it (FILE{suffix}) or unpack it ({command})"
        )
    return f"{kind}; unpack it ({command}) and run again"


# Leading bytes of common binary formats people drop into text folders by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (
        b"PK\x03\x04",
        "ZIP archive or Office document (docx/xlsx); name an archive .zip to read the files inside",
    ),
    (b"\x1f\x8b", _unpack("gzip archive", "gunzip -k FILE", ".gz")),
    (b"BZh", _unpack("bzip2 archive", "bunzip2 -k FILE", ".bz2")),
    (b"\xfd7zXZ\x00", _unpack("xz archive", "unxz -k FILE", ".xz")),
    (b"\x28\xb5\x2f\xfd", _unpack("zstd archive", "unzstd -k FILE", ".zst")),
    (b"Rar!\x1a\x07", _unpack("RAR archive", "unrar x FILE DIR/")),
    (b"7z\xbc\xaf\x27\x1c", _unpack("7-Zip archive", "7z x FILE -oDIR")),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media file"),
    (b"PAR1", "Parquet file with a text extension"),
    (b"SQLite format 3\x00", "SQLite database"),
)

# A valid multi-byte UTF-8 sequence (2, 3 or 4 bytes).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


# ISO-2022-JP (Japanese mail and old pages) is 7-bit: valid UTF-8, but its kanji
# sit between escapes that switch to JIS X 0208 or 0212.
_ISO2022_JP = re.compile(rb"\x1b\$[@B]|\x1b\$\(D")

# Two or more bytes in a row outside ASCII, once the valid UTF-8 sequences are masked.
_INVALID_RUN = re.compile(rb"[\x80-\xff]{2,}")
_HIGH = re.compile(rb"[\x80-\xff]")
# Below this many invalid bytes, runs are no evidence ("ação" pasted in cp1252).
_FEW_INVALID = 16


def _utf8_with_strays(data: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are UTF-8 with stray legacy bytes
    rather than a legacy code page: their valid multi-byte sequences hold more
    bytes than the invalid ones, and the invalid ones mostly stand alone. Measured
    on the dev set's pages encoded in their legacy code pages (EUC-KR, Shift_JIS,
    EUC-JP, GBK, Big5, cp1251 …): valid sequences held at most 44 % of the bytes
    outside ASCII, and at least 65 % of the invalid bytes were in runs."""
    masked, sequences = _UTF8_MULTIBYTE.subn(b".", data)  # one byte for each
    if not sequences:
        return False
    valid = len(data) - len(masked) + sequences
    invalid = len(_HIGH.findall(masked))
    if valid <= invalid:
        return False
    in_runs = sum(len(run) for run in _INVALID_RUN.findall(masked))
    return invalid < _FEW_INVALID or in_runs * 2 <= invalid


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read one undecodable byte as cp1252 (latin-1 where undefined)."""
    assert isinstance(err, UnicodeDecodeError)
    byte = err.object[err.start : err.start + 1]
    try:
        return byte.decode("cp1252"), err.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), err.start + 1


codecs.register_error("newsclean-cp1252", _cp1252_fallback)
UTF8_WITH_STRAYS = "utf-8+cp1252"  # the name `decode_bytes` gives that reading


def decode_as(data: bytes, name: str) -> str:
    """`data` read as `decode_bytes` read a text it named `name` (UTF8_WITH_STRAYS
    too): a part of that text (a JSON array's item) reads alike. Raises
    UnicodeDecodeError or LookupError when it does not decode so."""
    if name == UTF8_WITH_STRAYS:
        return data.decode("utf-8", errors="newsclean-cp1252")
    return data.decode(name)


@dataclass(frozen=True)
class Decoded:
    """The outcome of decoding: text and encoding, or an error a person can act on.
    `guessed`: the encoding is charset-normalizer's guess, the step a hint (a page's
    declared charset, a file's code page) would have replaced."""

    text: str | None
    encoding: str
    error: str | None = None
    guessed: bool = False


def _looks_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a BOM from where the NUL bytes fall: on every other
    byte in ASCII-heavy text; in text of another script (Cyrillic, Japanese) only
    its spaces, digits and line breaks have one, but those NULs still all fall on
    one side, where a binary file has them on both."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) / 2
    for name, high, low in (("utf-16-le", odd_nul, even_nul), ("utf-16-be", even_nul, odd_nul)):
        ascii_heavy = high > 0.3 * half and low < 0.05 * half
        # A few line breaks are enough in Japanese, whose text may hold no other
        # ASCII; a file that is UTF-8 with stray NULs stays UTF-8.
        one_sided = high >= 2 and low * 10 <= high and not _stray_nuls(sample)
        if (ascii_heavy or one_sided) and _reads_as_text(sample, name):
            return name
    return None


def _reads_as_text(sample: bytes, encoding: str, ignore: str = "") -> bool:
    """Whether `sample` decodes in `encoding` to text: no invalid sequence (one cut
    at the sample's end aside) and under 1 % control, unassigned or private-use
    characters, not counting the characters in `ignore`."""
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    for ch in ignore:
        text = text.replace(ch, "")
    odd = sum(
        1 for ch in text if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cn", "Co")
    )
    return bool(text) and odd * 100 < len(text)


def wide_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32, named by a byte-order mark at the start of `head` or (UTF-16)
    guessed from its NUL bytes: text whose lines cannot be cut at a b"\\n" byte (in
    UTF-16 a newline is two bytes, and a piece after the first has no mark)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return None if name == "utf-8-sig" else name
    sample = head[:4096]
    return _looks_utf16(sample[: len(sample) // 2 * 2])


# Tie-break order for legacy encodings, most common on the web first.
PREFERRED_LEGACY = (
    "cp1252",
    "iso8859_15",
    "latin_1",
    "cp1251",
    "koi8_r",
    "cp1250",
    "iso8859_2",
    "cp1256",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1257",
    "shift_jis",
    "gb18030",
    "big5",
    "euc_kr",
    "euc_jp",
)
_TIE = 0.01


def _binary_format(data: bytes) -> str | None:
    """The binary format `data` starts as (its magic number), or None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[257:262] == b"ustar":  # a tar archive (inside a .tar.gz, say) holds files
        return "tar archive of files; name it .tar (.tar.gz if compressed) to read the files inside"
    return None


STRAY_NUL_SHARE = 0.1  # at most this share of a text's bytes may be stray NULs


def _nul_heavy(data: bytes) -> str | None:
    """ "binary content (NUL bytes)" when more than 1 % of the first 8 KiB are NUL,
    unless the rest of them is UTF-8 text and the NULs are few (`_stray_nuls`)."""
    sample = data[:8192]
    if sample.count(0) > max(1, len(sample) // 100) and not _stray_nuls(sample):
        return "binary content (NUL bytes)"
    return None


def _stray_nuls(sample: bytes) -> bool:
    """Whether `sample` is UTF-8 text with a few NUL bytes in it (padding, a C
    string's end, a scraper's slip): text with at most STRAY_NUL_SHARE NULs and,
    those aside, under 1 % control characters. Such a file is text; the cleaning
    removes the NULs and logs it. UTF-16 of another script does not pass: read as
    UTF-8, its Cyrillic, Greek or Arabic is control characters, and its Japanese,
    Chinese or Korean invalid."""
    return sample.count(0) <= STRAY_NUL_SHARE * len(sample) and _reads_as_text(
        sample, "utf-8", ignore="\x00"
    )


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of `data`, or None when it may well be text."""
    return _binary_format(data) or _nul_heavy(data)


# charset-normalizer judges a text by `steps` samples of 512 bytes (5 by default):
# on the first 8 MiB of a cp1252 CSV export of news pages, 5 samples ranked cp775
# first, 50 gave cp1250/cp1252 tied (cp1252 by PREFERRED_LEGACY), in the same 0.11 s.
DETECTION_SAMPLES = 50


# The code pages a text in each language was most likely saved in: the HTML
# Standard's suggested default encoding for its locale (WHATWG, "determining the
# character encoding"), then that one's ISO or Windows twin. Any other language:
# WESTERN (windows-1252, the standard's default).
_CENTRAL = ("cp1250", "iso8859_2")
_CYRILLIC = ("cp1251", "koi8_r", "koi8_u", "iso8859_5")
_BALTIC = ("cp1257", "iso8859_13")
LANGUAGE_CODE_PAGES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("bs", "cs", "hr", "hu", "pl", "ro", "sk", "sl"), _CENTRAL),
    **dict.fromkeys(("ba", "be", "bg", "kk", "ky", "mk", "ru", "tg", "tt", "uk"), _CYRILLIC),
    "sr": ("cp1251", "cp1250", "iso8859_2"),  # Serbian is written in both scripts
    "el": ("cp1253", "iso8859_7"),
    "tr": ("cp1254", "iso8859_9"),
    "ku": ("cp1254", "iso8859_9"),
    "he": ("cp1255", "iso8859_8"),
    **dict.fromkeys(("ar", "fa", "ur"), ("cp1256",)),
    **dict.fromkeys(("et", "lt", "lv"), _BALTIC),
    "vi": ("cp1258",),
    "th": ("cp874", "tis_620"),
    "ja": ("shift_jis", "euc_jp", "cp932"),
    "ko": ("euc_kr", "cp949"),
    "zh": ("gb18030", "big5"),
}
WESTERN = ("cp1252", "iso8859_15", "latin_1")


def _codec(name: str) -> str:
    """Python's own name of an encoding, so that charset-normalizer's names and
    ours compare ("iso8859_2" and "iso8859-2")."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _decoded_in(data: bytes, names: Sequence[str], among: Collection[str]) -> Decoded | None:
    """`data` decoded in the first of `names` that is `among` the candidates and fits."""
    for name in names:
        if _codec(name) in among:
            try:
                return Decoded(data.decode(name), name, guessed=True)
            except UnicodeDecodeError:
                continue
    return None


# Windows code pages and the ISO ones they extend: they read bytes 0x80-0x9F apart
# (printable in Windows, C1 controls in ISO) and differ on a few bytes above 0xA0,
# where one reads a letter the other reads as a symbol (ISO-8859-15 "œ", cp1252 "½";
# ISO-8859-2 "ą", cp1250 "±"), so the text itself tells them apart.
_TWIN_PAIRS = (
    ("cp1252", "iso8859_15"),
    ("cp1250", "iso8859_2"),
    ("cp1253", "iso8859_7"),
    ("cp1254", "iso8859_9"),
    ("cp1255", "iso8859_8"),
    ("cp1257", "iso8859_13"),
)
# Python's name of each ("iso8859-15") → its twin, named as PREFERRED_LEGACY names it.
TWINS: dict[str, str] = {
    **{codecs.lookup(a).name: b for a, b in _TWIN_PAIRS},
    **{codecs.lookup(b).name: a for a, b in _TWIN_PAIRS},
}
TWINS["iso8859-1"] = "iso8859_15"  # Latin-1 differs from ISO-8859-15 where cp1252 does
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_HIGH_BYTE = re.compile(rb"[\xa0-\xff]")
# Symbols a text does put next to letters: quotes and brackets (»slovo«), dashes,
# and the acute accent typed as an apostrophe ("don´t"); they cast no vote.
_NO_VOTE = frozenset({"Pi", "Pf", "Ps", "Pe", "Pd"})
APOSTROPHE_LIKE = "\u00b4"
CURRENCY_SIGN = "\u00a4"  # "¤", which ISO-8859-15 replaced with "€" on the same byte


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _letter_votes(text: str, other: str, at: int) -> int:
    """+1 when `text` reads a letter at `at` where `other` reads a symbol in a
    place only a letter fits (between two letters, or starting a word that goes on
    in lower case); -1 the other way round; else 0."""
    ours, theirs = text[at], other[at]
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    in_word = _is_letter(after) and (
        _is_letter(before) or (not before.isalnum() and after.islower())
    )
    if not in_word or _is_letter(ours) == _is_letter(theirs):
        return 0
    symbol = theirs if _is_letter(ours) else ours
    if symbol == APOSTROPHE_LIKE or unicodedata.category(symbol) in _NO_VOTE:
        return 0
    return 1 if _is_letter(ours) else -1


def _twin_reading(data: bytes, chosen: Decoded) -> Decoded:
    """`chosen`, or the same bytes in its twin code page (TWINS) where that reads
    letters where words need them. Only bytes without any in 0x80-0x9F can be
    either twin; charset-normalizer scores such twins alike and the language cannot
    choose (Czech and Polish pages are saved in both). The twins differ on a few
    bytes: each of those that one reading makes a letter inside a word ("sœurs",
    "Šumavě") and the other a symbol ("s½urs", "©umavě") is a vote, and so is
    each "¤" against the reading that has it. On the dev set's pages (`newsclean
    bench encodings`), ISO-8859-15 files read as cp1252 had lost every "€" to "¤",
    and ISO-8859-2 ones read as cp1250 had "ą" and "ś" as "±" and "¶"."""
    twin = TWINS.get(_codec(chosen.encoding))
    if twin is None or chosen.text is None or _C1_BYTES.search(data):
        return chosen
    try:
        other = data.decode(twin)
    except UnicodeDecodeError:  # Greek, Hebrew and Baltic leave a few bytes undefined
        return chosen
    text = chosen.text
    if len(other) != len(text) or other == text:
        return chosen
    votes = other.count(CURRENCY_SIGN) - text.count(CURRENCY_SIGN)
    for at in (m.start() for m in _HIGH_BYTE.finditer(data)):
        if text[at] != other[at]:
            votes += _letter_votes(text, other, at)
    return Decoded(other, twin, guessed=True) if votes < 0 else chosen


def _legacy_decode(data: bytes) -> Decoded:
    """charset-normalizer's best guess. Where it finds several code pages about as
    clean (a chaos within _TIE), the one a text in the language it reads as was most
    likely saved in wins (LANGUAGE_CODE_PAGES). Its coherence scores barely differ
    between Latin code pages, and rank DOS code pages first for English with a few
    accents (cp775: "ñ" as "±"). On the dev set's pages (`newsclean bench
    encodings`), 2 of 225 cp1252 files then read wrongly and 10 of 217 ISO-8859-15
    ones, against 17 and 33 when ties were broken by PREFERRED_LEGACY alone
    (Hungarian "ő" came out as cp1252 "õ", Portuguese "ã" as cp1250 "ă")."""
    matches = list(from_bytes(data, steps=DETECTION_SAMPLES))
    if not matches:
        # Over 50 samples a page of symbols, menus and short lines in a double-byte
        # code page can pass charset-normalizer's chaos limit where its default 5
        # did not (a Shift_JIS page: no match at 10 samples and more, cp932 at 5).
        matches = list(from_bytes(data))
    if not matches:
        return Decoded(None, "unknown", "no text encoding fits these bytes")
    best = matches[0]
    tied: set[str] = set()
    near: set[str] = set()
    for m in matches:
        if m.chaos <= best.chaos + _TIE:
            names = {_codec(name) for name in (m.encoding, *m.could_be_from_charset)}
            near |= names
            if m.coherence >= best.coherence - _TIE:
                tied |= names
    first = _decoded_in(data, PREFERRED_LEGACY, tied)
    if first is None:  # its best is no common code page (cp775 for English, say)
        first = Decoded(str(best), best.encoding, guessed=True)
    if len(near) > 1:
        from flows.clean.language import PREFIX_CHARS, detect_languages  # only when needed

        (language,) = detect_languages([(first.text or "")[:PREFIX_CHARS]])
        if language is not None:
            names = LANGUAGE_CODE_PAGES.get(language, WESTERN)
            first = _decoded_in(data, names, near) or first
    return _twin_reading(data, first)


def decode_bytes(data: bytes, hint: str | None = None) -> Decoded:
    """Decode `data` to text, recording the encoding; never raises. `hint` is the
    legacy code page found for the file a piece was cut from (`piece_hint`): it
    stands in for charset-normalizer's guess, the last step, when the piece decodes
    in it, so that every piece of a file reads alike (on pieces of one cp1252 CSV
    file, the guess was cp852 for one piece in four). A piece that is UTF-8 is
    still read as UTF-8. A hint of WIDE_CODECS names the codec of a piece of a
    UTF-16 or UTF-32 file, which is then read in it (no byte-order mark to go by)."""
    if not data:
        return Decoded("", "empty")
    if hint in WIDE_CODECS:  # a piece of a UTF-16 or UTF-32 file, cut on its characters
        try:
            return Decoded(data.decode(hint), hint)
        except UnicodeDecodeError as exc:
            return Decoded(None, hint, f"not {hint} like the rest of its file: {exc}")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError as exc:
                return Decoded(None, name, f"starts with a {name} byte-order mark but {exc}")
    known = _binary_format(data)  # before UTF-16: a PDF's bytes can decode as UTF-16
    if known:
        return Decoded(None, "binary", f"not text: {known}")
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    binary = _nul_heavy(data)  # its magic number was looked at above
    if binary:
        return Decoded(None, "binary", f"not text: {binary}")
    if _ISO2022_JP.search(data, 0, 8192) and data.isascii():
        try:
            return Decoded(data.decode("iso2022_jp_2"), "iso2022_jp_2")
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if _utf8_with_strays(data):
        return Decoded(data.decode("utf-8", errors="newsclean-cp1252"), UTF8_WITH_STRAYS)
    if hint:
        try:
            return Decoded(data.decode(hint), hint)
        except (UnicodeDecodeError, LookupError):
            pass
    return _legacy_decode(data)


WIDE_CODECS = frozenset({"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"})
NOT_HINTS = frozenset({"utf-8", "utf-8-sig", UTF8_WITH_STRAYS, "empty", "binary"})


def piece_hint(head: bytes) -> str | None:
    """The encoding to read a file's pieces in, from its first bytes: the legacy code
    page found there, or None where each piece can tell on its own (UTF-8 with or
    without stray cp1252 bytes, a byte-order mark in the first piece only for
    UTF-8, which reads alike without it) or the file is not text. `head` is cut
    after its last line break, so that no character is cut in two."""
    decoded = decode_bytes(head[: head.rfind(b"\n") + 1] or head)
    name = decoded.encoding
    if decoded.text is None or name in NOT_HINTS or name.startswith(("utf-16", "utf-32")):
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name
