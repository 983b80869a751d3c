"""Analyst routes: zone statistics, hour × weekday profiles, hot spots, recurring nuisances,
forecasts and patrol plans. Places only: every figure is about zones or grid cells.

Open to the analyste, chef_de_poste and admin roles; every call is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

import numpy as np
import pandas as pd
import shapely
from fastapi import APIRouter, Depends, Query
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from shapely.geometry import shape

from bia.analytics import stats
from bia.analytics.cache import Answer, ForecastCache, fingerprint
from bia.analytics.forecast import forecast_fit
from bia.analytics.hotspots import hotspots
from bia.analytics.models import MODEL_NAMES
from bia.analytics.multitest import benjamini_hochberg
from bia.analytics.patrol import plan_patrols
from bia.analytics.recurring import find_recurring
from bia.analytics.types import AnalyticsError, parse_horizon
from bia.analytics.zones import zone_forecast
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


FAST_MODELS = ("naive", "kde")
STATUS_NOTES = {
    "a_jour": None,
    "precedente": "Prévision calculée sur les événements précédents ; la mise à jour est en "
                  "cours (quelques secondes).",
    "repli": "Le modèle demandé est en cours de calcul : prévision provisoire par densité "
             "de noyau (KDE) en attendant.",
}


class AnalyticsApiSettings(BaseSettings):
    """Interactive forecasts of the analyst API."""

    model_config = SettingsConfigDict(env_prefix="BIA_", env_file=".env", extra="ignore")

    analytics_forecast_model: str = Field(
        default="ensemble",
        description="Model of `GET /api/v1/analytics/forecast` when the request names none "
        "(naive, kde, sepp, learned, ensemble). Heavy models are computed off-thread and "
        "cached per commune, category, horizon and hour; new events invalidate the cache.")
    analytics_forecast_wait_s: float = Field(
        default=2.0, ge=0.0, le=120.0,
        description="Seconds a forecast request waits for a fresh heavy-model computation "
        "before answering with the previous forecast (or a KDE stand-in), flagged as such.")


def _forecast_value(events: pd.DataFrame, until: pd.Timestamp, horizon: str, model: str,
                    tz: str, zones: dict[str, Any], names: dict[str, str],
                    warm: Any = None) -> dict[str, Any]:
    """Cell scores, grid, zone table and the fitted model (for warm starts)."""
    # warm start from the previous fit, else from a quick fit on the last 60 days
    sepp_params: dict[str, Any] = {"warm": warm} if warm is not None else {"pilot_days": 60.0}
    params: dict[str, Any] = {}
    if model == "sepp":
        params = sepp_params
    elif model == "ensemble":
        params = {"member_params": {"sepp": sepp_params}}
    grid, scores, fitted = forecast_fit(events, until, horizon, model=model, tz=tz,
                                        model_params=params)
    sepp = fitted if model == "sepp" else getattr(fitted, "fitted", {}).get("sepp")
    return {"grid": grid, "scores": scores, "model": model, "until": until,
            "zones": zone_forecast(grid, scores, zones, names),
            "sepp_fit": getattr(sepp, "last_fit", None)}


def forecast_answer(ctx: Context, session: SessionDep, loaded: LoadedPack, *, horizon: str,
                    category: str | None, model: str | None,
                    wait_s: float | None = None) -> tuple[Answer | None, str]:
    """The forecast of ``model`` (default: the configured one) for the window starting at
    the current hour, and the model name; ``None`` when there are no events. Heavy models
    come from the per-commune cache (:mod:`bia.analytics.cache`), computed off-thread."""
    conf: AnalyticsApiSettings = ctx.service("analytics-api-settings", AnalyticsApiSettings)
    name = model or conf.analytics_forecast_model
    if name not in MODEL_NAMES:
        raise Invalid(f"Modèle inconnu : {name} (connus : {', '.join(MODEL_NAMES)}).",
                      code="modele_inconnu")
    try:
        parse_horizon(horizon)
    except AnalyticsError as exc:
        raise Invalid(exc.message_fr, code="horizon_invalide") from None
    events = _events(ctx, session, loaded, category)
    if events.empty:
        return None, name
    until = pd.Timestamp(utcnow()).floor("h")
    tz = loaded.pack.commune.timezone
    shapes = _zones(loaded)
    names = {f["properties"]["code"]: f["properties"].get("name", "")
             for f in loaded.pack.zones_geojson["features"]}
    try:
        if name in FAST_MODELS:
            return Answer(_forecast_value(events, until, horizon, name, tz, shapes, names),
                          "a_jour"), name
        cache: ForecastCache = ctx.service("forecast-cache", ForecastCache)
        family = (loaded.commune_id, category, name, horizon)
        warm_key = (loaded.commune_id, category)
        frame = events.copy()  # the worker must not see later changes to the frame

        def compute() -> dict[str, Any]:
            value = _forecast_value(frame, until, horizon, name, tz, shapes, names,
                                    warm=cache.warm(warm_key))
            if value["sepp_fit"] is not None:
                cache.set_warm(warm_key, value["sepp_fit"])
            return value

        answer = cache.get(family, (*family, until.isoformat()), fingerprint(events), compute,
                           wait_s=conf.analytics_forecast_wait_s if wait_s is None else wait_s,
                           fallback=lambda: _forecast_value(events, until, horizon, "kde", tz,
                                                            shapes, names))
        return answer, name
    except AnalyticsError as exc:
        raise Invalid(exc.message_fr, code="prevision_impossible") from None


@router.get("/forecast", summary="Risque par maille et par quartier pour le prochain créneau")
def forecast(session: SessionDep, ctx: ContextDep, staff: AnalystStaff,
             horizon: Annotated[str, Query(pattern=r"^\d{1,4}(h|d|w)$")] = "1d",
             category: str | None = None, model: str | None = None,
             crews: Annotated[int, Query(ge=0, le=20)] = 0,
             shift_hours: Annotated[float, Query(gt=0, le=24)] = 8.0) -> dict[str, Any]:
    """Forecast for ``[now rounded down to the hour, + horizon)``: the 500 riskiest cells,
    every named zone with its expected count and risk rank, and optionally a patrol plan.
    ``statut`` says whether the answer is fresh (``a_jour``), an older forecast being
    refreshed (``precedente``) or a KDE stand-in while the model is computed (``repli``).
    """
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    answer, name = forecast_answer(ctx, session, loaded, horizon=horizon, category=category,
                                   model=model)
    if answer is None:
        return {"cells": [], "zones": [], "plan": None, "model": name,
                "requested_model": name, "statut": "a_jour", "note": None}
    value = answer.value
    grid, scores = value["grid"], value["scores"]
    frame = grid.to_frame(scores)
    plan = None
    if crews:
        plan = plan_patrols(grid, scores, n_crews=crews, shift_start=value["until"],
                            shift_hours=shift_hours).as_dict()
    _audit(session, staff, loaded, "forecast", {"horizon": horizon, "category": category,
                                                "model": value["model"]})
    top = frame.sort_values("score", ascending=False).head(500)
    out_until: pd.Timestamp = value["until"]
    return {"until": out_until.isoformat(), "horizon": horizon, "model": value["model"],
            "requested_model": name, "statut": answer.status,
            "note": STATUS_NOTES[answer.status],
            "compute_seconds": None if answer.seconds is None else round(answer.seconds, 2),
            "cells": _records(top), "zones": _records(value["zones"]), "plan": plan,
            "valid_until": (out_until + timedelta(hours=1)).isoformat()}
