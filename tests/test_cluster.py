"""Tests for corpus.cluster: k-means / Ward clusters and NMF topics on real text.

Two corpora: the seed documents' paragraphs, and 40 short paragraphs written here about
two clearly different subjects (road traffic safety, party education) whose truth is known.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

import corpus
import corpus.features
import corpus.segment
from corpus.cluster import REFERENCE_MAX_UNITS, STABILITY_MIN, ClusterResult, cluster_units, nmf_topics, structure_verdict
from corpus.features import DTM

ROOT = Path(__file__).parents[1]

TRAFFIC = [
    "交警大队开展道路交通安全整治行动",
    "严查酒驾醉驾和超速超载违法行为",
    "在城区路口增设电子警察和交通信号灯",
    "督促电动自行车驾驶人佩戴安全头盔",
    "排查国省道交通事故多发路段",
    "开展交通安全宣传进校园活动",
    "加强客运车辆和危化品运输车辆检查",
    "整治渣土车闯红灯和违法停车问题",
    "推进农村道路交通安全劝导站建设",
    "节假日高速公路出口部署警力疏导车流",
    "曝光一批交通违法典型案例",
]
PARTY = [
    "机关党支部组织党员集中学习党的创新理论",
    "开展主题党日活动并讲授专题党课",
    "推动党史学习教育走深走实",
    "落实三会一课和组织生活会制度",
    "举办党员干部理论培训班",
    "组织党员重温入党誓词",
    "开展党性教育和廉政警示教育",
    "支部书记带头讲党课谈体会",
    "学习贯彻党的二十大精神",
    "参观红色教育基地接受革命传统教育",
    "评选表彰优秀共产党员和先进党支部",
]
N_PER_TOPIC = 20
CLAUSES_PER_PARAGRAPH = 4


@pytest.fixture(scope="module")
def two_topics() -> tuple[corpus.features.DTM, np.ndarray, pd.Series]:
    """TF-IDF of 40 paragraphs in 4 documents, topics interleaved; the true topic of each row; the texts."""
    rng = np.random.default_rng(0)  # a fixed draw of clauses: the corpus is the same on every run
    lines: dict[str, list[str]] = {f"doc{d}": [] for d in range(4)}
    truth: dict[tuple[str, int], int] = {}
    for i in range(2 * N_PER_TOPIC):
        topic = i % 2
        doc = f"doc{i % 4}"
        pool = TRAFFIC if topic == 0 else PARTY
        lines[doc].append("，".join(pool[j] for j in rng.choice(len(pool), CLAUSES_PER_PARAGRAPH, replace=False)) + "。")
        truth[(doc, len(lines[doc]))] = topic
    docs = pd.DataFrame({"doc_id": list(lines), "text": ["\n".join(v) + "\n" for v in lines.values()]})
    paras = corpus.paragraphs(docs)
    toks = corpus.segment.tokens(paras, cache=False)
    w = corpus.features.tfidf(corpus.features.dtm(toks, "paragraph", min_df=2))
    assert len(w.rows) == 2 * N_PER_TOPIC
    # paragraphs are numbered per document from 1, in the order written above
    y = np.array([truth[(d, p)] for d, p in zip(w.rows["doc_id"], w.rows["para_no"])])
    texts = paras.set_index(["doc_id", "para_no"]).loc[pd.MultiIndex.from_frame(w.rows), "text"].reset_index(drop=True)
    return w, y, texts


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> corpus.features.DTM:
    loaded = corpus.load_corpus(ROOT / "seeds", cache_dir=tmp_path_factory.mktemp("cache"), progress=False)
    return corpus.features.tfidf(corpus.features.dtm(loaded, "paragraph", min_df=2))


def _assert_same(a: ClusterResult, b: ClusterResult) -> None:
    for name in ("assignments", "k_scores", "top_terms", "representatives", "doc_cluster", "coords"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.k == b.k
    assert a.stability == b.stability or (np.isnan(a.stability) and np.isnan(b.stability))


def test_auto_k_finds_the_two_constructed_topics(two_topics):
    w, y, _ = two_topics
    res = cluster_units(w, k="auto", k_range=(2, 6))
    assert res.k == 2
    assert adjusted_rand_score(y, res.assignments["cluster"]) >= 0.8
    assert res.k_scores["k"].tolist() == [2, 3, 4, 5, 6]
    assert res.k_scores.loc[res.k_scores["chosen"], "k"].tolist() == [2]
    assert res.stability >= 0.8
    assert res.k_scores["stability"].notna().sum() == 1


def test_top_terms_name_each_constructed_topic(two_topics):
    w, y, _ = two_topics
    res = cluster_units(w, k=2, top_n=8)
    traffic = int(pd.Series(res.assignments["cluster"][y == 0]).mode()[0])
    terms = res.top_terms.groupby("cluster")["term"].apply(list)
    assert {"交通安全", "道路交通", "交通", "交警大队", "酒驾"} & set(terms[traffic])
    assert {"党员", "党课", "党支部", "教育", "学习"} & set(terms[1 - traffic])
    assert not {"党员", "党课", "党支部"} & set(terms[traffic])
    assert (res.top_terms.groupby("cluster")["weight"].apply(lambda s: s.is_monotonic_decreasing)).all()


def test_representatives_belong_to_their_cluster_and_carry_their_text(two_topics):
    w, _, texts = two_topics
    res = cluster_units(w, k=2, n_representatives=3, texts=texts)
    reps = res.representatives
    assert reps.groupby("cluster").size().tolist() == [3, 3]
    merged = reps.merge(res.assignments, on=["doc_id", "para_no"], suffixes=("", "_own"))
    assert (merged["cluster"] == merged["cluster_own"]).all()
    assert np.allclose(merged["similarity"], merged["similarity_own"])
    by_id = dict(zip(zip(w.rows["doc_id"], w.rows["para_no"]), texts))
    assert [by_id[(d, p)] for d, p in zip(reps["doc_id"], reps["para_no"])] == reps["text"].tolist()
    # the representatives are the members nearest the centroid
    best = res.assignments.groupby("cluster")["similarity"].max()
    assert np.allclose(reps[reps["rank"] == 1].set_index("cluster")["similarity"], best)


def test_same_inputs_give_identical_results_twice(seeds):
    a = cluster_units(seeds, k="auto", k_range=(2, 5), stability_seeds=2)
    b = cluster_units(seeds, k="auto", k_range=(2, 5), stability_seeds=2)
    _assert_same(a, b)


def test_cluster_zero_is_the_largest_and_labels_follow_size(seeds):
    res = cluster_units(seeds, k=4, stability_seeds=0)
    sizes = res.assignments["cluster"].value_counts().sort_index()
    assert sizes.index.tolist() == [0, 1, 2, 3]
    assert sizes.is_monotonic_decreasing
    assert res.k_scores["k"].tolist() == [4] and np.isnan(res.stability)


def test_units_keep_their_row_ids_in_every_table(seeds):
    res = cluster_units(seeds, k=3, stability_seeds=1, map_sample=50)
    pd.testing.assert_frame_equal(res.assignments[["doc_id", "para_no"]], seeds.rows.reset_index(drop=True))
    assert res.doc_cluster.to_numpy().sum() == len(seeds.rows)
    assert res.doc_cluster.columns.tolist() == [0, 1, 2]
    assert set(res.doc_cluster.index) == set(seeds.rows["doc_id"])
    assert len(res.coords) == 50 and list(res.coords.columns) == ["doc_id", "para_no", "x", "y", "cluster"]
    assert res.assignments["similarity"].between(-1 - 1e-9, 1 + 1e-9).all()


def test_silhouette_is_sampled_above_the_threshold_and_stays_deterministic(seeds):
    full = cluster_units(seeds, k="auto", k_range=(2, 4), stability_seeds=0)
    sampled = cluster_units(seeds, k="auto", k_range=(2, 4), stability_seeds=0, silhouette_sample=30)
    again = cluster_units(seeds, k="auto", k_range=(2, 4), stability_seeds=0, silhouette_sample=30)
    assert len(seeds.rows) > 30
    assert not np.allclose(full.k_scores["silhouette"], sampled.k_scores["silhouette"])
    _assert_same(sampled, again)


def test_stability_reruns_cluster_a_seeded_sample_above_the_threshold(two_topics):
    w, _, _ = two_topics
    whole = cluster_units(w, k=2, stability_seeds=2)
    assert cluster_units(w, k=2, stability_seeds=2, stability_sample=40).stability == whole.stability
    sampled = cluster_units(w, k=2, stability_seeds=2, stability_sample=24)
    assert sampled.stability == cluster_units(w, k=2, stability_seeds=2, stability_sample=24).stability
    assert 0.8 <= sampled.stability <= 1.0  # two clear topics stay apart in any sample
    _assert_same(replace(sampled, stability=whole.stability), whole)
    with pytest.raises(ValueError, match="`stability_sample` must be at least 2"):
        cluster_units(w, k=2, stability_sample=1)


def test_minibatch_kmeans_above_the_limit_is_deterministic(two_topics):
    w, y, _ = two_topics
    a = cluster_units(w, k=2, minibatch_above=10, stability_seeds=1)
    b = cluster_units(w, k=2, minibatch_above=10, stability_seeds=1)
    _assert_same(a, b)
    assert adjusted_rand_score(y, a.assignments["cluster"]) >= 0.8


def test_agglomerative_separates_the_constructed_topics(two_topics):
    w, y, _ = two_topics
    res = cluster_units(w, k="auto", k_range=(2, 5), method="agglomerative", stability_seeds=1)
    assert res.k == 2
    assert adjusted_rand_score(y, res.assignments["cluster"]) >= 0.8


def test_agglomerative_is_refused_above_max_agglomerative_naming_both_numbers(two_topics):
    w, _, _ = two_topics
    with pytest.raises(ValueError, match=r"40 units.*max_agglomerative=30.*lower fit_sample"):
        cluster_units(w, method="agglomerative", max_agglomerative=30)


def test_bad_inputs_are_refused_with_clear_messages(two_topics):
    w, _, _ = two_topics
    with pytest.raises(ValueError, match=r"`method` must be one of 'kmeans', 'agglomerative'; got 'x'"):
        cluster_units(w, method="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"k=41 is larger than the number of units \(40\)"):
        cluster_units(w, k=41)
    with pytest.raises(ValueError, match="`k` must be a positive integer or 'auto'"):
        cluster_units(w, k="many")  # type: ignore[arg-type]
    empty = w.select_rows(np.zeros(len(w.rows), dtype=bool))
    with pytest.raises(ValueError, match="empty"):
        cluster_units(empty)
    with pytest.raises(ValueError, match="empty"):
        nmf_topics(empty)
    with pytest.raises(ValueError, match="`texts` has 3 entries"):
        cluster_units(w, k=2, texts=pd.Series(["a", "b", "c"]))


def test_nmf_topics_are_deterministic_and_separate_the_constructed_topics(two_topics):
    w, y, _ = two_topics
    a = nmf_topics(w, 2, top_n=6)
    b = nmf_topics(w, 2, top_n=6)
    for name in ("topic_terms", "unit_topics", "doc_topics"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert adjusted_rand_score(y, a.unit_topics["dominant"]) >= 0.8
    terms = a.topic_terms.groupby("topic")["term"].apply(set)
    traffic = int(pd.Series(a.unit_topics["dominant"][y == 0]).mode()[0])
    assert {"交通安全", "道路交通", "交通", "交警大队", "酒驾"} & terms[traffic]
    assert {"党员", "党课", "党支部", "教育", "学习"} & terms[1 - traffic]
    assert list(a.unit_topics.columns) == ["doc_id", "para_no", "topic_0", "topic_1", "weight", "dominant"]
    assert a.doc_topics.index.tolist() == ["doc0", "doc1", "doc2", "doc3"]


def test_nmf_topics_on_the_seeds_keep_row_ids_and_number_topics_by_weight(seeds):
    res = nmf_topics(seeds, 4, top_n=5)
    assert len(res.unit_topics) == len(seeds.rows)
    cols = [f"topic_{t}" for t in range(4)]
    totals = (res.unit_topics[cols].fillna(0).to_numpy() * res.unit_topics[["weight"]].to_numpy()).sum(axis=0)
    assert (np.diff(totals) <= 0).all()  # numbered by total (raw) weight
    assert res.topic_terms.groupby("topic").size().tolist() == [5, 5, 5, 5]


def test_nmf_topic_weights_are_shares_of_each_unit_and_documents_average_them(two_topics):
    w, _, _ = two_topics
    res = nmf_topics(w, 3)
    cols = ["topic_0", "topic_1", "topic_2"]
    weighted = res.unit_topics["weight"] > 0
    assert weighted.all() and np.allclose(res.unit_topics.loc[weighted, cols].sum(axis=1), 1.0)
    assert res.unit_topics[cols].stack().between(0, 1).all()
    assert np.allclose(res.doc_topics.sum(axis=1), 1.0)
    manual = res.unit_topics.groupby("doc_id", sort=False)[cols].mean()
    pd.testing.assert_frame_equal(res.doc_topics, manual)


def test_a_unit_without_topic_weight_has_no_shares_and_leaves_its_document_mean_alone():
    # Invented rows: the third has no weight at all (a paragraph whose terms were all cut by min_df).
    m = np.array([[2.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 2.0], [0.0, 0.0, 0.0, 0.0], [1.5, 1.0, 0.0, 0.2]])
    w = DTM(sp.csr_matrix(m), pd.DataFrame({"doc_id": ["甲", "乙", "乙", "甲"], "para_no": [1, 1, 2, 2]}),
            np.array(["改革", "开放", "民主", "法治"]))  # fmt: skip
    res = nmf_topics(w, 2)
    empty = res.unit_topics.iloc[2]
    assert empty["weight"] == 0 and empty["dominant"] == -1 and np.isnan(empty[["topic_0", "topic_1"]].astype(float)).all()
    pd.testing.assert_series_equal(res.doc_topics.loc["乙"], res.unit_topics.iloc[1][["topic_0", "topic_1"]].astype(float),
                                   check_names=False)  # fmt: skip


# --------------------------------------------------------------------------- ties at the cut


def _tied_weights() -> DTM:
    """Six invented paragraphs in two clear groups; within each group three terms have the same weight in every unit."""
    terms = np.array(["改革", "开放", "发展", "民主", "法治", "党建"])
    m = np.array([[1, 1, 1, 0.2, 0, 0]] * 3 + [[0, 0, 0.2, 1, 1, 1]] * 3, dtype=float)
    rows = pd.DataFrame({"doc_id": ["十四大"] * 3 + ["十五大"] * 3, "para_no": [1, 2, 3, 1, 2, 3]})
    return DTM(sp.csr_matrix(m), rows, terms)


def test_a_top_term_list_cut_inside_a_tie_says_how_many_tied_terms_it_left_out():
    res = cluster_units(_tied_weights(), k=2, top_n=2, stability_seeds=0)
    for _, part in res.top_terms.groupby("cluster"):
        assert part["tied_beyond"].tolist() == [1, 1]  # three terms at the top weight, two shown
        assert part["term"].tolist() == sorted(part["term"])  # the tie is listed in code-point order
    untied = cluster_units(_tied_weights(), k=2, top_n=4, stability_seeds=0)
    assert (untied.top_terms["tied_beyond"] == 0).all()


# --------------------------------------------------------------------------- is there structure?


def _scores(silhouettes: list[float], chosen_k: int, stability: float | None, ks: list[int] | None = None) -> pd.DataFrame:
    ks = ks or list(range(2, 2 + len(silhouettes)))
    return pd.DataFrame({"k": ks, "silhouette": silhouettes, "stability": [stability if k == chosen_k else np.nan for k in ks],
                         "chosen": [k == chosen_k for k in ks]})  # fmt: skip


@pytest.mark.parametrize(("silhouettes", "chosen_k", "stability", "level"), [
    ([0.10, 0.25, 0.20], 3, 0.95, "none"),    # 0.25 is still "no substantial structure" (Kaufman & Rousseeuw: ≤ 0.25)
    ([0.10, 0.26, 0.20], 3, 0.95, "weak"),    # 0.26–0.50 weak
    ([0.10, 0.51, 0.20], 3, 0.95, "clear"),   # reasonable, stable, inside the range
    ([0.10, 0.51, 0.20], 3, 0.64, "weak"),    # poor recovery (Steinley: < 0.65)
    ([0.10, 0.51, 0.20], 3, STABILITY_MIN, "clear"),
    ([0.10, 0.51, 0.20], 3, None, "weak"),    # stability not measured
    ([0.10, 0.20, 0.72], 4, 0.99, "weak"),    # strong silhouette, but k at the top of the range
    ([0.72, 0.20, 0.10], 2, 0.99, "clear"),   # k = 2 in a range from 2: no smaller k can be scored
])  # fmt: skip
def test_the_verdict_follows_the_silhouette_bands_stability_and_the_range(silhouettes, chosen_k, stability, level):
    assert structure_verdict(_scores(silhouettes, chosen_k, stability)).level == level


def test_k_at_the_bottom_of_a_range_above_two_counts_as_an_edge():
    verdict = structure_verdict(_scores([0.72, 0.20, 0.10], 3, 0.99, ks=[3, 4, 5]))
    assert verdict.level == "weak" and "k = 3 at the bottom of the range searched (3–5)" in verdict.sentence


def test_a_verdict_without_structure_says_so_first_and_calls_the_clusters_exploratory():
    verdict = structure_verdict(_scores([0.03, 0.02, 0.041], 4, 0.31))
    assert verdict.sentence.startswith("No clear cluster structure: silhouette 0.04 (0.25 or less), stability 0.31 (below 0.65), "
                                       "k = 4 at the top of the range searched (2–4).")  # fmt: skip
    assert verdict.exploratory and "exploratory" in verdict.sentence
    assert len(verdict.reasons) == 3 and "Kaufman & Rousseeuw 1990" in verdict.reasons[0] and "Steinley 2004" in verdict.reasons[1]
    clear = structure_verdict(_scores([0.1, 0.6, 0.2], 3, 0.9))
    assert not clear.exploratory and "exploratory" not in clear.sentence
    fixed = structure_verdict(_scores([0.6], 4, 0.9, ks=[4]))
    assert "k = 4, the only k tried" in fixed.sentence and fixed.level == "weak"  # no other k to compare with


@pytest.mark.parametrize(("silhouette", "reference", "stability", "level"), [
    (0.17, 0.02, 1.00, "weak"),   # below the first band, but above every structureless set and reproducible
    (0.17, 0.02, 0.40, "none"),   # above the reference, not reproduced by reseeded reruns
    (0.17, 0.20, 1.00, "none"),   # no higher than structureless sets reach
    (0.17, np.nan, 1.00, "none"),  # no reference drawn (many units): the band alone
])  # fmt: skip
def test_a_low_silhouette_beyond_every_structureless_set_and_reproduced_is_weak_structure(silhouette, reference, stability, level):
    verdict = structure_verdict(_scores([0.1, silhouette, 0.05], 3, stability).assign(reference=reference))
    assert verdict.level == level
    if level == "weak":
        assert "above all 19 structureless sets of the same units (best 0.02)" in verdict.sentence
        assert "beyond chance and reproducible" in verdict.sentence and "exploratory" not in verdict.sentence


def test_the_seed_paragraphs_show_no_clear_cluster_structure(seeds):
    res = cluster_units(seeds, k="auto", k_range=(2, 8), stability_seeds=2)
    verdict = structure_verdict(res.k_scores)
    assert verdict.level == "none" and verdict.sentence.startswith("No clear cluster structure")


def test_the_constructed_topics_read_as_weak_structure_by_the_silhouette(two_topics):
    w, _, _ = two_topics
    verdict = structure_verdict(cluster_units(w, k="auto", k_range=(2, 6)).k_scores)
    assert verdict.level == "weak" and "stability 1.00" in verdict.sentence  # text clusters rarely pass 0.50


def _documents_of_clauses(n_docs: int, seed: int, *, one_topic_each: bool) -> DTM:
    """TF-IDF of documents of ten 4-clause paragraphs: clauses drawn from both lists (no structure), or each document's from one."""
    rng = np.random.default_rng(seed)
    pools = [(TRAFFIC if d % 2 else PARTY) if one_topic_each else TRAFFIC + PARTY for d in range(n_docs)]
    texts = ["\n".join("，".join(pool[j] for j in rng.choice(len(pool), CLAUSES_PER_PARAGRAPH, replace=False)) + "。"
                       for _ in range(10)) for pool in pools]  # fmt: skip
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n_docs)], "text": texts})
    return corpus.features.tfidf(corpus.features.dtm(corpus.segment.tokens(corpus.paragraphs(docs), cache=False), "doc", min_df=2))


