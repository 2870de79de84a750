"""Matrices, TF-IDF, frequencies, similarity and KWIC, checked by hand and on the seeds."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import pytest

import corpus
from corpus.features import DTM, corpus_keywords, dtm, kwic, linkage, similarity, term_frequency, ties_at_cut, tfidf, top_terms
from corpus.report.context import UNLABELLED, choose_documents
from corpus.segment import stopwords, TokenConfig

ROOT = Path(__file__).resolve().parents[1]


def tiny_tokens() -> pd.DataFrame:
    """Three documents: a = 党建 党建 治理, b = 党建 警务, c = 警务 警务 警务 治理."""
    words = {"a": ["党建", "党建", "治理"], "b": ["党建", "警务"], "c": ["警务", "警务", "警务", "治理"]}
    return pd.DataFrame([(d, w) for d, ws in words.items() for w in ws], columns=["doc_id", "token"])


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The seeds as a Corpus, its documents' table, paragraphs and tokens (segmented with the corpus's own settings)."""
    c = corpus.load_corpus(ROOT / "seeds", cache_dir=tmp_path_factory.mktemp("cache"), progress=False)
    return c, c.docs, c.paragraphs, c.tokens()


def test_counts_carry_their_row_ids_and_terms():
    m = dtm(tiny_tokens())
    assert m.rows["doc_id"].tolist() == ["a", "b", "c"]
    assert m.terms.tolist() == ["党建", "治理", "警务"]
    assert m.matrix.toarray().tolist() == [[2, 1, 0], [1, 0, 1], [0, 1, 3]]


def test_tfidf_matches_the_formula_computed_by_hand():
    w = tfidf(dtm(tiny_tokens()))
    n = 3
    idf = {t: math.log((1 + n) / (1 + df)) + 1 for t, df in {"党建": 2, "治理": 2, "警务": 2}.items()}
    raw_a = np.array([2 * idf["党建"], 1 * idf["治理"], 0.0])
    expected_a = raw_a / np.linalg.norm(raw_a)
    assert np.allclose(w.matrix.toarray()[0], expected_a, atol=1e-12)
    sub = tfidf(dtm(tiny_tokens()), sublinear_tf=True, norm=None)
    assert math.isclose(sub.matrix.toarray()[2, 2], (1 + math.log(3)) * idf["警务"], rel_tol=1e-12)


def test_document_frequency_pruning_and_max_features_follow_scikit_learn():
    t = tiny_tokens()
    assert dtm(t, min_df=3).terms.tolist() == []
    assert dtm(t, max_df=0.5).terms.tolist() == []
    assert dtm(t, max_features=1).terms.tolist() == ["警务"]  # most frequent overall (4)
    with pytest.raises(ValueError, match="min_df"):
        dtm(t, min_df=3, max_df=2)


def test_paragraph_and_sentence_matrices_need_the_matching_ids(seeds):
    _, _, paras, tk = seeds
    m = dtm(tk, "paragraph", units=paras)
    assert len(m.rows) == len(paras) and list(m.rows.columns) == ["doc_id", "para_no"]
    with pytest.raises(ValueError, match="tokenize sentences"):
        dtm(tk.drop(columns="sent_no"), "sentence")


def test_a_corpus_is_counted_like_its_own_token_table(seeds):
    c, _, _, tk = seeds
    for unit in ("doc", "paragraph"):
        direct, from_tokens = dtm(c, unit, min_df=2), dtm(tk, unit, min_df=2)
        pd.testing.assert_frame_equal(direct.rows, from_tokens.rows)
        assert direct.terms.tolist() == from_tokens.terms.tolist()
        assert (direct.matrix != from_tokens.matrix).nnz == 0


def test_top_tfidf_terms_of_each_seed_are_content_words(seeds):
    _, _, _, tk = seeds
    top = top_terms(tfidf(dtm(tk), sublinear_tf=True), 15)
    stop = stopwords(TokenConfig())
    for doc_id, group in top.groupby("doc_id"):
        terms = group["term"].tolist()
        assert len(terms) == 15
        assert not [t for t in terms if re.search(r"[A-Za-z0-9]", t) or t in stop or len(t) < 2], (doc_id, terms)
    haimen = top[top["doc_id"].str.startswith("004")]["term"].tolist()
    assert "基层治理" in haimen
    wugang = top[top["doc_id"].str.startswith("003")]["term"].tolist()
    assert "教育整顿" in wugang


