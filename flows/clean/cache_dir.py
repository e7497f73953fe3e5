"""The folder where cleaning keeps what it can learn once and reuse across runs.

`$NEWSCLEAN_CACHE_DIR`, else `$XDG_CACHE_HOME/newsclean` or `~/.cache/newsclean`; an
empty NEWSCLEAN_CACHE_DIR turns the disk cache off. What is kept there depends only
on the installed libraries' versions (dateparser's month words, py3langid's model
unpacked), so any run may use what another wrote, and a lost or damaged cache only
costs the time to build it again.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "NEWSCLEAN_CACHE_DIR"


def cache_dir() -> Path | None:
    """The cache folder (not necessarily existing yet), or None when it is off."""
    folder = os.environ.get(CACHE_ENV)
    if folder is None:
        try:
            base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        except RuntimeError:  # no home directory known
            return None
        folder = str(Path(base) / "newsclean")
    return Path(folder) if folder else None
