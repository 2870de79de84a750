"""Comparative text analysis of Chinese official documents.

The public API follows the data's path: ``load_corpus`` (decode, clean, audit) →
``paragraphs`` / ``sentences`` (the units every later table cites).
"""

from .clean import CleanConfig, clean_text, detect_script
from .io import CorpusError
from . import discourse
from .load import audit, audit_summary, before_after, doc_labels, flag_duplicates, lengths, load_corpus, problems
from .structure import paragraphs, sentences

__all__ = [
    "CleanConfig",
    "CorpusError",
    "audit",
    "discourse",
    "audit_summary",
    "before_after",
    "doc_labels",
    "lengths",
    "clean_text",
    "detect_script",
    "flag_duplicates",
    "load_corpus",
    "paragraphs",
    "problems",
    "sentences",
]
__version__ = "0.1.0"
