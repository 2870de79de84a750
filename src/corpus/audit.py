"""What loading did to a corpus, for a reader to check: the audit, the problems, lengths, before and after.

Every function takes the :class:`~corpus.Corpus` itself: a bare DataFrame carries no audit
or problems, so it is refused with a ``TypeError`` that says what to pass, never answered
with an empty table.
"""

from __future__ import annotations

import pandas as pd

from .clean import STEP_NAMES, clean_text, edit_text_spans
from .container import Corpus, as_corpus
from .pipeline import AUDIT_COLUMNS, READ_STEP, audit_rows


def audit(corpus: Corpus, *, detail: bool = False) -> pd.DataFrame:
    """Every change cleaning made (and every suspicion it flagged), one row each.

    Bulk conversions (script, punctuation width ...) are one summary row per document with a
    ``count``; ``detail=True`` cleans ``raw`` again with the corpus's own settings to list them
    character by character (cleaning is deterministic, so the rows are those it made).
    """
    corpus = as_corpus(corpus, "audit")
    if not detail:
        return corpus.audit
    rows = []
    docs = corpus.documents(["doc_id", "raw"])
    for doc_id, raw in zip(docs["doc_id"], docs["raw"]):
        edits = clean_text(raw, corpus.clean_config).edits
        rows += audit_rows(doc_id, [(s, e, 1, span) for (s, e), span in zip(edits, edit_text_spans(edits))])
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS).astype({"text_start": "Int64", "text_end": "Int64"})


def problems(corpus: Corpus) -> pd.DataFrame:
    """Files that were not loaded and metadata mismatches, with the reason for each."""
    return as_corpus(corpus, "problems").problems


def audit_summary(corpus: Corpus, *, long: bool = False) -> pd.DataFrame:
    """Audit counts by step and action for each document: where cleaning did what, how often.

    Wide (default): one row per (step, action), one column per document. ``long=True``: one
    row per document, step and action that occurred, with its ``count`` (what a large corpus
    saves: a wide table has a column per document).
    """
    rows = as_corpus(corpus, "audit_summary").audit
    if rows.empty:
        return pd.DataFrame(columns=["doc_id", "step", "action", "count"] if long else ["step", "action"])
    order = {name: i for i, name in enumerate([READ_STEP, *STEP_NAMES, "(result)"])}
    if long:
        out = rows.groupby(["doc_id", "step", "action"], sort=False, observed=True)["count"].sum().reset_index()
        rank = out["step"].map(lambda v: order.get(v, len(order)))
        out = out.assign(_rank=rank).sort_values(["doc_id", "_rank", "step", "action"], kind="stable")
        return out.drop(columns="_rank").reset_index(drop=True)
    table = rows.pivot_table(index=["step", "action"], columns="doc_id", values="count", aggfunc="sum", fill_value=0)
    return table.sort_index(key=lambda idx: idx.map(lambda v: order.get(v, len(order))) if idx.name == "step" else idx)


def doc_labels(docs: pd.DataFrame, column: str | None = None) -> pd.Series:
    """A short readable label per document (the docvar ``column`` where set, else the doc_id), indexed by doc_id.

    >>> doc_labels(pd.DataFrame({"doc_id": ["a", "b", "c"], "year": ["1982", None, "1982"]}), "year").tolist()
    ['1982 (a)', 'b', '1982 (c)']
    """
    labels = docs[column] if column is not None and column in docs.columns else docs["doc_id"]
    labels = labels.where(labels.notna() & (labels.astype(str) != ""), docs["doc_id"]).astype(str)
    dup = labels.duplicated(keep=False)
    labels = labels.where(~dup, labels + " (" + docs["doc_id"].astype(str) + ")")
    return pd.Series(labels.to_numpy(), index=docs["doc_id"].to_numpy(), name="label")


def lengths(corpus: Corpus, label_column: str | None = None) -> pd.DataFrame:
    """Characters before and after cleaning, and the share cleaning removed, per document (labelled by ``label_column``)."""
    docs = as_corpus(corpus, "lengths").documents()
    out = pd.DataFrame({"doc_id": docs["doc_id"], "label": doc_labels(docs, label_column).to_numpy(),
                        "raw_chars": docs["raw"].str.len(), "text_chars": docs["text"].str.len()})  # fmt: skip
    out["removed_share"] = (1 - out["text_chars"] / out["raw_chars"]).round(3)
    return out.reset_index(drop=True)


def before_after(corpus: Corpus, chars: int = 160, label_column: str | None = None) -> pd.DataFrame:
    """The opening of each document as scraped and as cleaned, side by side (labelled by ``label_column``)."""
    docs = as_corpus(corpus, "before_after").documents()
    return pd.DataFrame({"doc_id": docs["doc_id"], "label": doc_labels(docs, label_column).to_numpy(),
                         "raw": docs["raw"].str[:chars], "text": docs["text"].str[:chars]}).reset_index(drop=True)  # fmt: skip


