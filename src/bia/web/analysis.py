"""Analyst pages: ``/analyse`` (map, zone table, hour × weekday profile, trend, recurring
nuisances) and the weekly briefing PDF ``/analyse/briefing.pdf?semaine=YYYY-Www``.

The figures come from the same functions as the JSON routes of ``bia.api.analytics`` (called
directly, so every read is audited the same way); the map loads the forecast and the hot spots
from those JSON routes. Places only, never persons. Open to analyste, chef_de_poste, admin.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bia.api import analytics as api
from bia.api.auth import Staff
from bia.api.deps import ContextDep
from bia.cases import audit
from bia.context import Context, LoadedPack
from bia.reports import briefing as brief
from bia.web.queue import zone_names
from bia.web.render import TEMPLATE_DIR, local_time, page, security_headers
from bia.web.session import pack_for, staff_from_cookie, to_login

router = APIRouter(prefix="/analyse", include_in_schema=False)
ANALYST_ROLES = ("analyste", "chef_de_poste", "admin")
ROLE_LABELS = {"agent": "Agent", "chef_de_poste": "Chef de poste", "analyste": "Analyste",
               "admin": "Administrateur"}
PERIODS: dict[str, tuple[str, int]] = {
    "7j": ("7 derniers jours", 7), "28j": ("28 derniers jours", 28),
    "90j": ("90 derniers jours", 90), "365j": ("12 derniers mois", 365)}
DEFAULT_PERIOD = "28j"
MODEL_LABELS = {
    "naive": "comptes récents (référence naïve)",
    "kde": "densité de noyau pondérée dans le temps (KDE)",
    "sepp": "processus auto-excitant (Mohler et al. 2011)",
    "learned": "modèle appris (gradient boosting)",
    "ensemble": "ensemble : modèle appris et processus auto-excitant",
}


def _common(ctx: Context, staff: Staff, loaded: LoadedPack) -> dict[str, Any]:
    return {"staff": staff, "role_label": ROLE_LABELS.get(staff.role, staff.role),
            "commune": loaded.pack.commune, "tiles": ctx.settings.map_tile_url or None,
            "tiles_attribution": ""}


def _guard(request: Request, ctx: Context) -> Staff | Response:
    staff = staff_from_cookie(request, ctx)
    if staff is None:
        return to_login(request)
    if staff.role not in ANALYST_ROLES:
        return page(request, ctx.settings, "analyse/refuse.html", status_code=403,
                    **_common(ctx, staff, pack_for(ctx, staff)))
    return staff


def _category(loaded: LoadedPack, value: str | None) -> str | None:
    return value if value and value in loaded.pack.categories else None


def _label(loaded: LoadedPack, code: str) -> str:
    spec = loaded.pack.categories.get(code)
    return spec.label if spec else code


def _zone_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    trend = {t["zone"]: t for t in body["trend"]}
    rows = []
    for z in body["zones"]:
        t = trend.get(z["zone"], {})
        rows.append({**z, "baseline_count": t.get("baseline_count", 0),
                     "ratio": t.get("ratio"), "q_value": t.get("q_value"),
                     "verdict": t.get("verdict", "variation dans le bruit")})
    return sorted(rows, key=lambda r: -r["count"])


def _zone_forecast(session: Session, ctx: Context, staff: Staff, loaded: LoadedPack,
                   category: str | None) -> dict[str, Any] | None:
    """The next 24 hours by quartier; never waits for a heavy model (the page shows the
    cached forecast, or the KDE stand-in while the ensemble is computed off-thread)."""
    answer, name = api.forecast_answer(ctx, session, loaded, horizon="1d", category=category,
                                       model=None, wait_s=0.0)
    if answer is None:
        return None
    value = answer.value
    api._audit(session, staff, loaded, "forecast", {"horizon": "1d", "category": category,
                                                    "model": value["model"]})
    return {"zones": value["zones"].to_dict(orient="records"), "status": answer.status,
            "note": api.STATUS_NOTES[answer.status],
            "model_label": MODEL_LABELS.get(value["model"], value["model"]),
            "until": local_time(value["until"].to_pydatetime(), "%d/%m/%Y à %H:%M")}


def _recurring(session: Session, ctx: Context, staff: Staff, loaded: LoadedPack,
               start: datetime, end: datetime, category: str | None, limit: int
               ) -> list[dict[str, Any]]:
    found = api.recurring(session, ctx, staff, start=start, end=end, category=category,
                          limit=limit)
    for p in found:
        p["category_label"] = _label(loaded, p["category"])
    return found


@router.get("")
def analysis_page(request: Request, ctx: ContextDep) -> Response:
    staff = _guard(request, ctx)
    if isinstance(staff, Response):
        return staff
    loaded = pack_for(ctx, staff)
    tz = loaded.pack.commune.timezone
    category = _category(loaded, request.query_params.get("categorie"))
    period = request.query_params.get("periode") or DEFAULT_PERIOD
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    days = PERIODS[period][1]
    end = datetime.now(UTC)
    start = end - timedelta(days=days)
    with ctx.session() as session:
        zones_body = api.zones(session, ctx, staff, start=start, end=end, category=category)
        heat = api.heatmap(session, ctx, staff, start=start, end=end, category=category)
        recurring = _recurring(session, ctx, staff, loaded, end - timedelta(days=max(days, 120)),
                               end, category, 10)
        events = api._events(ctx, session, loaded, category)
        weeks = max(8, min(52, days // 7 + 1))
        series = brief.weekly_counts(events, pd.Timestamp(end), weeks, tz)
        zone_forecast = _zone_forecast(session, ctx, staff, loaded, category)
    query = f"&category={category}" if category else ""
    return page(request, ctx.settings, "analyse/page.html",
                zones=_zone_rows(zones_body), zone_forecast=zone_forecast,
                heat=brief.heat_rows(heat["counts"]),
                heat_total=heat["total"], hours=list(range(24)), recurring=recurring,
                chart=brief.trend_chart(series), categories=loaded.pack.categories,
                category=category or "", periods={k: v[0] for k, v in PERIODS.items()},
                period=period, period_label=PERIODS[period][0],
                start=local_time(start, "%d/%m/%Y"), end=local_time(end, "%d/%m/%Y"),
                recurring_days=max(days, 120), number=brief.number_fr,
                forecast_url=f"/api/v1/analytics/forecast?horizon=1d{query}",
                hotspots_url=f"/api/v1/analytics/hotspots?start={start.isoformat()}{query}"
                .replace("+", "%2B"),
                default_week=brief.week_label(brief.parse_week(None, tz)),
                **_common(ctx, staff, loaded))


@router.get("/analyse.css")
def stylesheet() -> Response:
    """The page's shading classes (served from our origin: the CSP forbids inline styles)."""
    body = (TEMPLATE_DIR / "analyse" / "analyse.css").read_bytes()
    return Response(body, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=300",
                             "X-Content-Type-Options": "nosniff"})


