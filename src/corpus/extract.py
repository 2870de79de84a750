"""Text out of files that are not plain text: web pages, PDF and Word files, news-record dumps.

Each format goes through a maintained extractor: web pages through trafilatura (main
content, without navigation, scripts, styles, share bars and footers; title, date, author
and site as metadata), PDF through pdfplumber (text layer, one form feed between pages),
Word through python-docx (paragraphs and table rows in document order). News-record dumps
(``<doc><url>…</url><docno>…</docno><contenttitle>…</contenttitle><content>…</content></doc>``,
the SogouCS/SogouCA layout) have no maintained parser; :func:`parse_records` is a small,
tolerant one, and a dump is recognised by its content whatever its suffix.

Each function takes the file's bytes (or decoded text) and returns an :class:`Extracted`;
a file that yields no text raises :class:`ExtractError` with the reason (a scanned PDF
without a text layer, an encrypted PDF, a page with no main content), which the reader
turns into a row of ``problems``.
"""

from __future__ import annotations

import datetime
import io as _io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from importlib.metadata import version
from typing import TYPE_CHECKING

from .decode import ReadError

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: Suffixes (lower case) of files this module extracts text from.
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
PDF_SUFFIXES = (".pdf",)
DOCX_SUFFIXES = (".docx",)
#: Formats that are recognised but not read, with what to do instead.
CONVERT_FIRST = {
    ".doc": "a Word 97-2003 file: save it as .docx (Word, WPS) or convert it, e.g. `soffice --headless --convert-to docx FILE`",
    ".wps": "a WPS Office file: save it as .docx from WPS, or convert it with `soffice --headless --convert-to docx FILE`",
    ".ofd": "an OFD file (the Chinese fixed-layout format): export it to PDF from an OFD reader, then load the PDF",
    ".rtf": "a Rich Text file: save it as .docx or .txt",
}


class ExtractError(ReadError):
    """A file of a supported format from which no text can be had (a scanned PDF, an encrypted one, a page with no main text)."""


@dataclass(frozen=True)
class Extracted:
    """A file's text as its extractor gives it, the metadata found beside the text, and who extracted it."""

    text: str
    #: Column → value (title, date, author, site, url, a disclosure table's issuer, document_number … :data:`DISCLOSURE_LABELS`);
    #: empty values left out.
    metadata: dict[str, str] = field(default_factory=dict)
    #: The extractor and its version, as the audit records it (``trafilatura 2.3.1``).
    extractor: str = ""
    #: What is amiss in the text given (pages without text, glyphs without a character), for the audit to flag.
    notes: tuple[str, ...] = ()


@lru_cache(maxsize=None)
def extractor_name(package: str) -> str:
    """``package version``, the extractor as the audit names it."""
    return f"{package} {version(package)}"


