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
from .cooccurrence import collocates, collocations, propose_terms
from .dictionary import Dictionary, dictionary_counts, dictionary_dtm, dictionary_from, load_dictionary, lookup, unmatched_entries
from .features import DTM, corpus_keywords, dtm, kwic, linkage, prune, similarity, term_frequency, tfidf, top_terms
from .io import CorpusError
from .keyterms import each_text_once, keyness
from .load import load_corpus
from .pipeline import flag_duplicates
from .segment import TokenConfig, corpus_terms, tokenize
from .stream import save_corpus, stream_corpus
from .trends import dispersion, document_dates, first_last_use, ordered_bins, risers_fallers, time_bins, trend
from .wordfish import DimensionTest, WordfishResult, dimension_test, pole_words, position_correlates, top_features, wordfish

__all__ = [
    "CleanConfig",
    "Corpus",
    "CorpusError",
    "DTM",
    "Dictionary",
    "DimensionTest",
    "TokenConfig",
    "WordfishResult",
    "audit",
    "audit_summary",
    "before_after",
    "clean_text",
    "cluster_units",
    "collocates",
    "collocations",
    "concat_corpora",
    "corpus_keywords",
    "corpus_terms",
    "detect_script",
    "dimension_test",
    "dictionary_counts",
    "dictionary_dtm",
    "dictionary_from",
    "discourse",
    "dispersion",
    "distinctive_terms",
    "doc_labels",
    "document_dates",
    "dtm",
    "each_against_rest",
    "each_text_once",
    "first_last_use",
    "flag_duplicates",
    "group_members",
    "keyness",
    "kwic",
    "lengths",
    "linkage",
    "load_corpus",
    "load_dictionary",
    "lookup",
    "nmf_topics",
    "open_corpus",
    "ordered_bins",
    "paragraphs",
    "pole_words",
    "position_correlates",
    "problems",
    "propose_terms",
    "prune",
    "risers_fallers",
    "save_corpus",
    "sentences",
    "similarity",
    "stream_corpus",
    "term_frequency",
    "tfidf",
    "time_bins",
    "tokenize",
    "tokens",
    "top_features",
    "top_terms",
    "trend",
    "unmatched_entries",
    "vocabulary_overlap",
    "wordfish",
]
__version__ = "0.1.0"
