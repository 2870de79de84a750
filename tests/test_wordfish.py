"""Wordfish: recovery of simulated positions, interval coverage, identification, refusals, and the report helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats

import corpus
from corpus.features import DTM
from corpus.features import dtm
from corpus.wordfish import dimension_test, pole_words, position_correlates, top_features, wordfish


def simulate(n_docs: int, n_words: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts drawn from the model; the true θ (mean 0, sd 1) and β; words that occur nowhere dropped."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n_docs)
    theta = (theta - theta.mean()) / theta.std()
    beta = rng.normal(0.0, 0.6, n_words)
    psi = rng.normal(0.0, 1.0, n_words)
    alpha = rng.normal(0.0, 0.4, n_docs)
    counts = rng.poisson(np.exp(alpha[:, None] + psi[None, :] + np.outer(theta, beta)))
    used = counts.sum(axis=0) > 0
    return counts[:, used], theta, beta[used]


def test_positions_from_counts_simulated_from_the_model_correlate_with_the_truth_and_intervals_cover_it():
    covered, n = 0, 0
    for seed in range(3):
        counts, theta, beta = simulate(80, 600, seed)
        fit = wordfish(sp.csr_matrix(counts), dir=(int(np.argmin(theta)), int(np.argmax(theta))))
        docs = fit.documents
        assert fit.converged
        assert np.corrcoef(docs["theta"], theta)[0, 1] >= 0.95
        assert np.corrcoef(fit.words["beta"], beta)[0, 1] >= 0.9
        covered += int(((docs["lower"] <= theta) & (theta <= docs["upper"])).sum())
        n += len(theta)
    # 240 intervals at 95%: a binomial 99.9% band is about 0.90 .. 0.99
    assert 0.89 <= covered / n <= 0.995, covered / n


def test_bootstrap_intervals_cover_the_truth_and_agree_with_the_hessian_ones():
    counts, theta, _ = simulate(30, 300, 7)
    direction = (int(np.argmin(theta)), int(np.argmax(theta)))
    boot = wordfish(counts, dir=direction, se="bootstrap", n_boot=40, random_state=1)
    hess = wordfish(counts, dir=direction)
    assert boot.se_method == "bootstrap" and boot.n_boot == 40
    assert np.allclose(boot.documents["theta"], hess.documents["theta"])
    inside = ((boot.documents["lower"] <= theta) & (theta <= boot.documents["upper"])).mean()
    assert inside >= 0.8
    ratio = boot.documents["se"] / hess.documents["se"]
    assert 0.6 <= ratio.median() <= 1.6
    again = wordfish(counts, dir=direction, se="bootstrap", n_boot=40, random_state=1)
    assert again.documents.equals(boot.documents)


def test_identification_holds_and_flips_as_asked():
    counts, theta, _ = simulate(20, 300, 3)
    a, b = int(np.argmin(theta)), int(np.argmax(theta))
    ab, ba = wordfish(counts, dir=(a, b)), wordfish(counts, dir=(b, a))
    for fit, (left, right) in ((ab, (a, b)), (ba, (b, a))):
        t = fit.documents["theta"].to_numpy()
        assert abs(t.mean()) < 1e-9 and abs(t.std() - 1) < 1e-9
        assert t[left] < t[right]
        assert fit.documents["alpha"].iloc[0] == 0
        assert abs(fit.words["beta"].mean()) < 1e-9
    assert np.allclose(ab.documents["theta"], -ba.documents["theta"], atol=1e-6)
    assert np.allclose(ab.words["beta"], -ba.words["beta"], atol=1e-5)
    assert np.allclose(ab.documents["se"], ba.documents["se"], rtol=1e-4)
    assert ab.dir == (a, b) and ba.dir == (b, a)


def test_labels_travel_from_a_dtm_and_a_dataframe():
    counts, theta, _ = simulate(12, 200, 5)
    ids = [f"报告{i:02d}" for i in range(12)]
    terms = np.array([f"词{j}" for j in range(counts.shape[1])], dtype=object)
    frame = pd.DataFrame(counts, index=ids, columns=terms)
    from_frame = wordfish(frame, dir=("报告00", "报告11"))
    from_dtm = wordfish(DTM(sp.csr_matrix(counts), pd.DataFrame({"doc_id": ids}), terms), dir=("报告00", "报告11"))
    assert from_frame.documents["doc_id"].tolist() == ids
    assert from_frame.words["term"].tolist() == terms.tolist()
    assert list(from_dtm.documents.columns) == ["doc_id", "theta", "se", "lower", "upper", "alpha"]
    assert np.allclose(from_frame.documents["theta"], from_dtm.documents["theta"])
    paragraphs = pd.DataFrame({"doc_id": ["cpc_09"] * 6 + ["cpc_20"] * 6, "para_no": list(range(6)) * 2})
    by_paragraph = wordfish(DTM(sp.csr_matrix(counts), paragraphs, terms), dir=("cpc_09:0", "cpc_20:5"))
    assert list(by_paragraph.documents.columns[:2]) == ["doc_id", "para_no"]
    assert by_paragraph.documents["theta"].iloc[0] < by_paragraph.documents["theta"].iloc[11]
    with pytest.raises(ValueError, match="not in the counts"):
        wordfish(frame, dir=("报告00", "报告99"))
    with pytest.raises(ValueError, match="two different documents"):
        wordfish(frame, dir=("报告00", "报告00"))


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (np.array([[1, 2, 3]]), "at least 3 documents"),
        (np.array([[1, 2, 0], [0, 0, 0], [3, 1, 1], [1, 1, 4]]), r"document\(s\) have no counts \(1\)"),
        (np.array([[1, 0, 3], [2, 0, 1], [3, 0, 1]]), r"occur in no document, a constant column of zeros \(1\)"),
        (np.array([[1.5, 2, 3], [2, 1, 1], [3, 1, 1]]), "non-negative integers"),
        (np.array([[1, -2, 3], [2, 1, 1], [3, 1, 1]]), "non-negative integers"),
        (np.array([[1, 2, 3], [1, 2, 3], [1, 2, 3]]), "same counts"),
        (np.array([[1], [2], [3]]), "at least 2 words"),
    ],
)
def test_degenerate_counts_are_refused_with_a_clear_error(counts, message):
    with pytest.raises(ValueError, match=message):
        wordfish(counts)


def test_settings_out_of_range_are_refused():
    counts, _, _ = simulate(6, 50, 1)
    with pytest.raises(ValueError, match="`se` must be one of"):
        wordfish(counts, se="jackknife")
    with pytest.raises(ValueError, match="`level`"):
        wordfish(counts, level=95)
    with pytest.raises(ValueError, match="`n_boot`"):
        wordfish(counts, se="bootstrap", n_boot=1)


def test_an_iteration_limit_too_low_is_reported_as_not_converged():
    counts, _, _ = simulate(20, 200, 2)
    fit = wordfish(counts, max_iter=1)
    assert not fit.converged and fit.iterations == 1


def test_dispersion_is_near_one_for_poisson_counts_and_above_for_overdispersed_ones(caplog):
    counts, theta, _ = simulate(40, 400, 4)
    with caplog.at_level("WARNING", logger="corpus.wordfish"):
        assert 0.9 <= wordfish(counts).dispersion <= 1.1
    assert not caplog.records
    rng = np.random.default_rng(4)
    noisy = rng.poisson(counts * rng.gamma(0.5, 2.0, counts.shape))  # gamma-Poisson: variance above the mean
    noisy = noisy[:, noisy.sum(axis=0) > 0]
    with caplog.at_level("WARNING", logger="corpus.wordfish"):
        assert wordfish(noisy).dispersion > 2
    assert "too narrow" in caplog.text


def test_pole_words_rank_frequent_words_by_beta_and_keep_a_frequent_word_one_pole_alone_uses():
    words = pd.DataFrame({"term": ["改革", "开放", "阶级", "斗争", "罕见", "无产阶级"], "beta": [1.2, 0.8, -1.5, -0.9, 4.0, -4.4],
                          "psi": [2.0, 1.5, 1.8, 1.6, -6.0, -3.0], "count": [400, 300, 200, 150, 3, 321]})  # fmt: skip
    poles = pole_words(words, 2, min_count_quantile=0.2)
    # 无产阶级: frequent, but the right pole never uses it, so its ψ (log rate at θ = 0) is low; a ψ filter dropped it
    assert poles[poles["pole"] == "left"]["term"].tolist() == ["无产阶级", "阶级"]
    assert poles[poles["pole"] == "right"]["term"].tolist() == ["改革", "开放"]  # 罕见 is too rare to define a pole
    with pytest.raises(ValueError, match="no count column"):
        pole_words(words.drop(columns="count"), 2)


def test_position_correlates_reads_years_dates_and_groups():
    documents = pd.DataFrame({"doc_id": list("abcdef"), "theta": [-1.5, -1.0, -0.2, 0.3, 1.1, 1.3]})
    docvars = pd.DataFrame({"doc_id": list("abcdef"), "year": [1969, 1977, 1982, 1997, 2012, 2022],
                            "date": ["1969", "1977-08", "1982-09-01", "1997", "2012-11-08", "2022-10-16"],
                            "speaker": ["甲", "甲", "乙", "乙", "丙", "丙"], "title": list("uvwxyz")})  # fmt: skip
    found = position_correlates(documents, docvars).set_index("variable")
    assert found.loc["year", "statistic"] == pytest.approx(1.0)
    assert found.loc["year", "same_order"] == "date" and "date" not in found.index  # a date column in the year's order: one row
    assert found.loc["year", "p_value"] == pytest.approx(2 / 720)  # exact: the two orderings as extreme, of 6!
    # by hand: group means -1.25, 0.05, 1.2; grand 0; SS_between = 2(1.5625 + 0.0025 + 1.44) = 6.01
    ss_total = float((documents["theta"] ** 2).sum())
    ms_within = (ss_total - 6.01) / 3
    assert found.loc["speaker", "statistic"] == pytest.approx((6.01 - 2 * ms_within) / ss_total)
    assert found.loc["speaker", "groups"] == 3
    assert "title" not in found.index  # every value differs: no groups


def test_with_few_documents_the_p_values_are_exact_not_the_approximations():
    """n = 5 and ρ = 0.9: the t approximation says 0.037; 10 of the 120 orderings reach |ρ| ≥ 0.9, so p = 0.083."""
    documents = pd.DataFrame({"doc_id": list("abcde"), "theta": [-1.2, -0.4, 0.1, 1.0, 0.5]})
    docvars = pd.DataFrame({"doc_id": list("abcde"), "year": [1987, 1992, 1997, 2002, 2007], "side": list("xxyyy")})
    found = position_correlates(documents, docvars).set_index("variable")
    assert found.loc["year", "statistic"] == pytest.approx(0.9)
    assert found.loc["year", "p_value"] == pytest.approx(10 / 120) and found.loc["year", "p_method"].startswith("exact")
    # the two lowest θ in one group of two: 2 of the C(5, 2) = 10 splits are as extreme (that one and its mirror)
    assert found.loc["side", "p_value"] == pytest.approx(0.2, abs=0.015)
    many = pd.DataFrame({"doc_id": range(40), "theta": np.linspace(-1, 1, 40)})
    assert position_correlates(many, many.assign(year=range(40))[["doc_id", "year"]]).loc[0, "p_method"] == "t approximation"


def test_party_congress_reports_scale_and_the_axis_follows_time(cpc_folder):
    cpc = corpus.load_corpus(cpc_folder, cpc_folder / "labels.csv")
    counts = corpus.dtm(cpc, min_df=2, max_features=2000)
    fit = wordfish(counts, dir=("cpc_09", "cpc_20"))
    assert fit.converged
    docs = fit.documents.merge(cpc.docs[["doc_id", "year"]], on="doc_id")
    assert docs.set_index("doc_id").loc["cpc_09", "theta"] < docs.set_index("doc_id").loc["cpc_20", "theta"]
    rho = stats.spearmanr(docs["year"], docs["theta"]).statistic
    assert rho > 0.7, rho  # 53 years of reports: the main axis of their vocabulary is time
    assert (docs["se"] > 0).all() and (docs["lower"] < docs["theta"]).all()


@pytest.fixture(scope="module")
def seed_tokens(tmp_path_factory) -> pd.DataFrame:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    return corpus.load_corpus(root / "seeds", cache_dir=tmp_path_factory.mktemp("cache"), progress=False).tokens()


def _dealt(tokens: pd.DataFrame, owner) -> pd.DataFrame:
    """The sentences of ``tokens`` made into documents: ``owner`` maps each sentence's row of keys to its new doc_id."""
    keys = tokens[["doc_id", "para_no", "sent_no"]].drop_duplicates().reset_index(drop=True)
    keys["new"] = owner(keys)
    t = tokens.merge(keys, on=["doc_id", "para_no", "sent_no"])
    return t.assign(para_no=t["para_no"] * 1000 + t["sent_no"], doc_id=t["new"]).drop(columns="new")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_documents_of_sentences_dealt_at_random_show_no_dimension(seed_tokens, seed):
    # Wordfish still spreads these ten documents over an axis; the test finds nothing there.
    rng = np.random.default_rng(seed)
    dealt = _dealt(seed_tokens, lambda keys: [f"n{i % 10:02d}" for i in rng.permutation(len(keys))])
    fit = wordfish(top_features(dtm(dealt, "doc", min_df=2), 2000))
    found = dimension_test(dtm(dealt, "sentence"), fit)
    assert found.p_value > 0.05 and found.n_sim == 19 and found.unit == "sentence" and len(found.null_gains) == 19