# --------------------------------------------------------------------------- web pages

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in a ``<meta>`` tag of its first 4 KB, as a Python codec name (GBK family → gb18030).

    >>> declared_charset(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=GB2312">')
    'gb18030'
    >>> declared_charset(b"<p>no declaration</p>") is None
    True
    """
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower().replace("_", "-")
    if name in ("gb2312", "gbk", "cp936", "x-gbk", "gb18030", "euc-cn"):
        return "gb18030"
    if name in ("big5", "big5-hkscs", "x-x-big5"):
        return "cp950" if name != "big5-hkscs" else "big5hkscs"
    try:
        import codecs

        return codecs.lookup(name).name
    except LookupError:
        return None


def extract_html(page: str) -> Extracted:
    """The main text of a web page (trafilatura), with its title as the first line, and its metadata.

    The title opens the text, as in a plain-text scrape, so that cleaning treats both alike; so
    does the page's line of labelled fields (来源：… 作者：…) where trafilatura left it out, for
    cleaning to take source, author and editor from. What a browser does not show (``hidden``,
    ``display:none``, ``visibility:hidden``) is left out. Tables are left out of the main text
    (``include_tables=False``): Chinese portals lay whole pages out in tables, and with tables in,
    the navigation comes back. A government page's information-disclosure table (索引号, 发文机关, 成文日期,
    发文字号 …) is left out of the text and gives its fields as metadata (:func:`disclosure_fields`).
    ``date`` is the date of publication: the table's 发布日期, else the one the page's markup declares
    (htmldate without its free-text search, which reads 2021年11月8日 as 2021-01-01), else a labelled
    date in the page's text (发布时间：2021年11月8日), else one opening a short line right under the
    headline, else one a script holds (WeChat's ``var ct``), else one in the page's own address
    (.../202305/t20230517_1.html), else the table's 成文日期 (also kept as ``written_date``), parsed by
    :func:`corpus.dates.parse_date`; ``author`` is trafilatura's, else the page's
    ``<meta name="author">`` (trafilatura drops Chinese names). Raises :class:`ExtractError` for
    a page with no main content, or one that says it is an error or deleted page (:func:`error_page_phrase`).

    >>> page = ("<html><head><title>关于加强基层治理的通知_政务公开_某县政府网</title></head><body>"
    ...         "<div class='nav'><a href='/'>首页</a> <a href='/news'>新闻</a></div>"
    ...         "<article><h1>关于加强基层治理的通知</h1><p>发布时间：2021年11月8日</p><p>各区县：为全面建成小康社会，"
    ...         "现就加强基层治理工作通知如下，请结合实际认真贯彻执行，确保各项任务落到实处。</p></article></body></html>")
    >>> got = extract_html(page)
    >>> got.text.splitlines()[0], got.metadata["title"], got.metadata["date"]
    ('关于加强基层治理的通知', '关于加强基层治理的通知', '2021-11-08')
    """
    import trafilatura

    try:
        tree = visible_tree(page)
        disclosed, body = disclosure_fields(tree) if tree is not None else ({}, None)
        found = None if tree is None else trafilatura.bare_extraction(
            body, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"original_date": True, "extensive_search": False})  # fmt: skip
    except (ValueError, TypeError, RecursionError, AttributeError, IndexError, KeyError) as exc:  # a page lxml or trafilatura cannot take
        raise ExtractError("unreadable page", f"trafilatura could not read the page ({type(exc).__name__}: {exc})") from None
    if tree is None or found is None or not (found.text or "").strip():
        raise ExtractError("no main text", "trafilatura found no main content in the page (a list page, a frame set or an empty page?)")
    links = _links(tree)
    text, menus = _without_menus(found.text.strip(), {words for words, _ in links})
    if not text:
        raise ExtractError("no main text", "trafilatura found nothing in the page but its menus (a list or index page?)")
    if listed := _link_lines(text, [words for words, _ in links]):
        raise ExtractError("list page", f"{listed} of the page's {len(text.splitlines())} lines are the titles of links (with their "
                                        "dates): a list of other pages, not an article (load the pages it links to)")  # fmt: skip
    text, attached = _with_attachments(text, links, _labelled_attachments(tree))
    visible = visible_lines(tree)
    title = page_title(found.title or "", visible) or disclosed.get("title", "")
    phrase = error_page_phrase(f"{title}\n{text}")
    if phrase:
        raise ExtractError("error page", f"the page says “{phrase}” and holds little else: an error or deleted-item page "
                                         "saved in place of an article (fetch it again, or leave it out)")  # fmt: skip
    if (linked := _linked_document(tree)) and len("".join(text.replace(title, "", 1).split())) < LINKED_ONLY_CHARS:
        raise ExtractError("linked document only", f"the page holds little but a link to or a viewer of {linked}: fetch that "
                                                   "file and load it instead")  # fmt: skip
    fields = fields_line(visible, text)
    if fields:
        text = f"{fields}\n{text}"
    if credit := closing_credit(visible, text):
        text = f"{text}\n{credit}"
    if title and not text.startswith(title):
        text = f"{title}\n{text}"
    date = (disclosed.get("date") or found.date or labelled_date(visible) or date_under_title(visible, title) or script_date(tree)
            or address_date(tree, found.url) or disclosed.get("written_date"))  # fmt: skip
    metadata = {"title": title, "subtitle": page_subtitle(tree, title, text), "date": date,
                "author": found.author or meta_content(tree, "author"),
                "site": account_name(tree) or found.sitename or meta_content(tree, "SiteName"), "url": found.url,
                **{k: v for k, v in disclosed.items() if k not in ("title", "date")}}  # fmt: skip
    notes = (f"{len(menus)} line(s) of menu links left out of the page's text: {' / '.join(menus)[:200]}",) if menus else ()
    if attached:
        notes += (f"{len(attached)} attachment name(s) trafilatura left out put back under 附件：{' / '.join(attached)[:200]}",)
    if any(words in ("下一页", "下页") for words, _ in links):
        notes += ("the page links a next page (下一页): the article may go on there; load its other pages too",)
    return Extracted(text, {k: v.strip() for k, v in metadata.items() if v and v.strip()}, extractor_name("trafilatura"), notes)


#: A line of a list page: what is left of it without its links' titles and dates is at most this share of it.
_LIST_LINE_REST = 0.25
#: A page is a list of other pages where at least this many of its lines, holding this share of its characters, are links.
LIST_PAGE_LINES, LIST_PAGE_SHARE = 5, 0.6
_LIST_DATE = re.compile(r"[\[(（【]?\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?[\])）】]?|[\s|｜·•>»]+")


def _links(tree: HtmlElement) -> list[tuple[str, str]]:
    """The page's links in order: the words each shows (spaces made one) and its address."""
    return [(" ".join(a.text_content().split()), a.get("href") or "") for a in tree.iter("a")]


def _link_lines(text: str, link_words: list[str]) -> int:
    """How many lines of ``text`` are the titles of links with their dates, where they make it a list page (else 0)."""
    titles = sorted({t for t in link_words if len(t) >= 4}, key=len, reverse=True)
    if not titles:
        return 0
    lines = [line for line in text.splitlines() if line.strip()]
    listed = chars = 0
    for line in lines:
        rest = line
        for title in titles:
            if title in rest:
                rest = rest.replace(title, "")
        if len(_LIST_DATE.sub("", rest)) <= _LIST_LINE_REST * len(line.strip()):
            listed, chars = listed + 1, chars + len(line)
    total = sum(map(len, lines))
    return listed if listed >= LIST_PAGE_LINES and chars >= LIST_PAGE_SHARE * total else 0


#: What names a file a page offers for download: its suffix, in a link's text or address.
_ATTACHMENT = re.compile(r"\.(?:docx?|xlsx?|pptx?|wps|et|pdf|ofd|zip|rar|7z|ceb)(?:$|[?#])", re.I)
_ATTACHMENT_HEAD = re.compile(r"^\s*附件\s*[:：]?\s*$", re.M)


def _with_attachments(text: str, links: list[tuple[str, str]], labelled: list[str] = ()) -> tuple[str, list[str]]:
    """The text with the names of the page's attachment links put back under a ``附件：`` line that trafilatura left bare,
    or, where it dropped that line too, under a ``附件：`` line added at the end (``labelled``: :func:`_labelled_attachments`).

    trafilatura drops paragraphs that are nothing but a link, depending on the length of the rest of the page:
    a notice lost the list of the documents it issues (1.项目申报书.docx …), its 附件： line left standing alone, or
    the whole line where the label and the link shared it (<p>附件：<a>实施方案.docx</a></p>).
    """
    head = _ATTACHMENT_HEAD.search(text)
    if head is None:
        missing = [name for name in dict.fromkeys(labelled) if name not in text]
        return (f"{text}\n附件：" + "".join(f"\n{name}" for name in missing), missing) if missing else (text, [])
    names = [name for name, href in links if name and (_ATTACHMENT.search(name) or _ATTACHMENT.search(href))]
    missing = [name for name in dict.fromkeys(names) if name not in text]
    if not missing:
        return text, []
    return text[: head.end()] + "".join(f"\n{name}" for name in missing) + text[head.end() :], missing


def _labelled_attachments(tree: HtmlElement) -> list[str]:
    """The names of the attachment links (a file's suffix in the name or the address) whose block opens with 附件：
    (<p>附件：<a>1.实施方案.docx</a></p>, or a list under it), in the page's order."""
    names = []
    for a in tree.iter("a"):
        name = " ".join(a.text_content().split())
        if not name or not (_ATTACHMENT.search(name) or _ATTACHMENT.search(a.get("href") or "")):
            continue
        block = next((el for el in a.iterancestors() if el.tag not in ("span", "font", "b", "strong", "em", "i", "u")), None)
        while block is not None and block.tag in ("li", "ul", "ol") and block.getparent() is not None:
            block = block.getparent()  # a list of attachments under a label
        if block is not None and _ATTACHMENT_LABEL.match(block.text_content()):
            names.append(name)
    return names


_ATTACHMENT_LABEL = re.compile(r"\s*附\s*件\s*[:：]")


#: Fewer characters than this beside the title, and a link to or a viewer of a document file: the page is that file's wrapper.
LINKED_ONLY_CHARS = 40


def _linked_document(tree: HtmlElement) -> str | None:
    """The address of the document file a page shows in a viewer (iframe, embed, object) or offers by a bare download
    link (点击下载), None where it has none (a link named after its document is an attachment of the text)."""
    for el in tree.iter("iframe", "embed", "object", "a"):
        address = el.get("src") or el.get("data") or el.get("href") or ""
        widget = el.tag != "a" or "".join(el.text_content().split()) in _DOWNLOAD_WORDS
        if widget and _ATTACHMENT.search(address):
            return address
    return None


_DOWNLOAD_WORDS = frozenset("点击下载 下载 下载附件 附件下载 原文下载 下载原文 点击查看 查看原文 查看全文 点击浏览 在线浏览 PDF下载 下载PDF".split())


#: The most characters a line of a menu holds (首页, 政务公开, 办事服务: a link's words, not a sentence).
MENU_LINE_CHARS = 12


def _without_menus(text: str, links: set[str]) -> tuple[str, list[str]]:
    """The text without the menus trafilatura kept from a page laid out in tables: lines that are each the whole text of
    a link (of at most :data:`MENU_LINE_CHARS` characters) before the article, and runs of three or more at its end.

    An old portal's navigation bar and column list sit in the same layout tables as its article; an
    article's own lines are sentences, and a link at its end that names an attachment is long.
    """
    lines = text.splitlines()

    def menu(line: str) -> bool:  # a link's words, or the separators between the links of a bar (首页 | 政务公开)
        words = " ".join(line.split())
        return (0 < len(words) <= MENU_LINE_CHARS and words in links) or not words.strip("|｜/·•-—>»")

    first = next((k for k, line in enumerate(lines) if not menu(line)), len(lines))
    last = next((k for k in range(len(lines), first, -1) if not menu(lines[k - 1])), first)
    last = last if len(lines) - last >= 3 else len(lines)
    gone = [" ".join(line.split()) for line in [*lines[:first], *lines[last:]]]
    return "\n".join(lines[first:last]).strip(), [words for words in gone if words.strip("|｜/·•-—>»")]


def visible_tree(page: str) -> HtmlElement | None:
    """A page parsed as trafilatura parses it (``lxml.html``), without the elements a browser does not show; None if it is no page.

    Hidden share blurbs, mobile notices and keyword blocks (``hidden``, ``display:none``,
    ``visibility:hidden`` inline) are common on Chinese portals and WeChat pages, and trafilatura keeps them.
    A hidden element that holds more than half of the page's text stays: it is the article, shown by a
    script the saved page never ran (a WeChat article saved as fetched hides its whole body, ``#js_content``).

    >>> tree = visible_tree("<html><body><div style='DISPLAY: none'>扫码关注</div><p hidden>手机版</p><p>正文</p></body></html>")
    >>> tree.text_content()
    '正文'
    """
    from trafilatura import load_html

    tree = load_html(page)
    if tree is not None:
        shown = None
        for el in tree.xpath("//*[@hidden or @style]"):
            if _hidden(el) and el.getparent() is not None:  # the root stays: a page hidden whole has no main text
                shown = _text_length(tree) if shown is None else shown
                if 2 * _text_length(el) <= shown:
                    el.drop_tree()
    return tree


def _text_length(el: HtmlElement) -> int:
    """The characters of an element's text outside scripts and styles, spaces left out."""
    return sum(len("".join(t.split())) for t in el.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]"))


#: An inline style that hides an element.
_HIDING_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!\s*important\s*)?(?:;|$)", re.I)


def _hidden(el: HtmlElement) -> bool:
    """Whether an element is hidden by its ``hidden`` attribute or its inline style."""
    return el.get("hidden") is not None or bool(_HIDING_STYLE.search(el.get("style") or ""))


def meta_content(tree: HtmlElement, name: str) -> str | None:
    """The content of a page's ``<meta name=…>`` (the name in any case: gov sites write ``Author``), None where absent or empty."""
    for meta in tree.iter("meta"):
        if (meta.get("name") or "").strip().lower() == name.lower() and (meta.get("content") or "").strip():
            return meta.get("content").strip()
    return None


#: What separates an article's title from the column and site names in a page's <title>.
_TITLE_SEPARATORS = re.compile(r"\s*(?:--|——|_|\||｜|-|—|·)\s*")


#: Elements whose text is one visible line of a page (a heading, a paragraph, a table cell …).
_BLOCKS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "td", "th", "li", "dt", "dd", "span", "font", "strong", "b", "center"])


