"""The report's charts: matplotlib figures rendered to inline SVG text (no files, no scripts, no web fonts).

Each data mark (bar) carries an SVG id `<chart>-mark-<n>`, so a test or a reader's tools can find what was drawn.
Figures are built with `matplotlib.figure.Figure` directly (no pyplot state), so charts can be drawn in any thread.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib
from matplotlib.figure import Figure

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999")
WIDTH_INCHES = 9.0
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def _svg(figure: Figure, name: str) -> str:
    """The figure as one `<svg>` element: no XML prologue, text kept as text, ids unique to this chart."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    svg = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    # matplotlib numbers its elements from 1 in every figure: prefix them so several charts can share a page.
    svg = re.sub(r'id="(?!' + re.escape(name) + "-)", f'id="{name}-', svg)
    svg = re.sub(r'(url\(#|xlink:href="#)(?!' + re.escape(name) + "-)", rf"\1{name}-", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{name}-title" class="chart" ', 1)


def _figure(rows: int = 1, *, height: float = 3.6) -> Figure:
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    figure.set_facecolor("white")
    return figure


def _finish(axes: object, title: str, name: str) -> None:
    axes.set_title(title, loc="left", fontsize=11, gid=f"{name}-title")  # type: ignore[attr-defined]
    axes.spines[["top", "right"]].set_visible(False)  # type: ignore[attr-defined]


def _nothing(axes: object, text: str = "Nothing recorded in this period") -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes, color="#555555")  # type: ignore[attr-defined]


def _mark(bars: Sequence[object], values: Sequence[int], name: str, marked: int) -> int:
    """Name each bar with a value `{name}-mark-N` (what the page's tests and readers find); the count so far."""
    for bar, value in zip(bars, values, strict=True):
        if value:
            marked += 1
            bar.set_gid(f"{name}-mark-{marked}")  # type: ignore[attr-defined]
    return marked


def _by_week(axes: object, categories: Sequence[str], *, ylabel: str, marked: int, legend: bool) -> None:
    """The weekly charts' x labels (the week number), integer y axis, legend, or a note that nothing was drawn."""
    axes.set_xticks(range(len(categories)), [category.split("-")[-1] for category in categories], fontsize=8)  # type: ignore[attr-defined]
    axes.set_ylabel(ylabel)  # type: ignore[attr-defined]
    axes.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[attr-defined]
    if not marked:
        _nothing(axes)
    elif legend:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)  # type: ignore[attr-defined]


def stacked_bars(
    name: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    ylabel: str,
) -> str:
    """Vertical bars per category (e.g. week), one stacked colour per series, with a legend."""
    figure = _figure()
    axes = figure.add_subplot()
    bottoms = [0] * len(categories)
    mark = 0
    positions = list(range(len(categories)))
    for index, (label, values) in enumerate(series):
        bars = axes.bar(positions, values, bottom=bottoms, label=label, color=PALETTE[index % len(PALETTE)], width=0.7)
        mark = _mark(bars, values, name, mark)
        bottoms = [bottom + value for bottom, value in zip(bottoms, values, strict=True)]
    _by_week(axes, categories, ylabel=ylabel, marked=mark, legend=bool(series))
    _finish(axes, title, name)
    return _svg(figure, name)


def horizontal_bars(name: str, title: str, labels: Sequence[str], values: Sequence[int], *, xlabel: str) -> str:
    """One horizontal bar per label, largest at the top."""
    figure = _figure(height=max(2.0, 0.9 + 0.32 * len(labels)))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    bars = axes.barh(positions, values, color=PALETTE[0], height=0.6)
    for bar, value in zip(bars, values, strict=True):
        axes.annotate(
            str(value),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    mark = _mark(bars, values, name, 0)
    axes.set_yticks(positions, list(labels), fontsize=9)
    axes.set_xlabel(xlabel)
    axes.xaxis.get_major_locator().set_params(integer=True)
    if not mark:
        axes.set_yticks([])
        _nothing(axes)
    _finish(axes, title, name)
    return _svg(figure, name)


def grouped_bars(
    name: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    ylabel: str,
) -> str:
    """Side-by-side bars per category (e.g. opened and resolved per week)."""
    figure = _figure()
    axes = figure.add_subplot()
    width = 0.8 / max(len(series), 1)
    mark = 0
    for index, (label, values) in enumerate(series):
        positions = [position + (index - (len(series) - 1) / 2) * width for position in range(len(categories))]
        bars = axes.bar(positions, values, width=width, label=label, color=PALETTE[index % len(PALETTE)])
        mark = _mark(bars, values, name, mark)
    _by_week(axes, categories, ylabel=ylabel, marked=mark, legend=True)
    _finish(axes, title, name)
    return _svg(figure, name)