def build_briefing(ctx: Context, session: Session, staff: Staff, loaded: LoadedPack,
                   monday: Any) -> brief.Briefing:
    tz = loaded.pack.commune.timezone
    names = zone_names(loaded)
    begin = brief.local_midnight(monday, tz)
    stop = begin + pd.Timedelta(days=7)
    events = api._events(ctx, session, loaded, None)
    now = pd.Timestamp.now(tz="UTC")
    series = brief.weekly_counts(events, stop, 12, tz)
    week_count = series[-1][1]
    previous = [c for _, c in series[-1 - brief.BRIEFING_WEEKS:-1]]
    mean_prev = sum(previous) / len(previous) if previous else 0.0
    year_before = api._zone_counts(events, begin - pd.Timedelta(days=364),
                                   stop - pd.Timedelta(days=364)).sum()
    this_week = events[(events["t"] >= begin) & (events["t"] < stop)]
    prev_weeks = events[(events["t"] >= begin - pd.Timedelta(weeks=brief.BRIEFING_WEEKS))
                        & (events["t"] < begin)]
    now_cat = this_week["category"].value_counts()
    prev_cat = prev_weeks["category"].value_counts() / brief.BRIEFING_WEEKS
    categories = [{"label": _label(loaded, str(code)), "count": int(n),
                   "mean_prev": float(prev_cat.get(code, 0.0))}
                  for code, n in now_cat.head(6).items()]
    zones_body = api.zones(session, ctx, staff, start=begin.to_pydatetime(),
                           end=stop.to_pydatetime(), category=None)
    zones = _zone_rows(zones_body)
    heat_begin = stop - pd.Timedelta(weeks=brief.BRIEFING_WEEKS)
    heat = api.heatmap(session, ctx, staff, start=heat_begin.to_pydatetime(),
                       end=stop.to_pydatetime(), category=None)
    recurring = _recurring(session, ctx, staff, loaded, (stop - pd.Timedelta(days=120))
                           .to_pydatetime(), stop.to_pydatetime(), None, 5)
    # forecasts issued at the starts of this week and the 3 before, each judged on its week
    accuracy_end = min(stop, now)
    accuracy = brief.forecast_accuracy(
        events, begin - pd.Timedelta(weeks=brief.BRIEFING_WEEKS - 1), accuracy_end)
    for row in accuracy:
        row["week"] = brief.date_fr(row["origin"].tz_convert(tz).date())
    notes = []
    if stop > now:
        notes.append("Semaine en cours : les chiffres de la semaine sont partiels.")
    audit.record(session, username=staff.username, action="analytics.briefing",
                 object_type="analytics", commune_id=loaded.commune_id,
                 detail={"semaine": brief.week_label(monday)})
    return brief.Briefing(
        commune=loaded.pack.commune.name, week=brief.week_label(monday), monday=monday,
        sunday=monday + timedelta(days=6),
        generated=local_time(datetime.now(UTC)), category_label="toutes catégories",
        key={"count": week_count, "mean_prev": mean_prev, "previous": previous,
             "year_before": int(year_before),
             "change": (week_count - mean_prev) / mean_prev * 100 if mean_prev else None},
        categories=categories, zones=zones, recurring=recurring,
        heat=brief.heat_rows(heat["counts"]),
        heat_period=f"{brief.BRIEFING_WEEKS} semaines, du "
                    f"{brief.date_fr(heat_begin.tz_convert(tz).date())} au "
                    f"{brief.date_fr(monday + timedelta(days=6))}",
        zone_map=brief.zone_map(loaded.pack.zones_geojson,
                                {z["zone"]: z["count"] for z in zones}, names),
        accuracy=accuracy, trend=brief.trend_chart(series, width=500, height=150), notes=notes)


@router.get("/briefing.pdf")
def briefing_pdf(request: Request, ctx: ContextDep) -> Response:
    staff = _guard(request, ctx)
    if isinstance(staff, Response):
        return staff
    loaded = pack_for(ctx, staff)
    try:
        monday = brief.parse_week(request.query_params.get("semaine"),
                                  loaded.pack.commune.timezone)
    except ValueError:
        return page(request, ctx.settings, "analyse/semaine_invalide.html", status_code=422,
                    value=request.query_params.get("semaine", ""),
                    **_common(ctx, staff, loaded))
    with ctx.session() as session:
        sheet = build_briefing(ctx, session, staff, loaded, monday)
    pdf = brief.render(sheet)
    headers = {**security_headers(ctx.settings),
               "Content-Disposition": f'inline; filename="note-hebdomadaire-{sheet.week}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)

