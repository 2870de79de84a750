"""What every report notebook starts from: the corpus, its paragraphs, tokens and readable labels.

One call turns the notebook parameters into the loaded, cleaned, segmented corpus, so the
notebooks' first cells stay short and identical in what they mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .load import doc_labels, load_corpus
from .structure import paragraphs
from .tokenize import TokenConfig, tokens


@dataclass(frozen=True)
class Study:
    """A loaded corpus with its paragraphs, paragraph-level tokens and document labels."""

    docs: pd.DataFrame
    paragraphs: pd.DataFrame
    tokens: pd.DataFrame
    labels: dict[str, str]
    config: TokenConfig
    output_dir: Path = field(default=Path("."))

    def label(self, doc_ids: Sequence[str] | pd.Series) -> list[str]:
        """Readable labels (locality, else doc_id) for document ids."""
        return [self.labels.get(d, d) for d in doc_ids]

    def save(self, frame: pd.DataFrame, name: str, *, index: bool = False) -> Path:
        """Write a table beside the report as CSV (UTF-8 with BOM, so spreadsheet programs read Chinese)."""
        path = self.output_dir / f"{name}.csv"
        frame.to_csv(path, index=index, encoding="utf-8-sig")
        return path


def load_study(
    corpus_path: str | Path,
    metadata_path: str | Path | None = None,
    *,
    output_dir: str | Path = ".",
    label_column: str = "locality",
    lexicon_paths: Sequence[str] = (),
    stopword_paths: Sequence[str] = (),
    bureaucratic_stopwords: bool = True,
    corpus_lexicon: bool = True,
    segmenter: str = "rjieba",
) -> Study:
    """Load, clean, split into paragraphs and tokenize a corpus as the report notebooks do."""
    docs = load_corpus(corpus_path, metadata_path)
    paras = paragraphs(docs)
    config = TokenConfig(segmenter=segmenter, lexicon_paths=tuple(lexicon_paths), stopword_paths=tuple(stopword_paths),
                         bureaucratic_stopwords=bureaucratic_stopwords, corpus_lexicon=corpus_lexicon)  # fmt: skip
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    labels = doc_labels(docs, label_column).to_dict()
    return Study(docs, paras, tokens(paras, config), labels, config, out)
