"""Segmentation: jieba's dictionary and algorithm, domain-aware, with offsets, fast and cached.

The default engine is jieba-rs through its Python binding ``rjieba``: the same
dictionary and algorithm as ``jieba`` at about 19× the throughput (``segmenter="jieba"``
runs jieba itself, the reference). Each configuration gets a private segmenter instance,
built once per process (never jieba's global ``jieba.dt``, whose ``add_word`` leaks into
every other user). Lexicons and filters are explicit, in a frozen :class:`TokenConfig`.

Filters (stopwords, numbers, punctuation, Latin, single characters, POS) apply to the
*vocabulary*: each distinct token is judged once, after segmentation, and rows are kept
by a vectorised lookup — per-token filtering in Python would cost more than segmenting.

Texts one at a time (scikit-learn's ``analyzer=``) go through a :class:`Tokenizer`: one
fixed lexicon for every text, so a word never changes its tokens with the text it is in.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache, partial
from importlib import resources
from itertools import accumulate, chain
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import cache as store
from .patterns import CJK, FORMULA_NUMERALS, is_number_word, iter_formulae, iter_models, iter_quotes
from .schedule import PROCESS_POOL_MIN_CHARS, small_pages, with_progress

log = logging.getLogger(__name__)

Segmenter = Literal["rjieba", "jieba"]
TOKEN_COLUMNS = ["doc_id", "para_no", "sent_no", "token", "start", "end"]
#: Frequency given to lexicon terms that name none: high enough to win in context, equal in both engines.
DEFAULT_TERM_FREQ = 20000

_PUNCT_RE = re.compile(r"^[\W_]+$")
_LATIN_RE = re.compile(r"^[A-Za-z][A-Za-z0-9.\-_']*$")
_CJK_RE = re.compile(f"[{CJK}]")
# A quotation is a term when it is one run of ideographs, Latin letters, digits and plus signs.
_QUOTED_TERM_RE = re.compile(f"[{CJK}A-Za-z0-9+＋]{{2,}}")
# Every numbered formula holds a numeral (the head-first form ends in one: 从严治警七条).
_FORMULA_HINT_RE = re.compile(f"[{FORMULA_NUMERALS}]")


def data_path(name: str) -> Path:
    """Path of a data file shipped with the package (lexicons, stop lists)."""
    return Path(str(resources.files("corpus") / "data" / name))


@dataclass(frozen=True)
class TokenConfig:
    """Everything that decides which tokens come out: engine, lexicons, stop lists, filters."""

    segmenter: Segmenter = "rjieba"
    hmm: bool = True
    #: Ship the party-building / governance / policing lexicon (src/corpus/data/domain_lexicon.txt).
    domain_lexicon: bool = True
    #: Add the units the corpus marks itself: short quotations, numbered formulae, X+Y models.
    corpus_lexicon: bool = True
    #: Longest quoted phrase taken as a term; longer quotations stay sentences.
    max_quote_len: int = 10
    #: User lexicon files (jieba userdict format: ``word [freq] [tag]``, ``#`` comments).
    lexicon_paths: tuple[str, ...] = ()
    #: Extra terms given directly (corpus-derived terms land here).
    extra_terms: tuple[str, ...] = ()
    term_freq: int = DEFAULT_TERM_FREQ
    function_stopwords: bool = True
    bureaucratic_stopwords: bool = True
    stopword_paths: tuple[str, ...] = ()
    #: Drop words that are only a number (:func:`corpus.patterns.is_number_word`: 一九五四年, 10余万, 第三次;
    #: never 一些, 统一 or a numbered formula such as 五个坚持).
    drop_numbers: bool = True
    drop_punctuation: bool = True
    drop_latin: bool = True
    drop_single_chars: bool = True
    #: Keep only tokens whose jieba POS tag starts with one of these (e.g. ("n", "v")); empty = all.
    pos: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.segmenter not in ("rjieba", "jieba"):
            raise ValueError(f"`segmenter` must be one of 'rjieba', 'jieba'; got {self.segmenter!r}")
        for p in (*self.lexicon_paths, *self.stopword_paths):
            if not Path(p).is_file():
                raise FileNotFoundError(f"lexicon or stop-word file not found: {p}")

    def without_filters(self) -> TokenConfig:
        """The same segmentation with every token filter switched off."""
        return replace(self, function_stopwords=False, bureaucratic_stopwords=False, stopword_paths=(),
                       drop_numbers=False, drop_punctuation=False, drop_latin=False, drop_single_chars=False, pos=())  # fmt: skip

    def key(self) -> str:
        """A hash of every setting and of the contents of every lexicon and stop-word file used."""
        payload = asdict(self) | {"code": store.stage_fingerprint(__name__), "files": [_file_hash(p) for p in self._files()]}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:24]

    def _files(self) -> list[str]:
        files = [*self.lexicon_paths, *self.stopword_paths]
        if self.domain_lexicon:
            files.append(str(data_path("domain_lexicon.txt")))
        if self.function_stopwords:
            files.append(str(data_path("stopwords_function.txt")))
        if self.bureaucratic_stopwords:
            files.append(str(data_path("stopwords_bureaucratic.txt")))
        return files


def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_word_list(path: str | Path) -> list[tuple[str, int | None, str | None]]:
    """Entries of a lexicon or stop list: ``word [freq] [tag]`` per line, ``#`` starts a comment."""
    entries = []
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        if len(parts) > 3 or (len(parts) > 1 and freq is None and len(parts) != 2):
            raise ValueError(f"{path}, line {line_no}: expected 'word [freq] [tag]', got {line!r}")
        entries.append((parts[0], freq, tag))
    return entries


