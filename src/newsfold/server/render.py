"""Pure helpers for the web UI: text split at shared passages, search snippets, the timeline's geometry.

Nothing here produces markup: templates receive plain strings and numbers and Jinja escapes every piece
of text, so untrusted article text can never become HTML.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of an article's text: ``passage`` is the index of the shared passage it belongs to, or
    ``None`` for text found only in this article."""

    text: str
    passage: int | None = None


def split_by_passages(text: str, spans: Sequence[tuple[int, int, int]]) -> list[Segment]:
    """``text`` cut into segments at the half-open ``(start, end, passage_index)`` spans.

    Spans are clipped to the text; where spans overlap, the one that starts first keeps the overlap. The
    segments' texts joined give ``text`` back exactly.
    """
    segments: list[Segment] = []
    cursor = 0
    for start, end, index in sorted(spans):
        start = max(start, cursor, 0)
        end = min(end, len(text))
        if end <= start:
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], index))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def shared_fraction(text: str, spans: Sequence[tuple[int, int, int]]) -> float:
    """The fraction of ``text``'s characters inside the spans (0 for an empty text)."""
    if not text:
        return 0.0
    shared = sum(len(s.text) for s in split_by_passages(text, spans) if s.passage is not None)
    return shared / len(text)


def snippet_segments(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet (matches between ``[`` and ``]``, as :meth:`Store.search` marks them) as
    ``(text, is_match)`` pieces."""
    pieces: list[tuple[str, bool]] = []
    rest = snippet
    while rest:
        open_at = rest.find("[")
        close_at = rest.find("]", open_at + 1) if open_at >= 0 else -1
        if open_at < 0 or close_at < 0:
            pieces.append((rest, False))
            break
        if open_at:
            pieces.append((rest[:open_at], False))
        pieces.append((rest[open_at + 1 : close_at], True))
        rest = rest[close_at + 1 :]
    return pieces


# -- the timeline ----------------------------------------------------------------------------------------

TIMELINE_WIDTH = 1000
LANE_HEIGHT = 72
AXIS_HEIGHT = 30
LEFT = 16
RIGHT = 16
LABEL_GAP = 56


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _ticks(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """Tick days and labels between ``first`` and ``last``: weeks, months or years by the span, ≤ 12."""
    span = (last - first).days
    ticks: list[tuple[dt.date, str]] = []
    if span <= 60:
        step = max(1, math.ceil(span / 10))
        day = first
        while day <= last:
            ticks.append((day, day.strftime("%b %-d")))
            day += dt.timedelta(days=step)
    elif span <= 3 * 366:
        months = span // 30
        step = max(1, math.ceil(months / 10))
        year, month = first.year, first.month + (0 if first.day == 1 else 1)
        while True:
            if month > 12:
                year, month = year + 1, month - 12
            day = dt.date(year, month, 1)
            if day > last:
                break
            label = day.strftime("%b %Y") if month == 1 or not ticks else day.strftime("%b")
            ticks.append((day, label))
            month += step
    else:
        step = max(1, math.ceil((last.year - first.year) / 10))
        for year in range(first.year + (0 if first.timetuple().tm_yday == 1 else 1), last.year + 1, step):
            ticks.append((dt.date(year, 1, 1), str(year)))
    return ticks


def timeline_layout(lanes: Sequence[Mapping[str, Any]], *, width: int = TIMELINE_WIDTH) -> dict[str, Any]:
    """The geometry of a timeline SVG: one lane per storyline, one dot per dated event.

    ``lanes`` are ``{"id", "headline", "href", "events": [{"id", "start", "end", "size", "headline",
    "href"}]}``. Returns ``{"width", "height", "ticks": [{"x", "label"}], "lanes": [{"y", "label", "href",
    "x0", "x1", "dots": [{"x", "y", "r", "href", "title", "label"}]}], "undated"}``: x from the earliest to the
    latest event day, dot radius growing with the event's number of articles, a short day ``label`` on
    dots not too close to the previous labelled one. Events without a day are
    counted in ``undated`` and not drawn.
    """
    days = [d for lane in lanes for e in lane["events"] for d in (_day(e.get("start")), _day(e.get("end"))) if d]
    if not days:
        return {"width": width, "height": 0, "ticks": [], "lanes": [], "undated": 0, "empty": True}
    first, last = min(days), max(days)
    if (last - first).days < 14:
        first, last = first - dt.timedelta(days=7), last + dt.timedelta(days=7)
    pad = dt.timedelta(days=max(1, (last - first).days // 30))
    first, last = first - pad, last + pad
    span = max(1, (last - first).days)
    inner = width - LEFT - RIGHT

    def x_of(day: dt.date) -> float:
        return round(LEFT + inner * (day - first).days / span, 1)

    out_lanes: list[dict[str, Any]] = []
    undated = 0
    for number, lane in enumerate(lanes):
        top = AXIS_HEIGHT + number * LANE_HEIGHT
        axis_y = top + 36
        dots: list[dict[str, Any]] = []
        placed: list[float] = []
        last_label_x = -1000.0
        for event in sorted(lane["events"], key=lambda e: e.get("start") or ""):
            start = _day(event.get("start"))
            if start is None:
                undated += 1
                continue
            end = _day(event.get("end")) or start
            x = x_of(start + (end - start) / 2)
            nudge = sum(1 for other in placed if abs(other - x) < 10)
            placed.append(x)
            radius = round(min(14.0, 5 + 2.2 * math.sqrt(max(1, int(event.get("size") or 1)) - 1)), 1)
            when = start.isoformat() if end == start else f"{start.isoformat()} – {end.isoformat()}"
            label = None
            if x - last_label_x >= LABEL_GAP:
                label, last_label_x = start.strftime("%b %-d"), x
            dots.append(
                {
                    "x": x,
                    "y": axis_y + (nudge % 3) * 7 * (-1 if nudge % 2 else 1),
                    "r": radius,
                    "href": event.get("href"),
                    "title": f"{event.get('headline') or event.get('id')} ({when}, {event.get('size') or 0} articles)",
                    "label": label,
                }
            )
        xs = [d["x"] for d in dots]
        out_lanes.append(
            {
                "y": top,
                "axis_y": axis_y,
                "label": lane.get("headline") or lane.get("id"),
                "href": lane.get("href"),
                "x0": min(xs) if xs else LEFT,
                "x1": max(xs) if xs else LEFT,
                "dots": dots,
            }
        )
    ticks = [{"x": x_of(day), "label": label} for day, label in _ticks(first, last)]
    return {
        "width": width,
        "height": AXIS_HEIGHT + LANE_HEIGHT * len(lanes) + 8,
        "ticks": ticks,
        "lanes": out_lanes,
        "undated": undated,
        "empty": False,
    }
