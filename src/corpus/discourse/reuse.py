"""Text reuse: passages a document shares, verbatim or nearly, with an earlier one (seed and extend)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .units import paragraph_units

log = logging.getLogger(__name__)

PASSAGE_COLUMNS = ["doc_id_a", "para_no_a", "start_a", "end_a", "doc_id_b", "para_no_b", "start_b", "end_b", "chars",
                   "similarity", "n_docs", "text_a", "text_b"]  # fmt: skip


def shared_passages(
    units: pd.DataFrame,
    min_chars: int = 12,
    *,
    order: Sequence[str] | None = None,
    shingle: int = 8,
    max_gap: int = 10,
    min_similarity: float = 0.9,
    max_docs: int | None = 100,
) -> pd.DataFrame:
    """Passages of at least ``min_chars`` characters a document shares, verbatim or nearly, with an earlier one; both locations.

    Every passage of a document (``doc_id_b``) found in a document earlier in ``order``
    (default: the order of ``units``; pass :func:`doc_order` for dates) is given once, with
    the first document holding it (``doc_id_a``): where one text was copied into many, each
    copy cites the first, so the table grows with the text shared, not with the pairs of
    documents sharing it, and a near copy of a whole document is one passage, not one per
    sentence. ``n_docs`` is how many documents hold the passage (counted at its windows: a
    typical value where a few characters differ between copies).

    Seed and extend, as text-reuse detectors do: every ``shingle``-character window (ideographs,
    letters and digits; punctuation, spaces and paragraph breaks ignored, so 、 against ，
    does not break a match) is hashed and linked to the first occurrence of its hash in an
    earlier document; links are chained along the diagonal of each pair of documents and
    runs joined across insertions, deletions and substitutions of up to ``max_gap``
    characters; the ends are then extended character by character. A passage may run over
    paragraph breaks (``para_no_*`` is where it starts, ``end_*`` where it ends). Where
    passages from several earlier documents cover the same stretch of a later one, one is kept:
    the longest, among about equally long ones (within a quarter) the earliest. ``chars`` counts its
    characters without punctuation; ``similarity`` is 2·M / (chars_a + chars_b), M the
    characters the alignment matches (difflib's ratio, read from the alignment); rows below
    ``min_similarity`` are dropped. Windows found in more than ``max_docs`` documents are
    stock phrases and seed nothing (None: no limit); a warning says how many there were.
    Time and memory grow with the corpus's characters (one sort of its windows).
    """
    paras = paragraph_units(units)
    if shingle < 2 or min_chars < 1 or max_gap < 0 or not 0 <= min_similarity <= 1:
        raise ValueError("`shingle` must be at least 2, `min_chars` at least 1, `max_gap` at least 0 and `min_similarity` "
                         f"between 0 and 1; got {shingle}, {min_chars}, {max_gap}, {min_similarity}")
    shingle = min(shingle, max(min_chars, 2))
    rank = _doc_rank(paras["doc_id"].astype(str), order)
    paras = paras.assign(_rank=paras["doc_id"].astype(str).map(rank)).sort_values(["_rank", "para_no"], kind="stable")
    paras = paras.reset_index(drop=True)
    codes, para_of, pos_of = _skeleton(paras["text"].astype(str).tolist())
    doc_of = paras["_rank"].to_numpy(dtype=para_of.dtype)[para_of] if len(codes) else np.zeros(0, dtype=np.int32)
    seeds = _first_use_seeds(codes, doc_of, shingle, max_docs)
    if seeds is None:
        return pd.DataFrame(columns=PASSAGE_COLUMNS)
    skeleton = codes.tobytes().decode("utf-32-le")
    seg = _outside_longer(_chain(seeds, codes, doc_of, shingle, max_gap, min_chars), doc_of)
    seg = _merge_overlapping(_extend(seg, skeleton, codes, doc_of, max_gap, min_chars), doc_of, max_gap)
    seg = _one_source_each(seg[np.minimum(seg[:, 1] - seg[:, 0], seg[:, 3] - seg[:, 2]) >= min_chars], doc_of)
    seg = _aligned(seg, skeleton, max_gap)
    table = _passage_table(paras, para_of, pos_of, doc_of, seg)
    return table[table["similarity"] >= min_similarity].reset_index(drop=True)


def _doc_rank(doc_ids: pd.Series, order: Sequence[str] | None) -> dict[str, int]:
    """Each document's place: its position in ``order``, documents not in it after, in order of appearance."""
    seen = list(dict.fromkeys(doc_ids))
    present = set(seen)
    ranked = [d for d in dict.fromkeys(map(str, order)) if d in present] if order is not None else []
    placed = set(ranked)
    return {d: i for i, d in enumerate(ranked + [d for d in seen if d not in placed])}


def _skeleton(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ideographs, letters and digits of all paragraphs as code points, with their paragraph and offset (compact integers).

    Paragraphs are told apart by their lengths, not by a separator character: any character,
    NUL included, may be in a text.
    """
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    index = _index_type(len(codes))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    para = np.repeat(np.arange(len(texts), dtype=index), lengths)
    starts = (np.cumsum(lengths) - lengths).astype(index)
    keep = (
        ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0xF900) & (codes <= 0xFAFF)) | ((codes >= 0x20000) & (codes <= 0x2EBEF))
        | ((codes >= 48) & (codes <= 57)) | ((codes >= 65) & (codes <= 90)) | ((codes >= 97) & (codes <= 122))
        | ((codes >= 0xFF10) & (codes <= 0xFF5A))
    )  # fmt: skip
    where = np.flatnonzero(keep).astype(index)
    para = para[where]
    return codes[where], para, where - starts[para]


def _index_type(n: int) -> type:
    """The integer type for positions in a skeleton of ``n`` characters: 32 bits while they fit (half the memory)."""
    return np.int32 if n < 2**31 - 1 else np.int64


def _first_use_seeds(codes: np.ndarray, doc_of: np.ndarray, k: int, max_docs: int | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:  # fmt: skip
    """Arrays (a, b, n_docs), sorted by b: window b of a later document and the first occurrence a of the same window in an earlier one.

    The skeleton is laid out in document order, so sorting the windows by hash (stable)
    puts each hash's first use first. One link per occurrence: linear, however many
    documents share a window. Intermediate arrays are freed as soon as they are used: on a
    large corpus they are what memory is spent on.
    """
    n = len(codes) - k + 1
    if n <= 0:
        return None
    index = _index_type(len(codes))
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            hashes *= np.uint64(1_000_003)
            hashes += codes[j : j + n]
    across = np.flatnonzero(doc_of[:n] != doc_of[k - 1 : k - 1 + n])  # windows over two documents: alone in their group
    hashes[across] = np.iinfo(np.uint64).max - np.arange(len(across), dtype=np.uint64)
    idx = np.argsort(hashes, kind="stable").astype(index)
    h = hashes[idx]
    del hashes
    new_group = np.empty(len(idx), dtype=bool)
    new_group[:1] = True
    np.not_equal(h[1:], h[:-1], out=new_group[1:])
    del h
    d = doc_of[idx]
    new_doc = new_group.copy()
    new_doc[1:] |= d[1:] != d[:-1]
    group = np.cumsum(new_group, dtype=index) - 1
    n_docs = np.bincount(group, weights=new_doc).astype(index)[group]
    del new_doc
    first = np.flatnonzero(new_group).astype(index)[group]
    del group
    if max_docs is not None and (n_docs > max_docs).any():
        stock = n_docs > max_docs
        log.warning("shared_passages: %d windows of %d characters (%d distinct) occur in more than max_docs=%d "
                    "documents; treated as stock phrases, they seed no passage (max_docs=None keeps them)",
                    int(stock.sum()), k, int(new_group[stock].sum()), max_docs)  # fmt: skip
        del stock
    keep = (n_docs >= 2) & (d != d[first])
    if max_docs is not None:
        keep &= n_docs <= max_docs
    del d, new_group
    if not keep.any():
        return None
    # Back in text order (a scatter, not a sort): the seeds come out sorted by b.
    source, holders = np.full(n, -1, dtype=index), np.zeros(n, dtype=index)
    source[idx[keep]], holders[idx[keep]] = idx[first[keep]], n_docs[keep]
    del idx, first, n_docs, keep
    b = np.flatnonzero(source >= 0).astype(index)
    return source[b], b, holders[b]


def _chain(seeds: tuple[np.ndarray, np.ndarray, np.ndarray], codes: np.ndarray, doc_of: np.ndarray, k: int, max_gap: int,
           min_chars: int) -> np.ndarray:  # fmt: skip
    """Seeds merged into passages: rows (a0, a1, b0, b1, matched, n_docs) of skeleton positions."""
    a, b, docs = seeds
    n = int(doc_of.max()) + 1 if doc_of.size else 1
    span = 2 * len(codes) + 1
    if n * n * span < 2**62:  # one stable sort on (pair, diagonal) keeps the seeds' order by b
        key = (doc_of[b].astype(np.int64) * n + doc_of[a]) * span + (b.astype(np.int64) - a + len(codes))
        order = np.argsort(key, kind="stable")
        del key
    else:
        order = np.lexsort((b, b.astype(np.int64) - a, doc_of[b].astype(np.int64) * n + doc_of[a]))
    a, b, docs = a[order], b[order], docs[order]
    del order
    pair = doc_of[b].astype(np.int64) * n + doc_of[a]
    # Runs on one diagonal: consecutive seeds that overlap or leave at most max_gap characters between them.
    step = b[1:] - b[:-1]
    joined = (pair[1:] == pair[:-1]) & (step == a[1:] - a[:-1]) & (step <= k + max_gap)
    first = np.flatnonzero(np.concatenate([[True], ~joined]))
    covered = np.minimum(np.concatenate([step, [k]]), k)  # characters each window adds to the match
    del step
    covered[first[1:] - 1] = k
    run_id = np.cumsum(np.concatenate([[True], ~joined])) - 1
    del joined
    last = np.concatenate([first[1:], [len(b)]]) - 1
    runs = np.stack([a[first], a[last] + k, b[first], b[last] + k, np.bincount(run_id, weights=covered).astype(np.int64),
                     pair[first]], axis=1).astype(np.int64)  # fmt: skip
    docs_of_run = docs[(first + last) // 2]  # the documents holding the run's middle window
    del a, b, docs, pair, covered, run_id
    order = np.lexsort((runs[:, 0], runs[:, 2], runs[:, 5]))
    runs, docs_of_run = runs[order], docs_of_run[order]
    keep = _may_grow(runs, codes, k, max_gap, min_chars)
    return _bridge(runs[keep], docs_of_run[keep], k, max_gap)


def _may_grow(runs: np.ndarray, codes: np.ndarray, k: int, max_gap: int, min_chars: int) -> np.ndarray:
    """Runs (sorted by pair, then b0) that are long enough, have a neighbour to join or a matching character to extend over.

    The others — most of them, chance matches of one common window — can never make a
    passage of ``min_chars`` characters and are dropped before any per-run work.
    """
    n = len(codes)
    a0, a1, b0, b1, pair = runs[:, 0], runs[:, 1], runs[:, 2], runs[:, 3], runs[:, 5]
    long_enough = np.minimum(a1 - a0, b1 - b0) >= min_chars
    close = (pair[1:] == pair[:-1]) & (b0[1:] - b1[:-1] <= max_gap) & (np.abs(a0[1:] - a1[:-1]) <= max_gap + k)
    near = np.concatenate([[False], close]) | np.concatenate([close, [False]])
    after = (a1 < n) & (b1 < n) & (codes[np.minimum(a1, n - 1)] == codes[np.minimum(b1, n - 1)])
    before = (a0 > 0) & (b0 > 0) & (codes[np.maximum(a0 - 1, 0)] == codes[np.maximum(b0 - 1, 0)])
    return long_enough | near | after | before


def _bridge(runs: np.ndarray, docs: np.ndarray, k: int, max_gap: int) -> np.ndarray:
    """Join runs of one pair of documents that follow each other on both sides (insertions, deletions, substitutions)."""
    merged: list[list[float]] = []
    last: list[float] = [-1] * 7
    for (x0, x1, y0, y1, matched, pair), n_docs in zip(runs.tolist(), docs.tolist()):
        if (pair == last[5] and -k <= y0 - last[3] <= max_gap and -k <= x0 - last[1] <= max_gap
                and x0 >= last[0] and y0 >= last[2]):  # fmt: skip
            overlap = max(0, last[3] - y0, last[1] - x0)
            last[1], last[3] = max(last[1], x1), max(last[3], y1)
            last[4] += max(0, matched - overlap)
            last[6].append(n_docs)
        else:
            last = [x0, x1, y0, y1, matched, pair, [n_docs]]
            merged.append(last)
    return np.array([[*m[:5], sorted(m[6])[len(m[6]) // 2]] for m in merged], dtype=np.float64).reshape(-1, 6)


def _extend(seg: np.ndarray, skeleton: str, codes: np.ndarray, doc_of: np.ndarray, max_gap: int, min_chars: int) -> np.ndarray:
    """Extend passages over differences of up to ``max_gap`` characters at their ends, within their documents.

    Only a passage of at least ``min_chars`` characters (once extended without gaps) crosses
    differences: shorter ones are chance matches of common words, most of them, and would
    cost a search each for nothing.
    """
    out = seg.copy()
    if not len(seg):
        return out
    n = len(skeleton)
    ids = np.arange(int(doc_of.max()) + 1)
    first, end = np.searchsorted(doc_of, ids, "left").tolist(), np.searchsorted(doc_of, ids, "right").tolist()
    backwards = skeleton[::-1]
    rows = seg.tolist()
    # A passage extends up to the next passage of the same pair of documents (and back to the one before), not across it.
    following, preceding = _neighbours(seg, doc_of)
    # Most seeds are chance matches of common words that neither extend nor reach min_chars: settled at once.
    ints = seg[:, :4].astype(np.int64)
    doc_a, doc_b = doc_of[ints[:, 0]].tolist(), doc_of[ints[:, 2]].tolist()
    nxt_a, nxt_b = np.minimum(ints[:, 1], n - 1), np.minimum(ints[:, 3], n - 1)
    same_after = (ints[:, 1] < n) & (ints[:, 3] < n) & (codes[nxt_a] == codes[nxt_b])
    same_before = (ints[:, 0] > 0) & (ints[:, 2] > 0) & (codes[np.maximum(ints[:, 0] - 1, 0)] == codes[np.maximum(ints[:, 2] - 1, 0)])
    long_enough = np.minimum(ints[:, 1] - ints[:, 0], ints[:, 3] - ints[:, 2]) >= min_chars
    for row in np.flatnonzero(long_enough | same_after | same_before).tolist():
        a0, a1, b0, b1, matched, _ = rows[row]
        a0, a1, b0, b1 = int(a0), int(a1), int(b0), int(b1)
        da, db = doc_a[row], doc_b[row]
        limits = [[end[da] - a1, end[db] - b1], [a0 - first[da], b0 - first[db]]]
        if following[row] >= 0:
            nxt = rows[following[row]]
            limits[0] = [min(limits[0][0], int(nxt[0]) - a1), min(limits[0][1], int(nxt[2]) - b1)]
        if preceding[row] >= 0:
            prv = rows[preceding[row]]
            limits[1] = [min(limits[1][0], a0 - int(prv[1])), min(limits[1][1], b0 - int(prv[3]))]
        ahead = _common_prefix(skeleton, a1, b1, min(limits[0]))
        behind = _common_prefix(backwards, n - a0, n - b0, min(limits[1]))
        if min(a1 - a0, b1 - b0) + ahead + behind >= min_chars:
            ga, gb, grown = _reach(skeleton, a1, b1, *limits[0], max_gap)
            sa, sb, shrunk = _reach(backwards, n - a0, n - b0, *limits[1], max_gap)
        else:
            ga = gb = grown = ahead
            sa = sb = shrunk = behind
        out[row, :5] = (a0 - sa, a1 + ga, b0 - sb, b1 + gb, matched + grown + shrunk)
    return out


def _neighbours(seg: np.ndarray, doc_of: np.ndarray) -> tuple[list[int], list[int]]:
    """For each passage, the next and the previous passage of the same pair of documents that lie beyond it on both sides (-1: none)."""
    ints = seg[:, :4].astype(np.int64)
    pair = doc_of[ints[:, 2]] * (int(doc_of.max()) + 1) + doc_of[ints[:, 0]]
    order = np.lexsort((ints[:, 0], ints[:, 2], pair)).tolist()
    ahead, behind = [-1] * len(seg), [-1] * len(seg)
    for i, j in zip(order, order[1:]):
        if pair[i] == pair[j] and ints[j, 0] >= ints[i, 1] and ints[j, 2] >= ints[i, 3]:
            ahead[i], behind[j] = j, i
    return ahead, behind


def _reach(text: str, x: int, y: int, limit_x: int, limit_y: int, max_gap: int) -> tuple[int, int, int]:
    """How far ``text`` from x and from y keeps matching (reach on each side) and how many characters match there.

    At a difference the two sides resynchronise where, after skipping up to ``max_gap``
    characters on either side (a substitution, an insertion, a deletion; the fewest skipped
    first), three characters match again.
    """
    i = j = good_i = good_j = matched = 0
    while i < limit_x and j < limit_y:
        run = _common_prefix(text, x + i, y + j, min(limit_x - i, limit_y - j))
        i, j, matched = i + run, j + run, matched + run
        good_i, good_j = i, j
        best = None
        window = text[y + j : y + j + min(max_gap + 3, limit_y - j)]
        for u in range(min(max_gap, limit_x - i - 3) + 1):
            v = window.find(text[x + i + u : x + i + u + 3], 0 if u else 1)
            if v >= 0 and (best is None or u + v < sum(best)):
                best = (u, v)
        if best is None:
            break
        i, j = i + best[0], j + best[1]
    return good_i, good_j, matched


def _common_prefix(text: str, x: int, y: int, limit: int) -> int:
    """Length of the common prefix of text[x:] and text[y:], at most ``limit`` (string comparisons, widening then halving)."""
    done, size = 0, 8
    while done < limit:
        m = min(size, limit - done)
        if text[x + done : x + done + m] == text[y + done : y + done + m]:
            done += m
            size *= 2
            continue
        while m > 1:
            half = m // 2
            if text[x + done : x + done + half] == text[y + done : y + done + half]:
                done += half
                m -= half
            else:
                m = half
        return done
    return done


def _merge_overlapping(seg: np.ndarray, doc_of: np.ndarray, max_gap: int) -> np.ndarray:
    """Join passages of one pair of documents that overlap or touch on both sides once extended."""
    if not len(seg):
        return seg
    ints = seg[:, :4].astype(np.int64)
    pair = doc_of[ints[:, 2]] * (int(doc_of.max()) + 1) + doc_of[ints[:, 0]]
    order = np.lexsort((ints[:, 0], ints[:, 2], pair))
    merged: list[list[float]] = []
    last_pair = -1
    rows = seg.tolist()
    for i in order.tolist():
        x0, x1, y0, y1, matched, n_docs = rows[i]
        last = merged[-1] if merged else None
        if (last is not None and pair[i] == last_pair and y0 <= last[3] + max_gap and x0 <= last[1] + max_gap
                and x0 >= last[0] and y0 >= last[2]):  # fmt: skip
            overlap = max(0.0, min(last[3], y1) - y0)
            last[1], last[3] = max(last[1], x1), max(last[3], y1)
            last[4] += max(0.0, matched - overlap)
            last[5] = max(last[5], n_docs)
        else:
            merged.append([x0, x1, y0, y1, matched, n_docs])
            last_pair = int(pair[i])
    return np.array(merged, dtype=np.float64).reshape(-1, 6)


def _aligned(seg: np.ndarray, skeleton: str, max_gap: int) -> np.ndarray:
    """The characters each passage matches, counted by aligning it end to end (the seeds miss stretches shorter than a window)."""
    out = seg.copy()
    for row, (a0, a1, b0, b1, matched, _) in enumerate(seg.tolist()):
        a0, a1, b0, b1 = int(a0), int(a1), int(b0), int(b1)
        if skeleton[a0:a1] == skeleton[b0:b1]:
            out[row, 4] = a1 - a0
        elif matched < min(a1 - a0, b1 - b0):
            out[row, 4] = max(matched, _reach(skeleton, a0, b0, a1 - a0, b1 - b0, max_gap)[2])
    return out


def _one_source_each(seg: np.ndarray, doc_of: np.ndarray) -> np.ndarray:
    """Per later document, keep the passages that give each stretch of it one source: the longest, and among passages of
    about the same length (within a quarter) the earliest document; a passage more than half covered by one kept is dropped.

    Near copies of one text each match the whole of a later copy; only the first is its source.
    """
    if not len(seg):
        return seg
    a0, b0, b1 = seg[:, 0].astype(np.int64), seg[:, 2].astype(np.int64), seg[:, 3].astype(np.int64)
    length = b1 - b0
    size_class = -np.floor(np.log(np.maximum(length, 1)) / np.log(1.25)).astype(np.int64)
    order = np.lexsort((b0, doc_of[a0], size_class, doc_of[b0])).tolist()
    ids = np.arange(int(doc_of.max()) + 1)
    starts, ends = np.searchsorted(doc_of, ids, "left").tolist(), np.searchsorted(doc_of, ids, "right").tolist()
    doc_b = doc_of[b0].tolist()
    keep = np.zeros(len(seg), dtype=bool)
    covered, doc, base = bytearray(), -1, 0
    for i in order:
        if doc_b[i] != doc:
            doc = doc_b[i]
            base = starts[doc]
            covered = bytearray(ends[doc] - base)
        lo, hi = int(b0[i]) - base, int(b1[i]) - base
        if covered[lo:hi].count(1) * 2 <= hi - lo:
            keep[i] = True
            covered[lo:hi] = b"\x01" * (hi - lo)
    return seg[keep]


def _outside_longer(seg: np.ndarray, doc_of: np.ndarray) -> np.ndarray:
    """Drop passages whose later-document span lies inside a longer passage of the same document (a fragment of it)."""
    if not len(seg):
        return seg
    b0, b1 = seg[:, 2].astype(np.int64), seg[:, 3].astype(np.int64)
    order = np.lexsort((-(b1 - b0), b0, doc_of[b0]))
    keep = np.zeros(len(seg), dtype=bool)
    reach, doc = -1, -1
    doc_b, ends = doc_of[b0].tolist(), b1.tolist()
    for i in order.tolist():
        if doc_b[i] != doc:
            doc, reach = doc_b[i], -1
        if ends[i] > reach:
            keep[i] = True
            reach = ends[i]
    return seg[keep]


def _passage_table(paras: pd.DataFrame, para_of: np.ndarray, pos_of: np.ndarray, doc_of: np.ndarray,
                   seg: np.ndarray) -> pd.DataFrame:  # fmt: skip
    """Passages as rows: both locations (offsets into the documents' text), length, similarity, documents, texts."""
    texts, starts = paras["text"].astype(str).tolist(), paras["start"].to_numpy(dtype=np.int64)
    ints = seg[:, :4].astype(np.int64)
    frame: dict[str, object] = {}
    for side, (s, e) in (("a", (ints[:, 0], ints[:, 1])), ("b", (ints[:, 2], ints[:, 3]))):
        p0, p1, lo, hi = para_of[s], para_of[e - 1], pos_of[s], pos_of[e - 1] + 1
        frame |= {f"doc_id_{side}": paras["doc_id"].to_numpy()[p0], f"para_no_{side}": paras["para_no"].to_numpy()[p0],
                  f"start_{side}": starts[p0] + lo, f"end_{side}": starts[p1] + hi,
                  f"text_{side}": [_span_text(texts, *x) for x in zip(p0.tolist(), lo.tolist(), p1.tolist(), hi.tolist())]}  # fmt: skip
    la, lb = ints[:, 1] - ints[:, 0], ints[:, 3] - ints[:, 2]
    frame["chars"] = np.minimum(la, lb)
    frame["similarity"] = np.minimum(np.round(2 * seg[:, 4] / (la + lb), 3), 1.0)
    frame["n_docs"] = np.round(seg[:, 5]).astype(np.int64)
    out = pd.DataFrame(frame, columns=PASSAGE_COLUMNS)
    out["_rank"] = doc_of[ints[:, 2]]
    return out.sort_values(["_rank", "start_b", "start_a"], kind="stable").drop(columns="_rank").reset_index(drop=True)


def _span_text(texts: list[str], p0: int, lo: int, p1: int, hi: int) -> str:
    """The text from offset ``lo`` of paragraph ``p0`` to offset ``hi`` of paragraph ``p1``, paragraphs joined by a line break."""
    if p0 == p1:
        return texts[p0][lo:hi]
    return "\n".join([texts[p0][lo:], *texts[p0 + 1 : p1], texts[p1][:hi]])
