"""Reading reports: plain text, Markdown and Word paragraphs, and a clear one-line error for anything else."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from knowledge.authoring.report_reader import BULLET, HEADING, ROW, TEXT, ReportError, read_report

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def word_file(tmp_path: Path, body: str, *, styles: str | None = None, name: str = "report.docx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", f"<w:document {W_NS}><w:body>{body}</w:body></w:document>")
        if styles is not None:
            archive.writestr("word/styles.xml", f"<w:styles {W_NS}>{styles}</w:styles>")
    return path


def shape(path: Path) -> list[tuple[int, str, str]]:
    return [(paragraph.number, paragraph.style, paragraph.text) for paragraph in read_report(path).paragraphs]


# -- anything that is not a report ----------------------------------------------------------------------------------
GARBAGE = [
    ("empty.txt", b"", "empty.txt is empty"),
    ("blank.md", b"  \n\n\t\n", "blank.md is empty"),
    ("image.txt", bytes(range(256)) * 8, "image.txt is a binary file, not a text report"),
    ("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08" * 50, "controls.txt is a binary file, not a text report"),
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.pdf is a damaged or unreadable PDF"),
    ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "report.doc is an old Word (.doc) file"),
    ("broken.docx", b"this is not a zip archive at all", "broken.docx is not a Word (.docx) file"),
]


@pytest.mark.parametrize(("name", "data", "message"), GARBAGE, ids=[case[0] for case in GARBAGE])
def test_garbage_gets_one_clear_line(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(ReportError) as raised:
        read_report(write(tmp_path, name, data))
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ReportError, match=r"^archive.docx is a zip archive but not a Word document"):
        read_report(path)


def test_a_damaged_word_document(tmp_path: Path) -> None:
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    with pytest.raises(ReportError, match=r"^damaged.docx is a damaged Word document"):
        read_report(path)


def test_an_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"^cannot read"):
        read_report(tmp_path / "missing.txt")


# -- plain text -----------------------------------------------------------------------------------------------------
def test_text_lines_bullets_rows_and_continuations(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "report.txt",
        "\ufeffAudit title\t6 cases audited.\tCompleted May 2017\n"
        "Findings\n"
        "--------\n"
        "- A bullet that wraps\n"
        "  onto a second line.\n"
        "• A bullet with a dot.\n"
        "1) A numbered bullet.\n"
        "(b) A lettered bullet.\n"
        "2.5 To improve is not a bullet\n"
        "Business Plan Priority 2.5 To improve\n"
        "- A last bullet without a full stop\n"
        "Learning/Recommendations\n",
    )
    assert shape(path) == [
        (1, ROW, "Audit title 6 cases audited. Completed May 2017"),
        (2, HEADING, "Findings"),
        (4, BULLET, "A bullet that wraps onto a second line."),
        (6, BULLET, "A bullet with a dot."),
        (7, BULLET, "A numbered bullet."),
        (8, BULLET, "A lettered bullet."),
        (9, TEXT, "2.5 To improve is not a bullet"),
        (10, TEXT, "Business Plan Priority 2.5 To improve"),
        (11, BULLET, "A last bullet without a full stop"),
        (12, TEXT, "Learning/Recommendations"),
    ]


def test_windows_1252_text_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "report.txt", b"- The children\x92s centre \x96 recorded.\n")
    assert shape(path) == [(1, BULLET, "The children’s centre – recorded.")]


# -- Markdown -------------------------------------------------------------------------------------------------------
def test_markdown_headings_bullets_tables_and_inline_markup(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "report.md",
        "# Report\n"
        "\n"
        "| Audit | Cases |\n"
        "|:---|---:|\n"
        "| Neglect | 7 cases |\n"
        "\n"
        "**Findings:**\n"
        "\n"
        "- The **voice of the child** was [recorded](http://example.org) in 5\\* cases.\n"
        "+ A plus bullet.\n"
        "  continued here.\n"
        "\n"
        "```\n"
        "- not a bullet: code\n"
        "```\n"
        "Setext heading\n"
        "==============\n",
    )
    assert shape(path) == [
        (1, HEADING, "Report"),
        (3, ROW, "Audit Cases"),
        (5, ROW, "Neglect 7 cases"),
        (7, HEADING, "Findings:"),
        (9, BULLET, "The voice of the child was recorded in 5* cases."),
        (10, BULLET, "A plus bullet. continued here."),
        (16, HEADING, "Setext heading"),
    ]


# -- Word -----------------------------------------------------------------------------------------------------------
def p(text: str, properties: str = "", runs: str | None = None) -> str:
    return f"<w:p><w:pPr>{properties}</w:pPr>{runs if runs is not None else f'<w:r><w:t>{text}</w:t></w:r>'}</w:p>"


def test_word_numbering_styles_outline_levels_and_revisions(tmp_path: Path) -> None:
    styles = (
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Bulleted"><w:name w:val="My bullets"/>'
        '<w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="BulletedChild"><w:name w:val="My child bullets"/>'
        '<w:basedOn w:val="Bulleted"/></w:style>'
    )
    body = "".join(
        [
            p("Audit", '<w:pStyle w:val="Heading1"/>'),
            p("Outline heading", '<w:outlineLvl w:val="1"/>'),
            p("Own numbering", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr>'),
            p("Numbering removed", '<w:pStyle w:val="Bulleted"/><w:numPr><w:numId w:val="0"/></w:numPr>'),
            p("Inherited numbering", '<w:pStyle w:val="BulletedChild"/>'),
            p(
                "",
                runs="<w:r><w:t xml:space='preserve'>Kept </w:t></w:r>"
                "<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>"
                "<w:ins><w:r><w:t>added</w:t></w:r></w:ins><w:r><w:br/><w:t>after a break</w:t></w:r>",
            ),
            p("• Typed bullet"),
            p(""),
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Neglect</w:t></w:r></w:p></w:tc>"
            "<w:tc><w:p><w:r><w:t>7 cases</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        ]
    )
    assert shape(word_file(tmp_path, body, styles=styles)) == [
        (1, HEADING, "Audit"),
        (2, HEADING, "Outline heading"),
        (3, BULLET, "Own numbering"),
        (4, TEXT, "Numbering removed"),
        (5, BULLET, "Inherited numbering"),
        (6, TEXT, "Kept added after a break"),
        (7, BULLET, "Typed bullet"),
        (9, ROW, "Neglect 7 cases"),
    ]


def test_text_in_an_unknown_encoding(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"^odd.txt is not UTF-8 or Windows-1252 text$"):
        read_report(write(tmp_path, "odd.txt", b"Findings \x81\x8d\x8f\x90\x9d"))


def test_a_report_that_is_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from knowledge.authoring import report_reader

    monkeypatch.setattr(report_reader, "MAX_REPORT_BYTES", 1024 * 1024)
    path = write(tmp_path, "huge.txt", b"- a bullet\n" * 200_000)
    with pytest.raises(ReportError, match=r"^huge.txt is 2 MB; reports over 1 MB are not read$"):
        read_report(path)
