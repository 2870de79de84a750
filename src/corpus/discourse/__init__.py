"""Discourse: how official texts package policy — formulae, slogans, models, cited documents,
quantitative claims, enumerated measures — and which passages they share verbatim.

Every analysis takes documents (``doc_id``, ``text``) or their paragraphs
(:func:`corpus.paragraphs`; :func:`claims` takes :func:`corpus.sentences`) and returns one
tidy DataFrame whose rows cite ``doc_id``, ``para_no`` and ``start``/``end`` offsets into
the document's cleaned ``text``. The units are found by the detectors in
:mod:`corpus.patterns`, the same ones cleaning and segmentation use. One module per
analysis: :mod:`.formulas_models` (formulae, X+Y models), :mod:`.quotations` (slogans, cited
titles), :mod:`.quantities` (claims), :mod:`.numbered_lists` (enumerations), :mod:`.reuse`
(shared passages), :mod:`.spread` (document order and dates, every occurrence of tracked items,
diffusion, usage matrices), and :mod:`.units` (what they share).

Formula or claim? decided once, here:

- A count in **Chinese numerals** that names a package of policy items is a *formula*:
  四项基本原则, 三个代表, 八项规定, 十条意见, 五个方面 (after its five listed items), 两个90%.
- A count in **Arabic digits** with a unit is a *claim*, even when it counts measures, tasks
  or areas (32项具体措施, 8项举措, 12个方面): it says how many, it does not name the package.
  An Arabic count that only restates the number of the items just listed (…等5个方面的改进
  after five items) belongs to that list and is not a claim.
- Periods, plans and anniversaries are neither (五年规划, 近5年来, 2022年, 10月16日, 三十周年);
  nor are ranks (第一, 全市第三), ordinals (一是), thresholds (未达100%), codes (G15, 12315)
  or the number inside a formula or model (两个90%, 3+2).
- Numeric models (1+N, 3+2, 4+X: digits, or a letter for an open number, joined by +) are
  both: :func:`models` lists them with every X+Y model, :func:`formulae` with the numbered
  formulae (form ``numeric``); the two rows cite the same occurrence. Their digits are never
  claims.
"""

from .quantities import BASE_UNITS, CLAIM_COLUMNS, UNIT_KINDS, claims
from .spread import (DIFFUSION_COLUMNS, ITEM_LIST_COLUMNS, OCCURRENCE_COLUMNS, TRACKED_COLUMNS, diffusion, doc_dates, doc_order, item_list,
                     item_occurrences, shared_matrix, top_documents, tracked_items, usage_matrix, variant_key)
from .numbered_lists import ENUMERATION_COLUMNS, enumerations
from .formulas_models import FORMULA_COLUMNS, FORMULA_KINDS, MODEL_COLUMNS, formula_members, formulae, is_numeric_model, models
from .reuse import PASSAGE_COLUMNS, shared_passages
from .quotations import SLOGAN_COLUMNS, TITLE_COLUMNS, cited_documents, slogans

__all__ = [
    "BASE_UNITS",
    "DIFFUSION_COLUMNS",
    "FORMULA_KINDS",
    "ITEM_LIST_COLUMNS",
    "OCCURRENCE_COLUMNS",
    "TRACKED_COLUMNS",
    "doc_dates",
    "item_list",
    "item_occurrences",
    "tracked_items",
    "variant_key",
    "CLAIM_COLUMNS",
    "ENUMERATION_COLUMNS",
    "FORMULA_COLUMNS",
    "MODEL_COLUMNS",
    "PASSAGE_COLUMNS",
    "SLOGAN_COLUMNS",
    "TITLE_COLUMNS",
    "UNIT_KINDS",
    "cited_documents",
    "claims",
    "diffusion",
    "doc_order",
    "enumerations",
    "formula_members",
    "formulae",
    "is_numeric_model",
    "models",
    "shared_matrix",
    "shared_passages",
    "slogans",
    "top_documents",
    "usage_matrix",
]
