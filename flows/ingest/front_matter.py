"""Front matter: the metadata block at the top of a Markdown or text post.

Static-site generators (Jekyll, Hugo, Eleventy, Astro) and many CMS exports keep
each article as a file that opens with its metadata between two `---` lines in
YAML (Hugo also writes TOML between `+++` lines): title, date, author, tags, the
canonical link. Read as text, that block was the article's first lines: "---"
became its headline and "title: …" a line of its body. Here the block is parsed,
and its fields are named as a record's are (`title`, `date`, `url`, …); the text
after it is the body.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml

# The block opens on the first line and closes with the same fence on a line of
# its own; a front matter is short (16 KiB is far beyond any seen).
_FENCED = re.compile(
    r"\A\ufeff?(?P<fence>---|\+\+\+)[ \t]*\r?\n(?P<block>.*?)\r?\n(?P=fence)[ \t]*(?:\r?\n|\Z)",
    re.S,
)
MAX_BLOCK = 16 * 1024


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str]:
    """(the front matter's fields, the text after it); (None, text) when the text
    opens with no front matter, or with a block that does not parse as a mapping
    (a Markdown rule, "---", is no front matter)."""
    found = _FENCED.match(text[: MAX_BLOCK + 64])
    if found is None:
        return None, text
    block = found.group("block")
    try:
        if found.group("fence") == "+++":
            fields: Any = tomllib.loads(block)
        else:
            fields = yaml.safe_load(block)
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError):
        return None, text
    if not isinstance(fields, dict) or not fields:
        return None, text
    return {str(k): v for k, v in fields.items()}, text[found.end() :].lstrip("\r\n")