def visible_lines(page: str | HtmlElement, longest: int = 300) -> list[str]:
    """The short texts a page shows as blocks of their own (headings, cells, paragraphs), scripts, styles and hidden elements left out.

    ``page``: the page's text, or its tree from :func:`visible_tree`.

    >>> visible_lines("<html><body><script>var a;</script><td>首页</td><h1> 关于加强 基层治理的通知 </h1></body></html>")
    ['首页', '关于加强 基层治理的通知']
    """
    root = visible_tree(page) if isinstance(page, str) else page
    if root is None:
        return []
    lines = []
    for el in root.iter(*_BLOCKS):
        text = " ".join("".join(el.xpath(_SHOWN_TEXT)).split())
        if text and len(text) <= longest:
            lines.append(text)
    return lines


#: The text nodes inside an element that a browser shows as text (not those of scripts and styles).
_SHOWN_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"


def page_title(title: str, visible: list[str]) -> str:
    """A page's <title> without the column and site names after it, where the page shows the shorter title as a block.

    >>> page_title("关于加强基层治理的通知_政务公开_某县政府网", ["首页", "关于加强基层治理的通知", "各区县："])
    '关于加强基层治理的通知'
    >>> page_title("十四五规划-纲要", ["正文"])
    '十四五规划-纲要'
    """
    title = " ".join(title.split())
    lines = set(visible)
    cuts = [m.start() for m in _TITLE_SEPARATORS.finditer(title)]
    for cut in cuts:  # the shortest head that the page shows as a line of its own
        if title[:cut].strip() in lines and len(title[:cut].strip()) >= 4:
            return title[:cut].strip()
    return title


#: A field label opens a line or follows a space or a bracket: 当前日期 (a top bar's today) and 资金来源 are no labels.
_LABEL_START = r"(?:^|(?<=[\s|｜丨】\]]))"
_LABELLED_DATE = re.compile(_LABEL_START + r"(?:发布时间|发布日期|发文日期|成文日期|发表时间|时间|日期)\s*[:：]\s*([0-9０-９]{4}[^\n]{0,16})", re.M)


def labelled_date(visible: list[str]) -> str | None:
    """The first date a page shows after a label (发布时间：, 日期：), as ISO; None if there is none.

    >>> labelled_date(["首页", "发布时间：2021年11月8日　来源：县政府办"]), labelled_date(["正文"]) is None
    ('2021-11-08', True)
    >>> labelled_date(["当前日期：2024年06月01日 星期六", "发布时间：2021-03-02"])
    '2021-03-02'
    """
    from .dates import parse_date

    for m in _LABELLED_DATE.finditer("\n".join(visible)):
        value = re.match(r"[0-9０-９]{4}\s*[-/.年]\s*[0-9０-９]{1,2}(?:\s*[-/.月]\s*[0-9０-９]{1,2}\s*日?)?", m.group(1))
        parsed = parse_date(value.group()) if value else None
        if parsed:
            return parsed
    return None


#: An editor's credit closing a page, in brackets or not: (责编：李佳、赵明), 责任编辑：周晓晴.
_CLOSING_CREDIT = re.compile(r"^[（(【\[]?\s*(?:责任编辑|责编|编辑)\s*[:：]\s*[^\s（）()【】\[\]。，、,]{2,20}"
                             r"(?:[、，,\s]+[^\s（）()【】\[\]。，、,]{2,10})*\s*[）)】\]]?$")  # names: no separator inside one


def closing_credit(visible: list[str], text: str) -> str | None:
    """The editor's credit a page shows after its article ((责编：李佳、赵明)) where the extracted text lacks it, else None.

    trafilatura leaves it out with the page's furniture; put back at the end, cleaning's trailer step
    reads the editor from it and removes it, as in a plain-text scrape.

    >>> closing_credit(["让乡村治理更有温度", "正文……", "(责编：李佳、赵明)"], "正文……")
    '(责编：李佳、赵明)'
    """
    flat = "".join(text.split())
    found = [line for line in visible if _CLOSING_CREDIT.match(line)]
    return found[-1] if found and "".join(found[-1].split()) not in flat else None


#: How many of the lines a page shows right after its headline are read for a date without a label.
DATE_UNDER_TITLE_LINES = 3
_LEADING_DATE = re.compile(r"[0-9０-９]{4}\s*[-/.年]\s*[0-9０-９]{1,2}\s*[-/.月]\s*[0-9０-９]{1,2}\s*日?")


#: What names a subtitle element in a page's markup (副标题: fbt, subtitle, sub-title, vice_title).
_SUBTITLE_MARK = re.compile(r"sub-?title|subhead|vice.?title|fu.?title|\bfbt\b|\byt\b", re.I)
#: How many elements after the headline a subtitle is looked for in.
SUBTITLE_REACH = 6


def page_subtitle(tree: HtmlElement, title: str, text: str) -> str | None:
    """The subtitle a page sets right under its headline (an h2-h6, or an element marked as one) where the main text
    left it out (trafilatura keeps the article body, not the heading block around it); None.

    >>> from lxml import html
    >>> page = html.fromstring("<div><h1>某市召开农村工作会议</h1><h2>部署全年乡村振兴重点任务</h2><p>发布时间：2021-03-05</p>"
    ...                        "<div><p>正文</p></div></div>")
    >>> page_subtitle(page, "某市召开农村工作会议", "正文"), page_subtitle(page, "某市召开农村工作会议", "部署全年乡村振兴重点任务\\n正文")
    ('部署全年乡村振兴重点任务', None)
    """
    if not title:
        return None
    flat = "".join(title.split())
    heads = [el for el in tree.iter("h1", "h2", "h3") if "".join(el.text_content().split()) == flat]
    if not heads:
        return None
    for el in heads[0].xpath(f"following::*[position() <= {SUBTITLE_REACH}]"):
        marked = el.tag in ("h2", "h3", "h4", "h5", "h6") or _SUBTITLE_MARK.search(f"{el.get('class', '')} {el.get('id', '')}")
        words = " ".join(el.text_content().split())
        if not marked or not 4 <= len(words) <= 80 or words[-1] in "。；：:，," or _FIELD_LABEL.search(words) \
                or _LABELLED_DATE.search(words) or "".join(words.split()) in "".join(text.split()):  # fmt: skip
            continue
        return words
    return None


def date_under_title(visible: list[str], title: str) -> str | None:
    """The date a short line right under the page's headline opens with, as ISO (2023年05月19日 星期五　记者 陈嘉欣); None.

    Many news pages set the date under the headline with no label; trafilatura leaves the line out.

    >>> date_under_title(["首页", "旧屋邨加装升降机", "2023年05月19日 星期五 记者 陈嘉欣", "正文"], "旧屋邨加装升降机")
    '2023-05-19'
    >>> date_under_title(["旧屋邨加装升降机", "正文" * 61, "2023年05月19日"], "旧屋邨加装升降机") is None  # after the body began
    True
    """
    from .dates import parse_date

    if title not in visible:
        return None
    at = visible.index(title)
    for line in visible[at + 1 : at + 1 + DATE_UNDER_TITLE_LINES]:
        if len(line) <= FIELDS_LINE_MAX and (m := _LEADING_DATE.match(line)):
            return parse_date(m.group())
        if len(line) > FIELDS_LINE_MAX:  # the body has begun
            return None
    return None


#: A source or author label with its value's first character: what marks a page's line of labelled fields.
_FIELD_LABEL = re.compile(_LABEL_START + r"(?:文章来源|信息来源|稿件来源|来源|作者)\s*[:：]\s*[^\s【\[|｜]")
#: A line of labelled fields is short; a longer block holds more than that line.
FIELDS_LINE_MAX = 120
#: Where a line of labelled fields ends: at the counters and widgets after it (浏览次数：386, 【字体：大 中 小】).
_FIELDS_END = re.compile(r"\s*(?:浏览次数|浏览量|点击数|点击量|点击率|阅读量|阅读数|阅读次数|访问量|访问次数|字号|字体|【|\[)")


def fields_line(visible: list[str], text: str) -> str | None:
    """The line of labelled fields a page shows (发布时间：… 来源：… 作者：…) where the extracted text lacks it, else None.

    trafilatura usually leaves this line out of the main text; put back in front of the text,
    it is read by cleaning's header step, as in a plain-text scrape. Of the blocks that hold a
    source or author label, the one that holds the most labels (a page may set each field in a
    span of its own inside the line), then the shortest (the innermost) is the line, up to the
    counters and widgets after the fields (:data:`_FIELDS_END`).

    >>> fields_line(["首页", "发布时间：2021-03-02 来源：区委组织部 浏览次数：386", "正文……"], "正文……")
    '发布时间：2021-03-02 来源：区委组织部'
    >>> fields_line(["来源：区委组织部"], "来源：区委组织部\\n正文……") is None, fields_line(["资金来源：财政拨款"], "正文") is None
    (True, True)
    >>> fields_line(["发布时间：2023-04-07 来源：省公安厅 作者：韩冰", "来源：省公安厅", "作者：韩冰"], "正文……")
    '发布时间：2023-04-07 来源：省公安厅 作者：韩冰'
    """
    lines = [line for line in visible if len(line) <= FIELDS_LINE_MAX and _FIELD_LABEL.search(line)]
    if not lines:
        return None
    line = min(lines, key=lambda line: (-len(_FIELD_LABEL.findall(line)), len(line)))
    label = _FIELD_LABEL.search(line)
    end = _FIELDS_END.search(line, label.end())
    line = line[: end.start()] if end else line
    kept = "".join(line[label.start() :].split())[:12]  # the label and its value: trafilatura may have kept them on lines of their own
    return None if kept in "".join(text.split()) else line


