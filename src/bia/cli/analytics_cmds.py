"""`bia forecast …` and `bia analytics …`: territorial analytics from a history file.

Both sub-apps read any CSV through a column mapping (``--time-col``/``--lat-col``/…) or a
preset (``--preset chicago``); rejected rows are summarised on stderr with their line
numbers, never dropped silently. Registered by the main app as ``forecast`` and
``analytics``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from bia.analytics.io import PRESETS, get_mapping, read_events, summarise_rejections
from bia.analytics.types import AnalyticsError

forecast_app = typer.Typer(
    help="Place-based forecasts on a regular grid: predict the next window, backtest models.",
    no_args_is_help=True,
)
analytics_app = typer.Typer(
    help="Territorial analytics: recurring nuisances, zone statistics, hot spots.",
    no_args_is_help=True,
)

EventsArg = Annotated[Path, typer.Argument(help="CSV (optionally .gz) of events.")]
TimeCol = Annotated[str | None, typer.Option("--time-col", help="Date/time column.")]
LatCol = Annotated[str | None, typer.Option("--lat-col", help="Latitude column (WGS84).")]
LonCol = Annotated[str | None, typer.Option("--lon-col", help="Longitude column (WGS84).")]
XCol = Annotated[str | None, typer.Option("--x-col", help="Projected x column (with --epsg).")]
YCol = Annotated[str | None, typer.Option("--y-col", help="Projected y column (with --epsg).")]
Epsg = Annotated[int | None, typer.Option("--epsg", help="EPSG code of --x-col/--y-col.")]
CatCol = Annotated[str | None, typer.Option("--category-col", help="Category column.")]
Category = Annotated[str | None, typer.Option("--category",
                                              help="Keep only this category (a|b for several).")]
IdCol = Annotated[str | None, typer.Option("--id-col", help="Event id column.")]
SourceCol = Annotated[str | None, typer.Option(
    "--source-col", help="Source column (resident report vs patrol-found).")]
Preset = Annotated[str | None, typer.Option(
    "--preset", help=f"Column preset instead of the column options: {', '.join(sorted(PRESETS))}.")]
Tz = Annotated[str | None, typer.Option(
    "--tz", help="Time zone of naive times and of local hours (default Europe/Paris, or the "
                 "preset's).")]
Until = Annotated[str, typer.Option("--until", help="Forecast origin (ISO); only earlier "
                                                    "events are used.")]
Horizon = Annotated[str, typer.Option("--horizon", help="Window length: 8h, 1d, 7d…")]
CellM = Annotated[float, typer.Option("--cell-m", help="Grid cell size in metres.")]
Area = Annotated[str, typer.Option("--area", help="Study area: 'support' (cells near past "
                                                  "events) or 'bbox'.")]
Seed = Annotated[int, typer.Option("--seed", help="Random seed.")]
PatrolWeight = Annotated[float, typer.Option(
    "--patrol-weight", help="Weight of patrol-found events in the models (feedback-loop "
                            "guard; resident reports weigh 1).")]


def _fail(exc: AnalyticsError) -> None:
    typer.echo(f"erreur : {exc.message_fr}", err=True)
    raise typer.Exit(code=2)


def _load(path: Path, *, preset: str | None, time_col: str | None, lat_col: str | None,
          lon_col: str | None, x_col: str | None = None, y_col: str | None = None,
          epsg: int | None = None, category_col: str | None = None,
          id_col: str | None = None, source_col: str | None = None,
          tz: str | None = None) -> tuple[pd.DataFrame, str]:
    """Events of ``path`` and the time zone of naive times (for --until/--from/--to)."""
    if not path.exists():
        raise AnalyticsError(f"no such file {path}", f"fichier introuvable : {path}")
    mapping = get_mapping(
        None, preset, time=time_col, lat=lat_col, lon=lon_col, x=x_col, y=y_col, epsg=epsg,
        category=category_col, event_id=id_col, source=source_col, tz=tz)
    events, rejected = read_events(path, mapping)
    if rejected:
        typer.echo(summarise_rejections(rejected), err=True)
    return events, mapping.tz


def _ts(text: str, tz: str) -> pd.Timestamp:
    """An instant; naive values are read in the same zone as the file's naive times."""
    try:
        t = pd.Timestamp(text)
    except (ValueError, TypeError) as exc:
        raise AnalyticsError(f"bad date {text!r}", f"date illisible : {text!r}") from exc
    if t.tzinfo is None:
        t = t.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    return t.tz_convert("UTC")


