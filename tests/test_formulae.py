"""Numbered formulae on text they were not written from: every form of the genre, the look-alikes that must not match,
the kind of each formula, and recall against the blind gold standard drawn on the CPC reports (``fixtures/cpc_gold``).

The sentences here are invented or follow the CPC reports' usage; none is taken from the seeds. The rule they
check is written once, in :func:`corpus.patterns.iter_formulae`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus import discourse as D
from corpus import patterns as P
from corpus.clean import raw_position
from corpus.segment import TokenConfig

FORMULAE = [
    # counted: a numeral, a counter and a head, ended by punctuation or by the word that names what it is
    ("坚持“两个毫不动摇”，协调推进四个全面战略布局，实现两个一百年奋斗目标。", ["两个毫不动摇", "四个全面", "两个一百年"]),
    ("用好国内国际两个市场两种资源，树立四个意识，贯彻三个代表重要思想。", ["两个市场", "两种资源", "四个意识", "三个代表"]),
    # multi-part, including a numeral in the middle and 双 among the numerals
    ("统筹推进“五位一体”总体布局，深化三去一降一补，巩固“两不愁三保障”成果，形成一核双驱。",
     ["五位一体", "三去一降一补", "两不愁三保障", "一核双驱"]),
    ("开展两学一做学习教育和三严三实专题教育，开展双拥双创活动。", ["两学一做", "三严三实", "双拥双创"]),
    # plans
    ("实施“十四五”规划，回顾十一五时期，完成六五计划和“九五”，执行第七个五年计划。", ["十四五", "十一五", "六五", "九五", "第七个五年计划"]),
    # 双 formulae
    ("形成国内国际双循环相互促进的新格局，实现“双碳”目标，落实双减政策。", ["双循环", "双碳", "双减"]),
    # bare: quoted, before what it names, or a two-character term standing alone
    ("做好三农工作，践行两山理念，整治“四风”，物质文明和精神文明两手抓，分三步走，坚持革命的三结合。",
     ["三农", "两山", "四风", "两手抓", "三步走", "三结合"]),
    # the numeral not first: a head before its count, a campaign name, a document by its count
    ("出台“国十条”，实施乡村振兴十大行动，印发《二十三条》，与群众约法三章。", ["国十条", "十大行动", "二十三条", "约法三章"]),
    # a pair is one formula, not cut at its comma
    ("坚持一个中心、两个基本点，实行一个国家，两种制度。", ["一个中心、两个基本点", "一个国家，两种制度"]),
    # a count in prose is a label where the text quotes it or it ends a quoted name
    ("制定“稳就业十项措施”，总结“十三个方面成就”。", ["十项措施", "十三个方面成就"]),
    # a head word after a counted formula (精神, 体系) ends it; a set noun (规定) ends it before any word (CPC reports 2017, 2022)
    ("贯彻中央八项规定精神，严格执行八项规定。落实八项规定开局良好，建设四大体系。", ["八项规定", "八项规定", "八项规定", "四大体系"]),
    # after 这, a set with a head of its own is still named (CPC reports 1987, 2002)
    ("坚持这四项基本原则和这两个基本点，完成这三大历史任务。", ["四项基本原则", "两个基本点", "三大历史任务"]),
    # a set noun ends the head (两个文明|都, CPC report 1997); N化 alone is a formula (四化|必胜, CPC report 1982)
    ("只有两个文明都搞好，前途是四化必胜。", ["两个文明", "四化"]),
    # a campaign's name before 运动, with a repeated term; an article before a formula is no part of it (invented)
    ("开展三反五反运动，开展一次三严三实专题教育。", ["三反五反", "三严三实"]),
]  # fmt: skip

LOOK_ALIKES = [
    # counts in running prose
    "从三个方面推进改革，围绕五项举措展开，做好两项工作，抓好四个方面工作，落实六项措施，着力解决三个问题，存在两种可能，排除保守和冒进这两种倾向。",
    # quantities: people, children, places
    "一对夫妻可以生育三个孩子，家中有两个子女，小组由五个成员组成，两个国家签署协议，共有十个人参加。",
    # idioms and lexicalised words
    "三令五申，五花八门的做法，四通八达的交通网，七手八脚，一心一意谋发展，九死一生，来自五湖四海，三言两语，四面八方，接二连三。",
    "双方同意，发展双边关系，反对双重标准，双向交流，两岸关系，三连冠，四川建设，一把手。",
    # ordinals, enumerators, dates and periods
    "第二个百年奋斗目标，一是坚持，“一要吃饭，二要建设”，第三个百年，十分重要，第一书记，五年规划。",
    "一九九五年，到二〇三五年，“五·七指示”，“九二共识”，“二月提纲”，一二·九运动，十五年来，三五天，十几年，过去五年工作，三次会议。",
    # congresses and counts of levels
    "党的十二大以来，学习十九大精神，党的九大，省地县三级党委。",
    # measure words: counts and durations, not terms (news and web pages count so)
    "说两句话，分为三部分，两国间，八路军，三名嫌疑人，两辆车，五家企业，四个小时，三天两夜，两人一组。",
    # an adverb, a preposition or a particle after the counter; a congress that acts; "between two" (CPC reports 1973-1982)
    "这三条都忘记了，罪名有十条之多，九大在我们党的历史上，贯彻执行了九大制定的对外政策，战争是两个和平之间的现象。",
    # lexicalised words with a numeral (CPC reports 1973, 2002)
    "实行党的一元化领导，城乡二元经济结构。",
    # 一 ending a word at a line end; idioms; a quoted phrase opening with a lexicalised word (CPC reports 1982, 2007)
    "完成祖国和平统一大业\n一年一度的评比，反对“一切向钱看”和“一言堂”。",
    # an enumeration by a verb, 一靠…二靠 like 一是…二是 (CPC report 2002)
    "一靠教育，二靠制度，三靠监督。",
    # a count that points back after 这, prose heads (CPC reports 1987, 2002, 2017)
    "这两个目标已提前实现，这两大理论成果都很重要，有三个特点，在三个不同的层次上展开，解决好三个重要问题，开展两项试点。",
    # what an organisation has, sets up or sends: places, offices, teams, sites (invented county report); a pest's name
    "全县有三个乡镇、两个街道，下设三个科室，派出五个督导组，组建七个专班，建成四个工作站、两个示范区。防治三化螟。",
    "围绕十个重点，印发了两个文件，全镇共有八个行政村，召开三个座谈会，建成两个停车场，新开通三条公交线路，组织五场宣讲。",
]  # fmt: skip


def frame(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})


@pytest.mark.parametrize(("text", "expected"), FORMULAE, ids=[e[0] for _, e in FORMULAE])
def test_each_form_of_formula_is_found_wherever_its_numeral_stands(text, expected):
    assert [m.group() for m in P.iter_formulae(text)] == expected
    assert D.formulae(frame(text))["surface"].tolist() == expected


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_counts_quantities_idioms_ordinals_and_dates_are_not_formulae(text):
    assert [m.group() for m in P.iter_formulae(text)] == []
    assert D.formulae(frame(text)).empty


def test_a_label_found_in_the_corpus_is_counted_where_a_verb_follows_it_too():
    """The detector reads 两个维护 and 四风 where they end a clause; the same label before a verb is the same label; a label
    found only quoted is not carried to a count that points back (invented sentences)."""
    f = D.formulae(frame("坚决做到两个维护，整治四风问题。", "推动两个维护落到实处，纠治四风，反对“十条”。", "以上十条，这两个维护，十四风。"))
    assert f[["doc_id", "surface"]].values.tolist() == [["d0", "两个维护"], ["d0", "四风"], ["d1", "两个维护"], ["d1", "四风"],
                                                        ["d1", "十条"]]
    assert set(f.loc[f["doc_id"] == "d1", "form"]) == {"counted", "bare"}


def test_each_formula_has_its_kind_plan_double_numbered_or_numeric():
    f = D.formulae(frame("制定“十四五”规划，形成双循环，落实双拥双创，坚持一国两制和一核双驱，健全“1+N”政策体系。"))
    assert dict(zip(f["surface"], f["kind"])) == {"十四五": "plan", "双循环": "double", "双拥双创": "double", "一国两制": "numbered",
                                                  "一核双驱": "numbered", "1+N": "numeric"}  # fmt: skip
    assert set(f["kind"]) <= set(D.formulas_models.FORMULA_KINDS)


def test_a_plan_is_numbered_by_its_ordinal_and_counts_nothing():
    f = D.formulae(frame("实施“十四五”规划，完成九五计划，执行第六个五年计划。")).set_index("surface")
    assert f.loc["十四五", "numbers"] == "十四" and f.loc["十四五", "total"] == 14 and f.loc["十四五", "head"] == "五年规划"
    assert f.loc["第六个五年计划", "numbers"] == "六" and f.loc["第六个五年计划", "kind"] == "plan"
    assert f.loc["九五", "numbers"] == "九" and f.loc["九五", "members"] == ""


def test_plan_names_survive_the_number_filter_of_tokenization():
    texts = ["制定“十四五”规划，完成十三五规划目标。", "十一五期间，实施“九五”计划，用了十五年。"]
    tokens = corpus.tokens(corpus.paragraphs(frame(*texts)), config=TokenConfig())["token"].tolist()
    assert {"十四五", "十三五", "十一五", "九五"} <= set(tokens)
    assert not P.is_number_word("十四五") and P.is_number_word("十五") and P.is_number_word("一九九五年")


# --------------------------------------------------------------------------- the blind gold standard on the CPC reports

GOLD = Path(__file__).resolve().parent / "fixtures" / "cpc_gold"


def _raw_spans(loaded: corpus.Corpus, found: pd.DataFrame) -> pd.DataFrame:
    """The rows of a formulae table with their span in each document's raw file text (the gold's offsets), via ``raw_offsets``."""
    docs = loaded.documents()
    points = {d: list(zip(flat[::2], flat[1::2])) for d, flat in zip(docs["doc_id"], docs["raw_offsets"])}
    raw = dict(zip(docs["doc_id"], docs["raw"]))
    out = found.copy()
    out["raw_start"] = [raw_position(points[d], s) for d, s in zip(found["doc_id"], found["start"])]
    out["raw_end"] = [raw_position(points[d], e) for d, e in zip(found["doc_id"], found["end"])]
    out["raw_surface"] = [raw[d][s:e] for d, s, e in zip(out["doc_id"], out["raw_start"], out["raw_end"])]
    return out


def _overlapping(spans: pd.DataFrame, found: pd.DataFrame) -> list[bool]:
    """For each gold span (doc_id, start, end), whether a found formula's raw span overlaps it."""
    by_doc = {d: list(zip(g["raw_start"], g["raw_end"])) for d, g in found.groupby("doc_id")}
    return [any(s < e2 and s2 < e for s2, e2 in by_doc.get(d, [])) for d, s, e in zip(spans["doc_id"], spans["start"], spans["end"])]


