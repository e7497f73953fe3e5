"""Language identification for a whole batch at once, with py3langid's own model.

py3langid walks its byte-level automaton in a Python loop, one byte at a time: about
1.7 ms for a 2,000-character article, more than every other cleaning step together.
Here the same automaton walks all documents of a batch side by side, one numpy step
per byte position, and each document is then scored exactly as py3langid scores it
(same features in the same order, same arithmetic), so the answers are py3langid's;
`tests/test_language.py` checks that against py3langid's own ranking.

py3langid's model also knows 26 languages that have no ISO 639-1 code (Nigerian
Pidgin "pcm", Bikol "bcl", Cantonese "yue", …) and "zxx", no linguistic content.
The `language` column holds ISO 639-1 codes, and an article whose code was not one
failed validation and went to quarantine: on the dev set's pages, 42 of 4,577
paragraphs of 100+ characters (menus, credit lines, lists of names) were read as
one of those. So the answer is the best-scoring language that has an ISO 639-1
code, and None when "zxx" scores best.

Unpacking py3langid's model (LZMA, then retyped) cost every batch worker ~0.6 s of
CPU per run. The unpacked arrays are kept once per py3langid version in the cache
folder (flows/clean/cache_dir.py, ~95 MB) and later workers map them read-only:
~3 ms with their checks, and the workers of a run share those pages.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import py3langid
from py3langid import langid

from flows.clean.cache_dir import cache_dir
from schemas.text_checks import ISO_639_1

# Below this many characters a language guess is noise; leave it null.
MIN_CHARS_FOR_LANGUAGE = 20
PREFIX_CHARS = 500  # ~80 words: the language of an article is settled within its start
MODEL_FORMAT = 1  # bump when the unpacked form below changes
NO_LANGUAGE = "zxx"  # ISO 639-2: no linguistic content
ARRAYS = ("nextmove", "rowbase", "output", "table", "prior")


@dataclass(frozen=True)
class _Model:
    """py3langid's default model, held once per process in the form the batch walk
    needs: the automaton as 32-bit states, the feature
    table as float32 (54 MB; py3langid's float16 @ float32 product casts the gathered
    rows on every call to the same values, so casting once makes scoring ~2x faster;
    keeping float16 and casting the rows in `_score` saved 27 MB a process but cost
    0.15 ms a document, measured) and nothing else — py3langid's own identifier,
    which would keep a second copy of the table and the automaton as Python lists,
    is never built here."""

    nextmove: np.ndarray
    rowbase: np.ndarray
    output: np.ndarray
    table: np.ndarray
    prior: np.ndarray
    classes: list[str]
    aliases: list[tuple[int, int]]


@lru_cache(maxsize=1)
def _model() -> _Model:
    return load_model()


def load_model() -> _Model:
    """The model, mapped from the cache folder when it holds it, else unpacked from
    py3langid's file (and then kept there for the next worker)."""
    folder = model_folder()
    if folder is not None:
        cached = _read_unpacked(folder)
        if cached is not None:
            return cached
    model = _unpack()
    if folder is not None:
        _keep_unpacked(folder, model)
    return model


def _unpack() -> _Model:
    ident = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)
    return _Model(
        # Stored as 64-bit; the states fit 32 bits (37 MB instead of 74 in every worker).
        nextmove=np.frombuffer(ident.tk_nextmove, dtype=f"u{ident.tk_nextmove.itemsize}").astype(
            np.uint32
        ),
        rowbase=np.asarray(ident._rowbase, dtype=np.int64),
        output=np.asarray(ident.tk_output, dtype=np.int32),
        table=ident.nb_ptc.astype(np.float32),
        prior=ident.nb_pc,
        classes=list(ident.nb_classes),
        aliases=list(ident._alias_pairs),
    )


