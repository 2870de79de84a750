"""Fixtures and settings every test module shares."""

from __future__ import annotations

from pathlib import Path

import pytest

import corpus

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
#: The second corpus, beside the repository in CI and development; a user's clone has none.
CPC = ROOT.parent / "shared" / "corpora" / "cpc"


@pytest.fixture(autouse=True, scope="session")
def _cache_in_a_temporary_folder(tmp_path_factory):
    """Every test's cache lives in one temporary folder: never the user's cache, never the working directory."""
    folder = tmp_path_factory.mktemp("cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("CORPUS_CACHE_DIR", str(folder))
    yield folder
    patch.undo()


@pytest.fixture(scope="session")
def seed_corpus(_cache_in_a_temporary_folder) -> corpus.Corpus:
    """The five seed articles, loaded once for the session (a Corpus is read-only: tests share it)."""
    return corpus.load_corpus(SEEDS)


@pytest.fixture(scope="session")
def cpc_corpus(cpc_folder: Path) -> corpus.Corpus:
    """The twelve Party Congress reports, loaded once; skipped where the shared corpus is absent."""
    return corpus.load_corpus(cpc_folder)


@pytest.fixture(scope="session")
def cpc_folder() -> Path:
    """The CPC corpus folder; the test skips, saying why, where it is absent."""
    if not CPC.is_dir():
        pytest.skip(f"the shared CPC corpus is not at {CPC} (a user's clone has no ../shared)")
    return CPC