def test_top_terms_break_ties_by_term_so_the_order_is_stable():
    m = DTM(__import__("scipy.sparse", fromlist=["csr_matrix"]).csr_matrix([[1.0, 1.0, 2.0]]), pd.DataFrame({"doc_id": ["a"]}), np.array(["乙", "甲", "丙"]))
    assert top_terms(m, 3)["term"].tolist() == ["丙", "乙", "甲"]


def test_dispersion_is_zero_for_an_even_term_and_one_for_a_term_of_one_unit():
    from corpus.features import deviation_of_proportions

    assert deviation_of_proportions(sp.csr_matrix([[1, 2], [1, 2]])).tolist() == [0.0, 0.0]  # spread as the units are
    assert np.isnan(deviation_of_proportions(sp.csr_matrix([[1, 0], [1, 0]]))[1])  # a term that never occurs: undefined
    dp = deviation_of_proportions(sp.csr_matrix([[1, 2, 0], [1, 0, 2]]))  # two units of 3 and 3 tokens
    assert dp.tolist() == [0.0, 1.0, 1.0]
    table = term_frequency(DTM(sp.csr_matrix([[1, 2, 0], [1, 0, 2]]), pd.DataFrame({"doc_id": ["a", "b"]}),
                               np.array(["甲", "乙", "丙"], dtype=object)))
    assert np.allclose(table["per_10k"], 10_000 * 2 / 6) and table["term"].tolist() == ["丙", "乙", "甲"]  # ties by term


def test_term_frequency_and_corpus_keywords_are_tidy_tables(seeds):
    _, _, _, tk = seeds
    counts = dtm(tk)
    tf = term_frequency(counts)
    assert tf["count"].sum() == len(tk)
    assert tf["count"].is_monotonic_decreasing
    kw = corpus_keywords(tfidf(counts), 10)
    assert list(kw.columns) == ["rank", "term", "mean_weight", "units", "tied_beyond"] and len(kw) == 10


def test_a_top_n_list_cut_inside_a_tie_says_how_many_terms_it_left_out(seeds):
    _, _, _, tk = seeds
    weights = tfidf(dtm(tk))
    top = top_terms(weights, 15)
    ties = ties_at_cut(top)
    for row in ties.itertuples():  # recount from the matrix: the terms of the doc at the cut's weight
        i = weights.rows.index[weights.rows["doc_id"] == row.doc_id][0]
        vals = weights.matrix.getrow(i).data
        assert np.isclose(vals, row.weight, rtol=1e-12, atol=0).sum() == row.shown_at_cut + row.left_out
    untied = top[~top["doc_id"].isin(ties["doc_id"])]
    assert (untied["tied_beyond"] == 0).all()


def test_similarity_is_symmetric_with_readable_labels_and_gives_a_linkage(seeds):
    _, docs, _, tk = seeds
    w = tfidf(dtm(tk))
    labels = corpus.doc_labels(docs, "locality")[w.rows["doc_id"]].to_numpy()
    sim = similarity(w, labels)
    assert list(sim.index) == ["辽宁", "肥东", "甘肃", "舞钢", "海门"]
    assert np.allclose(sim.to_numpy(), sim.to_numpy().T) and np.allclose(np.diag(sim), 1.0)
    assert linkage(sim).shape == (4, 4)


def test_grouping_rows_sums_counts_by_a_metadata_column(seeds):
    _, docs, _, tk = seeds
    counts = dtm(tk)
    level = docs.set_index("doc_id").loc[counts.rows["doc_id"], "level"]
    grouped = counts.group(level)
    assert grouped.rows["group"].tolist() == ["county", "province"]
    assert grouped.matrix.sum() == counts.matrix.sum()


