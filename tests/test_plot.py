"""Figures (corpus.report.plot): Chinese labels render, and characters no font has are named, not drawn as boxes."""

from __future__ import annotations

import logging
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from corpus.features import linkage  # noqa: E402
from corpus.report.plot import (OTHER_DOCUMENTS, bar_figure, cluster_map_figure, dendrogram_figure, doc_length_figure, drawable,  # noqa: E402
                                heatmap_figure, k_selection_figure, top_terms_figure)  # fmt: skip


def test_a_character_no_font_has_is_replaced_and_named_with_its_document(caplog):
    with caplog.at_level(logging.WARNING, logger="corpus.report.plot"):
        assert drawable("党建𤾀引领", where="doc7") == "党建〓引领"
    assert "doc7" in caplog.text and "𤾀" in caplog.text
    assert drawable("基层治理 2024 A+B") == "基层治理 2024 A+B"


def test_report_figures_draw_chinese_dollars_and_rare_characters_without_glyph_warnings():
    frame = pd.DataFrame({"term": ["党建引领", "$x$ 与 $y$", "𤾀蓚"], "count": [3, 2, 1]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = bar_figure(frame, "count", "term", title="词频 $5", xlabel="次数", ylabel="词")
        fig.canvas.draw()
        heat = heatmap_figure(pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=["海门", "舞钢"], columns=["海门", "舞钢"]),
                              title="相似度", xlabel="文档", ylabel="文档")
        heat.canvas.draw()
    assert not [w for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)], [str(w.message) for w in caught]
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["党建引领", "$x$ 与 $y$", "〓蓚"]
    plt.close("all")


# --------------------------------------------------------------------------- many documents


def _visible(labels) -> list:
    return [t for t in labels if t.get_visible() and t.get_text()]