#: The labels of a government page's information-disclosure table (政府信息公开: 索引号, 发文机关, 成文日期 …) and the
#: metadata column each fills; None: a label of the table whose value is not kept (公开方式：主动公开). Of two labels
#: of one column, the first here wins wherever it stands in the table: the organ that issued the document (发文机关)
#: over the office that published the page (发布机构).
DISCLOSURE_LABELS = {
    "索引号": "index_number", "主题分类": "topic_category", "发文机关": "issuer", "制发机关": "issuer", "发文机构": "issuer",
    "发文单位": "issuer", "发布机构": "issuer", "发布机关": "issuer", "发布单位": "issuer", "成文日期": "written_date",
    "发文日期": "written_date", "发文字号": "document_number", "文号": "document_number", "标题": "title",
    "发布日期": "date", "公开日期": "date", "主题词": "keywords", "关键词": "keywords", "有效性": "validity", "时效性": "validity",
    "公开方式": None, "公开范围": None, "公开形式": None, "信息分类": None, "公开类别": None, "体裁分类": None, "组配分类": None,
}  # fmt: skip
#: A table is at least this many of its labels, each next to the last (a page's single 关键词： or 主题词： line is none).
DISCLOSURE_MIN_LABELS = 3
#: The most characters of other text between two of a table's fields (an unknown label with its value, 服务对象：企业).
DISCLOSURE_GAP = 30
#: The longest value a table's field has (a long title); a longer text beside a label is the article.
DISCLOSURE_VALUE_CHARS = 200
# A label opening a text or following a space, spaced out or not (索 引 号, 标　　题), or another short word, and its colon.
_DISCLOSURE_FIELD = re.compile(r"(?:^|(?<=\s))(" + "|".join(r"\s*".join(label) for label in sorted(DISCLOSURE_LABELS, key=len, reverse=True))
                               + r"|[\u3400-\u9fff]{2,6})\s*[:：]\s*")  # fmt: skip
# Elements that lay out blocks: a label or a label：value text has none inside it.
_LAYOUT_TAGS = ("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tbody", "thead", "tr", "td", "th", "section", "article",
                "h1", "h2", "h3", "h4", "h5", "h6", "form", "iframe")  # fmt: skip


def disclosure_fields(page: HtmlElement) -> tuple[dict[str, str], HtmlElement]:
    """The fields of a government page's information-disclosure table (索引号, 发文机关, 成文日期, 发文字号 …) as metadata
    (:data:`DISCLOSURE_LABELS`; dates in ISO, empty fields left out), and the page without the table, for its text.

    The table sits above or under the title of a policy page (国务院政策文件库, 政府信息公开), in table cells, in spans or
    in lines of ``label：value``; its labels are spaced out or not, with a colon or in a cell of their own. It is a run of
    at least :data:`DISCLOSURE_MIN_LABELS` labels; a page without one comes back as it is (the same tree).

    >>> from lxml.html import fromstring
    >>> page = fromstring("<html><body><table><tr><td>索 引 号：</td><td>000014349/2023-00158</td><td>发文字号：</td>"
    ...                   "<td>某政发〔2023〕9号</td></tr><tr><td>成文日期：</td><td>2023年06月12日</td></tr></table>"
    ...                   "<p>各区人民政府：现将有关事项通知如下。</p></body></html>")
    >>> fields, text = disclosure_fields(page)
    >>> fields, text.text_content()
    ({'index_number': '000014349/2023-00158', 'document_number': '某政发〔2023〕9号', 'written_date': '2023-06-12'}, '各区人民政府：现将有关事项通知如下。')
    """
    import copy

    from .dates import parse_date

    flat = "".join("".join(page.xpath(_SHOWN_TEXT)).split())
    if sum(label in flat for label in DISCLOSURE_LABELS) < DISCLOSURE_MIN_LABELS:
        return {}, page  # most pages: no table, nothing copied
    tree = copy.deepcopy(page)
    run = _disclosure_run(tree, _labelled_elements(tree))
    if not run:
        return {}, page
    rank = {label: k for k, label in enumerate(DISCLOSURE_LABELS)}
    chosen: dict[str, tuple[int, str]] = {}  # column → (its label's rank, value)
    for elements, pairs in run:
        for label, value in pairs:
            column = DISCLOSURE_LABELS[label]
            value = parse_date(value) if column in ("date", "written_date") and value else value
            if column and value and (column not in chosen or rank[label] < chosen[column][0]):
                chosen[column] = (rank[label], value)
        for el in elements:
            el.drop_tree()
    return {column: value for column, (_, value) in chosen.items()}, tree


#: What :func:`_labelled_elements` finds: the elements of one or more fields (a label's cell and its value's), and the fields.
_Labelled = tuple[list["HtmlElement"], list[tuple[str, str]]]


def _labelled_elements(tree: HtmlElement) -> list[_Labelled]:
    """The elements of a page, in its order, that are a disclosure label beside its value's element (<td>索 引 号</td><td>…</td>),
    or that hold ``label：value`` (<p>发文字号：…</p>, several in one: 索引号：… 发文字号：…); none inside another."""
    found: list[_Labelled] = []
    taken: set = set()
    for el in tree.iter():
        if el in taken or not isinstance(el.tag, str) or next(el.iterdescendants(*_LAYOUT_TAGS), None) is not None:
            continue
        text = _shown_words(el)
        label = "".join(text.split()).rstrip(":：")
        if label in DISCLOSURE_LABELS:
            value = next((v for v in el.itersiblings() if isinstance(v.tag, str)), None)
            words = _shown_words(value) if value is not None else ""
            if len(words) > DISCLOSURE_VALUE_CHARS:
                continue
            if "".join(words.split()).rstrip(":：") in DISCLOSURE_LABELS:  # an empty field: the next cell is the next label
                value, words = None, ""
            found.append(([el] if value is None else [el, value], [(label, words)]))
        elif len(text) <= 2 * DISCLOSURE_VALUE_CHARS and (fields := list(_DISCLOSURE_FIELD.finditer(text))) and fields[0].start() == 0:
            ends = [m.start() for m in fields[1:]] + [len(text)]
            pairs = [(name, text[m.end() : end].strip()) for m, end in zip(fields, ends)
                     if (name := "".join(m.group(1).split())) in DISCLOSURE_LABELS]  # fmt: skip
            if not pairs:  # other fields only (来源：…, 浏览次数：…)
                continue
            found.append(([el], pairs))
        else:
            continue
        for kept in found[-1][0]:
            taken.update(kept.iter())
    return found


def _disclosure_run(tree: HtmlElement, found: list[_Labelled]) -> list[_Labelled]:
    """The first run of labelled elements with at most :data:`DISCLOSURE_GAP` characters of other text between each two and at
    least :data:`DISCLOSURE_MIN_LABELS` labels: the table (a 主题词： line closing the article, far below, is none of it)."""
    from lxml import etree

    at, before = {}, 0  # each element's first and last character in the page's shown text, spaces left out
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            at[el] = [before, before]
            shown = isinstance(el.tag, str) and el.tag not in ("script", "style", "noscript", "template")
            before += len("".join((el.text or "").split())) if shown else 0
        else:
            at[el][1] = before
            before += len("".join((el.tail or "").split()))
    runs = [found[:1]]
    for prev, item in zip(found, found[1:]):
        if at[item[0][0]][0] - at[prev[0][-1]][1] <= DISCLOSURE_GAP:
            runs[-1].append(item)
        else:
            runs.append([item])
    return next((run for run in runs if len({label for _, pairs in run for label, _ in pairs}) >= DISCLOSURE_MIN_LABELS), [])


def _shown_words(el: HtmlElement) -> str:
    """An element's shown text, spaces made one, a line break (``<br>``) a space: 索引号：… <br>发文字号：… are two fields."""
    return " ".join("".join(t if isinstance(t, str) else " " for t in el.xpath(f"{_SHOWN_TEXT}|.//br")).split())