def test_kwic_cites_offsets_and_shows_the_original_script(seeds):
    c, docs, _, _ = seeds
    lines = kwic(c, "教育整顿", window=6)
    text = dict(zip(docs["doc_id"], docs["text"]))
    assert len(lines) > 10
    assert all(text[r.doc_id][r.start : r.end] == "教育整顿" for r in lines.itertuples())
    wugang = lines[lines["doc_id"].str.startswith("003")]
    assert "教育整頓" in wugang["original"].iloc[0]
    assert len(kwic(c, r"党建\+\w{2}", regex=True)) >= 5
    pd.testing.assert_frame_equal(kwic(docs, "教育整顿", window=6, tokens=c.tokens()), lines)  # a table: the same lines
    with pytest.raises(ValueError, match="needs the token table"):
        kwic(docs, "教育整顿")


def test_kwic_matches_whole_tokens_unless_asked_for_substrings(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text("中国共产党领导中国人民建设社会主义现代化国家。中国的发展离不开世界。", encoding="utf-8")
    c = corpus.load_corpus(folder, cache=False)
    tokens = c.tokens()["token"].astype(str).tolist()
    assert "中国共产党" in tokens  # the segmentation this test relies on
    whole, every = kwic(c, "中国"), kwic(c, "中国", match="substring")
    assert len(every) == 3 and len(whole) == 2 and 0 not in whole["start"].tolist()  # not inside 中国共产党
    assert len(kwic(c, "社会主义现代化")) == 1  # a term of several tokens still matches


def test_a_traditional_documents_kwic_line_is_read_from_its_file_not_converted_back(seeds, tmp_path):
    from corpus.clean import to_traditional

    c, docs, _, _ = seeds
    raw = dict(zip(docs["doc_id"], docs["raw"]))
    lines = kwic(c, "党建", window=10, match="substring")  # every occurrence: many lines of the Traditional documents
    old = lines[lines["doc_id"].str.startswith(("003", "004"))]
    assert len(old) > 5 and all(r.original in raw[r.doc_id] for r in old.itertuples())
    assert any(r.original != to_traditional(r.left + r.match + r.right) for r in old.itertuples())  # s2t guesses 爲 for 為
    sharded = corpus.open_corpus(corpus.save_corpus(c, tmp_path / "saved"))
    pd.testing.assert_frame_equal(kwic(sharded, "党建", window=10, match="substring"), lines)
    pd.testing.assert_frame_equal(kwic(sharded, "党建", window=10), kwic(c, "党建", window=10))


# --------------------------------------------------------------------------- documents shown by name


def many_docs(n: int = 30) -> pd.DataFrame:
    """``n`` documents d00 … with lengths 100 + 7·i mod 50 and a level (省/县, a few missing)."""
    return pd.DataFrame({
        "doc_id": [f"d{i:02d}" for i in range(n)],
        "n_chars": [100 + (7 * i) % 50 for i in range(n)],
        "level": [None if i % 10 == 9 else ("省" if i % 3 == 0 else "县") for i in range(n)],
        "locality": [f"地方{i}" for i in range(n)],
    })  # fmt: skip


def test_every_document_is_shown_by_itself_up_to_the_limit_and_nothing_is_noted(seeds):
    _, docs, _, _ = seeds
    labels = corpus.doc_labels(docs, "locality").to_dict()
    shown = choose_documents(docs, 5, labels=labels, group_column="level")
    assert shown.order == tuple(labels[d] for d in docs["doc_id"]) and shown.note == "" and shown.complete
    assert shown.caption("Top terms") == "Top terms" and shown.unit == "document"


def test_above_the_limit_few_groups_are_shown_with_missing_values_as_their_own_group():
    shown = choose_documents(many_docs(), 5, group_column="level")
    assert shown.unit == "group" and shown.order == ("县", "省", UNLABELLED) and shown.complete
    assert shown.note == "all 30 documents shown in 3 groups of level"
    assert shown.caption("Edits per group") == "Edits per group (all 30 documents shown in 3 groups of level)"


def test_above_the_limit_without_few_groups_the_longest_documents_are_named_and_counted_in_the_caption():
    docs = many_docs()
    shown = choose_documents(docs, 4, labels=dict(zip(docs["doc_id"], docs["locality"])), group_column="locality")
    longest = docs.sort_values("n_chars", ascending=False, kind="stable").head(4)
    assert shown.order == tuple(longest["locality"]) and set(shown.doc_ids) == set(longest["doc_id"])
    assert shown.note == "4 of 30 documents shown, chosen by length (the longest)" and not shown.complete
    assert shown.title("相似度") == "相似度\n4 of 30 documents shown, chosen by length (the longest)"


def test_a_sample_of_documents_is_seeded_and_named_in_the_caption():
    docs = many_docs()
    first, again = choose_documents(docs, 6, by="sample", random_state=3), choose_documents(docs, 6, by="sample", random_state=3)
    assert first.order == again.order and len(first.order) == 6
    assert first.order != choose_documents(docs, 6, by="sample", random_state=4).order
    assert "random sample (random_state=3)" in first.note
    with pytest.raises(ValueError, match="`by` must be one of 'length', 'sample'; got 'size'"):
        choose_documents(docs, 6, by="size")


def test_shown_rows_columns_and_matrices_combine_documents_per_name_in_order():
    docs = many_docs(6)
    shown = choose_documents(docs, 2, group_column="level")
    per_doc = pd.DataFrame({"x": range(6), "y": 1}, index=pd.Index(docs["doc_id"], name="doc_id"))
    rows = shown.rows(per_doc)
    assert rows.index.tolist() == ["县", "省"] and rows.loc["省", "x"] == 0 + 3 and rows.loc["县", "y"] == 4
    assert rows.index.name == "doc_id" and rows.dtypes.tolist() == per_doc.dtypes.tolist()
    assert shown.columns(per_doc.T).equals(rows.T)
    longest = choose_documents(docs, 2)
    assert longest.rows(per_doc, others="其他").loc["其他", "x"] == per_doc["x"].sum() - longest.rows(per_doc)["x"].sum()
    m = DTM(__import__("scipy.sparse", fromlist=["csr_matrix"]).csr_matrix(np.arange(12.0).reshape(6, 2)),
            docs[["doc_id"]], np.array(["甲", "乙"]))  # fmt: skip
    means = shown.matrix(m, "mean")
    assert means.rows["label"].tolist() == ["县", "省"]
    assert means.matrix.toarray()[1].tolist() == [3.0, 4.0]  # rows 0 and 3 of the matrix: (0+6)/2, (1+7)/2
    assert shown.matrix(m, "sum").matrix.sum() == m.matrix.sum()


def test_naming_every_seed_document_leaves_its_weights_and_similarities_unchanged(seeds):
    _, docs, _, tk = seeds
    w = tfidf(dtm(tk), sublinear_tf=True)
    labels = corpus.doc_labels(docs, "locality").to_dict()
    shown = choose_documents(docs, 12, labels=labels)
    assert (shown.matrix(w).matrix != w.matrix).nnz == 0
    assert similarity(shown.matrix(w), list(shown.order)).equals(similarity(w, [labels[d] for d in w.rows["doc_id"]]))


def test_a_similarity_table_of_too_many_rows_is_refused_naming_the_cap():
    m = DTM(__import__("scipy.sparse", fromlist=["identity"]).identity(30, format="csr"), pd.DataFrame({"doc_id": [str(i) for i in range(30)]}),
            np.array([str(i) for i in range(30)]))  # fmt: skip
    with pytest.raises(ValueError, match="max_rows=20"):
        similarity(m, max_rows=20)
    assert similarity(m, max_rows=30).shape == (30, 30)


def test_distinct_units_per_term_are_the_distinct_pairs_counted_per_term():
    # The plain form: the set of (unit, term) pairs, counted per term.
    from corpus.features import _distinct_per_term

    rng = np.random.default_rng(5)
    cases = [(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 3)]
    for _ in range(300):
        n, n_terms = int(rng.integers(1, 2000)), int(rng.integers(1, 40))
        units = rng.integers(-1, int(rng.integers(1, 10**12)), n)  # -1: a missing document's code; keys far apart
        cases.append((np.sort(units) if rng.random() < 0.5 else units, rng.integers(0, n_terms, n), n_terms))
    for units, codes, n_terms in cases:
        plain = np.bincount([term for _, term in {(int(u), int(c)) for u, c in zip(units, codes)}], minlength=n_terms)
        assert np.array_equal(_distinct_per_term(units, codes, n_terms), plain)
