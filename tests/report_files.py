"""The seed report saved as Markdown and as Word (.docx), generated from its plain text for the ingest tests.

The generators know the seed's layout (which lines are headings) from the lists below, not from the code under
test, so the Markdown and Word versions are independent renderings of the same report.
"""

from __future__ import annotations

from pathlib import Path

# Headings of the seed report, by level (1 = the document's parts and audits); section headings are found by
# their words (Findings, Learning/Recommendations).
PART_HEADINGS = {"Introduction", "Key Findings and Learning"}
AUDIT_HEADINGS = {
    "Early Years Multi-Agency Audits",
    "Children with Disabilities (CWD)",
    "Child Sexual Exploitation (CSE) and MASE Panel",
    "Families with Multiple Needs.",
}
SECTION_HEADINGS = {"Findings", "Learning/Recommendations"}
TABLE_HEADER = ("Audit", "Cases audited", "Completed")


def blocks(text: str) -> list[tuple[str, object]]:
    """The seed text as (kind, value) blocks: title, part, audit, section, table, bullet, text."""
    result: list[tuple[str, object]] = []
    kind_in_audit = "context"
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            index += 1
            continue
        if "\t" in line:
            rows = []
            while index < len(lines) and "\t" in lines[index]:
                rows.append(tuple(cell.strip() for cell in lines[index].split("\t")))
                index += 1
            result.append(("table", rows))
            continue
        if stripped.startswith("- "):
            result.append((f"bullet-{kind_in_audit}", stripped[2:]))
        elif stripped.rstrip(":.") in SECTION_HEADINGS:
            kind_in_audit = "finding" if stripped.startswith("Findings") else "recommendation"
            result.append(("section", stripped))
        elif stripped in AUDIT_HEADINGS:
            kind_in_audit = "context"
            result.append(("audit", stripped))
        elif stripped in PART_HEADINGS:
            result.append(("part", stripped))
        elif not any(kind == "title" for kind, _ in result):
            result.append(("title", stripped))
        else:
            result.append(("text", stripped))
        index += 1
    return result


def markdown_from_text(text: str) -> str:
    """The seed as Markdown: # headings, `-` findings, numbered recommendations, `*` context, a | table."""
    out: list[str] = []
    number = 0
    for kind, value in blocks(text):
        if not kind.startswith("bullet") and out and out[-1]:
            out.append("")  # a blank line ends a list
        if kind == "title":
            out += [f"# {value}", ""]
        elif kind in {"part", "audit"}:
            out += [f"## {value}", ""]
        elif kind == "section":
            out += [f"### {value}", ""]
            number = 0
        elif kind == "table":
            width = max(len(row) for row in value)  # type: ignore[union-attr]
            out.append("| " + " | ".join(TABLE_HEADER) + " |")
            out.append("|" + " --- |" * width)
            for row in value:  # type: ignore[union-attr]
                cells = [*row, *[""] * (width - len(row))]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        elif kind == "bullet-finding":
            out.append(f"- {value}")
        elif kind == "bullet-recommendation":
            number += 1
            out.append(f"{number}. {value}")
        elif kind == "bullet-context":
            out.append(f"* {value}")
        else:
            out += [str(value), ""]
    return "\n".join(out) + "\n"


def docx_from_text(text: str, path: Path) -> Path:
    """The seed as a Word document: Title and Heading styles, bold section lines, a real table (purpose rows
    merged across the columns), findings in "List Bullet", recommendations in "List Number", and context
    bullets as Word's bullet button makes them ("List Paragraph" with numbering on the paragraph)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for kind, value in blocks(text):
        if kind == "title":
            document.add_heading(str(value), level=0)
        elif kind == "part":
            document.add_heading(str(value), level=1)
        elif kind == "audit":
            document.add_heading(str(value), level=2)
        elif kind == "section":
            document.add_paragraph().add_run(str(value)).bold = True
        elif kind == "table":
            rows = list(value)  # type: ignore[call-overload]
            width = max(len(row) for row in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for row_cells, row in zip(table.rows, rows, strict=True):
                filled = [cell for cell in row if cell]
                if len(filled) == 1:
                    merged = row_cells.cells[0].merge(row_cells.cells[width - 1])
                    merged.text = filled[0]
                else:
                    for cell, cell_text in zip(row_cells.cells, row, strict=False):
                        cell.text = cell_text
        elif kind == "bullet-finding":
            document.add_paragraph(str(value), style="List Bullet")
        elif kind == "bullet-recommendation":
            document.add_paragraph(str(value), style="List Number")
        elif kind == "bullet-context":
            paragraph = document.add_paragraph(str(value), style="List Paragraph")
            properties = paragraph._p.get_or_add_pPr()
            numbering = OxmlElement("w:numPr")
            level = OxmlElement("w:ilvl")
            level.set(qn("w:val"), "0")
            num_id = OxmlElement("w:numId")
            num_id.set(qn("w:val"), "1")
            numbering.append(level)
            numbering.append(num_id)
            properties.append(numbering)
        else:
            document.add_paragraph(str(value))
    document.save(str(path))
    return path