def _overlaps(fig, labels) -> list[tuple[str, str]]:
    """Pairs of drawn labels whose boxes intersect."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _visible(labels)]
    return [(a, b) for i, (a, box) in enumerate(boxes) for b, other in boxes[i + 1 :] if box.overlaps(other)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_a_heatmap_of_many_documents_keeps_its_size_thins_its_labels_and_leaves_values_out():
    names = [f"文档{i:03d}" for i in range(200)]
    fig = heatmap_figure(pd.DataFrame(np.eye(200), index=names, columns=names), title="相似度", xlabel="文档", ylabel="文档")
    ax = fig.axes[0]
    assert fig.get_size_inches()[1] <= 1.0 + 0.55 * 40 and not ax.texts
    assert 20 <= len(_visible(ax.get_yticklabels())) <= 40
    assert not _overlaps(fig, ax.get_yticklabels()) and not _overlaps(fig, ax.get_xticklabels())


def test_a_small_heatmap_still_names_every_cell_and_writes_its_values():
    fig = heatmap_figure(pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=["海门", "舞钢"], columns=["海门", "舞钢"]),
                         title="相似度", xlabel="文档", ylabel="文档")  # fmt: skip
    assert [t.get_text() for t in fig.axes[0].texts] == ["1.00", "0.20", "0.20", "1.00"]


def test_a_dendrogram_of_many_documents_draws_its_last_merges_with_readable_leaves():
    rng = np.random.default_rng(0)
    points = rng.random((300, 5))
    sim = pd.DataFrame(points @ points.T / np.outer(np.linalg.norm(points, axis=1), np.linalg.norm(points, axis=1)))
    fig = dendrogram_figure(linkage(sim), [f"文档{i}" for i in range(300)])
    ax = fig.axes[0]
    assert len(_visible(ax.get_yticklabels())) == 40 and fig.get_size_inches()[1] <= 0.4 * 40 + 1.5
    assert "of 300 documents" in ax.get_title() and not _overlaps(fig, ax.get_yticklabels())


def test_small_multiples_stop_at_max_panels_and_say_how_many_are_shown():
    top = pd.DataFrame([{"label": f"组{u}", "rank": r + 1, "term": f"词{r}", "weight": 1.0 - r / 10} for u in range(30) for r in range(10)])
    fig = top_terms_figure(top, by="label", title="前 10 词", max_panels=12)
    drawn = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in drawn] == [f"组{u}" for u in range(12)]
    assert "12 of 30 shown" in fig._suptitle.get_text()


def _map_coords(n: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"doc_id": [f"d{i % 100}" for i in range(n)], "x": rng.random(n), "y": rng.random(n),
                         "cluster": rng.integers(0, 4, n)})  # fmt: skip


def _outside_right(fig, legend) -> bool:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return legend.get_window_extent(renderer).x0 >= fig.axes[0].get_window_extent(renderer).x1


def test_the_cluster_map_colours_by_cluster_alone_with_one_marker_and_its_legend_outside():
    coords = _map_coords()
    fig = cluster_map_figure(coords, {f"d{i}": f"文档{i}" for i in range(100)})
    ax = fig.axes[0]
    legend = ax.get_legend()
    sizes = coords["cluster"].value_counts().sort_index()
    assert [t.get_text() for t in legend.get_texts()] == [f"簇 {c} ({n:,})" for c, n in sizes.items()]
    assert len(ax.collections) == 4 and not ax.artists  # one scatter per cluster, no second legend of shapes
    assert {tuple(map(tuple, c.get_paths()[0].vertices.round(3))) for c in ax.collections} == {
        tuple(map(tuple, ax.collections[0].get_paths()[0].vertices.round(3)))}  # the same marker everywhere
    assert _outside_right(fig, legend)


def test_the_cluster_map_by_document_names_a_few_documents_and_draws_the_rest_as_grey_others():
    coords = _map_coords()
    fig = cluster_map_figure(coords, {f"d{i}": f"文档{i}" for i in range(100)}, colour_by="document")
    entries = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert len(entries) == 11 and entries[0] == f"{OTHER_DOCUMENTS} (1,800)" and entries[1] == "文档0 (20)"
    few = cluster_map_figure(coords, pd.Series({"d1": "甲", "d2": "乙", "d3": np.nan}), colour_by="document")
    assert [t.get_text() for t in few.axes[0].get_legend().get_texts()] == [f"{OTHER_DOCUMENTS} (1,960)", "甲 (20)", "乙 (20)"]
    with pytest.raises(ValueError, match="`colour_by` must be one of 'cluster', 'document'; got 'shape'"):
        cluster_map_figure(coords, colour_by="shape")  # type: ignore[arg-type]


def test_a_heatmap_of_shares_keeps_its_scale_from_0_to_1_and_leaves_missing_cells_blank():
    shares = pd.DataFrame([[0.25, 0.75], [np.nan, np.nan]], index=["十九大", "二十大"], columns=["簇 0", "簇 1"])
    fig = heatmap_figure(shares, title="份额", xlabel="簇", ylabel="文档", fmt="{:.0%}", vmin=0, vmax=1, colorbar_label="份额 share")
    image = fig.axes[0].images[0]
    assert image.get_clim() == (0, 1)
    assert [t.get_text() for t in fig.axes[0].texts] == ["25%", "75%"]
    assert fig.axes[1].get_ylabel() == "份额 share"


def test_the_k_figure_always_shows_the_no_structure_line_however_low_the_silhouettes():
    scores = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.03, 0.02, 0.05]})
    fig = k_selection_figure(scores, 4)
    ax = fig.axes[0]
    assert ax.get_ylim()[1] > 0.25
    assert any(np.allclose(line.get_ydata(), 0.25) for line in ax.get_lines())
    assert "no substantial structure" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert _outside_right(fig, ax.get_legend())


def test_lengths_of_many_documents_are_drawn_as_distributions():
    n = 500
    lengths = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "label": [f"文档{i}" for i in range(n)],
                            "raw_chars": np.arange(n) + 1000, "text_chars": np.arange(n) + 900})  # fmt: skip
    lengths["removed_share"] = 1 - lengths["text_chars"] / lengths["raw_chars"]
    fig = doc_length_figure(lengths, max_bars=40)
    assert len(fig.axes) == 2 and fig.get_size_inches()[1] < 6 and "500 documents" in fig._suptitle.get_text()
    assert len(doc_length_figure(lengths.head(5), max_bars=40).axes[0].get_yticklabels()) == 5


def test_keyness_note_gives_log_ratio_its_pooled_token_totals_the_prior_and_the_sign_disagreements():
    import scipy.sparse as sp

    from corpus.features import DTM
    from corpus.keyterms import keyness
    from corpus.report.plot import keyness_note

    # 革命 falls, 无产阶级 disappears, 经济: one long later document writes it less often per token than the short ones
    terms = np.array(["革命", "无产阶级", "经济", "发展"])
    counts = sp.csr_matrix(np.array([[9, 6, 1, 4], [8, 5, 1, 6], [2, 0, 2, 16], [1, 0, 1, 98]]))
    dtm = DTM(counts, pd.DataFrame({"doc_id": ["a", "b", "c", "d"]}), terms)
    table = keyness(dtm, pd.Series({"a": "早", "b": "早", "c": "晚", "d": "晚"}), target="晚", min_count=1)
    note = keyness_note(table, stat="z", names=("晚", "早"))
    assert "((a + 0.5) / 120) / ((b + 0.5) / 40)" in note  # the later documents' 20 + 100 tokens, the earlier 20 + 20
    assert "α₀ = 100 tokens" in note and "无产阶级: 11 uses in 早, none in the other" in note
    row = table.set_index("term").loc["经济"]
    assert row["log_ratio"] < 0 < row["mean_rate_target"] - row["mean_rate_reference"]  # pooled and per-document disagree
    assert "its sign differs from theirs for 1 of the 4 terms compared (e.g. 经济" in note
    assert "α₀" not in keyness_note(table, stat="chi2", names=("晚", "早"))
