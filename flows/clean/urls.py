"""The record's URL, made one the article contract accepts, or dropped with a note.

Scrapers and exports hand over URLs as they found them: padded with spaces, empty
strings for "none", scheme-relative (`//host/path`), bare hosts (`www.host/path`),
spaces inside the path, `javascript:` links. Left as they came, each failed the
contract's well-formed-URL check and sent a sound article to quarantine. Here a URL
is trimmed (empty means none), given `https:` when it has a host but no scheme, and
its whitespace percent-encoded; one that still is no URL becomes null, and the repair
log keeps what it was (the raw record in `raw_documents` keeps it too). Vectorised:
only the rows that change go through Python, for their log entries.
"""

from __future__ import annotations

import polars as pl

from flows.clean.repairs import Repair, append_repairs, repair
from schemas.text_checks import URL

HAS_SCHEME = r"^[a-zA-Z][a-zA-Z0-9+-]*:"  # no dot: "example.org:8080/a" has none
# A host name first ("www.example.com/…", "example.co.uk"): letters or digits, a dot,
# a top-level domain of letters, then the end or a path, port, query or fragment.
BARE_HOST = r"^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?:[/:?#]|$)"


def _normalised(url: pl.Expr) -> pl.Expr:
    trimmed = url.str.strip_chars()
    with_scheme = (
        pl.when(trimmed.str.starts_with("//"))
        .then(pl.lit("https:") + trimmed)
        .when(~trimmed.str.contains(HAS_SCHEME) & trimmed.str.contains(BARE_HOST))
        .then(pl.lit("https://") + trimmed)
        .otherwise(trimmed)
    )
    return with_scheme.str.replace_all(r"\s", "%20")


def normalise_urls(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: `url` trimmed, given a scheme, whitespace encoded; null when it is
    still no URL the contract accepts. Each change is logged."""
    url = pl.col("url")
    fixed = _normalised(url)
    checked = df.select(
        url,
        pl.when(fixed.str.contains(URL)).then(fixed).alias("fixed"),
    )
    changed = checked.select(~pl.col("url").eq_missing(pl.col("fixed"))).to_series()
    rows = changed.arg_true().to_list()
    if not rows:
        return df
    logs: list[list[Repair]] = [[] for _ in range(df.height)]
    for i, (before, after) in zip(rows, checked[rows].iter_rows(), strict=True):
        if after is not None:
            logs[i].append(repair("url_normalised", "made a well-formed URL", before, after))
        elif before.strip():
            logs[i].append(repair("url_dropped", "not a URL; kept in the raw record", before))
    return append_repairs(df.with_columns(checked["fixed"].alias("url")), logs)