@forecast_app.command("predict")
def predict_cmd(
    events_path: EventsArg,
    until: Until,
    out: Annotated[Path, typer.Option("--out", help="Output CSV, one row per grid cell.")],
    horizon: Horizon = "7d",
    cell_m: CellM = 200.0,
    model: Annotated[str, typer.Option("--model", help="naive, kde, sepp, learned or "
                                                       "ensemble (default).")] = "ensemble",
    time_col: TimeCol = None, lat_col: LatCol = None, lon_col: LonCol = None,
    x_col: XCol = None, y_col: YCol = None, epsg: Epsg = None,
    category_col: CatCol = None, category: Category = None, id_col: IdCol = None,
    source_col: SourceCol = None, preset: Preset = None, tz: Tz = None,
    area: Area = "support", seed: Seed = 0, patrol_weight: PatrolWeight = 0.5,
    by: Annotated[str, typer.Option("--by", help="'cell' (one row per grid cell) or 'zone' "
                                                 "(one row per named zone: expected count "
                                                 "and risk rank).")] = "cell",
    zones: Annotated[Path | None, typer.Option(
        "--zones", help="GeoJSON of named zones for --by zone (default: the Biarritz "
                        "pack's quartiers).")] = None,
    zone_field: Annotated[str, typer.Option("--zone-field",
                                            help="Property holding the zone code.")] = "code",
) -> None:
    """Write cell_id,lon_min,lat_min,lon_max,lat_max,score for [until, until+horizon), or
    with --by zone: zone,name,expected,area_km2,per_km2,share,rank."""
    from bia.analytics.forecast import forecast_grid
    from bia.analytics.zones import zone_forecast

    try:
        if by not in ("cell", "zone"):
            raise AnalyticsError(f"bad --by {by!r}",
                                 f"--by doit valoir « cell » ou « zone », pas {by!r}")
        named = _zone_shapes(zones, zone_field) if by == "zone" else None
        events, zone = _load(events_path, preset=preset, time_col=time_col, lat_col=lat_col,
                             lon_col=lon_col, x_col=x_col, y_col=y_col, epsg=epsg,
                             category_col=category_col, id_col=id_col,
                             source_col=source_col, tz=tz)
        grid, scores = forecast_grid(events, _ts(until, zone), horizon, cell_m=cell_m,
                                     model=model, category=category, area=area, seed=seed,
                                     source_weights={"patrol": patrol_weight}, tz=zone)
        table = (zone_forecast(grid, scores, *named) if named is not None
                 else grid.to_frame(scores))
    except AnalyticsError as exc:
        _fail(exc)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, float_format="%.8g")
    typer.echo(f"{len(table)} {'zones' if named is not None else 'cells'} written to {out}",
               err=True)


