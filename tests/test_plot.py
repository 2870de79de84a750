"""Figures: Chinese labels render, and characters no font has are named, not drawn as boxes."""

from __future__ import annotations

import logging
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from corpus.plot import bar_figure, drawable, heatmap_figure  # noqa: E402


def test_a_character_no_font_has_is_replaced_and_named_with_its_document(caplog):
    with caplog.at_level(logging.WARNING, logger="corpus.plot"):
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