#: Phrases of the pages a site serves for an address with no article (not found, deleted, expired).
_ERROR_PAGE = re.compile(r"404\s*not\s*found|not\s*found\s*\(?404|(?:页面|网页)(?:不存在|未找到|找不到|已失效|已删除)|"
                         r"找不到(?:该|此|您要访问的|您访问的)?(?:页面|网页)|已经?被删除|(?:文章|稿件)不存在|链接已失效", re.I)  # fmt: skip
#: Pages with more characters of Chinese text than this are articles, whatever phrase they hold.
ERROR_PAGE_MAX_CHARS = 200


def error_page_phrase(text: str) -> str | None:
    """The phrase that marks a page's text as an error or deleted-item page (页面不存在, 已被删除 …), None if it is none.

    Only a short text counts (at most :data:`ERROR_PAGE_MAX_CHARS` Chinese characters): an
    article that mentions such a phrase is still an article.

    >>> error_page_phrase("提示信息\\n对不起，您要查看的信息已被删除或不存在！\\n返回首页")
    '已被删除'
    >>> error_page_phrase("关于清理过期网页的通知\\n经核查，部分栏目页面不存在或已失效，" + "请各单位认真整改落实。" * 20) is None
    True
    """
    m = _ERROR_PAGE.search(text)
    return m.group() if m and len(_CJK_CHAR.findall(text)) <= ERROR_PAGE_MAX_CHARS else None


_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Dates in the paths content systems give articles: /202305/t20230517_123.html, /2023-05/17/, /20230517/, /2023/05/17/.
_URL_DATE = re.compile(r"/(?:\d{6}/)?t(\d{4})(\d{2})(\d{2})_|/(\d{4})-(\d{2})/(\d{2})/|/(\d{4})(\d{2})(\d{2})/|/(\d{4})/(\d{2})/(\d{2})/")
#: The first year a date in an address may have (official sites date from after 1949).
URL_DATE_FIRST_YEAR = 1949


def url_date(url: str | None) -> str | None:
    """The date in a page's address as ISO: a full, possible date from 1949 to next year, else None.

    >>> url_date("http://www.example.gov.cn/zwgk/202305/t20230517_4412345.html"), url_date("http://example.cn/2023-05/17/c_1.htm")
    ('2023-05-17', '2023-05-17')
    >>> url_date("http://example.cn/20231345/a.html") is None, url_date("http://example.cn/202305/list.html") is None
    (True, True)
    """

    for m in _URL_DATE.finditer(url or ""):
        year, month, day = (int(g) for g in m.groups() if g is not None)
        if not URL_DATE_FIRST_YEAR <= year <= datetime.date.today().year + 1:
            continue
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def address_date(tree: HtmlElement, url: str | None) -> str | None:
    """The date in a page's own address (:func:`url_date`): ``url`` (trafilatura's, from the canonical link), else ``og:url``."""
    og = [m.get("content") for m in tree.iter("meta") if m.get("property") == "og:url"]
    return next((date for date in map(url_date, [url, *og]) if date), None)


#: A publication time a page's script sets and shows (WeChat: ``var ct = "1617254400"``, ``var publish_time = "2021-04-01"``):
#: seconds since 1970 or an ISO date, assigned to one of these names.
_SCRIPT_DATE = re.compile(r"""(?<![\w.])(?:var\s+|let\s+|const\s+)?(?:ct|create_?time|publish_?time|pub_?time|pub_?date)\s*[=:]\s*"""
                          r"""["'](\d{10}|\d{4}-\d{1,2}-\d{1,2})(?:[ T][\d:]{4,8})?["']""", re.I)  # fmt: skip
#: China's time zone: a timestamp's calendar date is the one of the place the page was published.
_BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def script_date(tree: HtmlElement) -> str | None:
    """The publication date a page's script holds (:data:`_SCRIPT_DATE`), as ISO, from 1949 to next year; else None.

    A page saved as fetched, before its scripts ran, shows no date where a script writes one: a
    WeChat article's ``#publish_time`` is empty, its time is ``var ct`` (a timestamp, read in Beijing time).

    >>> from lxml.html import fromstring
    >>> script_date(fromstring('<html><body><p>正文</p><script>var ct = "1617254400";</script></body></html>'))
    '2021-04-01'
    >>> script_date(fromstring('<html><body><script>var publish_time = "2019-10-01" || "";</script></body></html>'))
    '2019-10-01'
    """
    for script in tree.iter("script"):
        for m in _SCRIPT_DATE.finditer(script.text or ""):
            value = m.group(1)
            try:
                day = (datetime.datetime.fromtimestamp(int(value), _BEIJING).date() if value.isdigit()
                       else datetime.date.fromisoformat("-".join(f"{int(x):02d}" for x in value.split("-"))))  # fmt: skip
            except (ValueError, OverflowError):
                continue
            if URL_DATE_FIRST_YEAR <= day.year <= datetime.date.today().year + 1:
                return day.isoformat()
    return None


def account_name(tree: HtmlElement) -> str | None:
    """The name of the WeChat official account that published a page (``#js_name``), None on other pages."""
    names = [" ".join(el.text_content().split()) for el in tree.xpath('//*[@id="js_name"]')]
    return next((name for name in names if name), None)


def looks_like_html(text: str) -> bool:
    """Whether decoded text is a web page (a doctype or an ``<html>`` tag at its start), whatever the file's suffix.

    >>> looks_like_html("<!DOCTYPE html><html><body>…"), looks_like_html("全面建成小康社会")
    (True, False)
    """
    head = text[:1024].lstrip("\ufeff \t\r\n").lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or (head.startswith("<?xml") and "<html" in head)


# --------------------------------------------------------------------------- PDF


