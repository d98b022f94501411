"""Reading an audit report (plain text, Markdown, Word .docx or PDF) into a flat list of paragraphs.

Each paragraph keeps where it came from (a line number, or a paragraph number for Word), what it looks like
(`heading`, `bullet`, `row` of a table, or plain `text`) and its text. Finding audits and sections in those
paragraphs is `knowledge.authoring.ingest`'s job; this module only reads.

Word files are read with the standard library (zipfile + ElementTree on ``word/document.xml``). PDF files are
read with pdfplumber (text lines with their font size and weight, and ruled tables); a table cell's bullets or
paragraphs are kept apart by newlines in `Paragraph.cells`.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

MAX_REPORT_BYTES = 20 * 1024 * 1024
MAX_XML_BYTES = 100 * 1024 * 1024

HEADING = "heading"
BULLET = "bullet"
ROW = "row"
TEXT = "text"

# A bullet at the start of a line: -, *, +, •, ▪, ◦, ·, – or a number/letter like "1." "2)" "(a)" "iv.".
_BULLET = re.compile(
    r"^\s*(?:[-*+•▪◦·‣–—●○■□➢➤✓\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|\(?(?:\d{1,3}|[a-z]|[ivx]{1,5})[.)])\s+(?=\S)",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s{0,3}(?:[-=_*]\s*){3,}$")
_MD_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_MD_BREAK = re.compile(r"<br\s*/?>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


class ReportError(ValueError):
    """The report cannot be read: empty, binary, an unsupported format or a broken Word file."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a report.

    `number` is the line (text, Markdown) or paragraph (Word) where it starts; `level` is a heading's level
    (1 = top) when the format says so, else 0; `cells` holds a table row's cell texts.
    """

    number: int
    style: str
    text: str
    level: int = 0
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """A report read into paragraphs; `unit` says what paragraph numbers count ("line" or "paragraph")."""

    path: Path
    format: str
    unit: str
    paragraphs: tuple[Paragraph, ...]
    pages: tuple[int, ...] = ()  # PDF: the first line number of each page

    def where(self, number: int) -> str:
        if self.pages:
            page = sum(1 for first in self.pages if first <= number) or 1
            return f"{self.unit} {number}, page {page}"
        return f"{self.unit} {number}"


def read_report(path: Path) -> Report:
    """Read a report file into paragraphs, choosing the reader by its content and extension.

    Raises `ReportError` with a one-line message for anything that is not a readable report.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            limit = MAX_REPORT_BYTES // (1024 * 1024)
            raise ReportError(f"{path.name} is {size // (1024 * 1024)} MB; reports over {limit} MB are not read")
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not data.strip():
        raise ReportError(f"{path.name} is empty")
    suffix = path.suffix.lower()
    if data.startswith(b"PK\x03\x04") or suffix == ".docx":
        paragraphs = docx_paragraphs(data, name=path.name)
        report = Report(path, "docx", "paragraph", tuple(paragraphs))
    elif data[:1024].lstrip().startswith(b"%PDF"):
        paragraphs, pages = pdf_paragraphs(data, name=path.name)
        report = Report(path, "pdf", "line", tuple(paragraphs), pages=tuple(pages))
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportError(f"{path.name} is an old Word (.doc) file; save it as .docx, .md or .txt")
    else:
        text = decode_text(data, name=path.name)
        if suffix in {".md", ".markdown"}:
            report = Report(path, "markdown", "line", tuple(markdown_paragraphs(text)))
        else:
            report = Report(path, "text", "line", tuple(text_paragraphs(text)))
    if not report.paragraphs:
        raise ReportError(f"{path.name} has no text")
    return report