def lexicon_terms(config: TokenConfig) -> list[tuple[str, int, str | None]]:
    """The terms a configuration adds to jieba's dictionary, with frequency and tag, in a fixed order."""
    paths = ([str(data_path("domain_lexicon.txt"))] if config.domain_lexicon else []) + list(config.lexicon_paths)
    seen: dict[str, tuple[str, int, str | None]] = {}
    for path in paths:
        for word, freq, tag in read_word_list(path):
            seen[word] = (word, freq or config.term_freq, tag)
    for word in config.extra_terms:
        seen.setdefault(word, (word, config.term_freq, None))
    return list(seen.values())


def stopwords(config: TokenConfig) -> frozenset[str]:
    """The stop list a configuration applies (function words, officialese filler, user files)."""
    paths = list(config.stopword_paths)
    if config.function_stopwords:
        paths.append(str(data_path("stopwords_function.txt")))
    if config.bureaucratic_stopwords:
        paths.append(str(data_path("stopwords_bureaucratic.txt")))
    return frozenset(word for path in paths for word, _, _ in read_word_list(path))


# --------------------------------------------------------------------------- segmenters

_LOCK = threading.Lock()


@lru_cache(maxsize=8)
def _segmenter(segmenter: str, terms: tuple[tuple[str, int, str | None], ...]):
    """A private segmenter with these terms added, built once per process and configuration."""
    if segmenter == "rjieba":
        import rjieba

        seg = rjieba.Jieba()
        for word, freq, tag in terms:
            seg.add_word(word, freq, tag)
        return seg
    import jieba

    jieba.setLogLevel(logging.WARNING)
    seg = jieba.Tokenizer()
    seg.initialize()
    for word, freq, tag in terms:
        seg.add_word(word, freq, tag)
    return seg


def segmenter_for(config: TokenConfig):
    """The (cached) segmenter instance for a configuration."""
    with _LOCK:
        return _segmenter(config.segmenter, tuple(lexicon_terms(config)))


def _cut(seg, config: TokenConfig, text: str) -> list[str]:
    if config.segmenter == "rjieba":
        return seg.cut(text, config.hmm)
    return seg.lcut(text, HMM=config.hmm)


@lru_cache(maxsize=4)
def _pos_tagger(segmenter: str, terms: tuple):
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_segmenter("jieba", terms))


