"""Comparative text analysis of Chinese official documents.

The public API follows the data's path, in quanteda's words: ``load_corpus`` (read, decode,
clean, audit; a :class:`Corpus`) → ``tokens`` → ``dtm`` → ``tfidf`` / ``keyness`` / ``kwic`` /
``collocations`` / ``cluster_units`` → ``discourse``. Every function is also in the module
of its stage (``corpus.segment``, ``corpus.features`` …); ``corpus.report`` holds what only
the report notebooks use.
"""

from . import discourse
from .audit import audit, audit_summary, before_after, doc_labels, lengths, problems
from .clean import CleanConfig, clean_text, detect_script
from .cluster import cluster_units, nmf_topics
from .compare import distinctive_terms, each_against_rest, group_members, vocabulary_overlap
from .container import Corpus, concat_corpora, open_corpus, paragraphs, sentences, tokens
from .cooccurrence import collocations, propose_terms
from .features import DTM, corpus_keywords, dtm, kwic, linkage, prune, similarity, term_frequency, tfidf, top_terms
from .io import CorpusError
from .keyterms import keyness
from .load import load_corpus
from .pipeline import flag_duplicates
from .segment import TokenConfig, corpus_terms, tokenize
from .stream import save_corpus, stream_corpus

__all__ = [
    "CleanConfig",
    "Corpus",
    "CorpusError",
    "DTM",
    "TokenConfig",
    "audit",
    "audit_summary",
    "before_after",
    "clean_text",
    "cluster_units",
    "collocations",
    "concat_corpora",
    "corpus_keywords",
    "corpus_terms",
    "detect_script",
    "discourse",
    "distinctive_terms",
    "doc_labels",
    "dtm",
    "each_against_rest",
    "flag_duplicates",
    "group_members",
    "keyness",
    "kwic",
    "lengths",
    "linkage",
    "load_corpus",
    "nmf_topics",
    "open_corpus",
    "paragraphs",
    "problems",
    "propose_terms",
    "prune",
    "save_corpus",
    "sentences",
    "similarity",
    "stream_corpus",
    "term_frequency",
    "tfidf",
    "tokenize",
    "tokens",
    "top_terms",
    "vocabulary_overlap",
]
__version__ = "0.1.0"