@pytest.fixture(scope="module")
def cpc_gold(cpc_corpus):
    if not (GOLD / "formulae.csv").is_file():
        pytest.skip(f"the CPC gold standard is not at {GOLD}")
    gold = {name: pd.read_csv(GOLD / f"{name}.csv", dtype={"doc_id": str}) for name in ("formulae", "lookalikes", "regions")}
    found = _raw_spans(cpc_corpus, D.formulae(corpus.paragraphs(cpc_corpus)))
    return gold, found


def _in_regions(found: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """The found formulae whose raw span lies inside a region the annotator read in full."""
    inside = [any(d == r.doc_id and r.start <= s and e <= r.end for r in regions.itertuples())
              for d, s, e in zip(found["doc_id"], found["raw_start"], found["raw_end"])]  # fmt: skip
    return found[inside]


def test_formulae_reach_the_targets_on_the_blind_cpc_gold_standard(cpc_gold):
    """Recall ≥ 0.9 (a gold formula counts as found where a found formula overlaps it; exact spans printed) and
    precision ≥ 0.9 inside the regions read in full (a found formula that overlaps no gold formula is a false hit)."""
    gold, found = cpc_gold
    found = _in_regions(found, gold["regions"])
    formulae = gold["formulae"]
    hit = pd.Series(_overlapping(formulae, found))
    exact = {(d, s, e) for d, s, e in zip(found["doc_id"], found["raw_start"], found["raw_end"])}
    exact_hit = [(d, s, e) in exact for d, s, e in zip(formulae["doc_id"], formulae["start"], formulae["end"])]
    spans = pd.DataFrame({"doc_id": found["doc_id"], "start": found["raw_start"], "end": found["raw_end"]})
    true = pd.Series(_overlapping(spans, formulae.rename(columns={"start": "raw_start", "end": "raw_end"})))
    print(f"formulae: recall {hit.mean():.3f} (exact span {sum(exact_hit) / len(formulae):.3f}) of {len(formulae)}, "
          f"precision {true.mean():.3f} of {len(found)}; missed: {formulae.loc[~hit.values, 'surface'].tolist()}")  # fmt: skip
    assert hit.mean() >= 0.9 and true.mean() >= 0.9


def test_no_look_alike_of_the_blind_cpc_gold_standard_is_a_formula(cpc_gold):
    """Counts in prose, quantities, ordinals, dates, durations and idioms the annotator listed; the ones the annotator
    marked AMBIGUOUS (和平和发展两大主题: items named right there, yet a phrase of the period) are reported, not failed."""
    gold, found = cpc_gold
    looks = gold["lookalikes"]
    matched = looks[_overlapping(looks, found)]
    ambiguous = matched["note"].fillna("").str.startswith("AMBIGUOUS")
    print(f"look-alikes matched: {matched['surface'].tolist()} of {len(looks)} ({int(ambiguous.sum())} marked ambiguous)")
    assert matched.loc[~ambiguous, "surface"].tolist() == []


# --------------------------------------------------------------------------- members: only where the text says they are its items


@pytest.mark.parametrize(
    "text, formula, expected",
    [
        # a list right before it, with what points back at it (CPC 1997, 2012)
        ("实现推进现代化建设、完成祖国统一、维护世界和平与促进共同发展这三大历史任务。", "三大历史任务",
         ["现代化建设", "完成祖国统一", "维护世界和平与促进共同发展"]),
        # items announced by a colon, each a clause with 和 inside and its 一个是 (CPC 2002)
        ("中华民族面对着两大历史任务：一个是求得民族独立和人民解放；一个是实现国家繁荣富强和人民共同富裕。", "两大历史任务",
         ["求得民族独立和人民解放", "实现国家繁荣富强和人民共同富裕"]),
        # the first item's long modifier goes (CPC 1973: …创造的老、中、青“三结合”)
        ("各地推广群众在实践中创造的甲、乙、丙三结合的经验。", "三结合", ["甲", "乙", "丙"]),
        # instances in the next clause, named as such by 等 (invented)
        ("依托“三级联动”机制，整合公安、司法、信访等力量。", "三级联动", ["公安", "司法", "信访"]),
        # another list after it in its sentence is another subject (CPC 2017 and 1992 usage)
        ("协调推进“四个全面”战略布局，提高党把方向、谋大局、定政策、促改革的能力和定力。", "四个全面", []),
        ("按照“一国两制”的原则，甲方、乙方已就解决两地问题达成协议。", "一国两制", []),
        # the formula is itself the last item of a list (CPC 2007)
        ("深入学习马克思列宁主义、毛泽东思想、邓小平理论和“三个代表”重要思想。", "三个代表", []),
        # a list of attributes before it (CPC 2022), a quantifier before it (CPC 1978), a heading's number (CPC 2022)
        ("我们经历了对党和人民事业具有重大现实意义和深远历史意义的三件大事。", "三件大事", []),
        ("执行以农业为基础的方针和一系列两条腿走路的政策。", "两条腿走路", []),
        ("十三、坚持和完善“一国两制”，推进祖国统一", "一国两制", []),
    ],
)
def test_members_are_read_only_where_the_text_says_they_are_the_formulas_items(text, formula, expected):
    start = text.index(formula)
    values = [P.cn_int(n.replace("双", "两")) or 0 for n in P.formula_numbers(formula)]
    assert D.formula_members(text, start, start + len(formula), values) == expected


def test_on_the_cpc_reports_formulae_never_defined_there_get_no_members(cpc_corpus):
    """一国两制, 四个全面, 三个代表 and 两个大局 are named, never spelled out, in the reports: any members found were another list."""
    f = D.formulae(corpus.paragraphs(cpc_corpus))
    named_only = f[f["surface"].isin(["一国两制", "四个全面", "三个代表", "两个大局", "两学一做"])]
    assert len(named_only) > 40
    assert named_only.loc[named_only["members"] != "", "surface"].tolist() == []
