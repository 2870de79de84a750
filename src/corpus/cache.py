"""An on-disk cache of DataFrames as Parquet files, keyed by a content hash, written atomically.

Cleaning and tokenizing are deterministic functions of their inputs and settings, so
their results can be stored under a hash of everything that affects them (the text,
every setting, lexicon contents, the package version and a hash of its code): a changed input or a new
release simply misses. Writes go to a temporary file renamed into place, so two
notebooks running at once never see a half-written entry.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)


def cache_root(path: str | Path | None = None) -> Path:
    """The cache folder: ``path``, else ``$CORPUS_CACHE_DIR``, else ``.cache`` in the working directory."""
    return Path(path or os.environ.get("CORPUS_CACHE_DIR") or ".cache")


def stable_hash(*parts: object) -> str:
    """A hex digest of JSON-serialisable parts (sets sorted), the same in every process.

    >>> stable_hash({"b": 1, "a": frozenset({"y", "x"})}) == stable_hash({"a": ["x", "y"], "b": 1})
    True
    """
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=lambda o: sorted(o) if isinstance(o, (set, frozenset)) else str(o))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@functools.cache
def code_fingerprint() -> str:
    """The package version and a hash of its source and data files: results of changed code never match.

    A release bumps the version; a developer's edit between releases changes the hash.
    """
    from . import __version__

    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted([*root.glob("*.py"), *root.glob("data/*")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def read(folder: Path, key: str) -> pd.DataFrame | None:
    """The cached frame for ``key``, or None if absent or unreadable (a damaged entry is never trusted)."""
    path = folder / f"{key}.parquet"
    if not path.is_file():
        return None
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable entry is recomputed
        log.warning("cache entry %s unreadable (%s); recomputing", path, exc)
        return None


def write(folder: Path, key: str, frame: pd.DataFrame) -> None:
    """Store ``frame`` under ``key`` atomically (temporary file, then rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, folder / f"{key}.parquet")