def _zone_shapes(path: Path | None, field: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Zone shapes and names from a GeoJSON file (default: the Biarritz pack's)."""
    from bia.analytics.zones import zones_from_geojson
    from bia.core.settings import PROJECT_ROOT

    path = path or PROJECT_ROOT / "packs" / "biarritz" / "zones.geojson"
    try:
        geojson = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AnalyticsError(f"cannot read zones {path}",
                             f"zones illisibles : {path}") from exc
    return zones_from_geojson(geojson, field=field)


@forecast_app.command("backtest")
def backtest_cmd(
    events_path: EventsArg,
    start: Annotated[str, typer.Option("--from", help="First forecast origin (ISO).")],
    end: Annotated[str, typer.Option("--to", help="End of the test period (ISO).")],
    horizon: Horizon = "7d",
    cell_m: CellM = 200.0,
    models: Annotated[str, typer.Option("--models", help="Comma-separated models.")] =
    "naive,kde,sepp,learned,ensemble",
    model: Annotated[str | None, typer.Option("--model", help="Test one model only.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Ignored (accepted for "
                                                              "symmetry with predict).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the per-window "
                                                           "scores to this CSV.")] = None,
    step: Annotated[str | None, typer.Option(
        "--step", help="Time between window starts (default: the horizon); e.g. --horizon "
                       "8h --step 1d --from '…T22:00' tests night shifts only.")] = None,
    time_col: TimeCol = None, lat_col: LatCol = None, lon_col: LonCol = None,
    x_col: XCol = None, y_col: YCol = None, epsg: Epsg = None,
    category_col: CatCol = None, category: Category = None, id_col: IdCol = None,
    source_col: SourceCol = None, preset: Preset = None, tz: Tz = None,
    area: Area = "support", seed: Seed = 0, patrol_weight: PatrolWeight = 0.5,
) -> None:
    """Print JSON: per model, mean hit rate and PAI at 1/5/10 % of the area over the
    rolling windows of [from, to)."""
    from bia.analytics.backtest import backtest

    try:
        events, zone = _load(events_path, preset=preset, time_col=time_col, lat_col=lat_col,
                             lon_col=lon_col, x_col=x_col, y_col=y_col, epsg=epsg,
                             category_col=category_col, id_col=id_col,
                             source_col=source_col, tz=tz)
        names = [model] if model else [m.strip() for m in models.split(",") if m.strip()]
        res = backtest(events, _ts(start, zone), _ts(end, zone), horizon, models=names,
                       cell_m=cell_m, category=category, area=area, seed=seed,
                       source_weights={"patrol": patrol_weight}, step=step, tz=zone)
    except AnalyticsError as exc:
        _fail(exc)
        return
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        res.windows.to_csv(out, index=False)
    n_windows = int(res.windows["origin"].nunique()) if len(res.windows) else 0
    payload: dict[str, Any] = {
        "from": start, "to": end, "horizon": horizon, "cell_m": cell_m,
        "n_cells": res.n_cells, "n_windows": n_windows, "models": res.summary(),
    }
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))


@analytics_app.command("recurring")
def recurring_cmd(
    events_path: EventsArg,
    time_col: TimeCol = None, lat_col: LatCol = None, lon_col: LonCol = None,
    x_col: XCol = None, y_col: YCol = None, epsg: Epsg = None,
    category_col: CatCol = None, category: Category = None, id_col: IdCol = None,
    source_col: SourceCol = None, preset: Preset = None, tz: Tz = None,
    radius_m: Annotated[float, typer.Option("--radius-m", help="Place radius.")] = 150.0,
    min_weeks: Annotated[int, typer.Option("--min-weeks",
                                           help="Distinct weeks needed.")] = 4,
    fdr: Annotated[float, typer.Option("--fdr", help="False discovery rate.")] = 0.05,
    with_events: Annotated[bool, typer.Option("--with-events/--no-events",
                                              help="Include the event ids.")] = True,
) -> None:
    """Print a JSON list of recurring patterns (same place, same time of week), strongest
    first."""
    from bia.analytics.forecast import select_category
    from bia.analytics.recurring import find_recurring

    try:
        events, zone = _load(events_path, preset=preset, time_col=time_col, lat_col=lat_col,
                             lon_col=lon_col, x_col=x_col, y_col=y_col, epsg=epsg,
                             category_col=category_col, id_col=id_col,
                             source_col=source_col, tz=tz)
        patterns = find_recurring(select_category(events, category), tz=zone,
                                  radius_m=radius_m, min_weeks=min_weeks, fdr=fdr)
    except AnalyticsError as exc:
        _fail(exc)
        return
    out = [p.as_dict(with_events=with_events) for p in patterns]
    sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


