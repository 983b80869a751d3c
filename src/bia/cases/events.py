"""Intervention events (the input of analytics): storing imported and demo histories."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from bia.cases.models import Event
from bia.geo.zones import ZoneIndex

if TYPE_CHECKING:
    from bia.context import Context

BATCH = 5000


def store_events(session: Session, *, commune_id: int, dataset: str, frame: pd.DataFrame,
                 zones: ZoneIndex | None = None) -> tuple[int, int]:
    """Insert events not already stored (idempotent on dataset + external id)."""
    known = set(session.scalars(select(Event.external_id).where(
        Event.commune_id == commune_id, Event.dataset == dataset)))
    rows: list[dict[str, Any]] = []
    for rec in frame.itertuples(index=False):
        external_id = str(getattr(rec, "event_id", None) or rec.external_id)
        if external_id in known:
            continue
        known.add(external_id)
        lat, lon = float(rec.lat), float(rec.lon)
        zone = getattr(rec, "zone", None) or (zones.zone_of(lat, lon) if zones else None)
        when = getattr(rec, "t", None)
        if when is None:
            when = rec.occurred_at
        rows.append({"commune_id": commune_id, "dataset": dataset, "external_id": external_id,
                     "occurred_at": pd.Timestamp(when).to_pydatetime(),
                     "category_code": str(rec.category)[:64], "source": str(rec.source)[:16],
                     "lat": lat, "lon": lon, "zone_code": zone,
                     "synthetic": bool(getattr(rec, "synthetic", False))})
    for start in range(0, len(rows), BATCH):
        session.execute(insert(Event), rows[start:start + BATCH])
    return len(rows), len(frame) - len(rows)


def load_demo_history(ctx: Context, *, years: int, seed: int) -> tuple[int, int]:
    """Regenerate the « demo » dataset when its size or seed changed; else leave it."""
    from bia.demo.generator import generate_history

    loaded = ctx.pack()
    pack = loaded.pack
    today = date.today()
    start = date(today.year - years, today.month, 1)
    frame = generate_history(zones_geojson=pack.zones_geojson, landmarks=pack.landmarks,
                             streets=pack.streets, start=start, years=years, seed=seed)
    dataset = f"demo-{seed}-{start.isoformat()}-{years}y"
    with ctx.session() as session:
        session.execute(delete(Event).where(Event.commune_id == loaded.commune_id,
                                            Event.dataset.like("demo-%"),
                                            Event.dataset != dataset))
        inserted, _ = store_events(session, commune_id=loaded.commune_id, dataset=dataset,
                                   frame=frame, zones=loaded.zones)
        total = session.scalar(select(func.count()).select_from(Event).where(
            Event.commune_id == loaded.commune_id, Event.dataset == dataset))
    return inserted, int(total or 0)


class EventFrames:
    """Per-commune cache of the events as an analytics frame, refreshed when rows change.

    Analytics works on frames (``bia.analytics`` imports no database); reading 50,000 rows
    takes ~100 ms, so the frame is kept and re-read only when the table's count or last id
    moves.
    """

    def __init__(self) -> None:
        self._cache: dict[int, tuple[tuple[int, int], pd.DataFrame]] = {}

    def get(self, session: Session, commune_id: int) -> pd.DataFrame:
        key = session.execute(select(func.count(Event.id), func.max(Event.id))
                              .where(Event.commune_id == commune_id)).one()
        stamp = (int(key[0] or 0), int(key[1] or 0))
        cached = self._cache.get(commune_id)
        if cached and cached[0] == stamp:
            return cached[1]
        rows = session.execute(select(Event.occurred_at, Event.lat, Event.lon,
                                      Event.category_code, Event.source, Event.external_id,
                                      Event.zone_code).where(Event.commune_id == commune_id)
                               .order_by(Event.occurred_at)).all()
        frame = pd.DataFrame(rows, columns=["t", "lat", "lon", "category", "source", "event_id",
                                            "zone"])
        frame["t"] = pd.to_datetime(frame["t"], utc=True)
        self._cache[commune_id] = (stamp, frame)
        return frame