def model_folder() -> Path | None:
    """Where this py3langid's model is kept unpacked, or None (cache off)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        version = metadata.version("py3langid")
        model_file = Path(langid.MODEL_FILE)  # as from_model_file resolves it
        if not model_file.is_absolute():
            model_file = Path(langid.MODEL_DIR) / model_file
        size = model_file.stat().st_size
    except (metadata.PackageNotFoundError, OSError, AttributeError):
        return None
    return folder / f"langid-model-v{MODEL_FORMAT}-py3langid-{version}-{size}"


def _read_unpacked(folder: Path) -> _Model | None:
    """The kept model as read-only maps of its files; None if missing or damaged."""
    try:
        # np.asarray: plain arrays over the maps (np.memmap's subclass hooks would
        # run on every step of the walk).
        arrays = {
            name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False))
            for name in ARRAYS
        }
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
        classes = [str(c) for c in labels["classes"]]
        aliases = [(int(i), int(j)) for i, j in labels["aliases"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    model = _Model(**arrays, classes=classes, aliases=aliases)
    return model if _consistent(model) else None


def _consistent(m: _Model) -> bool:
    """Shapes and types as _unpack makes them, so a damaged file cannot index out of
    range (its values are py3langid's; a file cut short does not map at all)."""
    n_classes = len(m.classes)
    return (
        m.nextmove.dtype == np.uint32
        and m.nextmove.ndim == m.rowbase.ndim == m.output.ndim == 1
        and m.rowbase.dtype == np.int64
        and m.output.dtype == np.int32
        and m.output.shape == m.rowbase.shape
        and m.table.dtype == np.float32
        and m.table.shape[1:] == m.prior.shape == (n_classes,)
        and bool(m.rowbase.size)
        and int(m.rowbase.min()) >= 0
        and int(m.rowbase.max()) + 256 <= m.nextmove.size
        and int(m.nextmove.max()) < m.rowbase.size
        and int(m.output.max()) < m.table.shape[0]
        and all(0 <= i < n_classes and 0 <= j < n_classes for i, j in m.aliases)
    )


def _keep_unpacked(folder: Path, model: _Model) -> None:
    """Write the model's arrays into a new folder and move it into place at once; a
    damaged folder there is replaced, and a worker that lost the race leaves the
    winner's. A cache that cannot be written is ignored."""
    with contextlib.suppress(OSError):
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f"{folder.name}."))
        try:
            for name in ARRAYS:
                np.save(staging / f"{name}.npy", getattr(model, name), allow_pickle=False)
            labels = {"classes": model.classes, "aliases": model.aliases}
            (staging / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
            if folder.exists() and _read_unpacked(folder) is None:
                shutil.rmtree(folder, ignore_errors=True)
            os.replace(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _walk(encoded: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(document, feature) pairs in the order py3langid's walk emits them per doc."""
    model = _model()
    nextmove, rowbase, output = model.nextmove, model.rowbase, model.output
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
    order = np.argsort(-lengths, kind="stable")  # longest first: active docs are a prefix
    # Document numbers in the smallest type that holds them: 2,000 documents emit
    # ~2.4 million (document, feature) pairs, and with int64 numbers the walk's peak
    # was 44 MB higher (and the sort below needed a 16-bit copy anyway).
    order = order.astype(np.int16 if len(encoded) < 2**15 else np.int32)
    width = int(lengths.max()) if len(encoded) else 0
    # Position-major, so that each step reads its bytes of all documents in one
    # contiguous row (document-major, a step touched a cache line per document:
    # 0.14 → 0.12 s for 3,266 pages).
    grid = np.zeros((width, len(encoded)), dtype=np.uint8)
    for col, i in enumerate(order):
        grid[: lengths[i], col] = np.frombuffer(encoded[i], dtype=np.uint8)
    sorted_lengths = lengths[order]
    states = np.zeros(len(encoded), dtype=np.int32)
    docs: list[np.ndarray] = []
    feats: list[np.ndarray] = []
    active = len(encoded)
    for pos in range(width):
        while active and sorted_lengths[active - 1] <= pos:
            active -= 1
        live = states[:active]
        live[:] = nextmove[rowbase[live] + grid[pos, :active]]
        found = output[live]
        hit = np.flatnonzero(found >= 0)
        if hit.size:
            docs.append(order[hit])
            feats.append(found[hit])
    if not docs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
    doc_ids, feat_ids = np.concatenate(docs), np.concatenate(feats)
    del docs, feats
    # A stable sort keeps byte order within a document; on 16-bit keys numpy uses
    # a radix sort, many times faster than on int64.
    by_doc = np.argsort(doc_ids, kind="stable")
    return doc_ids[by_doc], feat_ids[by_doc]


def _feature_counts(
    doc_ids: np.ndarray, feat_ids: np.ndarray, n_features: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per document, its distinct features in first-occurrence order (the order of
    py3langid's Counter, and so of its sum) and their counts; as flat arrays
    (document, feature, count), documents in order.

    One sort for the batch instead of np.unique per document (~60 µs each, two
    thirds of the scoring): each pair becomes one integer, (document, feature) above
    its position, so that numpy's plain sort (SIMD; the values are unique) gives the
    order of a stable sort by (document, feature). 3,266 pages: 0.12 → 0.06 s against
    four stable radix passes over 16-bit digits.
    """
    size = doc_ids.size
    if not size:
        return doc_ids, feat_ids.astype(np.intp), np.empty(0, dtype=np.float32)
    key = doc_ids.astype(np.uint64) * np.uint64(n_features) + feat_ids.astype(np.uint64)
    pos_bits = size.bit_length()
    if int(key.max()).bit_length() + pos_bits <= 64:
        key <<= np.uint64(pos_bits)
        key |= np.arange(size, dtype=np.uint64)
        key.sort()
        order = (key & np.uint64((1 << pos_bits) - 1)).astype(np.intp)
        key >>= np.uint64(pos_bits)
        ranked = key
    else:  # too wide to carry the positions (never with py3langid's model)
        order = np.argsort(key, kind="stable")
        ranked = key[order]
    del key
    starts = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1])))
    del ranked
    first = order[starts]  # stable: the earliest position of each pair
    del order
    count_at = np.zeros(size, dtype=np.float32)
    count_at[first] = np.diff(starts, append=size)
    is_first = np.zeros(size, dtype=bool)
    is_first[first] = True
    return doc_ids[is_first], feat_ids[is_first].astype(np.intp), count_at[is_first]


@lru_cache(maxsize=1)
def _without_iso_code() -> np.ndarray:
    """Mask of the model's classes that have no ISO 639-1 code."""
    return np.array([c not in ISO_639_1 for c in _model().classes])


def _score(model: _Model, idx: np.ndarray, counts: np.ndarray) -> str | None:
    """The language of one document from its distinct features and their counts, in
    first-occurrence order (none: py3langid's floor), scored as py3langid scores
    them: the best class with an ISO 639-1 code, None if "zxx" is best."""
    if idx.size:
        scores = np.log1p(counts) @ model.table[idx] + model.prior
    else:
        scores = np.full(len(model.classes), langid.RAW_FLOOR, dtype=np.float32)
    for i, j in model.aliases:
        scores[i] = max(scores[i], scores[j])
        scores[j] = langid.RAW_FLOOR
    best = model.classes[int(scores.argmax())]
    if best in ISO_639_1:
        return best
    if best == NO_LANGUAGE:
        return None
    scores[_without_iso_code()] = -np.inf
    return model.classes[int(scores.argmax())]


def detect_languages(texts: Sequence[str | None]) -> list[str | None]:
    """ISO 639-1 code per text (py3langid's model), None for short or missing text
    or text with no linguistic content."""
    wanted = [i for i, t in enumerate(texts) if t and len(t) >= MIN_CHARS_FOR_LANGUAGE]
    out: list[str | None] = [None] * len(texts)
    if not wanted:
        return out
    encoded = [langid.LanguageIdentifier._encode(texts[i][:PREFIX_CHARS]) for i in wanted]
    model = _model()
    docs, feats, counts = _feature_counts(*_walk(encoded), model.table.shape[0])
    bounds = np.searchsorted(docs, np.arange(len(wanted) + 1))
    for k, i in enumerate(wanted):
        lo, hi = bounds[k], bounds[k + 1]
        out[i] = _score(model, feats[lo:hi], counts[lo:hi])
    return out


def detect_language(text: str | None) -> str | None:
    """One text, through py3langid itself (the reference the batch version matches):
    its ranking's first language with an ISO 639-1 code, None if "zxx" comes first."""
    if not text or len(text) < MIN_CHARS_FOR_LANGUAGE:
        return None
    ranked = [lang for lang, _score in py3langid.rank(text[:PREFIX_CHARS])]
    if ranked[0] == NO_LANGUAGE:
        return None
    return next(lang for lang in ranked if lang in ISO_639_1)