def _period_events(events: pd.DataFrame, start: str | None, end: str | None,
                   zone: str) -> pd.DataFrame:
    from bia.analytics.stats import in_period

    return in_period(events, _ts(start, zone) if start else None,
                     _ts(end, zone) if end else None)


@forecast_app.command("plan")
def plan_cmd(
    events_path: EventsArg,
    until: Annotated[str, typer.Option("--until", help="Shift start (ISO).")],
    crews: Annotated[int, typer.Option("--crews", help="Number of crews.")] = 2,
    horizon: Annotated[str, typer.Option("--horizon", help="Shift length.")] = "8h",
    cell_m: CellM = 200.0,
    patch_cells: Annotated[int, typer.Option("--patch-cells",
                                             help="Patch side, in cells.")] = 3,
    model: Annotated[str, typer.Option("--model", help="Forecast model.")] = "ensemble",
    time_col: TimeCol = None, lat_col: LatCol = None, lon_col: LonCol = None,
    category_col: CatCol = None, category: Category = None, source_col: SourceCol = None,
    preset: Preset = None, tz: Tz = None, seed: Seed = 0, patrol_weight: PatrolWeight = 0.5,
) -> None:
    """Print a JSON patrol plan for the shift starting at --until: which cells each crew
    covers, when, and the share of the forecast risk covered."""
    from bia.analytics.forecast import forecast_grid
    from bia.analytics.patrol import plan_patrols
    from bia.analytics.types import parse_horizon

    try:
        events, zone = _load(events_path, preset=preset, time_col=time_col, lat_col=lat_col,
                             lon_col=lon_col, category_col=category_col,
                             source_col=source_col, tz=tz)
        start = _ts(until, zone)
        grid, scores = forecast_grid(events, start, horizon, cell_m=cell_m, model=model,
                                     category=category, seed=seed,
                                     source_weights={"patrol": patrol_weight}, tz=zone)
        hours = parse_horizon(horizon) / pd.Timedelta(1, "h")
        plan = plan_patrols(grid, scores, n_crews=crews, shift_start=start.tz_convert(zone),
                            shift_hours=hours, patch_cells=patch_cells)
    except AnalyticsError as exc:
        _fail(exc)
        return
    sys.stdout.write(json.dumps(plan.as_dict(), indent=2, ensure_ascii=False) + "\n")


@analytics_app.command("hotspots")
def hotspots_cmd(
    events_path: EventsArg,
    cell_m: CellM = 200.0,
    k: Annotated[int, typer.Option("--k", help="Neighbourhood rings (1 = queen).")] = 1,
    fdr: Annotated[float, typer.Option("--fdr", help="False discovery rate.")] = 0.05,
    start: Annotated[str | None, typer.Option("--from", help="Period start (ISO).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Period end (ISO).")] = None,
    time_col: TimeCol = None, lat_col: LatCol = None, lon_col: LonCol = None,
    category_col: CatCol = None, category: Category = None, preset: Preset = None,
    tz: Tz = None,
) -> None:
    """Print a JSON list of Getis-Ord Gi* hot and cold cells (BH-corrected), hottest first."""
    from bia.analytics.forecast import select_category
    from bia.analytics.hotspots import hotspots

    try:
        events, zone = _load(events_path, preset=preset, time_col=time_col, lat_col=lat_col,
                             lon_col=lon_col, category_col=category_col, tz=tz)
        ev = _period_events(select_category(events, category), start, end, zone)
        frame = hotspots(ev, cell_m=cell_m, k=k, fdr=fdr)
    except AnalyticsError as exc:
        _fail(exc)
        return
    sig = frame[frame["label"] != ""].sort_values("z", ascending=False)
    sys.stdout.write(sig.to_json(orient="records", force_ascii=False, indent=2) + "\n")


