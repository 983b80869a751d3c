"""Weekly briefing for the chef de service and elected officials, and the figures it shares
with the ``/analyse`` page: weekly series, hour × weekday shading, a static zone map and the
accuracy of the forecasts issued at the last week starts.

Places only: every figure is about zones, grid cells or the whole commune, never a person.
The figures are plain data (lists, dicts, SVG path strings) rendered by Jinja templates with
autoescape, so nothing from the events reaches the HTML unescaped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from bia.analytics.recurring import DAYS_FR, MONTHS_FR
from bia.analytics.types import AnalyticsError

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
HEAT_LEVELS = 8  # classes bia-heat-0 … bia-heat-8
MAP_LEVELS = ("#f5f5fe", "#e3e3fd", "#cacafb", "#a1a1f8", "#6a6af4", "#313178")
BRIEFING_WEEKS = 4  # key figures and forecast accuracy look this many weeks back


# ---------------------------------------------------------------- weeks and dates

def parse_week(value: str | None, tz: str, now: datetime | None = None) -> date:
    """Monday of the ISO week ``YYYY-Www``; by default the last complete week."""
    if not value:
        today = (pd.Timestamp(now) if now else pd.Timestamp.now(tz=tz)).tz_convert(tz).date()
        return today - timedelta(days=today.weekday() + 7)
    match = WEEK_RE.match(value.strip())
    if not match:
        raise ValueError(value)
    year, week = int(match.group(1)), int(match.group(2))
    return date.fromisocalendar(year, week, 1)  # ValueError for week 54 and the like


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def date_fr(day: date) -> str:
    return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"


def local_midnight(day: date, tz: str) -> pd.Timestamp:
    return pd.Timestamp(datetime(day.year, day.month, day.day), tz=ZoneInfo(tz))


def number_fr(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


# ---------------------------------------------------------------- figures

def weekly_counts(events: pd.DataFrame, end: pd.Timestamp, weeks: int, tz: str
                  ) -> list[tuple[date, int]]:
    """Events per local week (Monday to Monday) for the ``weeks`` weeks ending at ``end``."""
    end_day = end.tz_convert(tz).date()
    last_monday = end_day - timedelta(days=end_day.weekday())
    if last_monday == end_day:  # ``end`` is a Monday: the last week is the one before it
        last_monday -= timedelta(days=7)
    mondays = [last_monday - timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]
    if events.empty:
        return [(m, 0) for m in mondays]
    local = events["t"].dt.tz_convert(tz)
    days = (local.dt.normalize().dt.tz_localize(None) - pd.Timestamp(mondays[0])).dt.days
    idx = (days // 7).to_numpy()
    idx = idx[(idx >= 0) & (idx < weeks)]
    counts = np.bincount(idx.astype(int), minlength=weeks)
    return [(m, int(c)) for m, c in zip(mondays, counts, strict=True)]


@dataclass
class TrendChart:
    """An SVG line chart of weekly counts, computed server side (no chart library)."""

    width: int
    height: int
    points: str
    dots: list[dict[str, Any]]
    y_ticks: list[dict[str, Any]]
    x_ticks: list[dict[str, Any]]
    summary: str
    baseline_y: float
    left: int = 44


def trend_chart(series: list[tuple[date, int]], width: int = 720, height: int = 220
                ) -> TrendChart:
    left, right, top, bottom = 44, 12, 12, 30
    peak = max([c for _, c in series] + [1])
    step = 10 ** max(0, int(math.log10(peak)))
    top_value = math.ceil(peak / step) * step
    if top_value / step < 3:
        step = max(1, step // 2) if step > 1 else 1
    n = max(len(series) - 1, 1)

    def xy(i: int, c: int) -> tuple[float, float]:
        x = left + (width - left - right) * i / n
        y = top + (height - top - bottom) * (1 - c / top_value)
        return round(x, 1), round(y, 1)

    coords = [xy(i, c) for i, (_, c) in enumerate(series)]
    dots = [{"x": x, "y": y, "label": f"semaine du {date_fr(m)} : {c}"}
            for (x, y), (m, c) in zip(coords, series, strict=True)]
    y_ticks = [{"y": xy(0, v)[1], "label": str(v)} for v in range(0, top_value + 1, step)]
    every = max(1, len(series) // 6)
    x_ticks = [{"x": coords[i][0], "label": f"{m.day:02d}/{m.month:02d}"}
               for i, (m, _) in enumerate(series) if i % every == 0]
    if series:
        first, last = series[0], series[-1]
        mean = sum(c for _, c in series) / len(series)
        summary = (f"{len(series)} semaines, du {date_fr(first[0])} au "
                   f"{date_fr(last[0] + timedelta(days=6))} : {last[1]} événements la dernière "
                   f"semaine, {number_fr(mean)} en moyenne par semaine, maximum {peak}.")
    else:
        summary = "Aucune donnée."
    return TrendChart(width, height, " ".join(f"{x},{y}" for x, y in coords), dots, y_ticks,
                      x_ticks, summary, xy(0, 0)[1], left)


def heat_rows(counts: list[list[int]]) -> list[dict[str, Any]]:
    """Rows of the hour × weekday table with a shading level 0…HEAT_LEVELS per cell."""
    peak = max((max(r) for r in counts), default=0) or 1
    rows = []
    for day, row in zip(DAYS_FR, counts, strict=False):
        cells = [{"count": int(c), "level": 0 if c == 0 else
                  max(1, math.ceil(HEAT_LEVELS * c / peak))} for c in row]
        rows.append({"day": day, "cells": cells, "total": int(sum(row))})
    return rows


def _ring_path(ring: list[list[float]], project: Any) -> str:
    pts = [project(lon, lat) for lon, lat in ring]
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + " Z"


def zone_map(zones_geojson: dict[str, Any], counts: dict[str, int], names: dict[str, str],
             width: int = 340) -> dict[str, Any]:
    """A static SVG map (no tiles): the named zones shaded by their count of the week."""
    from shapely.geometry import shape

    feats = [f for f in zones_geojson["features"] if f["properties"].get("kind") == "zone"]
    commune = [f for f in zones_geojson["features"] if f["properties"].get("kind") == "commune"]
    geoms = [shape(f["geometry"]) for f in feats + commune]
    if not geoms:
        return {"width": width, "height": 10, "zones": [], "outline": [], "legend": []}
    minx = min(g.bounds[0] for g in geoms)
    miny = min(g.bounds[1] for g in geoms)
    maxx = max(g.bounds[2] for g in geoms)
    maxy = max(g.bounds[3] for g in geoms)
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = (width - 8) / max((maxx - minx) * kx, 1e-9)
    height = int((maxy - miny) * scale + 8)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return 4 + (lon - minx) * kx * scale, 4 + (maxy - lat) * scale

    def paths(geometry: dict[str, Any]) -> str:
        polys = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                 else [geometry["coordinates"]])
        return " ".join(_ring_path(ring, project) for poly in polys for ring in poly)

    peak = max(counts.values(), default=0) or 1

    def level_of(n: int) -> int:
        return 0 if n <= 0 else min(len(MAP_LEVELS) - 1, 1 + int((len(MAP_LEVELS) - 2) * n / peak))

    out = []
    for f, g in zip(feats, geoms, strict=False):
        code = f["properties"]["code"]
        n = int(counts.get(code, 0))
        level = level_of(n)
        label_at = project(*g.representative_point().coords[0])
        out.append({"code": code, "name": names.get(code, code), "count": n,
                    "d": paths(f["geometry"]),
                    "fill": MAP_LEVELS[level], "dark": level >= 4,
                    "x": round(label_at[0], 1), "y": round(label_at[1], 1)})
    legend_steps = [0, 1, peak // 4, peak // 2, peak]
    legend = [{"fill": MAP_LEVELS[level_of(v)], "label": str(v)}
              for v in sorted(set(legend_steps))]
    return {"width": width, "height": height, "zones": out,
            "outline": [paths(f["geometry"]) for f in commune], "legend": legend}


def forecast_accuracy(events: pd.DataFrame, first_origin: pd.Timestamp, last_end: pd.Timestamp,
                      *, models: tuple[str, ...] = ("kde", "naive"), fraction: float = 0.05
                      ) -> list[dict[str, Any]]:
    """Hit rate and PAI at ``fraction`` of the area of the weekly forecasts issued at each
    week start in ``[first_origin, last_end)``, scored on the events of the following week
    (rolling origin: each forecast uses only the events before its week)."""
    from bia.analytics.backtest import backtest

    if events.empty or last_end <= first_origin:
        return []
    try:
        result = backtest(events, first_origin, last_end, "7d", models=models,
                          fractions=(fraction,))
    except AnalyticsError:
        return []
    from bia.analytics.backtest import origins

    scored = {(str(r["model"]), pd.Timestamp(r["origin"])): r
              for _, r in result.windows.iterrows()}
    rows = []
    for origin in origins(first_origin, last_end, pd.Timedelta(days=7)):
        for model in models:  # a week without events cannot be scored: shown as such
            r = scored.get((model, origin))
            rows.append({"model": model, "origin": origin,
                         "events": int(r["events"]) if r is not None else 0,
                         "hit_rate": float(r["hit_rate"]) if r is not None else None,
                         "pai": float(r["pai"]) if r is not None else None})
    return rows


# ---------------------------------------------------------------- the PDF

@dataclass
class Briefing:
    commune: str
    week: str
    monday: date
    sunday: date
    generated: str
    category_label: str
    key: dict[str, Any]
    categories: list[dict[str, Any]]
    zones: list[dict[str, Any]]
    recurring: list[dict[str, Any]]
    heat: list[dict[str, Any]]
    heat_period: str
    zone_map: dict[str, Any]
    accuracy: list[dict[str, Any]]
    trend: TrendChart | None = None
    notes: list[str] = field(default_factory=list)


def html(briefing: Briefing) -> str:
    from bia.reports.render_pdf import _environment

    return _environment().get_template("briefing.html.j2").render(
        b=briefing, number=number_fr, date_fr=date_fr, hours=list(range(24)))


def render(briefing: Briefing) -> bytes:
    from weasyprint import HTML

    from bia.reports.render_pdf import TEMPLATES, _fonts

    pdf = HTML(string=html(briefing), base_url=str(TEMPLATES)).write_pdf(font_config=_fonts())
    assert pdf is not None
    return bytes(pdf)
