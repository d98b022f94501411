"""Word and PDF renderings of the Markdown layouts in tests/data/layouts, for the ingest tests.

The Markdown is parsed here with its own small reader (headings, paragraphs, bullets, `|` tables with `<br>`
between a cell's bullets), not with the code under test, so each rendering is an independent copy of the report.
Word files are written with python-docx (Heading styles, "List Bullet", real tables with one paragraph per cell
bullet); PDFs with fpdf2 (headings in larger bold type, "- " bullets, ruled tables with a bold header row).
"""

from __future__ import annotations

import re
from pathlib import Path

Block = tuple[str, object]


def blocks_of(markdown: str) -> list[Block]:
    """("heading", (level, text)), ("text", text), ("bullet", text) and ("table", rows of cells of lines)."""
    blocks: list[Block] = []
    rows: list[list[list[str]]] = []
    for line in [*markdown.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            if not re.fullmatch(r"\|?[\s:|-]+\|?", stripped):
                cells = [cell.strip() for cell in stripped.strip("|").split("|")]
                rows.append([[part.strip() for part in re.split(r"<br\s*/?>", cell) if part.strip()] for cell in cells])
            continue
        if rows:
            blocks.append(("table", rows))
            rows = []
        if not stripped:
            continue
        if match := re.match(r"(#{1,6})\s+(.*)", stripped):
            blocks.append(("heading", (len(match.group(1)), match.group(2))))
        elif match := re.match(r"[-*]\s+(.*)", stripped):
            blocks.append(("bullet", match.group(1)))
        else:
            blocks.append(("text", stripped))
    return blocks


def docx_from_markdown(markdown: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for kind, value in blocks_of(markdown):
        if kind == "heading":
            level, text = value  # type: ignore[misc]
            document.add_heading(text, level=level)
        elif kind == "bullet":
            document.add_paragraph(str(value), style="List Bullet")
        elif kind == "text":
            document.add_paragraph(str(value))
        else:
            rows = value  # type: ignore[assignment]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for row, cells in zip(table.rows, rows, strict=True):
                for cell, lines in zip(row.cells, cells, strict=True):
                    cell.text = lines[0] if lines else ""
                    for extra in lines[1:]:
                        cell.add_paragraph(extra, style="List Bullet")
    document.save(str(path))
    return path


def pdf_from_markdown(markdown: str, path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    sizes = {1: 18, 2: 14, 3: 12}
    for kind, value in blocks_of(markdown):
        if kind == "heading":
            level, text = value  # type: ignore[misc]
            pdf.set_font("Helvetica", "B", sizes.get(level, 12))
            pdf.multi_cell(0, 9, str(text), new_x="LMARGIN", new_y="NEXT")
        elif kind in {"bullet", "text"}:
            pdf.set_font("Helvetica", "", 11)
            text = f"- {value}" if kind == "bullet" else str(value)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        else:
            rows = value  # type: ignore[assignment]
            pdf.set_font("Helvetica", "", 10)
            with pdf.table(line_height=5, first_row_as_headings=True) as table:
                for cells in rows:
                    row = table.row()
                    for lines in cells:
                        row.cell("\n".join(f"- {line}" for line in lines) if len(lines) > 1 else "".join(lines))
        pdf.ln(3)
    pdf.output(str(path))
    return path