def decode_text(data: bytes, *, name: str) -> str:
    """Bytes of a text report as str (UTF-8, else Windows-1252); binary data raises `ReportError`."""
    if b"\x00" in data[:65536]:
        raise ReportError(f"{name} is a binary file, not a text report (save it as .docx, .md or .txt)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ReportError(f"{name} is not UTF-8 or Windows-1252 text") from exc
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if controls > max(8, len(sample) // 100):
        raise ReportError(f"{name} is a binary file, not a text report (save it as .docx, .md or .txt)")
    return _CONTROL.sub("", text)


def _bullet_text(line: str) -> str | None:
    match = _BULLET.match(line)
    return line[match.end() :].strip() if match else None


_SENTENCE_END = (".", ":", ";", "!", "?")


def _looks_wrapped(previous: str) -> bool:
    """Whether a line seems hard-wrapped, so that the next line continues it."""
    return len(previous) >= 60 and not previous.rstrip().endswith(_SENTENCE_END)


def _continues(previous: str, line: str) -> bool:
    """Whether `line` (no blank line before it) continues the bullet on `previous`.

    An indented line does; so does any other line when the bullet has not ended its sentence, unless it is a
    short capitalised line (a heading such as "Findings"). A line after a finished sentence that is not
    indented starts something new.
    """
    if line[:1].isspace():
        return True
    stripped = line.strip()
    if len(stripped.split()) <= 6 and stripped[:1].isupper():
        return False  # a short capitalised line ("Learning/Recommendations") is a heading, not a wrap
    return not previous.rstrip().endswith(_SENTENCE_END)


def text_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a plain-text report.

    Each line is a paragraph; a line with tabs is a table row; a line continuing a bullet (no blank line
    between, no bullet marker) or a hard-wrapped line is joined onto the paragraph it continues.
    """
    paragraphs: list[Paragraph] = []
    previous: str | None = None  # the previous non-blank line, None after a blank line
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            previous = None
            continue
        if "\t" in line.strip():  # tab-separated cells: a table row
            cells = tuple(cell.strip() for cell in line.strip().split("\t"))
            paragraphs.append(Paragraph(number, ROW, " ".join(c for c in cells if c), cells=cells))
        elif (bullet := _bullet_text(line)) is not None and not _MD_RULE.match(line):
            paragraphs.append(Paragraph(number, BULLET, bullet))
        elif _MD_RULE.match(line):
            # An underline ("Findings" over "--------") makes the line above a heading.
            if previous is not None and paragraphs and paragraphs[-1].style == TEXT:
                last = paragraphs[-1]
                paragraphs[-1] = Paragraph(last.number, HEADING, last.text, level=1 if "=" in line else 2)
            previous = None
            continue
        elif (
            previous is not None
            and paragraphs
            and paragraphs[-1].style in {BULLET, TEXT}
            and (_continues(previous, raw) if paragraphs[-1].style == BULLET else _looks_wrapped(previous))
        ):
            last = paragraphs[-1]
            paragraphs[-1] = Paragraph(last.number, last.style, f"{last.text} {line.strip()}")
        else:
            paragraphs.append(Paragraph(number, TEXT, line.strip()))
        previous = line
    return paragraphs


def _markdown_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _MD_ESCAPE.sub(r"\1", text).strip()


def _markdown_cells(line: str) -> tuple[str, ...]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    cells = re.split(r"(?<!\\)\|", inner)
    return tuple(
        "\n".join(_markdown_inline(part) for part in _MD_BREAK.split(cell.replace("\\|", "|")) if part.strip())
        for cell in cells
    )


def markdown_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a Markdown report: `#` headings, bullets (`-`, `*`, `+`, `•`, numbered), `|` tables."""
    paragraphs: list[Paragraph] = []
    previous: str | None = None
    in_code = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            previous = None
            continue
        if in_code:
            continue
        if not line.strip():
            previous = None
            continue
        if heading := _MD_HEADING.match(line):
            level = len(heading.group(1))
            paragraphs.append(Paragraph(number, HEADING, _markdown_inline(heading.group(2)), level=level))
            previous = None
            continue
        if line.lstrip().startswith("|"):
            if not _MD_TABLE_SEPARATOR.match(line):
                cells = _markdown_cells(line)
                paragraphs.append(Paragraph(number, ROW, " ".join(c for c in cells if c), cells=cells))
            previous = None
            continue
        if _MD_RULE.match(line):
            underline = not line.lstrip().startswith("*")
            if underline and previous is not None and paragraphs and paragraphs[-1].style == TEXT:
                last = paragraphs[-1]
                paragraphs[-1] = Paragraph(last.number, HEADING, last.text, level=1 if "=" in line else 2)
            previous = None
            continue
        body = line.lstrip(">").strip() if line.lstrip().startswith(">") else line
        if (bullet := _bullet_text(body)) is not None:
            paragraphs.append(Paragraph(number, BULLET, _markdown_inline(bullet)))
        elif previous is not None and paragraphs[-1].style in {BULLET, TEXT} and _continues(previous, body):
            # Markdown joins consecutive lines into one paragraph (or one list item).
            last = paragraphs[-1]
            paragraphs[-1] = Paragraph(last.number, last.style, f"{last.text} {_markdown_inline(body)}")
        else:
            text_line = _markdown_inline(body)
            bold_only = re.fullmatch(r"\s*(\*\*|__)(.+)\1\s*:?\s*", body)
            paragraphs.append(Paragraph(number, HEADING if bold_only else TEXT, text_line))
        previous = line
    return paragraphs


# -- Word ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    numbered: bool | None  # True: the style carries list numbering; False: explicitly none; None: not set
    outline: int | None


def _styles(archive: zipfile.ZipFile) -> dict[str, _Style]:
    try:
        root = ElementTree.fromstring(archive.read("word/styles.xml"))
    except (KeyError, ElementTree.ParseError):
        return {}
    styles = {}
    for style in root.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId")
        if not style_id:
            continue
        name = style.find(f"{W}name")
        based = style.find(f"{W}basedOn")
        num_id = style.find(f"{W}pPr/{W}numPr/{W}numId")
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        styles[style_id] = _Style(
            name=(name.get(f"{W}val") if name is not None else style_id) or style_id,
            based_on=based.get(f"{W}val") if based is not None else None,
            numbered=None if num_id is None else num_id.get(f"{W}val") != "0",
            outline=int(outline.get(f"{W}val", "9")) if outline is not None else None,
        )
    return styles


def _style_chain(styles: dict[str, _Style], style_id: str | None) -> list[_Style]:
    chain: list[_Style] = []
    while style_id and style_id in styles and len(chain) < 20:
        chain.append(styles[style_id])
        style_id = styles[style_id].based_on
    return chain


def _run_text(element: ElementTree.Element) -> str:
    """The visible text under an element: runs, tabs and breaks; not deleted text, text boxes or fallbacks."""
    parts: list[str] = []

    def walk(node: ElementTree.Element) -> None:
        for child in node:
            tag = child.tag
            if tag in {f"{W}txbxContent", MC_FALLBACK, f"{W}del", f"{W}instrText", f"{W}delText"}:
                continue
            if tag == f"{W}t":
                parts.append(child.text or "")
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag in {f"{W}br", f"{W}cr"}:
                parts.append(" ")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(element)
    return "".join(parts)


def _word_paragraph(element: ElementTree.Element, number: int, styles: dict[str, _Style]) -> Paragraph | None:
    text = _run_text(element).strip()
    if not text:
        return None
    properties = element.find(f"{W}pPr")
    style_id = None
    own_numbering: bool | None = None
    outline: int | None = None
    if properties is not None:
        style = properties.find(f"{W}pStyle")
        style_id = style.get(f"{W}val") if style is not None else None
        num_id = properties.find(f"{W}numPr/{W}numId")
        if properties.find(f"{W}numPr") is not None:
            own_numbering = num_id is None or num_id.get(f"{W}val") != "0"
        level = properties.find(f"{W}outlineLvl")
        if level is not None:
            outline = int(level.get(f"{W}val", "9"))
    chain = _style_chain(styles, style_id)
    names = [style.name.lower() for style in chain] or [(style_id or "").lower()]
    numbered = own_numbering
    if numbered is None:
        numbered = next((style.numbered for style in chain if style.numbered is not None), None)
    if outline is None:
        outline = next((style.outline for style in chain if style.outline is not None), None)
    heading_level = 0
    for name in names:
        if match := re.fullmatch(r"heading\s*(\d)", name):
            heading_level = int(match.group(1))
            break
        if name in {"title", "subtitle"}:
            heading_level = 1
            break
    if not heading_level and outline is not None and outline < 9:
        heading_level = outline + 1
    if heading_level:
        return Paragraph(number, HEADING, text, level=heading_level)
    if numbered or any(name.startswith(("list bullet", "list number", "list paragraph")) for name in names):
        return Paragraph(number, BULLET, _bullet_text(text) or text)
    if (bullet := _bullet_text(text)) is not None:  # a bullet typed by hand
        return Paragraph(number, BULLET, bullet)
    if "\t" in text.strip():
        cells = tuple(cell.strip() for cell in text.split("\t"))
        return Paragraph(number, ROW, " ".join(c for c in cells if c), cells=cells)
    return Paragraph(number, TEXT, text)


def _cell_text(cell: ElementTree.Element) -> str:
    """A table cell's text, one line per Word paragraph (a cell often holds several bullets)."""
    texts = [_run_text(p).strip() for p in cell.iter(f"{W}p")]
    return "\n".join(text for text in texts if text)


def docx_paragraphs(data: bytes, *, name: str) -> list[Paragraph]:
    """Paragraphs of a Word (.docx) report, in body order; table rows become `row` paragraphs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReportError(f"{name} is not a Word (.docx) file (it is not a valid zip archive)") from exc
    with archive:
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError as exc:
            raise ReportError(f"{name} is a zip archive but not a Word document (no word/document.xml)") from exc
        if info.file_size > MAX_XML_BYTES:
            raise ReportError(f"{name}: the Word document is too large to read")
        try:
            root = ElementTree.fromstring(archive.read(info))
        except (ElementTree.ParseError, zipfile.BadZipFile, OSError) as exc:
            raise ReportError(f"{name} is a damaged Word document ({exc})") from exc
        styles = _styles(archive)
    body = root.find(f"{W}body")
    if body is None:
        raise ReportError(f"{name} is a damaged Word document (no body)")
    paragraphs: list[Paragraph] = []
    number = 0

    def walk(container: ElementTree.Element) -> None:
        nonlocal number
        for child in container:
            if child.tag == f"{W}p":
                number += 1
                paragraph = _word_paragraph(child, number, styles)
                if paragraph is not None:
                    paragraphs.append(paragraph)
            elif child.tag == f"{W}tbl":
                for row in child.iter(f"{W}tr"):
                    number += 1
                    cells = tuple(_cell_text(cell) for cell in row.findall(f"{W}tc"))
                    if any(cells):
                        paragraphs.append(Paragraph(number, ROW, " ".join(c for c in cells if c), cells=cells))
            elif child.tag in {f"{W}sdt", f"{W}sdtContent", f"{W}customXml"}:
                walk(child)

    walk(body)
    return paragraphs


# -- PDF ----------------------------------------------------------------------------------------------------------
MAX_PDF_PAGES = 300
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_HEADING_SCALE = 1.15  # a line this much larger than the body text is a heading


@dataclass
class _PdfLine:
    number: int
    top: float
    bottom: float
    text: str
    size: float
    bold: bool


def _pdf_cell(text: str | None) -> str:
    """A PDF table cell's text: wrapped lines joined, a line starting a bullet kept on its own line."""
    parts: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if parts and _bullet_text(line) is None:
            parts[-1] = f"{parts[-1]} {line}"
        else:
            parts.append(line)
    return "\n".join(parts)


def pdf_paragraphs(data: bytes, *, name: str) -> tuple[list[Paragraph], list[int]]:
    """Paragraphs of a PDF report and the first line number of each page.

    Lines are numbered through the document (a table row counts as a line). A line set in a larger font than
    the body text is a heading (the largest size is level 1); a short bold line is a heading below those. A
    line close under the previous one that starts no bullet continues its paragraph. Ruled tables become `row`
    paragraphs; text inside a table is not read twice.
    """
    import pdfplumber  # imported here: only PDF reports need it
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        document = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, PdfminerException, ValueError, KeyError, TypeError) as exc:
        raise ReportError(f"{name} is a damaged or unreadable PDF ({type(exc).__name__})") from exc
    entries: list[tuple[int, float, _PdfLine | list[list[str | None]]]] = []
    pages: list[int] = []
    with document:
        if len(document.pages) > MAX_PDF_PAGES:
            raise ReportError(f"{name} has {len(document.pages)} pages; PDFs over {MAX_PDF_PAGES} pages are not read")
        try:
            for page_number, page in enumerate(document.pages, start=1):
                tables = page.find_tables()
                boxes = [table.bbox for table in tables]

                def outside(obj: dict, boxes: list = boxes) -> bool:
                    if obj.get("object_type") != "char":
                        return True
                    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                    return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

                for line in page.filter(outside).extract_text_lines(return_chars=True, strip=True):
                    chars = [char for char in line["chars"] if char["text"].strip()]
                    if not chars or not line["text"].strip():
                        continue
                    sizes = sorted(round(char["size"], 1) for char in chars)
                    bold = sum("bold" in char["fontname"].lower() for char in chars) > len(chars) / 2
                    item = _PdfLine(0, line["top"], line["bottom"], line["text"].strip(), sizes[len(sizes) // 2], bold)
                    entries.append((page_number, line["top"], item))
                for table in tables:
                    entries.append((page_number, table.bbox[1], table.extract()))
        except (PDFSyntaxError, PdfminerException, ValueError, KeyError, TypeError) as exc:
            raise ReportError(f"{name} is a damaged or unreadable PDF ({type(exc).__name__})") from exc
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    text_lines = [entry[2] for entry in entries if isinstance(entry[2], _PdfLine)]
    if not text_lines and not any(isinstance(entry[2], list) for entry in entries):
        raise ReportError(f"{name} has no text layer (a scanned PDF?); save the report as .docx, .md or .txt")
    weights: dict[float, int] = {}
    for line in text_lines:
        weights[line.size] = weights.get(line.size, 0) + len(line.text)
    body = max(weights, key=lambda size: weights[size]) if weights else 0.0
    big = sorted({line.size for line in text_lines if line.size >= body * _HEADING_SCALE}, reverse=True)
    paragraphs: list[Paragraph] = []
    number = 0
    last_page = 0
    previous: _PdfLine | None = None
    page_turned = False
    for page_number, _top, entry in entries:
        if page_number != last_page:
            pages.append(number + 1)
            last_page, previous, page_turned = page_number, None, True
        if isinstance(entry, _PdfLine) and _PAGE_NUMBER.match(entry.text):
            number += 1
            continue  # a footer or header: "3", "Page 3 of 8"
        if not isinstance(entry, _PdfLine):
            for row in entry:
                number += 1
                cells = tuple(_pdf_cell(cell) for cell in row)
                if any(cells):
                    flat = " ".join(" ".join(cell.split()) for cell in cells if cell)
                    paragraphs.append(Paragraph(number, ROW, flat, cells=cells))
            previous, page_turned = None, False
            continue
        number += 1
        line = entry
        bullet = _bullet_text(line.text)
        if line.size in big:
            style, level, text = HEADING, big.index(line.size) + 1, line.text
        elif line.bold and bullet is None and len(line.text.split()) <= 15 and not line.text.endswith("."):
            style, level, text = HEADING, len(big) + 1, line.text
        elif bullet is not None:
            style, level, text = BULLET, 0, bullet
        else:
            style, level, text = TEXT, 0, line.text
        close = previous is not None and line.top - previous.bottom < line.size * 0.6
        last = paragraphs[-1] if paragraphs else None
        unfinished = last is not None and not last.text.rstrip().endswith((".", "!", "?", ":"))
        if page_turned and style == TEXT and last is not None and last.style in {BULLET, TEXT} and unfinished:
            # the first line of a page continues a paragraph the last page left unfinished
            paragraphs[-1] = Paragraph(last.number, last.style, f"{last.text} {text}")
            line.number, previous, page_turned = number, line, False
            continue
        page_turned = False
        if (
            style == TEXT
            and close
            and last is not None
            and last.style in {BULLET, TEXT}
            and previous is not None
            and not previous.bold
        ):
            paragraphs[-1] = Paragraph(last.number, last.style, f"{last.text} {text}")
        elif style == HEADING and close and last is not None and last.style == HEADING and last.level == level:
            paragraphs[-1] = Paragraph(last.number, HEADING, f"{last.text} {text}", level=level)  # a wrapped heading
        else:
            paragraphs.append(Paragraph(number, style, text, level=level))
        line.number = number
        previous = line
    return paragraphs, pages
