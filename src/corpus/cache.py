"""An on-disk cache of DataFrames as Parquet files, keyed by a content hash, written atomically.

Cleaning and tokenizing are deterministic functions of their inputs and settings, so
their results can be stored under a hash of everything that affects them (the text,
every setting, lexicon contents, the package version and the code of the stage that made
them): a changed input or a new release simply misses, and an edit to a later stage (a
plot, an analysis) leaves the cleaned corpora valid. Writes go to a temporary file renamed
into place, so two notebooks running at once never see a half-written entry.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import threading
from pathlib import Path

import platformdirs

import pandas as pd

log = logging.getLogger(__name__)


def cache_root(path: str | Path | None = None) -> Path:
    """The cache folder: ``path``, else ``$CORPUS_CACHE_DIR``, else the user's cache folder (never the working directory).

    The user's cache folder is ``platformdirs.user_cache_dir("corpus")``: ``~/.cache/corpus`` on
    Linux, ``~/Library/Caches/corpus`` on macOS, ``%LOCALAPPDATA%\\corpus\\Cache`` on Windows.
    """
    return Path(path or os.environ.get("CORPUS_CACHE_DIR") or platformdirs.user_cache_dir("corpus"))


def stable_hash(*parts: object) -> str:
    """A hex digest of JSON-serialisable parts (sets sorted), the same in every process.

    >>> stable_hash({"b": 1, "a": frozenset({"y", "x"})}) == stable_hash({"a": ["x", "y"], "b": 1})
    True
    """
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=lambda o: sorted(o) if isinstance(o, (set, frozenset)) else str(o))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@functools.cache
def stage_fingerprint(module: str) -> str:
    """The package version and a hash of the source of ``module`` and every package module it imports, recursively.

    A cache entry made by a stage is keyed by this, so an edit to that stage's code (or to
    anything it relies on) misses, while an edit elsewhere, say a plot or an analysis, keeps
    it. Data files a stage reads (lexicons, stop lists) are keyed by their contents where they
    are used (:meth:`corpus.segment.TokenConfig.key`).

    >>> "corpus.discourse" in " ".join(stage_modules("corpus.pipeline"))
    False
    """
    from . import __version__

    h = hashlib.sha256(__version__.encode())
    for name in stage_modules(module):
        h.update(name.encode())
        h.update(_module_path(name).read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def stage_modules(module: str) -> list[str]:
    """``module`` and the package modules it imports, directly or not, sorted (read from their source).

    >>> stage_modules("corpus.clean")
    ['corpus.clean', 'corpus.dates', 'corpus.patterns']
    """
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += _package_imports(name)
    return sorted(seen)


def _module_path(name: str) -> Path:
    root = Path(__file__).resolve().parent
    parts = name.split(".")[1:]
    path = root.joinpath(*parts)
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _package_imports(name: str) -> list[str]:
    """The package modules one module imports (``from . import x``, ``from .x import y``, ``import corpus.x``)."""
    path = _module_path(name)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            elif node.module and node.module.split(".")[0] == "corpus":
                target = node.module
            else:
                continue
            for alias in node.names:  # `from . import io` names a module; `from .io import x` names a member
                if _module_path(f"{target}.{alias.name}").is_file():
                    found.append(f"{target}.{alias.name}")
            found.append(target)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "corpus"]
    # The package's own __init__ only re-exports the stages: it is no stage's dependency.
    return [m for m in found if m != "corpus" and _module_path(m).is_file()]


def read(folder: Path, key: str) -> pd.DataFrame | None:
    """The cached frame for ``key``, or None if absent or unreadable (a damaged entry is never trusted)."""
    path = folder / f"{key}.parquet"
    if not path.is_file():
        return None
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable entry is recomputed
        log.warning("cache entry %s unreadable (%s); recomputing", path, exc)
        return None
    touch(path)
    return frame


def touch(path: Path) -> None:
    """Mark a cache entry as just used (its modification time), for :func:`evict`'s least-recently-used order."""
    with contextlib.suppress(OSError):
        os.utime(path)


#: The cache's size limit when ``$CORPUS_CACHE_MAX_GB`` does not set one.
DEFAULT_MAX_GB = 5.0