def _tags(config: TokenConfig, words: Iterable[str]) -> dict[str, str]:
    """A POS tag per distinct word (jieba's tag of the word taken alone, from the same dictionary)."""
    words = list(words)
    if config.segmenter == "rjieba":
        seg = segmenter_for(config)
        return {w: (seg.tag(w, False) or [("", "x")])[0][1] for w in words}
    tagger = _pos_tagger("jieba", tuple(lexicon_terms(config)))
    return {w: next(iter(tagger.cut(w, HMM=False))).flag for w in words}


# --------------------------------------------------------------------------- corpus lexicon


def corpus_terms(texts: Iterable[str], *, max_quote_len: int = 10) -> pd.DataFrame:
    """Terms the texts mark as units themselves, with counts: short quotations, formulae, X+Y models.

    >>> corpus_terms(["推行“党建+警务”模式，落实“三会一课”，坚持“枫桥经验”"])["term"].tolist()
    ['三会一课', '党建+警务', '枫桥经验']
    """
    rows = _term_counts(list(texts), max_quote_len).values()
    frame = pd.DataFrame(list(rows), columns=["term", "kind", "count"])
    return frame.sort_values(["count", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _term_counts(texts: list[str], max_quote_len: int) -> dict[str, dict]:
    """:func:`corpus_terms`' rows by term, unsorted (the loader wants the terms alone)."""
    joined = "\n".join(texts)  # the detectors never match across a line break
    quotes = Counter(m.group(1) or m.group(2) for m in iter_quotes(joined, max_len=max_quote_len))
    formulae = Counter(m.group() for m in iter_formulae(joined))
    models = Counter(m.group() for m in iter_models("\n".join(t for t in texts if "+" in t or "＋" in t)))
    counts: Counter[tuple[str, str]] = Counter()
    for inner, n in quotes.items():
        if _is_quoted_term(inner):
            counts[("quotation", inner)] += n
    counts.update({("formula", term): n for term, n in formulae.items()})
    counts.update({("model", term): n for term, n in models.items() if _CJK_RE.search(term)})
    rows = {}
    for (kind, term), n in counts.items():  # one row per term; a model or formula outranks a quotation
        prev = rows.get(term)
        rows[term] = {"term": term, "kind": kind if prev is None or prev["kind"] == "quotation" else prev["kind"],
                      "count": n + (prev["count"] if prev else 0)}  # fmt: skip
    return rows


def corpus_term_set(texts: list[str], *, max_quote_len: int = 10) -> frozenset[str]:
    """The terms of :func:`corpus_terms` alone, without the table.

    >>> sorted(corpus_term_set(["坚持“一国两制”方针，推进“互联网+政务服务”"]))
    ['一国两制', '互联网+政务服务']
    """
    return frozenset(_term_counts(texts, max_quote_len))


def _is_quoted_term(inner: str) -> bool:
    """Whether a quotation's inner text is a term (one run of word characters, with an ideograph)."""
    return bool(_QUOTED_TERM_RE.fullmatch(inner) and _CJK_RE.search(inner))


def marked_spans(text: str, *, max_quote_len: int = 10) -> list[tuple[int, int]]:
    """Where one text marks the units :func:`corpus_terms` counts, as (start, end), in order, none overlapping.

    Where two units overlap (a formula inside a short quotation), the one that starts
    first wins, and of two that start together the longer: the word the segmenter would
    pick were both in its lexicon, since one word outscores two of the same frequency.

    >>> text = "落实“三会一课”，深化“党建+警务”模式，形成一学二查三改四提高工作法"
    >>> [text[s:e] for s, e in marked_spans(text)]
    ['三会一课', '党建+警务', '一学二查三改四提高']
    """
    spans = []
    if "“" in text or "‘" in text:
        for m in iter_quotes(text, max_len=max_quote_len):
            group = 1 if m.group(1) is not None else 2
            if _is_quoted_term(m.group(group)):
                spans.append(m.span(group))
    if _FORMULA_HINT_RE.search(text):
        # A line break before the text, as between the texts corpus_terms joins: the detector
        # reads the character before a formula, and an empty one counts as an opening quotation mark.
        spans += [(m.start() - 1, m.end() - 1) for m in iter_formulae("\n" + text)]
    if "+" in text or "＋" in text:
        spans += [m.span() for m in iter_models(text) if _CJK_RE.search(m.group())]
    if len(spans) < 2:
        return spans
    chosen, end = [], 0
    for start, stop in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start >= end:
            chosen.append((start, stop))
            end = stop
    return chosen


def with_corpus_terms(config: TokenConfig, texts: Iterable[str]) -> TokenConfig:
    """The configuration plus the terms the corpus marks (when ``corpus_lexicon`` is on)."""
    if not config.corpus_lexicon:
        return config
    found = corpus_terms(texts, max_quote_len=config.max_quote_len)["term"].tolist()
    return replace(config, extra_terms=tuple(sorted(set(config.extra_terms) | set(found))))


@lru_cache(maxsize=16)
def unreachable_stopwords(config: TokenConfig) -> tuple[str, ...]:
    """Stop-list entries the segmenter never produces as one token (so they can never match).

    Like scikit-learn's stop-word consistency check: each entry is run through the
    configuration's own segmenter (the one that segments the corpus); those it splits are
    named in a warning, once per process for the same entries.
    """
    seg = segmenter_for(config)
    bad = tuple(sorted(w for w in stopwords(config) if len(_cut(seg, config, w)) > 1))
    if bad and bad not in _WARNED:
        _WARNED.add(bad)
        log.warning("%d stop-list entries are split by the segmenter and never match as tokens: %s",
                    len(bad), "、".join(bad[:30]) + (" …" if len(bad) > 30 else ""))  # fmt: skip
    return bad


_WARNED: set[tuple[str, ...]] = set()


# --------------------------------------------------------------------------- tokenizing


def tokenize(text: str, config: TokenConfig | None = None) -> list[str]:
    """Segment one text with the domain lexicon, the units it marks itself, and the default filters.

    For a one-off text. It runs the cached :class:`Tokenizer` of the configuration, so the
    lexicon is the configuration's own: the units the text marks (short quotations, numbered
    formulae, X+Y models) come out whole because the text is split around them, never by a
    new segmenter per text. For many texts, build one :meth:`Tokenizer.from_texts`.

    >>> tokenize("坚持党建引领，深化“党建+警务”模式，落实三会一课制度")
    ['党建引领', '党建+警务', '模式', '三会一课', '制度']
    """
    return _tokenizer_for(config)(text)


@lru_cache(maxsize=16)
def _tokenizer_for(config: TokenConfig | None) -> Tokenizer:
    """The tokenizer :func:`tokenize` runs, one per configuration (``None`` is a key: no config built and hashed per call)."""
    return Tokenizer(config or TokenConfig())


@dataclass(frozen=True)
class Tokenizer:
    """A per-text tokenizer with a fixed lexicon: ``tok(text) -> list[str]``, usable as scikit-learn's ``analyzer=``.

    Built once from a configuration (:meth:`from_texts` fixes the units a corpus marks as
    terms), so a word is segmented the same way in every text. Tokens pass the filters of
    :func:`tokens` (:func:`vocabulary_filter`), each distinct word judged once and
    remembered. Units a text marks that the lexicon lacks (with ``corpus_lexicon`` on) come
    out as one token each: the text is cut around them. It pickles as its configuration;
    the segmenter is looked up again (:func:`segmenter_for`, cached per process).

    >>> tok = Tokenizer.from_texts(["推进“党建+警务”模式，落实“三会一课”", "健全“枫桥经验”长效机制"])
    >>> tok("深化“党建+警务”模式"), tok("坚持枫桥经验，落实三会一课制度")
    (['党建+警务', '模式'], ['枫桥经验', '三会一课', '制度'])
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> CountVectorizer(analyzer=tok).fit(["坚持枫桥经验", "深化“党建+警务”模式"]).get_feature_names_out().tolist()
    ['党建+警务', '枫桥经验', '模式']
    """

    config: TokenConfig = field(default_factory=TokenConfig)
    _lexicon: frozenset[str] = field(init=False, repr=False, compare=False)
    _stopwords: frozenset[str] = field(init=False, repr=False, compare=False)
    _keep: dict[str, bool] = field(init=False, repr=False, compare=False)
    _segmenters: list = field(init=False, repr=False, compare=False)  # the segmenter, once looked up

    def __post_init__(self) -> None:
        lexicon = frozenset(word for word, _, _ in lexicon_terms(self.config)) if self.config.corpus_lexicon else frozenset()
        object.__setattr__(self, "_lexicon", lexicon)
        object.__setattr__(self, "_stopwords", stopwords(self.config))
        object.__setattr__(self, "_keep", {})
        object.__setattr__(self, "_segmenters", [])

    @classmethod
    def from_texts(cls, texts: Iterable[str], config: TokenConfig | None = None) -> Tokenizer:
        """A tokenizer whose lexicon holds the units these texts mark (as :func:`tokens` builds it for them)."""
        return cls(with_corpus_terms(config or TokenConfig(), texts))

    def __reduce__(self):
        return (type(self), (self.config,))  # the configuration alone: no segmenter, no memo

    def __call__(self, text: str) -> list[str]:
        """The filtered tokens of one text, in order."""
        seg = self._segmenter()
        spans = marked_spans(text, max_quote_len=self.config.max_quote_len) if self.config.corpus_lexicon else ()
        spans = [(s, e) for s, e in spans if text[s:e] not in self._lexicon]
        if not spans:
            words = _cut(seg, self.config, text)
        else:
            words, at = [], 0
            for start, end in spans:
                if start > at:
                    words += _cut(seg, self.config, text[at:start])
                words.append(text[start:end])
                at = end
            if at < len(text):
                words += _cut(seg, self.config, text[at:])
        keep = self._keep
        try:
            return [w for w in words if keep[w]]
        except KeyError:  # words not judged yet: judge them together, once
            keep.update(_judge(self.config, {w for w in words if w not in keep}, self._stopwords))
            return [w for w in words if keep[w]]

    def _segmenter(self):
        if not self._segmenters:
            unreachable_stopwords(self.config)
            self._segmenters.append(segmenter_for(self.config))
        return self._segmenters[0]


def vocabulary_filter(config: TokenConfig, vocabulary: Iterable[str]) -> dict[str, bool]:
    """Whether each distinct token passes the configuration's filters (judged once per word)."""
    return _judge(config, vocabulary, stopwords(config))


def _judge(config: TokenConfig, vocabulary: Iterable[str], stop: frozenset[str]) -> dict[str, bool]:
    """:func:`vocabulary_filter` given the stop list (a :class:`Tokenizer` reads its files once)."""
    vocab = list(vocabulary)
    tags = _tags(config, vocab) if config.pos else {}
    result = {}
    for w in vocab:
        s = w.strip()
        ok = bool(s)
        ok = ok and not (config.drop_punctuation and _PUNCT_RE.match(s) and "+" not in s)
        ok = ok and not (config.drop_numbers and is_number_word(s))
        ok = ok and not (config.drop_latin and _LATIN_RE.match(s))
        ok = ok and not (config.drop_single_chars and len(s) == 1)
        ok = ok and s not in stop
        ok = ok and (not config.pos or tags.get(w, "x").startswith(config.pos))
        result[w] = ok
    return result


@small_pages()  # the tokens' arrays (millions of rows) on ordinary pages: huge ones can be slow to come
def tokens(
    units: pd.DataFrame,
    config: TokenConfig | None = None,
    *,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """One row per token of documents, paragraphs or sentences: doc_id, para_no, sent_no, token, start, end.

    ``start``/``end`` are offsets into the document's ``text`` (units from
    :func:`corpus.paragraphs` / :func:`corpus.sentences` carry theirs), so every count
    traces back to its sentence. The corpus-derived lexicon is built from all units
    together. Results are cached in ``<cache_dir>/tokens`` unless ``cache=False`` (see
    :func:`corpus.cache.cache_root`: ``$CORPUS_CACHE_DIR``, else the user's cache folder). ``workers``
    (default: all cores, at most 8) segment in parallel: threads for rjieba, which
    releases the GIL; processes, above a few MB of text, for the pure-Python jieba. The
    output is the same, in the same order, in any case.
    """
    texts = units["text"].tolist()
    cfg = with_corpus_terms(config or TokenConfig(), texts)
    folder = store.cache_root(cache_dir) / "tokens" if cache else None
    key = _cache_key(cfg, units) if folder else ""
    cached = store.read(folder, key) if folder else None
    if cached is not None:
        cached["token"] = cached["token"].astype("category")
        return cached
    unreachable_stopwords(cfg)
    frame = _segment_units(units, texts, cfg, workers, keep=lambda vocabulary: vocabulary_filter(cfg, vocabulary))
    if folder:
        store.keep(folder, key, frame)
    return frame


def _segment_units(units: pd.DataFrame, texts: list[str], cfg: TokenConfig, workers: int | None, keep) -> pd.DataFrame:
    """Segment every unit (``texts``: their texts); ``keep`` judges the vocabulary once and drops the rows of words it rejects."""
    if not texts:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in TOKEN_COLUMNS}).astype({"doc_id": object, "token": "category"})
    seg = segmenter_for(cfg)
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    chunks, start, size = [], 0, 0
    for i, text in enumerate(texts):  # chunks of about 64k characters: few calls, GIL released longer
        size += len(text) + 1
        if size >= 65536 or i == len(texts) - 1:
            chunks.append(texts[start : i + 1])
            start, size = i + 1, 0

    if n_workers > 1 and len(chunks) > 1 and cfg.segmenter == "rjieba":
        parts = _cut_in_threads(chunks, seg, cfg, n_workers)
    elif n_workers > 1 and len(chunks) > 1 and sum(map(len, texts)) >= PROCESS_POOL_MIN_CHARS:
        parts = _cut_in_processes(chunks, cfg, n_workers)
    else:
        parts = [_cut_joined(seg, cfg, chunk) for chunk in chunks]
    words = [part.words if part.words is not None else _string_array(part.text, part.lengths) for part in parts]
    encoded = pc.dictionary_encode(pa.chunked_array(words, type=pa.string())).combine_chunks()
    vocabulary = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    verdict = keep(vocabulary)
    wanted = np.fromiter((verdict[w] and w != "\n" for w in vocabulary), dtype=bool, count=len(vocabulary))
    vocabulary = vocabulary[wanted]
    kept, start, end, codes = _kept_tokens(parts, encoded.indices.to_numpy(), wanted, _column(units, "start"),
                                           _code_dtype(len(vocabulary)))  # fmt: skip
    doc_codes, doc_ids = pd.factorize(units["doc_id"].to_numpy(dtype=object))
    return pd.DataFrame({
        "doc_id": pd.Categorical.from_codes(np.repeat(doc_codes.astype(_code_dtype(len(doc_ids))), kept),
                                            categories=pd.Index(doc_ids), validate=False),  # fmt: skip
        "para_no": np.repeat(_column(units, "para_no"), kept),
        "sent_no": np.repeat(_column(units, "sent_no"), kept),
        "token": pd.Categorical.from_codes(codes, categories=pd.Index(vocabulary), validate=False),
        "start": start,
        "end": end,
    }, copy=False)  # fmt: skip  (fresh arrays: no copy into one block)


def _code_dtype(n_categories: int) -> type[np.signedinteger]:
    """The integer type pandas keeps a categorical's codes in for this many categories: codes made in it are not copied again."""
    for dtype in (np.int8, np.int16, np.int32):
        if n_categories < np.iinfo(dtype).max:
            return dtype
    return np.int64


def _kept_tokens(parts: list[_Cut], codes: np.ndarray, wanted: np.ndarray, unit_starts: np.ndarray,
                 code_dtype: type[np.signedinteger]) -> tuple[np.ndarray, ...]:  # fmt: skip
    """The tokens the vocabulary filter keeps: per unit their number; per token its start and end in the document and its word's code.

    ``codes``: every word's code in the vocabulary, the parts' words in order; ``wanted``: per
    code, whether the word is kept (the kept words are renumbered in order of first appearance,
    as ``code_dtype``).
    Worked out part by part into arrays made once at their final size: the intermediate arrays
    are a chunk's, small and in cache, instead of a whole corpus's (on 50 MB, 8.7 million words,
    those took most of the tokenize stage's time after the threads, most of it the memory's first touch).
    """
    renumbered = (np.cumsum(wanted) - 1).astype(code_dtype)
    kept = np.empty(len(unit_starts), dtype=np.int64)
    pieces, unit, word = [], 0, 0
    for part in parts:  # each part's codes, kept rows and units; the kept tokens' number per unit
        own, units = codes[word : word + len(part.lengths)], slice(unit, unit + len(part.counts))
        rows = wanted[own]
        bounds = np.concatenate(([0], np.cumsum(part.counts)))
        before = np.concatenate(([0], np.cumsum(rows, dtype=np.int64)))
        kept[units] = before[bounds[1:]] - before[bounds[:-1]]
        pieces.append((part, own, rows, units))
        unit, word = units.stop, word + len(part.lengths)
    n = int(kept.sum())
    start, end, kept_codes = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(n, dtype=renumbered.dtype)
    at = 0
    for part, own, rows, units in pieces:
        out = slice(at, at + int(kept[units].sum()))
        np.add(part.starts[rows], np.repeat(unit_starts[units], kept[units]), out=start[out])
        np.add(start[out], part.lengths[rows], out=end[out])
        kept_codes[out] = renumbered[own[rows]]
        at = out.stop
    return kept, start, end, kept_codes


def _cut_in_threads(chunks: list[list[str]], seg, cfg: TokenConfig, n_workers: int) -> list[_Cut]:
    """Segment chunks in threads sharing one rjieba segmenter (``seg``); results in chunk order.

    rjieba releases the GIL while it segments, so one thread cuts while another turns the
    previous chunk's words into arrays; nothing is copied between processes. The words' Arrow
    arrays are made after the threads (:func:`_string_array`): made in them, the NumPy calls
    that make them took 0.19 s of 2.0 on one thread but 0.5 s on two (50 MB; 1.35x against 1.9x).
    """
    with ThreadPoolExecutor(n_workers) as pool:
        return list(with_progress(pool.map(partial(_cut_joined, seg, cfg), chunks), len(chunks), "segmenting"))


def _cut_in_processes(chunks: list[list[str]], cfg: TokenConfig, n_workers: int) -> list[_Cut]:
    """Segment chunks in worker processes, each with its own segmenter; results in chunk order.

    For the pure-Python engine, which holds the GIL. Workers send back Arrow arrays, which
    cross the process boundary as flat buffers.
    """
    with ProcessPoolExecutor(n_workers, initializer=segmenter_for, initargs=(cfg,)) as pool:
        parts = pool.map(_cut_joined_for, [cfg] * len(chunks), chunks, chunksize=max(1, len(chunks) // (4 * n_workers)))
        return list(with_progress(parts, len(chunks), "segmenting"))


def _cut_joined_for(cfg: TokenConfig, texts: list[str]) -> _Cut:
    return _cut_joined(segmenter_for(cfg), cfg, texts)


class _Cut(NamedTuple):
    """Segmented texts: the words (Arrow), each word's length and start in its text (int32), the word count per text."""

    #: None: the words are ``text`` cut at ``lengths``, still to be made an array (:func:`_string_array`).
    words: pa.StringArray | None
    lengths: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    #: Where ``words`` is None: the texts joined, which the words cover in order.
    text: str = ""


def _cut_joined(seg, cfg: TokenConfig, texts: list[str]) -> _Cut:
    """Segment texts joined by line breaks in one call.

    jieba segments the runs between non-word characters independently, so a line break
    between texts leaves each text's tokens as if it were cut alone. The separator stays in
    the words, counted with the text before it (the vocabulary filter drops it with the
    other whitespace, in one pass). Texts that contain line breaks themselves (whole
    documents), or whose separator the segmenter did not cut out alone, are cut one by one.
    Offsets are worked out here, per chunk, where the arrays are small.
    """
    if not any("\n" in t for t in texts):
        joined = "\n".join(texts)
        words = _cut(seg, cfg, joined)
        lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
        ends = np.cumsum(lengths, dtype=np.int64)
        text_starts = np.cumsum([0] + [len(t) + 1 for t in texts], dtype=np.int64)
        at = np.minimum(np.searchsorted(ends, text_starts[1:-1]), max(len(ends) - 1, 0))  # each separator's token
        if len(ends) and ends[-1] == len(joined) and np.array_equal(ends[at], text_starts[1:-1]) and (lengths[at] == 1).all():
            counts = np.diff(np.concatenate(([-1], at, [len(words) - 1])))
            starts = _starts_in_text(ends, lengths, text_starts[:-1], counts)
            if len(joined) < 2**29:  # at most 2**31 bytes of UTF-8: the words' array is made from the text's bytes, later
                return _Cut(None, lengths, starts, counts, joined)
            return _Cut(pa.array(words, type=pa.string()), lengths, starts, counts)
    per_text = [_cut(seg, cfg, t) for t in texts]
    words = list(chain.from_iterable(per_text))
    lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
    counts = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
    text_starts = np.cumsum([0] + [len(t) for t in texts[:-1]], dtype=np.int64)
    return _Cut(pa.array(words, type=pa.string()), lengths, _starts_in_text(np.cumsum(lengths, dtype=np.int64), lengths, text_starts, counts), counts)


def _starts_in_text(ends: np.ndarray, lengths: np.ndarray, text_starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each word's start in its own text, from its end in the joined texts and where each text starts there."""
    return (ends - lengths - np.repeat(text_starts, counts)).astype(np.int32)


def _string_array(text: str, lengths: np.ndarray) -> pa.StringArray:
    """The words of ``lengths`` characters that cover ``text`` in order, as an Arrow array sliced from its UTF-8 bytes.

    jieba returns consecutive slices of its input. Converting millions of short Python
    strings one by one costs a third of the cut that made them; the text's bytes and the
    words' end offsets give the same array at once. (At most 2**31 bytes of UTF-8: 32-bit offsets.)
    """
    data = text.encode("utf-8")
    ends = np.cumsum(lengths, dtype=np.int64)
    if len(data) == len(text):
        byte_ends = ends
    else:
        code_points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        width = 1 + (code_points >= 0x80) + (code_points >= 0x800) + (code_points >= 0x10000)
        byte_ends = np.cumsum(width, dtype=np.int64)[ends - 1]
    offsets = np.concatenate(([0], byte_ends)).astype(np.int32)
    return pa.Array.from_buffers(pa.string(), len(lengths), [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _column(units: pd.DataFrame, name: str) -> np.ndarray:
    """An integer column of the units, or zeros (documents have no para_no, sent_no or start)."""
    if name in units.columns:
        return units[name].to_numpy(dtype=np.int64)
    return np.zeros(len(units), dtype=np.int64)


# --------------------------------------------------------------------------- cache key


def _cache_key(cfg: TokenConfig, units: pd.DataFrame) -> str:
    """A hash of the configuration and of every unit's ids, offset and text."""
    h = hashlib.sha256(cfg.key().encode())
    for col in ("doc_id", "para_no", "sent_no", "start"):
        if col in units.columns:
            h.update(col.encode())
            h.update("\x1f".join(map(str, units[col].tolist())).encode("utf-8"))
    h.update("\x1e".join(units["text"].tolist()).encode("utf-8"))
    return h.hexdigest()[:32]


def token_spans(units: pd.DataFrame, config: TokenConfig | None = None) -> list[set[tuple[int, int]]]:
    """Token spans (start, end) per unit with every filter off: for comparing engines."""
    cfg = with_corpus_terms((config or TokenConfig()).without_filters(), units["text"].tolist())
    seg = segmenter_for(cfg)
    spans = []
    for text in units["text"]:
        ends = list(accumulate(len(w) for w in _cut(seg, cfg, text)))
        spans.append(set(zip([0] + ends[:-1], ends)))
    return spans


