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


class _NoAliases(yaml.SafeLoader):
    """YAML without aliases (`*name`). An alias is a reference, cheap in YAML and
    multiplied when the fields are written out as JSON: nine levels of nine aliases
    (the "billion laughs", 741 bytes of front matter) took 24 GB and the process
    with them. Front matter has no use for them; a block with one is no front
    matter, and the post is read as text."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "a YAML alias, which front matter does not need",
                self.peek_event().start_mark,
            )
        return super().compose_node(parent, index)


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
            fields = yaml.load(block, Loader=_NoAliases)  # a SafeLoader: no objects
    # RecursionError: nesting deeper than the parsers' reach ("a: [[[[…").
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None, text
    if not isinstance(fields, dict) or not fields:
        return None, text
    return {str(k): v for k, v in fields.items()}, text[found.end() :].lstrip("\r\n")