def extract_pdf(data: bytes) -> Extracted:
    """The text layer of a PDF (pdfplumber), wrapped lines joined (:func:`page_text`), pages separated by a form feed (``\\f``); ``pages`` as metadata.

    Raises :class:`ExtractError` for a PDF with no text layer (a scan: OCR it first; a page
    number alone is no text, as a scanner's page-numbering stamp gives), an encrypted one, or
    bytes that are not a readable PDF. Where only some pages have no text (scanned pages in a
    text PDF), or some glyphs have no character (``(cid:N)`` placeholders: a heading font
    without a map to Unicode), the text is kept and ``notes`` and the metadata
    (``pages_without_text``: "2, 5"; ``unmapped_glyphs``: their number) say so; so do they where pages are set in
    columns and read column by column (``columns``: "2 on pages 1, 2; 3 on page 4").
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(_io.BytesIO(data)) as pdf:
            page_lines = [_text_lines(page) for page in pdf.pages]
            every_line = [line for lines in page_lines for line in lines]
            margins = _margins(every_line, _char_width(every_line))  # the body's, for pages with little of it
            pages, columns = zip(*(_page_text(page, lines, margins) for page, lines in zip(pdf.pages, page_lines))) if pdf.pages else ((), ())
    except PDFPasswordIncorrect:
        raise ExtractError("encrypted", "the PDF needs a password; save an unprotected copy") from None
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ExtractError("unreadable pdf", f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # pdfminer raises its own classes for damaged files; name the cause, never a traceback
        if type(exc).__module__.split(".")[0] not in ("pdfminer", "pdfplumber", "pypdfium2"):
            raise
        if _caused_by(exc, PDFPasswordIncorrect):  # pdfplumber wraps pdfminer's error in its own
            raise ExtractError("encrypted", "the PDF needs a password; save an unprotected copy") from None
        raise ExtractError("unreadable pdf", f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    if not pages:
        raise ExtractError("no pages", "the PDF has no pages, or a page tree that cannot be followed; open it and save a copy")
    empty = [n for n, page in enumerate(pages, 1) if not page or _PAGE_NUMBER.fullmatch(page)]
    if len(empty) == len(pages):
        raise ExtractError("no text layer", f"a PDF of {len(pages)} page(s) with no text layer (a scan?), a page number at most: "
                                            "run OCR on it first (e.g. ocrmypdf -l chi_sim), then load the result")  # fmt: skip
    text = "\f".join(pages)
    unmapped = len(_CID.findall(text))
    if unmapped > sum(map(len, _CID.sub("", text).split())):  # more glyphs without a character than with one
        raise ExtractError("unmapped font", f"{unmapped} of the text layer's characters are (cid:N) placeholders: its fonts "
                                            "give no map to Unicode, so the text cannot be read from it; run OCR on it first "
                                            "(e.g. ocrmypdf --force-ocr -l chi_sim), then load the result")  # fmt: skip
    metadata, notes = {"pages": str(len(pages))}, []
    if empty:
        metadata["pages_without_text"] = ", ".join(map(str, empty))
        notes.append(f"no text on page(s) {metadata['pages_without_text']} of {len(pages)} (scanned pages?): "
                     "their content is missing; run OCR on the file (e.g. ocrmypdf -l chi_sim) to read them")  # fmt: skip
    set_in: dict[int, list[int]] = {}  # number of columns → the pages set in as many
    for n, k in [(n, k) for n, k in enumerate(columns, 1) if k > 1]:
        set_in.setdefault(k, []).append(n)
    if set_in:
        metadata["columns"] = "; ".join(f"{k} on page{'s' if len(on) > 1 else ''} {', '.join(map(str, on))}" for k, on in sorted(set_in.items()))
        notes.append(f"{sum(map(len, set_in.values()))} of {len(pages)} page(s) set in columns ({metadata['columns']}): read column by "
                     "column, the left first, full-width parts (titles, page numbers) in their place")  # fmt: skip
    if unmapped:
        on = ", ".join(str(n) for n, page in enumerate(pages, 1) if _CID.search(page))
        metadata["unmapped_glyphs"] = str(unmapped)
        notes.append(f"{unmapped} glyph(s) on page(s) {on} are (cid:N) placeholders: their font gives no map to Unicode, "
                     "so those words (often the title and headings) are unreadable; run OCR on the file to read them")  # fmt: skip
    return Extracted(text, metadata, extractor_name("pdfplumber"), tuple(notes))


def page_text(page) -> str:
    """A PDF page's text, one line per paragraph: lines the layout wrapped are joined again by their geometry.

    pdfplumber gives a page's text line by line as set, so a paragraph of an official document
    (GB/T 9704: lines of 28 characters, the first indented by two) comes out as broken lines.
    A line continues the one before it where that one starts at the left margin (or indented) and runs to the right margin (that of
    the lines starting at the left margin: a signature or date set right, past it, moves it not) and this one
    starts at the left margin, not indented, at most one and a half line pitches below it, and is
    no page number; it
    joins without a space between ideographs (with one between words of Latin script). Headings,
    centred and indented lines, the last line of a paragraph (short of the margin) and table
    cells keep their own lines. A part of the page set in columns (:func:`column_parts`: a gazette,
    a newspaper, whose columns' lines pdfplumber joins where they share a baseline) is read column
    by column, left first, each column between its own margins; a paragraph that runs on from the
    foot of one column (a full line) to the top of the next (not indented, in the same font) is joined likewise.
    """
    return _page_text(page)[0]


def _page_text(page, lines: list[dict] | None = None, document_margins: tuple[float, float] | None = None) -> tuple[str, int]:
    """:func:`page_text`, and the most columns a part of the page is set in (1: none).

    ``lines``: the page's text lines, where read already; ``document_margins``: the margins of the whole document's
    running text, for a page that holds too little of its own to show them (a signature and a date alone).
    """
    lines = _text_lines(page) if lines is None else lines
    if len(lines) < 2:
        return "\n".join(line["text"] for line in lines), 1
    char = _char_width(lines)
    left, right = _margins(lines, char, document_margins)
    parts = column_parts(lines, char)
    if parts:  # the rules only where columns were found: making edges of a chart's curves is slow
        parts = column_parts(lines, char, [(e["x0"], e["x1"], e["top"]) for e in page.horizontal_edges if e["x1"] - e["x0"] > char])
    out, at = [], 0
    for start, end, gutters in parts:
        out += [_joined(lines[at:start], left, right, char)] if start > at else []
        bounds, runs_on = [-float("inf"), *((a + b) / 2 for a, b in gutters), float("inf")], False
        for lo, hi in zip(bounds, bounds[1:]):
            keep = {id(c) for line in lines[start:end] for c in line["chars"] if lo <= (c["x0"] + c["x1"]) / 2 < hi}
            column = [line for line in page.filter(lambda obj: id(obj) in keep).extract_text_lines(strip=True) if line["text"]]
            if not column:
                continue
            x0, x1 = _margins(column, char)
            text = _joined(column, x0, x1, char)
            if runs_on == _font(column[0]["chars"][0]) and column[0]["x0"] <= x0 + 0.5 * char:  # a paragraph goes on
                out[-1] += ("" if _WRAP_WITHOUT_SPACE.match(out[-1][-1] + text[0]) else " ") + text
            else:
                out.append(text)
            runs_on = _font(column[-1]["chars"][-1]) if column[-1]["x1"] >= x1 - 1.5 * char else False
        at = end
    out += [_joined(lines[at:], left, right, char)] if at < len(lines) else []
    return "\n".join(out), max((len(gutters) + 1 for _, _, gutters in parts), default=1)


def _text_lines(page) -> list[dict]:
    """A PDF page's lines of text as pdfplumber sets them, blank ones left out."""
    return [line for line in page.extract_text_lines(strip=True) if line["text"]]


def _char_width(lines: list[dict]) -> float:
    """The width of a character: the median over lines of five characters or more."""
    widths = sorted((line["x1"] - line["x0"]) / len(line["text"]) for line in lines if len(line["text"]) >= 5)
    return widths[len(widths) // 2] if widths else 10.0


def _margins(lines: list[dict], char: float, fallback: tuple[float, float] | None = None) -> tuple[float, float]:
    """The left and right margins of a block of lines: where its lines start, and where the lines of running text that
    start there (or indented by two characters, a paragraph's first line) end. A line set apart on the right (a signature
    or a date aligned right, often past the text's margin in a file exported from Word) moves no margin. A block with
    fewer than :data:`_MARGIN_LINES` lines of running text (a page holding a signature and a date) takes ``fallback``
    (the document's margins), else its widest line's end."""
    if not lines:
        return fallback or (0.0, 0.0)
    left = min(line["x0"] for line in lines)
    running = [line["x1"] for line in lines if line["x0"] <= left + _INDENT_CHARS * char and len(line["text"]) >= _RUNNING_CHARS]
    if len(running) < _MARGIN_LINES and fallback is not None:
        return fallback
    return left, max(running or [line["x1"] for line in lines])


#: How far right of the margin a line of running text may start (a paragraph's first line is indented by two characters);
#: a line starting further right (a signature, a date, a centred heading) ends no paragraph line and moves no margin.
_INDENT_CHARS = 2.5
#: A line of running text holds at least this many characters (a column of a newspaper about 12, a 公文's line 28).
_RUNNING_CHARS = 10
#: A block shows its own margins with at least this many lines of running text.
_MARGIN_LINES = 3


def _font(char: dict) -> tuple[str, float]:
    """A character's font and size: a paragraph that runs on into the next column keeps them, a heading there most often not."""
    return char["fontname"], round(char["size"], 1)


def _joined(lines: list[dict], left: float, right: float, char: float) -> str:
    """The lines of one block (a page, a full-width part, a column) between its margins, those the layout wrapped joined."""
    pitches = sorted(b["top"] - a["top"] for a, b in zip(lines, lines[1:]) if b["top"] > a["top"])
    pitch = pitches[len(pitches) // 2] if pitches else 0.0
    out = [lines[0]["text"]]
    for before, line in zip(lines, lines[1:]):
        wrapped = (before["x1"] >= right - 1.5 * char and before["x0"] <= left + _INDENT_CHARS * char and line["x0"] <= left + 0.5 * char
                   and 0 < line["top"] - before["top"] <= 1.5 * pitch and not _PAGE_NUMBER.fullmatch(line["text"]))  # fmt: skip
        if wrapped:
            out[-1] += ("" if _WRAP_WITHOUT_SPACE.match(out[-1][-1] + line["text"][0]) else " ") + line["text"]
        else:
            out.append(line["text"])
    return "\n".join(out)


#: A gutter between columns: an x-band at least this many characters wide that no line of the part crosses.
GUTTER_CHARS = 0.8
#: Each column holds at least this many lines, spans at least this many characters, is at least this share of the widest
#: column's width, and has a sentence mark (，。、；：) in at least this share of its lines and a full line in at least
#: this share: running text, not a table's cells (short, unpunctuated, ragged) or the aligned gaps of a few short lines.
COLUMN_LINES, COLUMN_CHARS, COLUMN_RATIO, COLUMN_MARKED, COLUMN_FULL = 3, 6, 0.5, 0.34, 0.4
_SENTENCE_MARK = re.compile(r"[，。、；：！？,.;:!?]")


def column_parts(lines: list[dict], char: float, rules: list[tuple[float, float, float]] = ()) -> list[tuple[int, int, list]]:
    """The parts of a page set in columns, top to bottom: ``(start, end, gutters)`` where ``lines[start:end]`` (pdfplumber's
    text lines, with their ``chars``) leave the x-bands ``gutters`` clear; [] for a page in one column.

    ``char`` is the width of a character; ``rules`` the page's horizontal rules ``(x0, x1, y)``. A run of lines that share
    clear x-bands is a part in columns where each column holds running text (:func:`_running_text`) and no rule runs
    across its gutters between its lines (a ruled table's rows). Lines standing apart above or below the run (a running
    head, a page number in a corner), and short lines above every column but the first (a full-width paragraph's last
    line), are left to the full-width parts.
    """
    left, right = min(line["x0"] for line in lines), max(line["x1"] for line in lines)
    gaps = [_gaps(line["chars"], left, right, GUTTER_CHARS * char) for line in lines]
    height = sorted(line["bottom"] - line["top"] for line in lines)[len(lines) // 2]
    parts, start = [], 0
    while start < len(lines) - 1:
        clear, end = gaps[start], start + 1
        while end < len(lines) and (common := _common(clear, gaps[end], GUTTER_CHARS * char)):
            clear, end = common, end + 1
        part = _trimmed(lines, start, end, clear, height)
        if part is None:
            start += 1
            continue
        (start, end, gutters), top, bottom = part, lines[part[0]]["top"], lines[part[1] - 1]["top"]
        if any(x0 <= a and b <= x1 and top < y < bottom for x0, x1, y in rules for a, b in gutters):
            start = end  # a ruled table: none of its rows is a part in columns
        elif _running_text(lines[start:end], gutters, char):
            parts.append(part)
            start = end
        else:
            start += 1
    return parts


def _gaps(chars: list[dict], left: float, right: float, least: float) -> list[tuple[float, float]]:
    """The x-bands between ``left`` and ``right`` at least ``least`` wide that a line's characters (but spaces) leave clear."""
    out, at = [], left
    for c in sorted((c for c in chars if c["text"].strip()), key=lambda c: c["x0"]):
        if c["x0"] - at >= least:
            out.append((at, c["x0"]))
        at = max(at, c["x1"])
    return [*out, (at, right)] if right - at >= least else out


def _common(a: list[tuple[float, float]], b: list[tuple[float, float]], least: float) -> list[tuple[float, float]]:
    """The x-bands at least ``least`` wide that two lists of clear x-bands share."""
    return [(max(x0, y0), min(x1, y1)) for x0, x1 in a for y0, y1 in b if min(x1, y1) - max(x0, y0) >= least]


def _trimmed(lines: list[dict], start: int, end: int, clear: list, height: float) -> tuple[int, int, list] | None:
    """``(start, end, gutters)``: a run of lines sharing the clear x-bands ``clear`` without the lines that stand apart
    above or below it or end before its first gutter above its other columns; gutters are the bands with text on both sides."""
    while True:
        gutters = [(a, b) for a, b in clear if any(c["x1"] <= a for line in lines[start:end] for c in line["chars"])
                   and any(c["x0"] >= b for line in lines[start:end] for c in line["chars"])]  # fmt: skip
        if end - start < COLUMN_LINES or not gutters:
            return None
        lowest = list(accumulate((line["bottom"] for line in lines[start:end]), max))
        apart = [k for k in range(start + 1, end) if lines[k]["top"] - lowest[k - start - 1] > 1.5 * height]
        later = min(line["top"] for line in lines[start:end] if line["x1"] > gutters[0][1])
        if apart and apart[0] - start < COLUMN_LINES:
            start = apart[0]
        elif apart and end - apart[-1] < COLUMN_LINES:
            end = apart[-1]
        elif lines[start]["x1"] <= gutters[0][0] and lines[start]["bottom"] < later:
            start += 1
        else:
            return start, end, gutters


def _running_text(lines: list[dict], gutters: list[tuple[float, float]], char: float) -> bool:
    """Whether each column between the ``gutters`` holds running text: enough lines, of similar widths, punctuated, most of
    them full (see :data:`COLUMN_LINES`)."""
    bounds = [-float("inf"), *((a + b) / 2 for a, b in gutters), float("inf")]
    widths = []
    for lo, hi in zip(bounds, bounds[1:]):
        rows = [[c for c in line["chars"] if lo <= (c["x0"] + c["x1"]) / 2 < hi and c["text"].strip()] for line in lines]
        rows = [row for row in rows if row]
        if len(rows) < COLUMN_LINES:
            return False
        x0, x1 = min(c["x0"] for row in rows for c in row), max(c["x1"] for row in rows for c in row)
        full = sum(max(c["x1"] for c in row) >= x1 - 1.5 * char for row in rows)
        marked = sum(bool(_SENTENCE_MARK.search("".join(c["text"] for c in row))) for row in rows)
        if x1 - x0 < COLUMN_CHARS * char or full < COLUMN_FULL * len(rows) or marked < COLUMN_MARKED * len(rows):
            return False
        widths.append(x1 - x0)
    return min(widths) >= COLUMN_RATIO * max(widths)


# Two characters that meet at a wrapped line's end with no space between them: any but two of Latin script.
_WRAP_WITHOUT_SPACE = re.compile(r"(?![A-Za-z0-9][A-Za-z0-9]).{2}", re.S)


#: pdfminer's stand-in for a glyph its font maps to no character.
_CID = re.compile(r"\(cid:\d+\)")
#: A page that holds a page number and nothing else: 3, - 3 -, — 3 —, 第3页 共5页, 3/5.
_PAGE_NUMBER = re.compile(r"[\s\-—–－─·•]*(?:第\s*)?[0-9０-９]{1,4}(?:\s*页)?(?:\s*(?:[/／]|共)\s*[0-9０-９]{1,4}\s*页?)?[\s\-—–－─·•]*")


def _caused_by(exc: BaseException, cls: type) -> bool:
    """Whether ``exc`` is, wraps (as an argument, a cause or a context) or was raised while handling a ``cls``."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, cls):
            return True
        todo += [x for x in (e.__cause__, e.__context__, *e.args) if isinstance(x, BaseException)]
    return False


# --------------------------------------------------------------------------- Word


def extract_docx(data: bytes) -> Extracted:
    """The text of a Word file (python-docx): one line per paragraph, one per table row (cells tab-separated), in order.

    A paragraph's text is that of all its runs, wherever they sit: hyperlinks, tracked insertions
    (deletions and hidden text are left out), content controls, fields; its automatic number
    (一、 （一） 1.), which Word keeps apart, goes before it as Word shows it (:class:`_Numbering`). Content controls and
    custom XML around whole paragraphs or tables are read through, and a table inside a cell
    gives its rows inside that cell's text. Raises :class:`ExtractError` for bytes that are not a Word (OOXML) document.
    """
    import docx

    try:
        document = docx.Document(_io.BytesIO(data))
    except Exception as exc:  # a zip that is not a Word file, a damaged file
        raise ExtractError("unreadable docx", f"not a readable .docx file ({type(exc).__name__}: {exc})") from None
    text = "\n".join(_docx_lines(document.element.body, _Numbering.of(document))).strip()
    if not text:
        raise ExtractError("empty", "the Word file has no text")
    return Extracted(text, {}, extractor_name("python-docx"))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_lines(container, numbering: _Numbering | None = None) -> list[str]:
    """The lines of the paragraphs and tables in a body, a table cell or a content control, in document order."""
    from docx.table import Table

    lines = []
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            text = _docx_paragraph(child)
            if not text.strip():  # an empty paragraph is spacing (公文 are typed so): no line, no blank-line layout for cleaning
                continue
            label = numbering.label(child) if numbering is not None else ""
            lines.append(f"{label}{'' if not label or label[-1] in _CLOSING_MARKS else ' '}{text}" if label else text)
        elif child.tag == f"{_W}tbl":
            for row in Table(child, None).rows:
                cells = _unique_cells(row.cells)
                if any(cells):
                    lines.append("\t".join(cells))
        elif child.tag == f"{_W}sdt":  # a content control around paragraphs or tables
            content = child.find(f"{_W}sdtContent")
            lines += _docx_lines(content, numbering) if content is not None else []
        elif child.tag == f"{_W}customXml":
            lines += _docx_lines(child, numbering)
    return lines


# A label that ends on one of these joins its text directly (一、总体要求, （一）…); another takes a space (1 总体要求).
_CLOSING_MARKS = "、.．)）:：]】"


class _Numbering:
    """Word's automatic numbering (一、 （一） 1.), rendered as Word shows it: Word keeps it out of the text, in numbering.xml.

    A paragraph is numbered by its own ``w:numPr`` or its style's; each list (``numId``) counts
    per level, a deeper level starting again under each new item above it. Number formats:
    decimal, Chinese counting (一, 十一, 二十), letters and Roman numerals; bullets give no label.
    """

    def __init__(self, numbering_xml) -> None:
        abstract = {a.get(f"{_W}abstractNumId"): {lvl.get(f"{_W}ilvl"): lvl for lvl in a.iter(f"{_W}lvl")}
                    for a in numbering_xml.iter(f"{_W}abstractNum")}  # fmt: skip
        self.levels = {}
        for num in numbering_xml.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            self.levels[num.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val") if ref is not None else None, {})
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str, str]] = {}

    @classmethod
    def of(cls, document) -> _Numbering | None:
        """The numbering of a python-docx document, None where it has none."""
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError):
            return None
        numbering = cls(part.element)
        for style in document.styles.element.iter(f"{_W}style"):
            num = _num_pr(style)
            if num is not None:
                numbering.style_numbering[style.get(f"{_W}styleId")] = num
        return numbering

    def label(self, p) -> str:
        """The label Word shows before paragraph ``p`` ('' where it is not numbered), counting it."""
        num = _num_pr(p)
        if num is None:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            num = self.style_numbering.get(style.get(f"{_W}val")) if style is not None else None
        if num is None or num[0] not in self.levels or num[0] == "0":
            return ""
        num_id, level = num[0], int(num[1] or 0)
        counts = self.counters.setdefault(num_id, {})
        definition = self.levels[num_id].get(str(level))
        if definition is None:
            return ""
        start = int(_val(definition, "start") or 1)
        counts[level] = counts.get(level, start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        if (_val(definition, "numFmt") or "decimal") in ("bullet", "none"):
            return ""
        text = _val(definition, "lvlText") or ""
        for k in range(level + 1):
            fmt = _val(self.levels[num_id].get(str(k)), "numFmt") or "decimal"
            text = text.replace(f"%{k + 1}", _formatted(counts.get(k, 1), fmt))
        return text


def _num_pr(element) -> tuple[str, str] | None:
    """(numId, ilvl) of a paragraph's or a style's ``w:pPr/w:numPr``, None where it has none."""
    num = element.find(f"{_W}pPr/{_W}numPr")
    if num is None or num.find(f"{_W}numId") is None:
        return None
    level = num.find(f"{_W}ilvl")
    return num.find(f"{_W}numId").get(f"{_W}val"), level.get(f"{_W}val") if level is not None else "0"


def _val(element, name: str) -> str | None:
    """The ``w:val`` of a child of a numbering level (``w:numFmt``, ``w:lvlText``, ``w:start``)."""
    child = element.find(f"{_W}{name}") if element is not None else None
    return child.get(f"{_W}val") if child is not None else None


def _formatted(n: int, fmt: str) -> str:
    """A list counter in a Word number format."""
    if fmt.startswith(("chinese", "ideograph", "taiwanese", "japanese")):
        return _chinese_number(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (the counting numerals Word's Chinese formats write).

    >>> [_chinese_number(n) for n in (1, 10, 11, 20, 35, 105)]
    ['一', '十', '十一', '二十', '三十五', '一百零五']
    """
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    return digits[n // 100] + "百" + ("" if not rest else ("零" + digits[rest] if rest < 10 else ("一" if rest < 20 else "") + _chinese_number(rest)))


def _roman(n: int) -> str:
    """A positive number in Roman numerals."""
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _docx_paragraph(p) -> str:
    """A paragraph's text: every shown run whose paragraph it is (a text box's runs belong to the box's own paragraphs).

    A line break inside the paragraph (Shift+Enter, ``w:br``: a title set on two lines) keeps
    the paragraph one line: nothing between ideographs, a space between words of Latin script;
    but a date set on a line of its own (a signature, 某某局 ⏎ 2022年10月8日) stays on its own line.
    """
    from .dates import is_date_alone

    text = "".join(r.text for r in p.iter(f"{_W}r") if next(r.iterancestors(f"{_W}p"), None) is p and not _vanished(r))
    if "\n" in text and any(is_date_alone(part.strip()) for part in text.split("\n")):
        parts = [part.strip() for part in text.split("\n") if part.strip()]
        return "\n".join(parts)
    return _SOFT_BREAK.sub(lambda m: "" if _WRAP_WITHOUT_SPACE.match(m.group(1) + m.group(2)) else " ", text).replace("\n", "")


# A soft line break between two characters (python-docx writes w:br and w:cr as \n).
_SOFT_BREAK = re.compile(r"(?<=(\S))\s*\n\s*(?=(\S))")


def _vanished(run) -> bool:
    """Whether a run is hidden text (``w:rPr/w:vanish``): Word neither shows nor prints it, and drafts keep notes in it."""
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(f"{_W}val", "true").lower() not in ("0", "false", "off")


def _unique_cells(cells) -> list[str]:
    """Cell texts of a table row, a merged cell (repeated by python-docx for each grid column it spans) once."""
    out, seen = [], set()
    for cell in cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        out.append("\n".join(_docx_lines(cell._tc)).strip())
    return out


# --------------------------------------------------------------------------- news-record dumps

_RECORD = re.compile(r"<doc(?:\s[^>]*)?>(.*?)(?:</doc>|(?=<doc[\s>])|\Z)", re.S | re.I)
_OPEN_TAG = re.compile(r"<(\w+)>")
#: Field names that hold a record's text and its title, in the order they are looked for.
CONTENT_FIELDS = ("content", "text", "body")
TITLE_FIELDS = ("contenttitle", "title")


@dataclass(frozen=True)
class Record:
    """One record of a dump: its number (from 1), its fields in order, its span in the decoded file, and what was amiss."""

    number: int
    fields: dict[str, str]
    start: int
    end: int
    notes: tuple[str, ...] = ()


def looks_like_records(text: str) -> bool:
    """Whether decoded text is a dump of ``<doc>…</doc>`` records (it opens with ``<doc>`` and holds a content field).

    >>> looks_like_records("<doc>\\n<url>http://example.cn/1</url>\\n<content>正文</content>\\n</doc>")
    True
    >>> looks_like_records("<DOC id='7'>\\n<DOCNO>x7</DOCNO>\\n<TEXT>正文</TEXT>\\n</DOC>"), looks_like_records("全面建成小康社会")
    (True, False)
    """
    head = text[:4096].lstrip("\ufeff \t\r\n")
    return re.match(r"<doc[\s>]", head[:5], re.I) is not None and any(f"<{name}>" in text[:1 << 20].lower() for name in CONTENT_FIELDS)


def parse_records(text: str) -> list[Record]:
    """The records of a dump, tolerant of what byte-capped and hand-joined dumps do.

    A field runs to its closing tag, so a tag inside it (``<br>``, ``<b>`` in a content field)
    stays in its text, for cleaning to remove with the rest of the markup. A record or field that
    is not closed ends where the next begins (noted in ``notes``); a field that appears twice
    keeps its first value (noted); values are stripped.

    >>> dump = ("<doc>\\n<url>http://example.cn/a</url>\\n<docno>a1</docno>\\n<contenttitle>标题一</contenttitle>\\n"
    ...         "<content>第一条正文。</content>\\n</doc>\\n<doc>\\n<docno>a2</docno>\\n<content>第二条正文，文件在此截断")
    >>> [(r.number, r.fields["docno"], r.fields["content"], r.notes) for r in parse_records(dump)]
    [(1, 'a1', '第一条正文。', ()), (2, 'a2', '第二条正文，文件在此截断', ('record not closed (the file may be cut)', 'field <content> not closed'))]
    """
    records = []
    for number, m in enumerate(_RECORD.finditer(text), start=1):
        body, notes = m.group(1), []
        if not m.group(0).lower().endswith("</doc>"):
            notes.append("record not closed (the file may be cut)")
        fields: dict[str, str] = {}
        at = 0
        while opened := _OPEN_TAG.search(body, at):
            tag, name = opened.group(1), opened.group(1).lower()
            close = body.find(f"</{tag}>", opened.end())
            if close >= 0:
                value, at = body[opened.end() : close], close + len(tag) + 3
            else:
                following = _OPEN_TAG.search(body, opened.end())
                at = following.start() if following else len(body)
                value = body[opened.end() : at]
                notes.append(f"field <{name}> not closed")
            if name in fields:
                notes.append(f"field <{name}> repeated: the first kept")
                continue
            fields[name] = value.strip()
        records.append(Record(number, fields, m.start(), m.end(), tuple(notes)))
    return records


def record_text(record: Record) -> tuple[str, dict[str, str]]:
    """A record's text (its title as the first line, then its content) and its other fields as metadata."""
    content = next((record.fields[n] for n in CONTENT_FIELDS if n in record.fields), "")
    title = next((record.fields[n] for n in TITLE_FIELDS if record.fields.get(n)), "")
    metadata = {("title" if k in TITLE_FIELDS else k): v for k, v in record.fields.items()
                if k not in CONTENT_FIELDS and v and not (k in TITLE_FIELDS and k != _title_field(record))}  # fmt: skip
    text = f"{title}\n{content}" if title and content and not content.startswith(title) else content
    return text, metadata


def _title_field(record: Record) -> str | None:
    return next((n for n in TITLE_FIELDS if record.fields.get(n)), None)
