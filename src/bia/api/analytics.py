"""Analyst routes: zone statistics, hour × weekday profiles, hot spots, recurring nuisances,
forecasts and patrol plans. Places only: every figure is about zones or grid cells.

Open to the analyste, chef_de_poste and admin roles; every call is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, Query
import shapely
from shapely.geometry import shape

from bia.analytics import stats
from bia.analytics.forecast import forecast_grid
from bia.analytics.hotspots import hotspots
from bia.analytics.multitest import benjamini_hochberg
from bia.analytics.patrol import plan_patrols
from bia.analytics.recurring import find_recurring
from bia.analytics.types import AnalyticsError
from bia.api.auth import Staff, require_roles
from bia.api.deps import ContextDep, SessionDep
from bia.cases import audit
from bia.cases.events import EventFrames
from bia.context import Context, LoadedPack
from bia.core.coltypes import utcnow
from bia.core.errors import Invalid

router = APIRouter(prefix="/api/v1/analytics", tags=["analyse territoriale"])
AnalystStaff = Annotated[Staff, Depends(require_roles("analyste", "chef_de_poste", "admin"))]
Day = Annotated[datetime | None, Query(description="ISO 8601")]


def _events(ctx: Context, session: SessionDep, loaded: LoadedPack,
            category: str | None) -> pd.DataFrame:
    frames: EventFrames = ctx.service("event-frames", EventFrames)
    frame = frames.get(session, loaded.commune_id)
    if category:
        frame = frame[frame["category"] == category]
    return frame


def _period(start: datetime | None, end: datetime | None, days: int = 28
            ) -> tuple[pd.Timestamp, pd.Timestamp]:
    stop = pd.Timestamp(end or utcnow())
    begin = pd.Timestamp(start) if start else stop - pd.Timedelta(days=days)
    if begin.tzinfo is None or stop.tzinfo is None:
        begin, stop = (t.tz_localize("Europe/Paris") if t.tzinfo is None else t
                       for t in (begin, stop))
    if begin >= stop:
        raise Invalid("La date de début doit précéder la date de fin.", code="periode_invalide")
    return begin, stop


def _zones(loaded: LoadedPack) -> dict[str, Any]:
    return {f["properties"]["code"]: shape(f["geometry"])
            for f in loaded.pack.zones_geojson["features"] if f["properties"]["kind"] == "zone"}


def _audit(session: SessionDep, staff: Staff, loaded: LoadedPack, what: str,
           detail: dict[str, Any]) -> None:
    audit.record(session, username=staff.username, action=f"analytics.{what}",
                 object_type="analytics", commune_id=loaded.commune_id,
                 detail={k: str(v) for k, v in detail.items()})


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.replace([np.inf, -np.inf], np.nan).astype(object)
    return clean.where(pd.notna(clean), None).to_dict(orient="records")  # type: ignore[no-any-return]


def _zone_areas(ctx: Context, loaded: LoadedPack) -> dict[str, float]:
    """km² of each named zone, computed once per pack."""

    def compute() -> dict[str, float]:
        from bia.analytics.projection import LocalProjection

        areas = {}
        for code, geom in _zones(loaded).items():
            c = geom.centroid
            proj = LocalProjection(round(c.x, 3), round(c.y, 3))
            metric = shapely.transform(geom, lambda xy, p=proj: np.column_stack(
                p.forward(xy[:, 0], xy[:, 1])))
            areas[code] = metric.area / 1e6
        return areas

    return ctx.service(f"zone-areas:{loaded.pack.digest}", compute)  # type: ignore[no-any-return]


def _zone_counts(events: pd.DataFrame, begin: pd.Timestamp, stop: pd.Timestamp) -> pd.Series:
    return stats.in_period(events, begin, stop)["zone"].value_counts()


@router.get("/zones", summary="Statistiques par zone, avec tendance et test de significativité")
def zones(session: SessionDep, ctx: ContextDep, staff: AnalystStaff, start: Day = None,
          end: Day = None, category: str | None = None) -> dict[str, Any]:
    """Counts and rates per named zone over the period, and the change against the same
    period a year earlier (exact conditional Poisson test, BH-corrected across zones).

    Events carry the zone they were stored with, so no point-in-polygon work per request.
    """
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    begin, stop = _period(start, end)
    events = _events(ctx, session, loaded, category)
    areas = _zone_areas(ctx, loaded)
    names = {f["properties"]["code"]: f["properties"].get("name", "")
             for f in loaded.pack.zones_geojson["features"]}
    shift = pd.Timedelta(days=364)  # same weekdays a year earlier
    now_counts = _zone_counts(events, begin, stop)
    base_counts = _zone_counts(events, begin - shift, stop - shift)
    days = (stop - begin) / pd.Timedelta(days=1)
    rows, tests = [], []
    for code, km2 in areas.items():
        n, n0 = int(now_counts.get(code, 0)), int(base_counts.get(code, 0))
        rows.append({"zone": code, "name": names.get(code, ""), "count": n,
                     "per_day": n / days, "area_km2": km2,
                     "per_km2_year": n / km2 / days * 365.25 if km2 else None})
        tests.append({"zone": code, "count": n, "baseline_count": n0,
                      **stats.rate_change_test(n, days, n0, days)})
    trend = pd.DataFrame(tests)
    trend["q_value"] = benjamini_hochberg(trend["p_value"].to_numpy())
    significant = trend["q_value"] <= 0.05
    trend["verdict"] = np.where(significant & (trend["count"] > trend["baseline_count"]),
                                "hausse significative",
                                np.where(significant, "baisse significative",
                                         "variation dans le bruit"))
    _audit(session, staff, loaded, "zones", {"start": begin, "end": stop, "category": category})
    return {"period": [begin.isoformat(), stop.isoformat()], "days": round(days, 2),
            "baseline": [(begin - shift).isoformat(), (stop - shift).isoformat()],
            "zones": _records(pd.DataFrame(rows)), "trend": _records(trend),
            "by_category": _records(stats.counts_by_category(stats.in_period(events, begin, stop)))}


@router.get("/heatmap", summary="Profil heure × jour de la semaine")
def heatmap(session: SessionDep, ctx: ContextDep, staff: AnalystStaff, start: Day = None,
            end: Day = None, category: str | None = None, zone: str | None = None
            ) -> dict[str, Any]:
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    begin, stop = _period(start, end, days=365)
    events = stats.in_period(_events(ctx, session, loaded, category), begin, stop)
    if zone:
        events = events[events["zone"] == zone]
    table = stats.hour_weekday(events, loaded.pack.commune.timezone)
    _audit(session, staff, loaded, "heatmap", {"category": category, "zone": zone})
    return {"weekdays": list(table.index), "hours": list(range(24)),
            "counts": table.to_numpy().tolist(), "total": int(table.to_numpy().sum())}


@router.get("/hotspots", summary="Points chauds (Getis-Ord Gi*, correction de Benjamini-Hochberg)")
def hot(session: SessionDep, ctx: ContextDep, staff: AnalystStaff, start: Day = None,
        end: Day = None, category: str | None = None,
        cell_m: Annotated[int, Query(ge=50, le=2000)] = 200) -> dict[str, Any]:
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    begin, stop = _period(start, end, days=90)
    events = stats.in_period(_events(ctx, session, loaded, category), begin, stop)
    if events.empty:
        return {"cells": []}
    frame = hotspots(events, cell_m=cell_m)
    _audit(session, staff, loaded, "hotspots", {"category": category, "cell_m": cell_m})
    return {"cells": _records(frame[frame["label"] != ""])}


@router.get("/recurring", summary="Nuisances récurrentes (même lieu, même moment)")
def recurring(session: SessionDep, ctx: ContextDep, staff: AnalystStaff, start: Day = None,
              end: Day = None, category: str | None = None,
              limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[dict[str, Any]]:
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    begin, stop = _period(start, end, days=120)
    events = stats.in_period(_events(ctx, session, loaded, category), begin, stop)
    found = find_recurring(events, tz=loaded.pack.commune.timezone, max_patterns=limit)
    _audit(session, staff, loaded, "recurring", {"category": category})
    return [p.as_dict(with_events=False) for p in found[:limit]]


@router.get("/forecast", summary="Risque par maille pour le prochain créneau")
def forecast(session: SessionDep, ctx: ContextDep, staff: AnalystStaff,
             horizon: Annotated[str, Query(pattern=r"^\d+(h|d|w)$")] = "1d",
             category: str | None = None, model: str | None = None,
             crews: Annotated[int, Query(ge=0, le=20)] = 0,
             shift_hours: Annotated[float, Query(gt=0, le=24)] = 8.0) -> dict[str, Any]:
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    events = _events(ctx, session, loaded, category)
    until = pd.Timestamp(utcnow())
    if events.empty:
        return {"cells": [], "plan": None}
    try:
        # interactive default: the time-decayed KDE answers in well under a second; the
        # heavier models (sepp, learned, ensemble) are for `bia forecast` and its backtests
        grid, scores = forecast_grid(events, until, horizon, model=model or "kde")
    except (AnalyticsError, KeyError, ValueError) as exc:
        if isinstance(exc, AnalyticsError):
            raise Invalid(exc.message_fr, code="prevision_impossible") from None
        raise Invalid(f"Modèle inconnu : {model}", code="modele_inconnu") from None
    frame = grid.to_frame(scores)
    plan = None
    if crews:
        plan_obj = plan_patrols(grid, scores, n_crews=crews, shift_start=until,
                                shift_hours=shift_hours)
        plan = plan_obj.as_dict()
    _audit(session, staff, loaded, "forecast", {"horizon": horizon, "category": category})
    top = frame.sort_values("score", ascending=False).head(500)
    return {"until": until.isoformat(), "horizon": horizon, "cells": _records(top), "plan": plan,
            "valid_until": (until + timedelta(hours=1)).isoformat()}
