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

import io as _io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version

from .decode import ReadError

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
    #: Column → value (title, date, author, site, url …); empty values left out.
    metadata: dict[str, str] = field(default_factory=dict)
    #: The extractor and its version, as the audit records it (``trafilatura 2.3.1``).
    extractor: str = ""


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

    The title opens the text, as in a plain-text scrape, so that cleaning treats both alike.
    Tables are left out of the main text (``include_tables=False``): Chinese portals lay whole
    pages out in tables, and with tables in, the navigation comes back. ``date`` is the one the
    page's markup declares (htmldate without its free-text search, which reads 2021年11月8日
    as 2021-01-01), else a labelled date in the page's text (发布时间：2021年11月8日), parsed by
    :func:`corpus.dates.parse_date`. Raises :class:`ExtractError` for a page with no main content.

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
        found = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False, include_tables=False,
                                            date_extraction_params={"original_date": True, "extensive_search": False})  # fmt: skip
    except (ValueError, TypeError, RecursionError, AttributeError, IndexError, KeyError) as exc:  # a page lxml or trafilatura cannot take
        raise ExtractError("unreadable page", f"trafilatura could not read the page ({type(exc).__name__}: {exc})") from None
    if found is None or not (found.text or "").strip():
        raise ExtractError("no main text", "trafilatura found no main content in the page (a list page, a frame set or an empty page?)")
    text = found.text.strip()
    visible = visible_lines(page)
    title = page_title(found.title or "", visible)
    if title and not text.startswith(title):
        text = f"{title}\n{text}"
    date = found.date or labelled_date(visible)
    metadata = {"title": title, "date": date, "author": found.author, "site": found.sitename, "url": found.url}
    return Extracted(text, {k: v.strip() for k, v in metadata.items() if v and v.strip()}, extractor_name("trafilatura"))


#: What separates an article's title from the column and site names in a page's <title>.
_TITLE_SEPARATORS = re.compile(r"\s*(?:--|——|_|\||｜|-|—|·)\s*")


#: Elements whose text is one visible line of a page (a heading, a paragraph, a table cell …).
_BLOCKS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "td", "th", "li", "dt", "dd", "span", "font", "strong", "b", "center"])


def visible_lines(page: str, longest: int = 300) -> list[str]:
    """The short texts a page shows as blocks of their own (headings, cells, paragraphs), scripts and styles left out.

    >>> visible_lines("<html><body><script>var a;</script><td>首页</td><h1> 关于加强 基层治理的通知 </h1></body></html>")
    ['首页', '关于加强 基层治理的通知']
    """
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(page)
    except (lxml.etree.ParserError, ValueError):
        return []
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    lines = []
    for el in root.iter(*_BLOCKS):
        text = " ".join(el.text_content().split())
        if text and len(text) <= longest:
            lines.append(text)
    return lines


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


_LABELLED_DATE = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|发表时间|时间|日期)\s*[:：]\s*([0-9０-９]{4}[^\n]{0,16})")


def labelled_date(visible: list[str]) -> str | None:
    """The first date a page shows after a label (发布时间：, 日期：), as ISO; None if there is none.

    >>> labelled_date(["首页", "发布时间：2021年11月8日　来源：县政府办"]), labelled_date(["正文"]) is None
    ('2021-11-08', True)
    """
    from .dates import parse_date

    for m in _LABELLED_DATE.finditer("\n".join(visible)):
        value = re.match(r"[0-9０-９]{4}\s*[-/.年]\s*[0-9０-９]{1,2}(?:\s*[-/.月]\s*[0-9０-９]{1,2}\s*日?)?", m.group(1))
        parsed = parse_date(value.group()) if value else None
        if parsed:
            return parsed
    return None


def looks_like_html(text: str) -> bool:
    """Whether decoded text is a web page (a doctype or an ``<html>`` tag at its start), whatever the file's suffix.

    >>> looks_like_html("<!DOCTYPE html><html><body>…"), looks_like_html("全面建成小康社会")
    (True, False)
    """
    head = text[:1024].lstrip("\ufeff \t\r\n").lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or (head.startswith("<?xml") and "<html" in head)


# --------------------------------------------------------------------------- PDF


def extract_pdf(data: bytes) -> Extracted:
    """The text layer of a PDF (pdfplumber), pages separated by a form feed (``\\f``); ``pages`` as metadata.

    Raises :class:`ExtractError` for a PDF with no text layer (a scan: OCR it first), an
    encrypted one, or bytes that are not a readable PDF.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(_io.BytesIO(data)) as pdf:
            pages = [(page.extract_text() or "").strip() for page in pdf.pages]
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
    if not any(pages):
        raise ExtractError("no text layer", f"a PDF of {len(pages)} page(s) with no text layer (a scan?): "
                                            "run OCR on it first (e.g. ocrmypdf -l chi_sim), then load the result")  # fmt: skip
    text = "\f".join(pages)
    unmapped = len(_CID.findall(text))
    if unmapped > sum(map(len, _CID.sub("", text).split())):  # more glyphs without a character than with one
        raise ExtractError("unmapped font", f"{unmapped} of the text layer's characters are (cid:N) placeholders: its fonts "
                                            "give no map to Unicode, so the text cannot be read from it; run OCR on it first "
                                            "(e.g. ocrmypdf --force-ocr -l chi_sim), then load the result")  # fmt: skip
    return Extracted(text, {"pages": str(len(pages))}, extractor_name("pdfplumber"))


#: pdfminer's stand-in for a glyph its font maps to no character.
_CID = re.compile(r"\(cid:\d+\)")


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
    (deletions are left out), content controls, fields. Content controls and custom XML around
    whole paragraphs or tables are read through, and a table inside a cell gives its rows inside
    that cell's text. Raises :class:`ExtractError` for bytes that are not a Word (OOXML) document.
    """
    import docx

    try:
        document = docx.Document(_io.BytesIO(data))
    except Exception as exc:  # a zip that is not a Word file, a damaged file
        raise ExtractError("unreadable docx", f"not a readable .docx file ({type(exc).__name__}: {exc})") from None
    text = "\n".join(_docx_lines(document.element.body)).strip()
    if not text:
        raise ExtractError("empty", "the Word file has no text")
    return Extracted(text, {}, extractor_name("python-docx"))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_lines(container) -> list[str]:
    """The lines of the paragraphs and tables in a body, a table cell or a content control, in document order."""
    from docx.table import Table

    lines = []
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(_docx_paragraph(child))
        elif child.tag == f"{_W}tbl":
            for row in Table(child, None).rows:
                cells = _unique_cells(row.cells)
                if any(cells):
                    lines.append("\t".join(cells))
        elif child.tag == f"{_W}sdt":  # a content control around paragraphs or tables
            content = child.find(f"{_W}sdtContent")
            lines += _docx_lines(content) if content is not None else []
        elif child.tag == f"{_W}customXml":
            lines += _docx_lines(child)
    return lines


def _docx_paragraph(p) -> str:
    """A paragraph's text: every run whose paragraph it is (a text box's runs belong to the box's own paragraphs)."""
    return "".join(r.text for r in p.iter(f"{_W}r") if next(r.iterancestors(f"{_W}p"), None) is p)


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
