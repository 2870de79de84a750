"""Dictionary lookup against the tokenize stage: a 1,000-entry dictionary on a corpus of ``--mb`` MB (default 100).

Usage: python benchmarks/bench_dictionary.py [--mb 100] [--compare-mb 5] [--cpc ../shared/corpora/cpc]

Builds documents of about 3,000 characters from the real paragraphs of the seeds and, where
present, of the CPC reports (read in place), shuffled with a fixed seed, each made unique by a
numbered first line; already clean text, so no cleaning is timed. Times, on the same paragraphs:
the tokenize stage (``corpus.segment.tokens``, all cores, no cache), the sentence table
(``structure.sentences``, which a corpus computes once and :func:`corpus.dictionary.lookup`
reads), and ``lookup`` of a dictionary of 1,000 entries (the shipped example plus frequent
tokens of 2-6 characters and character bigrams of the corpus, some globs, some entries that
match nothing, in 20 categories) on a corpus holding those tables; then the ratio the project
targets (lookup within 2× tokenize). ``--compare-mb`` MB of the text are then searched by the
text matchers considered (the trie regex lookup uses, a flat alternation longest first, and
pyahocorasick where installed). One run; the machine is noisy, so compare ratios within a run.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from corpus import structure
from corpus.clean import CleanConfig
from corpus.container import Corpus
from corpus.dictionary import Dictionary, _plan, example_dictionary_path, load_dictionary, lookup, unmatched_entries
from corpus.discourse.spread import _trie_pattern
from corpus.pipeline import AUDIT_COLUMNS
from corpus.segment import TokenConfig, tokens, with_corpus_terms

ROOT = Path(__file__).resolve().parents[1]


def build(target_mb: float, cpc: Path) -> pd.DataFrame:
    paras = []
    for source in [ROOT / "seeds"] + ([cpc] if cpc.is_dir() else []):
        for path in sorted(source.glob("*.txt")):
            paras += [p.strip() for p in path.read_text(encoding="utf-8").splitlines() if len(p.strip()) > 20]
    rng, written, docs = random.Random(0), 0, []
    while written < target_mb * 1e6:
        body, size = [f"第{len(docs)}号文档"], 0
        while size < 3000:
            body.append(rng.choice(paras))
            size += len(body[-1])
        text = "\n".join(body)
        docs.append({"doc_id": f"doc{len(docs):06d}", "text": text})
        written += len(text.encode("utf-8"))
    return pd.DataFrame(docs)


def thousand_entries(toks: pd.DataFrame, texts: list[str]) -> Dictionary:
    """The example dictionary plus corpus tokens and bigrams of every frequency band, globs and dead entries: 1,000 in all."""
    example = load_dictionary(example_dictionary_path())
    counts = toks["token"].astype(str).value_counts()
    counts = counts.iloc[np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))]  # ties by word: the same list every run
    words = [w for w in counts.index if 2 <= len(w) <= 6 and not w.isascii()]
    rng = random.Random(0)
    have = set(example.entries()["entry"])
    globs = sorted({w[:2] + "*" for w in words[:3000]} | {"*" + w[-2:] for w in words[:3000]})
    sample = "".join(texts[:200])
    bigrams = sorted({sample[i : i + 2] for i in range(0, len(sample) - 1, 7)})
    bigrams = [b for b in bigrams if not any(ch.isspace() or ch in "*?" for ch in b)]
    candidates = rng.sample(words[:20000], min(600, len(words[:20000]))) + rng.sample(globs, 100) + rng.sample(bigrams, 400)
    entries = [e for e in dict.fromkeys(candidates) if e not in have][: 1000 - len(example) - 20]
    entries += [f"无此提法{i}" for i in range(20)]  # entries that match nothing
    categories = {name: list(e) for name, e in example.categories.items()}
    for i, entry in enumerate(entries):
        categories.setdefault(f"c{i % 11:02d}", []).append(entry)
    return Dictionary({k: tuple(v) for k, v in categories.items()})


def seconds(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--compare-mb", type=float, default=5.0)
    parser.add_argument("--cpc", type=Path, default=ROOT.parent / "shared" / "corpora" / "cpc")
    args = parser.parse_args()

    docs = build(args.mb, args.cpc)
    nbytes = sum(len(t.encode("utf-8")) for t in docs["text"])
    print(f"{len(docs):,} documents, {nbytes / 1e6:.1f} MB")
    paras, t_paras = seconds(lambda: structure.paragraphs(docs))
    print(f"{'paragraphs':40} {t_paras:7.2f} s")
    config = with_corpus_terms(TokenConfig(), paras["text"].tolist())
    config = replace(config, corpus_lexicon=False)  # the corpus terms found once, as load_corpus does
    toks, t_tok = seconds(lambda: tokens(paras, config, cache=False))
    print(f"{'tokenize stage (all cores, no cache)':40} {t_tok:7.2f} s  {nbytes / 1e6 / t_tok:6.2f} MB/s  {len(toks):,} tokens")
    dictionary = thousand_entries(toks, docs["text"].tolist())
    kinds = dictionary.entries()["kind"].value_counts().to_dict()
    print(f"dictionary: {len(dictionary)} entries in {len(dictionary.names)} categories {kinds}")

    empty_audit = pd.DataFrame({c: pd.Series(dtype=object) for c in AUDIT_COLUMNS})
    problems = pd.DataFrame({"doc_id": pd.Series(dtype=object), "problem": pd.Series(dtype=object)})
    frames = {"docs": docs, "paragraphs": paras, "audit": empty_audit, "problems": problems, "tokens": toks}
    corpus = Corpus("bench", CleanConfig(), config, frames=frames)
    _, t_sent = seconds(lambda: corpus.sentences)
    print(f"{'sentences (once per corpus)':40} {t_sent:7.2f} s")
    matches, t_lookup = seconds(lambda: lookup(corpus, dictionary))
    print(f"{'lookup, 1,000 entries':40} {t_lookup:7.2f} s  {nbytes / 1e6 / t_lookup:6.2f} MB/s  {len(matches):,} matches "
          f"({(matches['match'] == 'token').sum():,} on tokens), {len(unmatched_entries(matches, dictionary))} entries unmatched")
    print(f"lookup / tokenize: {t_lookup / t_tok:.2f} (target ≤ 2); with the sentence table built for it: {(t_lookup + t_sent) / t_tok:.2f}")
    example = load_dictionary(example_dictionary_path())
    matches, t_example = seconds(lambda: lookup(corpus, example))
    print(f"{'lookup, the example (' + str(len(example)) + ' entries)':40} {t_example:7.2f} s  {nbytes / 1e6 / t_example:6.2f} MB/s  {len(matches):,} matches")

    sample, size = [], 0
    for text in docs["text"]:
        sample.append(text)
        size += len(text.encode("utf-8"))
        if size >= args.compare_mb * 1e6:
            break
    plan = _plan(dictionary, CleanConfig())
    forms = plan.finder.forms
    mb = size / 1e6
    print(f"text matchers, {len(forms)} strings on {mb:.1f} MB:")
    n, t = seconds(lambda: sum(len(plan.finder.find(text)[0]) for text in sample))
    print(f"  {'NumPy hashes, every occurrence (lookup)':38} {t:7.2f} s  {mb / t:6.2f} MB/s  {n:,} occurrences")
    leftmost = re.compile(_trie_pattern(forms))
    n, t = seconds(lambda: sum(1 for text in sample for _ in leftmost.finditer(text)))
    print(f"  {'trie regex, leftmost-longest':38} {t:7.2f} s  {mb / t:6.2f} MB/s  {n:,} matches")
    flat = re.compile("|".join(map(re.escape, sorted(forms, key=len, reverse=True))))
    small = sample[: max(1, len(sample) // 10)]
    small_mb = sum(len(t.encode("utf-8")) for t in small) / 1e6
    n, t = seconds(lambda: sum(1 for text in small for _ in flat.finditer(text)))
    print(f"  {'flat alternation, longest first':38} {t:7.2f} s  {small_mb / t:6.2f} MB/s  (on {small_mb:.2f} MB)")
    try:
        import ahocorasick
    except ImportError:
        print("  pyahocorasick: not installed")
    else:
        automaton = ahocorasick.Automaton()
        for f in forms:
            automaton.add_word(f, f)
        automaton.make_automaton()
        n, t = seconds(lambda: sum(1 for text in sample for _ in automaton.iter(text)))
        print(f"  {'pyahocorasick, every match':38} {t:7.2f} s  {mb / t:6.2f} MB/s  {n:,} matches")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