def test_documents_of_one_source_each_show_a_dimension_beyond_every_deal(seed_tokens):
    dealt = _dealt(seed_tokens, lambda keys: [f"{d}_{i % 2}" for i, d in enumerate(keys["doc_id"])])  # two per article
    fit = wordfish(top_features(dtm(dealt, "doc", min_df=2), 2000))
    found = dimension_test(dtm(dealt, "sentence"), fit)
    assert found.p_value == pytest.approx(1 / 20) and found.gain > 1.2 * found.null_gains.max()
    again = dimension_test(dtm(dealt, "sentence"), fit)
    assert np.array_equal(again.null_gains, found.null_gains)  # seeded
    with pytest.raises(ValueError, match="sentence or paragraph matrix"):
        dimension_test(dtm(dealt, "doc"), fit)


def test_the_party_congress_reports_have_a_dimension(cpc_corpus):
    fit = wordfish(top_features(dtm(cpc_corpus, "doc", min_df=2), 2000))
    found = dimension_test(dtm(cpc_corpus, "sentence"), fit, n_sim=9)
    assert found.p_value == pytest.approx(0.1) and found.gain > 5 * found.null_gains.max()


def test_the_callers_matrix_is_left_as_it_was_and_a_second_fit_is_the_same():
    counts, _, _ = simulate(10, 40, 6)
    coo = sp.coo_matrix(counts)
    order = np.lexsort((-coo.col, coo.row))  # rows in order, columns backwards: indices unsorted, as a DTM's may be
    indptr = np.concatenate([[0], np.cumsum(np.bincount(coo.row, minlength=counts.shape[0]))])
    unsorted = sp.csr_matrix((coo.data[order].astype(np.int64), coo.col[order], indptr), shape=counts.shape)
    assert not unsorted.has_sorted_indices
    before = (unsorted.data.copy(), unsorted.indices.copy())
    first, second = wordfish(unsorted), wordfish(unsorted)
    assert np.array_equal(unsorted.data, before[0]) and np.array_equal(unsorted.indices, before[1])
    assert first.documents.equals(second.documents)
    assert np.allclose(first.documents["theta"], wordfish(counts).documents["theta"])