def test_a_few_documents_without_structure_score_no_higher_than_the_reference():
    # Four documents drawn from one pool of clauses: any split of four scores a silhouette in the
    # "weak" band (0.39 here), which structureless sets of the same units reach as well.
    res = cluster_units(_documents_of_clauses(4, 0, one_topic_each=False), k="auto", k_range=(2, 8))
    row = res.k_scores[res.k_scores["chosen"]].iloc[0]
    assert 0.25 < row["silhouette"] <= row["reference"]
    verdict = structure_verdict(res.k_scores)
    assert verdict.level == "none" and "no higher than structureless units reach" in verdict.sentence
    assert res.k_scores["reference"].notna().sum() == 1


def test_a_few_documents_of_two_subjects_beat_the_reference():
    res = cluster_units(_documents_of_clauses(4, 1, one_topic_each=True), k="auto", k_range=(2, 8))
    row = res.k_scores[res.k_scores["chosen"]].iloc[0]
    assert res.k == 2 and row["silhouette"] > row["reference"] + 0.2
    assert structure_verdict(res.k_scores).level == "clear"


def test_above_the_reference_limit_no_reference_is_drawn(two_topics):
    w, _, _ = two_topics
    copies = (REFERENCE_MAX_UNITS // len(w.rows)) + 1
    rows = pd.concat([w.rows.assign(doc_id=w.rows["doc_id"].astype(str) + f"_{i}") for i in range(copies)], ignore_index=True)
    many = DTM(sp.vstack([w.matrix] * copies).tocsr(), rows, w.terms)
    assert many.matrix.shape[0] > REFERENCE_MAX_UNITS
    res = cluster_units(many, k=2, stability_seeds=1)
    assert res.k_scores["reference"].isna().all()
    assert cluster_units(w, k=2, stability_seeds=1).k_scores["reference"].notna().all()


def test_a_k_scores_table_without_one_chosen_row_is_refused():
    with pytest.raises(ValueError, match="exactly one row as chosen; 0 are"):
        structure_verdict(_scores([0.1, 0.2], 9, 0.5))
    with pytest.raises(ValueError, match="lacks column"):
        structure_verdict(pd.DataFrame({"k": [2]}))


# --------------------------------------------------------------------------- large inputs


def test_above_fit_sample_units_are_assigned_to_the_means_of_a_sampled_fit(two_topics):
    w, y, _ = two_topics
    whole = cluster_units(w, k="auto", k_range=(2, 5), stability_seeds=2)
    _assert_same(whole, cluster_units(w, k="auto", k_range=(2, 5), stability_seeds=2, fit_sample=40))
    sampled = cluster_units(w, k="auto", k_range=(2, 5), stability_seeds=2, fit_sample=20)
    _assert_same(sampled, cluster_units(w, k="auto", k_range=(2, 5), stability_seeds=2, fit_sample=20))
    assert sampled.k == 2 and adjusted_rand_score(y, sampled.assignments["cluster"]) >= 0.8
    assert len(sampled.assignments) == len(w.rows) and sampled.stability >= 0.8
    # every unit is in the cluster whose mean (in the clustering space) is nearest: distance is to its own centroid
    assert (sampled.assignments["distance"] >= 0).all()
    with pytest.raises(ValueError, match="`fit_sample` must be larger than 2 and than the number of clusters"):
        cluster_units(w, k=5, fit_sample=5)


def test_ward_fits_a_sample_below_max_agglomerative_and_assigns_the_rest(two_topics):
    w, y, _ = two_topics
    res = cluster_units(w, k=2, method="agglomerative", max_agglomerative=30, fit_sample=25, stability_seeds=1)
    assert adjusted_rand_score(y, res.assignments["cluster"]) >= 0.8
