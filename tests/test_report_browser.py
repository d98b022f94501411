"""The board's report opened in a real browser: headless Chromium from the system packages (`.ci/run` installs it).

The page forbids every fetch (Content-Security-Policy), so anything it tried to load from a network or a file
would show as a console message; the page has no scripts, so any console message at all is a failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore
from knowledge.reporting.page import write_report
from knowledge.reporting.quarter import Period, build_report
from knowledge.tools.simulation import simulate_quarter

CHARTS = (
    "questions-by-week",
    "questions-by-theme",
    "questions-by-agency",
    "unanswered-topics",
    "helpfulness",
    "digests",
    "discussions-by-agency",
    "escalations",
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)
CONSOLE = re.compile(r":CONSOLE[:(]")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("Chromium is needed for the report's browser test: apt-get install -y chromium (.ci/run does)")
    return found


def open_page(page: Path, profile: Path, *extra: str) -> tuple[str, list[str]]:
    """Load `page` in a fresh headless Chromium; return its stdout and the console lines from its log."""
    result = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout, [line for line in result.stderr.splitlines() if CONSOLE.search(line)]


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory, kb: KnowledgeBase) -> Path:
    base = tmp_path_factory.mktemp("browser")
    store = StateStore(base / "state.db")
    simulate_quarter(store, kb, start=date(2017, 1, 2), seed=3)
    report = build_report(store, kb, Period(date(2017, 1, 1), date(2017, 3, 31)))
    return write_report(report, base / "out").page


def test_every_chart_draws_its_bars_and_the_console_stays_silent(report_page: Path, tmp_path: Path) -> None:
    dom, console = open_page(report_page, tmp_path / "profile", "--dump-dom")
    assert console == []
    assert dom.count('<svg role="img"') == len(CHARTS)
    for chart in CHARTS:
        marks = re.findall(rf'<g id="{chart}-mark-\d+">\s*<path d="M [^"]+', dom)
        assert marks, f"{chart} has no bars drawn"
    # The busiest chart: one bar per (week, series) with a non-zero count.
    by_week = report_page.with_name("questions-by-week.csv").read_text(encoding="utf-8").splitlines()[1:]
    nonzero = sum((int(q) - int(n) > 0) + (int(n) > 0) for q, n in (line.split(",")[1:] for line in by_week))
    assert len(re.findall(r'<g id="questions-by-week-mark-\d+">', dom)) == nonzero


def test_the_screenshot_shows_the_charts(report_page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "board-report.png"
    _, console = open_page(report_page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,7000")
    assert console == []
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 7000)
    colours = image.resize((320, 1750)).getcolors(maxcolors=320 * 1750)
    assert colours is not None
    counts = {colour: count for count, colour in colours}
    blue = sum(
        count for (r, g, b), count in counts.items() if abs(r - 0x00) < 12 and abs(g - 0x72) < 12 and abs(b - 0xB2) < 12
    )
    assert blue > 2000  # the first series' colour fills a good part of the page


def test_the_console_check_catches_a_page_that_fetches(report_page: Path, tmp_path: Path) -> None:
    """Negative control: the same page with one stylesheet from a CDN is caught by the check above."""
    page = tmp_path / "fetching.html"
    page.write_text(
        report_page.read_text(encoding="utf-8").replace(
            "</head>", '<link rel="stylesheet" href="https://cdn.example.org/charts.css"></head>', 1
        ),
        encoding="utf-8",
    )
    _, console = open_page(page, tmp_path / "profile", "--dump-dom")
    assert any("cdn.example.org" in line for line in console)