def test_figures_draw_positions_over_time_and_the_pole_words():
    import matplotlib.pyplot as plt

    from corpus.report.scaling_plot import positions_figure, positions_over_figure, word_weights_figure

    counts, theta, _ = simulate(100, 300, 8)
    fit = wordfish(counts, dir=(int(np.argmin(theta)), int(np.argmax(theta))))
    fig = positions_figure(fit.documents, [f"报告{i}" for i in range(100)], title="位置", max_rows=10)
    ax = fig.axes[0]
    assert len(ax.get_yticks()) == 10 and "10 of 100 documents" in ax.get_title()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ordered = fit.documents.assign(label=[f"报告{i}" for i in range(100)]).sort_values("theta")["label"]
    assert labels[0] == ordered.iloc[0] and labels[-1] == ordered.iloc[-1]  # both ends kept
    years = pd.Series(np.arange(1969, 2069, dtype=float)).where(lambda s: s % 10 != 0)
    over = positions_over_figure(fit.documents, years, title="位置与年份", xlabel="year")
    assert "10 document(s) without a value left out" in over.axes[0].get_title()
    poles = pole_words(fit.words.assign(term=[f"词{j}" for j in range(len(fit.words))]), 5)
    weights = word_weights_figure(fit.words.assign(term=[f"词{j}" for j in range(len(fit.words))]), poles)
    named = {t.get_text() for t in weights.axes[0].texts}
    assert named == set(poles["term"])
    for f in (fig, over, weights):
        plt.close(f)
