"""Text patterns shared by the contracts and the cleaning (which must satisfy them).

ftfy's badness regex is written for Python's verbose mode; `compact_verbose`
rewrites it so polars (Rust regex) can run it vectorised, with the same meaning.
"""

from __future__ import annotations

from ftfy.badness import BADNESS_RE

# ISO 639-1, the codes py3langid (and most detectors) return.
_ISO_639_1_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce "
    "ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr "
    "fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is "
    "it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln "
    "lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk "
    "sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw "
    "ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu "
)
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())


def compact_verbose(pattern: str) -> str:
    """Rewrite a Python re.VERBOSE pattern for engines without Python's verbose rules.

    Rust's regex (polars) also drops whitespace inside [...] in verbose mode, where
    Python keeps it; so whitespace and comments are removed here, outside classes only.
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]" or (bool(out) and out[-1] == "[")
        elif ch == "[":
            in_class = True
        elif ch.isspace():
            i += 1
            continue
        elif ch == "#":
            while i < len(pattern) and pattern[i] != "\n":
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


MAX_TITLE_CHARS = 300  # a longer "title" is a description or a paragraph
# A URL with a scheme and a host; the contract's check and the cleaning's repair.
URL = r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/$.?#][^\s]*$"
MOJIBAKE = compact_verbose(BADNESS_RE.pattern)  # ftfy's badness, for polars
ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
REPLACEMENT_OR_CONTROL = f"[\ufffd]|{CONTROL}"
