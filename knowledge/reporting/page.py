"""The board's report as files: one self-contained HTML page (inline SVG charts) and a CSV file per table.

The page loads nothing: no scripts, no fonts, no images from anywhere. Its Content-Security-Policy forbids every
fetch, so it opens offline, from an email attachment or a shared drive, and shows the same in any browser.
"""

from __future__ import annotations

import csv
import html
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from knowledge.reporting import charts
from knowledge.reporting.quarter import BoardReport, Cell, Table

PAGE_NAME = "board-report.html"
CHART_TOP = 8  # series drawn in a chart by name; the rest are summed
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 2rem auto;
       max-width: 64rem; padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem;
     border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
.period { color: #444; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .6rem; margin: 1rem 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .8rem; }
.card b { display: block; font-size: 1.5rem; } .card span { font-size: .85rem; color: #444; }
svg.chart { max-width: 100%; height: auto; display: block; margin: .6rem 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: .85rem; margin: .4rem 0 .2rem; }
th, td { border: 1px solid #d0d7de; padding: .2rem .45rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } td.text { text-align: left; }
thead th { background: #f3f5f7; }
.note { font-size: .85rem; color: #444; } .files { font-size: .85rem; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } svg.chart { break-inside: avoid; } }
"""


@dataclass(frozen=True)
class ReportFiles:
    """What `write_report` wrote: the page and the CSV files, in `directory`."""

    directory: Path
    page: Path
    tables: tuple[Path, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.page, *self.tables)


def write_report(report: BoardReport, directory: Path, *, generated_at: datetime | None = None) -> ReportFiles:
    """Write the page and one CSV per table into `directory` (created if need be; same-named files replaced)."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = []
    for table in report.tables.values():
        path = directory / f"{table.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.columns)
            writer.writerows(_csv_row(row) for row in table.rows)
        tables.append(path)
    page = directory / PAGE_NAME
    page.write_text(render_page(report, generated_at=generated_at), encoding="utf-8")
    return ReportFiles(directory, page, tuple(tables))


def _csv_row(row: Sequence[Cell]) -> list[Cell]:
    # A cell starting with = + - @ is a formula to a spreadsheet: keep it text (the gaps list holds typed words).
    return [f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell for cell in row]


def _pivot(table: Table, key: str) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """A long (week, id, name, count) table as series: weeks, then (name, counts per week) busiest first."""
    weeks = list(dict.fromkeys(str(week) for week in table.column("week")))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for week, name, count in zip(table.column("week"), table.column(key), table.column("questions"), strict=True):
        counts[str(name)][str(week)] = int(count)
    series = [(name, [by_week.get(week, 0) for week in weeks]) for name, by_week in counts.items()]
    return weeks, series


def _top(series: list[tuple[str, list[int]]], top: int) -> list[tuple[str, list[int]]]:
    """The `top` busiest series, and the rest summed as one "All others" series (for a readable legend)."""
    if len(series) <= top + 1:
        return series
    rest = series[top:]
    return [
        *series[:top],
        (f"All others ({len(rest)})", [sum(values) for values in zip(*(v for _, v in rest), strict=True)]),
    ]


def render_page(report: BoardReport, *, generated_at: datetime | None = None) -> str:
    """The whole report as one HTML document."""
    tables = report.tables
    summary = report.summary
    made = (generated_at or datetime.now(UTC)).strftime("%-d %B %Y %H:%M UTC")
    sections: list[str] = []

    weeks_table = tables["questions-by-week"]
    weeks = [str(week) for week in weeks_table.column("week")]
    answered = [
        int(q) - int(n) for q, n in zip(weeks_table.column("questions"), weeks_table.column("no_answer"), strict=True)
    ]
    sections.append(
        _section(
            "Questions asked",
            charts.stacked_bars(
                "questions-by-week",
                "Questions by week (ISO week number)",
                weeks,
                [
                    ("Answered from the audits", answered),
                    ("No answer in the audits", [int(n) for n in weeks_table.column("no_answer")]),
                ],
                ylabel="questions",
            ),
            weeks_table,
        )
    )
    for name, key, heading in (
        ("questions-by-theme", "theme", "Questions by theme"),
        ("questions-by-agency", "agency", "Questions by agency"),
    ):
        table = tables[name]
        chart_weeks, series = _pivot(table, key)
        sections.append(
            _section(
                heading,
                charts.stacked_bars(
                    name,
                    f"{heading} and week (the {CHART_TOP} most asked)",
                    chart_weeks,
                    _top(series, CHART_TOP),
                    ylabel="questions",
                ),
                table,
                pivot=(chart_weeks, series),
            )
        )
    topics = tables["unanswered-topics"]
    sections.append(
        _section(
            "Topics the audits do not cover",
            charts.horizontal_bars(
                "unanswered-topics",
                "Questions with no answer in the audits, by topic",
                [str(name) for name in topics.column("topic")],
                [int(count) for count in topics.column("questions")],
                xlabel="questions",
            ),
            topics,
        )
    )
    feedback = tables["helpfulness"]
    sections.append(
        _section(
            "Were the answers helpful?",
            charts.stacked_bars(
                "helpfulness",
                "Helpful and Not helpful votes by week",
                [str(week) for week in feedback.column("week")],
                [
                    ("Helpful", [int(v) for v in feedback.column("helpful")]),
                    ("Not helpful", [int(v) for v in feedback.column("not_helpful")]),
                ],
                ylabel="votes",
            ),
            feedback,
        )
    )
    digests = tables["digests"]
    by_agency = tables["discussions-by-agency"]
    sections.append(
        _section(
            "Digests posted and discussed in teams",
            charts.grouped_bars(
                "digests",
                "Weekly digests: channels posted to and team discussions recorded",
                [str(week) for week in digests.column("week")],
                [
                    ("Channels posted to", [int(v) for v in digests.column("channels_posted")]),
                    ("Team discussions", [int(v) for v in digests.column("team_discussions")]),
                ],
                ylabel="count",
            ),
            digests,
        )
    )
    sections.append(
        _section(
            "Team discussions by agency",
            charts.horizontal_bars(
                "discussions-by-agency",
                "Team discussions of the digests, by agency",
                [str(name) for name in by_agency.column("agency")],
                [int(count) for count in by_agency.column("discussions")],
                xlabel="team discussions",
            ),
            by_agency,
        )
    )
    escalations = tables["escalations"]
    sections.append(
        _section(
            "Requests for more help",
            charts.grouped_bars(
                "escalations",
                "Requests passed to the board's contact, by week: opened and resolved",
                [str(week) for week in escalations.column("week")],
                [
                    ("Opened", [int(v) for v in escalations.column("opened")]),
                    ("Resolved", [int(v) for v in escalations.column("resolved")]),
                ],
                ylabel="requests",
            ),
            escalations,
        )
    )
    sections.append(_section("Gaps for next year's audit programme", "", tables["audit-gaps"]))

    cards = [
        (summary.questions, "questions asked"),
        (summary.unanswered, "with no answer in the audits"),
        (summary.helpful, "Helpful votes"),
        (summary.not_helpful, "Not helpful votes"),
        (summary.digests_posted, "digest posts"),
        (summary.discussions, "team discussions recorded"),
        (summary.agencies_discussing, "agencies discussing"),
        (summary.escalations_opened, "requests for more help"),
        (summary.escalations_open, "requests still open"),
        (summary.gaps_added, "gaps suggested"),
    ]
    files = "".join(
        f'<li><a href="{html.escape(table.name)}.csv">{html.escape(table.name)}.csv</a>:'
        f" {html.escape(table.title)}</li>"
        for table in tables.values()
    )
    card_html = "".join(
        f'<div class="card"><b>{value}</b><span>{html.escape(label)}</span></div>' for value, label in cards
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Learning from audits: assurance report, {html.escape(report.period.label)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>Learning from audits: assurance report</h1>
<p class="period">{html.escape(report.period.label)} · made {html.escape(made)} by learning-bot report</p>
<p>How the learning from the board's multi-agency audits reached practitioners through the learning bot, and what
happened next. No question text is recorded by the bot except where the person asking chose to send it (requests
for more help) or to suggest it as a gap for next year's audits.</p>
<div class="cards">{card_html}</div>
{"".join(sections)}
<h2>The tables as CSV files</h2>
<p class="files">Beside this page, for spreadsheets and the board's own charts:</p>
<ul class="files">{files}</ul>
</body>
</html>
"""


def _section(
    heading: str, chart: str, table: Table, *, pivot: tuple[list[str], list[tuple[str, list[int]]]] | None = None
) -> str:
    note = f'<p class="note">{html.escape(table.note)}</p>' if table.note else ""
    return (
        f'<section id="{html.escape(table.name)}"><h2>{html.escape(heading)}</h2>{chart}'
        f'<div class="table-wrap">{_html_table(table, pivot)}</div>{note}</section>\n'
    )


def _html_table(table: Table, pivot: tuple[list[str], list[tuple[str, list[int]]]] | None) -> str:
    if not table.rows:
        return f"<p><em>{html.escape(table.title)}: nothing recorded in this period.</em></p>"
    if pivot is not None:
        weeks, series = pivot
        head = "".join(f"<th>{html.escape(week.split('-')[-1])}</th>" for week in weeks)
        body = "".join(
            f"<tr><td>{html.escape(name)}</td>{''.join(f'<td>{count}</td>' for count in counts)}"
            f"<td>{sum(counts)}</td></tr>"
            for name, counts in series
        )
        return (
            f'<table><caption class="note">{html.escape(table.title)}</caption><thead><tr><th></th>{head}'
            f"<th>Total</th></tr></thead><tbody>{body}</tbody></table>"
        )
    head = "".join(f"<th>{html.escape(column.replace('_', ' '))}</th>" for column in table.columns)
    body = "".join("<tr>" + "".join(_cell(cell) for cell in row) + "</tr>" for row in table.rows)
    caption = f'<caption class="note">{html.escape(table.title)}</caption>'
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(cell: Cell) -> str:
    css = ' class="text"' if isinstance(cell, str) else ""
    return f"<td{css}>{html.escape(str(cell))}</td>"