def max_bytes() -> float:
    """The cache's size limit in bytes: ``$CORPUS_CACHE_MAX_GB`` gigabytes, else :data:`DEFAULT_MAX_GB`."""
    given = os.environ.get("CORPUS_CACHE_MAX_GB")
    if given:
        try:
            if float(given) >= 0:
                return float(given) * 1e9
        except ValueError:
            pass
        log.warning("CORPUS_CACHE_MAX_GB=%r is not a number of gigabytes >= 0; using %g", given, DEFAULT_MAX_GB)
    return DEFAULT_MAX_GB * 1e9


def evict(root: Path, limit: float | None = None, *, spare: Path | None = None) -> list[Path]:
    """Delete the least recently used entries until the cache under ``root`` fits ``limit`` bytes; return what went.

    An entry is a cleaned corpus (its files share one key), a token table, or a folder of
    shards. A shard folder a build holds (its lock is taken) is never deleted; an entry in
    use by a reader is only unlinked, which POSIX lets the reader finish. ``spare`` (the entry
    the caller has just made and is about to read) stays whatever the limit.
    """
    from filelock import FileLock, Timeout

    limit = max_bytes() if limit is None else limit
    entries: dict[Path | tuple[Path, str], list] = {}  # entry -> [last use, bytes, paths]
    for kind in ("corpus", "tokens"):
        for path in (root / kind).glob("*.parquet") if (root / kind).is_dir() else []:
            key = (root / kind, path.name.split("-", 1)[0]) if kind == "corpus" else path
            stat = path.stat()
            entry = entries.setdefault(key, [0.0, 0, []])
            entry[0], entry[1] = max(entry[0], stat.st_mtime), entry[1] + stat.st_size
            entry[2].append(path)
    shards = root / "shards"
    for folder in (p for p in shards.iterdir() if p.is_dir()) if shards.is_dir() else []:
        used = (folder / "manifest.json").stat().st_mtime if (folder / "manifest.json").is_file() else folder.stat().st_mtime
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        entries[folder] = [used, size, [folder]]
    total = sum(size for _, size, _ in entries.values())
    gone: list[Path] = []
    for _, size, paths in sorted(entries.values(), key=lambda e: e[0]):
        if total <= limit:
            break
        if spare in paths:
            continue
        for path in paths:
            if path.is_dir():
                lock = FileLock(path.parent / f".{path.name}.lock", timeout=0)
                try:
                    with lock:
                        shutil.rmtree(path, ignore_errors=True)
                except Timeout:  # a build holds it
                    continue
            else:
                path.unlink(missing_ok=True)
            gone.append(path)
        total -= size
    if gone:
        log.info("cache %s over %.1f GB: %d least recently used entries removed", root, limit / 1e9, len(gone))
    return gone


def usable(folder: Path) -> bool:
    """Whether entries can be written in ``folder`` (made if missing); if not, one warning names it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe.{os.getpid()}.{threading.get_ident()}"
        probe.touch()
        probe.unlink()
        return True
    except OSError as exc:
        _unwritable(folder, exc)
        return False


def keep(folder: Path, key: str, frame: pd.DataFrame) -> None:
    """Store a cache entry (``folder`` is a kind of entry under the cache root) and keep the cache in its size limit.

    Where the cache cannot take it, warn once and go on without it.
    """
    try:
        write(folder, key, frame)
    except OSError as exc:
        _unwritable(folder, exc)
        return
    evict(folder.parent)


_WARNED: set[str] = set()


def _unwritable(folder: Path, exc: OSError) -> None:
    if str(folder) not in _WARNED:
        _WARNED.add(str(folder))
        log.warning("cache folder %s cannot be written (%s): running without a cache there "
                    "(set CORPUS_CACHE_DIR or cache_dir= to a writable folder)", folder, exc.strerror or exc)  # fmt: skip


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically (temporary file, then rename): a reader sees the old file or the new, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write(folder: Path, key: str, frame: pd.DataFrame) -> None:
    """Store ``frame`` under ``key`` atomically (temporary file, then rename); an OSError is raised."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, folder / f"{key}.parquet")