@analytics_app.command("stats")
def stats_cmd(
    events_path: EventsArg,
    start: Annotated[str, typer.Option("--from", help="Period start (ISO).")],
    end: Annotated[str, typer.Option("--to", help="Period end (ISO).")],
    base_start: Annotated[str | None, typer.Option("--baseline-from",
                                                   help="Baseline start.")] = None,
    base_end: Annotated[str | None, typer.Option("--baseline-to", help="Baseline end.")] = None,
    zones: Annotated[Path | None, typer.Option("--zones", help="GeoJSON of named zones.")] = None,
    zone_field: Annotated[str, typer.Option("--zone-field",
                                            help="Property holding the zone name.")] = "name",
    time_col: TimeCol = None, lat_col: LatCol = None, lon_col: LonCol = None,
    category_col: CatCol = None, category: Category = None, preset: Preset = None,
    tz: Tz = None,
) -> None:
    """Print JSON statistics for the period: counts by zone and category, hour × weekday,
    and (with a baseline) the change per zone with an exact rate test."""
    from shapely.geometry import shape

    from bia.analytics.forecast import select_category
    from bia.analytics.stats import counts_by_category, counts_by_zone, hour_weekday, trend

    try:
        events, zone = _load(events_path, preset=preset, time_col=time_col, lat_col=lat_col,
                             lon_col=lon_col, category_col=category_col, tz=tz)
        events = select_category(events, category)
        named = None
        if zones is not None:
            features = json.loads(zones.read_text(encoding="utf-8"))["features"]
            named = {str(f["properties"].get(zone_field, i)): shape(f["geometry"])
                     for i, f in enumerate(features)}
        a, b = _ts(start, zone), _ts(end, zone)
        period = _period_events(events, start, end, zone)
        out: dict[str, Any] = {
            "from": a.isoformat(), "to": b.isoformat(), "count": len(period),
            "categories": counts_by_category(period).to_dict(orient="records"),
            "hour_weekday": hour_weekday(period, tz=zone).to_dict(orient="split"),
        }
        if named:
            out["zones"] = counts_by_zone(events, named, a, b).to_dict(orient="records")
        if base_start and base_end:
            out["trend"] = trend(events, (a, b), (_ts(base_start, zone), _ts(base_end, zone)),
                                 zones=named).to_dict(orient="records")
    except AnalyticsError as exc:
        _fail(exc)
        return
    sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False, default=str) + "\n")


@analytics_app.command("nearrepeat")
def nearrepeat_cmd(
    events_path: EventsArg,
    distance_m: Annotated[float, typer.Option("--distance-m", help="Chain distance.")] = 200.0,
    days: Annotated[float, typer.Option("--days", help="Chain delay.")] = 7.0,
    permutations: Annotated[int, typer.Option("--permutations")] = 99,
    time_col: TimeCol = None, lat_col: LatCol = None, lon_col: LonCol = None,
    category_col: CatCol = None, category: Category = None, preset: Preset = None,
    tz: Tz = None, seed: Seed = 0,
) -> None:
    """Print JSON: the Knox near-repeat table and the chains of linked events."""
    import numpy as np

    from bia.analytics.forecast import select_category
    from bia.analytics.nearrepeat import knox_test, near_repeat_chains

    try:
        events, _ = _load(events_path, preset=preset, time_col=time_col, lat_col=lat_col,
                          lon_col=lon_col, category_col=category_col, tz=tz)
        ev = select_category(events, category)
        table = knox_test(ev, distance_bands_m=(distance_m / 2, distance_m, 2 * distance_m),
                          day_bands=(days, 2 * days, 4 * days), n_permutations=permutations,
                          rng=np.random.default_rng(seed))
        chains = near_repeat_chains(ev, distance_m=distance_m, days=days)
    except AnalyticsError as exc:
        _fail(exc)
        return
    out = {"knox": table.to_dict(orient="records"), "chains": [
        {"size": c.size, "start": c.start.isoformat(), "end": c.end.isoformat(),
         "lat": round(c.lat, 6), "lon": round(c.lon, 6), "radius_m": round(c.radius_m, 1),
         "category": c.category, "event_ids": c.event_ids} for c in chains]}
    sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
