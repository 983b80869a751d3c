"""Reading real incident histories into the event frame.

Any CSV a commune or a portal hands us: gzip or plain, UTF-8 or Windows-1252, comma, semicolon,
tab or pipe separated, ISO or day-first dates, decimal commas, WGS84 lon/lat or projected x/y
with an EPSG code. Bad rows are never dropped silently: each one comes back as a
:class:`Rejection` with its physical line number (header = line 1) and a French reason.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from bia.analytics.mapping import PRESETS, ColumnMapping, Preset
from bia.analytics.types import EVENT_COLUMNS, AnalyticsError, empty_events

__all__ = ["PRESETS", "ColumnMapping", "Preset", "ReadResult", "Rejection", "get_mapping",
           "read_events", "summarise_rejections"]

_SOURCE_ALIASES = {
    "patrol": ("patrol", "patrouille", "police", "officer", "proactive", "agent", "pm"),
    "resident": ("resident", "résident", "habitant", "citizen", "citoyen", "call", "appel",
                 "phone", "téléphone", "web", "chat", "311", "open311", "app"),
}


@dataclass
class Rejection:
    line: int
    reason: str
    raw: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "reason": self.reason, "raw": self.raw}


class ReadResult(NamedTuple):
    events: pd.DataFrame
    rejected: list[Rejection]


@dataclass
class _Rows:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def get_mapping(mapping: ColumnMapping | str | None = None, preset: str | None = None,
                **overrides: object) -> ColumnMapping:
    """A mapping from a preset name and/or explicit fields (explicit fields win)."""
    name = preset or (mapping if isinstance(mapping, str) else None)
    if name is not None:
        key = name.lower().strip()
        if key not in PRESETS:
            raise AnalyticsError(f"unknown preset {name!r}",
                                 f"préréglage inconnu : {name!r} (connus : "
                                 f"{', '.join(sorted(PRESETS))})")
        base = PRESETS[key].mapping
    elif isinstance(mapping, ColumnMapping):
        base = mapping
    else:
        if not overrides.get("time"):
            raise AnalyticsError("a time column is required", "colonne de date requise")
        return ColumnMapping(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    clean = {k: v for k, v in overrides.items() if v is not None}
    return replace(base, **clean) if clean else base  # type: ignore[arg-type]


def _decode(path: Path) -> str:
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise AnalyticsError(f"corrupt gzip: {exc}", "fichier gzip corrompu") from exc
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 with errors never gets here
        text = data.decode("latin-1")
    return text.replace("\x00", "")


def _sniff(text: str, given: str | None) -> str:
    if given:
        return given
    head = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if not head:
        return ","
    best, score = ",", -1
    for d in (",", ";", "\t", "|"):
        counts = [ln.count(d) for ln in head]
        if counts[0] and (s := min(counts)) > score:
            best, score = d, s
    return best


def _read_rows(text: str, delimiter: str) -> tuple[_Rows, list[Rejection]]:
    csv.field_size_limit(1 << 24)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rejected: list[Rejection] = []
    out: _Rows | None = None
    prev_end = 0
    while True:
        start = prev_end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(Rejection(start, f"ligne CSV illisible ({exc})"))
            prev_end = reader.line_num
            if len(rejected) > 100_000:
                break
            continue
        prev_end = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if out is None:
            out = _Rows([c.strip().lower() for c in row])
            continue
        out.rows.append(row)
        out.lines.append(start)
    if out is None:
        raise AnalyticsError("empty file", "fichier vide : aucune ligne d'en-tête")
    return out, rejected


def _parse_times(values: pd.Series, tz: str, dayfirst: bool | None) -> pd.Series:
    """UTC timestamps; NaT where unreadable. Naive values are local to ``tz``."""
    s = values.astype(str).str.strip()
    num = pd.to_numeric(s, errors="coerce")
    if len(s) and num.notna().mean() > 0.9 and (num.dropna().abs() > 1e8).all():
        # Unix epoch, in seconds or (past year 5138 in seconds) milliseconds.
        unit = "ms" if (num.dropna().abs() > 1e11).all() else "s"
        return pd.to_datetime(num, unit=unit, utc=True, errors="coerce").astype(
            "datetime64[ns, UTC]")
    aware = s.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True) & s.str.contains(r"\d[T ]\d")
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    if aware.any():
        out[aware] = pd.to_datetime(s[aware], format="ISO8601", utc=True, errors="coerce")
    naive = s[~aware]
    if len(naive):
        parsed = pd.to_datetime(naive, format="ISO8601", errors="coerce")
        bad = parsed.isna() & (naive != "")
        if bad.any():
            if dayfirst is None:
                m = naive[bad].str.extract(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")
                first = pd.to_numeric(m[0], errors="coerce")
                dayfirst = bool((first > 12).any()) or not bool(
                    (pd.to_numeric(m[1], errors="coerce") > 12).any())
            with np.errstate(all="ignore"):
                try:
                    retry = pd.to_datetime(naive[bad], format="mixed", dayfirst=dayfirst,
                                           errors="coerce")
                except (ValueError, TypeError, OverflowError):
                    retry = pd.Series(pd.NaT, index=naive[bad].index)
            if getattr(retry.dtype, "tz", None) is not None:
                retry = retry.dt.tz_convert("UTC").dt.tz_localize(None)
            parsed = parsed.astype("datetime64[ns]")
            parsed[bad] = retry.astype("datetime64[ns]")
        local = parsed.astype("datetime64[ns]").dt.tz_localize(
            tz, ambiguous=np.zeros(len(parsed), dtype=bool), nonexistent="shift_forward"
        )
        out[~aware] = local.dt.tz_convert("UTC")
    return out


def _numbers(values: pd.Series) -> pd.Series:
    s = values.astype(str).str.strip()
    s = s.where(~s.str.fullmatch(r"-?\d+,\d+"), s.str.replace(",", ".", regex=False))
    return pd.to_numeric(s, errors="coerce")


def _normalise_source(values: pd.Series) -> pd.Series:
    low = values.astype(str).str.strip().str.lower()
    out = low.copy()
    for canon, aliases in _SOURCE_ALIASES.items():
        out = out.where(~low.isin(aliases), canon)
    return out.where(low != "", "unknown")


def read_events(path: str | Path, mapping: ColumnMapping | str | None = None, *,
                preset: str | None = None, **overrides: object) -> ReadResult:
    """Read an incident file into ``(events, rejected)``.

    ``events`` has the columns of :data:`bia.analytics.types.EVENT_COLUMNS`, sorted by time,
    ``t`` in tz-aware UTC. ``rejected`` lists every skipped row with its line number and a
    French reason. Whole-file problems (missing column, empty file) raise
    :class:`AnalyticsError` with a French message.
    """
    path = Path(path)
    m = get_mapping(mapping, preset, **overrides)
    if not ((m.lat and m.lon) or (m.x and m.y and m.epsg)):
        raise AnalyticsError("need lat/lon or x/y+epsg",
                             "il faut lat/lon, ou x/y avec un code EPSG")
    try:
        text = _decode(path)
    except OSError as exc:
        raise AnalyticsError(str(exc), f"fichier illisible : {path}") from exc
    table, rejected = _read_rows(text, _sniff(text, m.delimiter))
    wanted = m.columns()
    missing = [c for c in wanted.values() if c.lower() not in table.header]
    if missing:
        raise AnalyticsError(f"missing columns {missing}",
                             f"colonnes absentes du fichier : {', '.join(missing)} "
                             f"(présentes : {', '.join(table.header)})")
    idx = {k: table.header.index(v.lower()) for k, v in wanted.items()}
    need = max(idx.values()) + 1
    width = len(table.header)
    keep_rows, keep_lines = [], []
    for row, line in zip(table.rows, table.lines, strict=True):
        if len(row) < need:
            rejected.append(Rejection(line, f"nombre de champs incorrect ({len(row)} au lieu "
                                            f"de {width})", _raw(row)))
        elif len(row) > width and any(c.strip() for c in row[width:]):
            rejected.append(Rejection(line, f"trop de champs ({len(row)} au lieu de {width})",
                                      _raw(row)))
        else:
            keep_rows.append(row)
            keep_lines.append(line)
    if not keep_rows:
        return ReadResult(empty_events(), sorted(rejected, key=lambda r: r.line))
    col = {k: pd.Series([r[i] for r in keep_rows], dtype=object) for k, i in idx.items()}
    lines = np.asarray(keep_lines)
    reasons = pd.Series("", index=range(len(keep_rows)), dtype=object)

    def flag(mask: pd.Series, reason: str) -> None:
        mask = mask & (reasons == "")
        reasons[mask] = reason

    time_text = col["time"].astype(str).str.strip()
    if "clock" in col:
        date = time_text.str.slice(0, 10)
        hhmm = _numbers(col["clock"])
        ok_clock = hhmm.notna() & (hhmm >= 0) & (hhmm % 100 < 60) & (hhmm < 2400)
        flag(~ok_clock, "heure illisible (HHMM attendu)")
        hh = (hhmm.fillna(0) // 100).astype(int)
        mm = (hhmm.fillna(0) % 100).astype(int)
        time_text = date + " " + hh.map("{:02d}".format) + ":" + mm.map("{:02d}".format)
    flag(time_text == "", "date manquante")
    t = _parse_times(time_text, m.tz, m.dayfirst)
    flag(t.isna(), "date illisible")
    years = t.dt.year
    flag((years < 1900) | (years > 2100), "date hors de la plage plausible (1900-2100)")

    if m.lat and m.lon:
        lat, lon = _numbers(col["lat"]), _numbers(col["lon"])
        flag((col["lat"].astype(str).str.strip() == "") | (col["lon"].astype(str).str.strip()
             == ""), "coordonnées manquantes")
    else:
        from pyproj import Transformer

        xs, ys = _numbers(col["x"]), _numbers(col["y"])
        flag((col["x"].astype(str).str.strip() == "") | (col["y"].astype(str).str.strip()
             == ""), "coordonnées manquantes")
        tr = Transformer.from_crs(f"EPSG:{m.epsg}", "EPSG:4326", always_xy=True)
        lo, la = tr.transform(xs.to_numpy(float), ys.to_numpy(float))
        lon, lat = pd.Series(lo), pd.Series(la)
        lon[~np.isfinite(lon)] = np.nan
        lat[~np.isfinite(lat)] = np.nan
    flag(lat.isna() | lon.isna(), "coordonnées illisibles")
    flag((lat.abs() > 90) | (lon.abs() > 180), "coordonnées hors limites")
    flag((lat == 0) & (lon == 0), "coordonnées nulles (0, 0) : géocodage manquant")

    if "category" in col:
        category = col["category"].astype(str).str.strip()
        category = category.where(category != "", m.category_value)
    else:
        category = pd.Series(m.category_value, index=reasons.index, dtype=object)
    if "source" in col and m.patrol_pattern:
        hit = col["source"].astype(str).str.contains(m.patrol_pattern, case=False, regex=True)
        source = pd.Series(np.where(hit, "patrol", m.source_value), dtype=object)
    elif "source" in col:
        source = _normalise_source(col["source"])
    else:
        source = pd.Series(m.source_value, index=reasons.index, dtype=object)
    if "event_id" in col:
        eid = col["event_id"].astype(str).str.strip()
        flag(eid == "", "identifiant manquant")
        valid = (reasons == "").to_numpy()
        seen: dict[str, int] = {}
        for i in np.flatnonzero(valid):
            key = eid.iloc[i]
            if key in seen:
                reasons[i] = f"identifiant en double (déjà vu ligne {seen[key]})"
            else:
                seen[key] = int(lines[i])
    else:
        eid = pd.Series([f"{path.name.split('.')[0]}:{ln}" for ln in lines], dtype=object)

    bad = reasons != ""
    for i in np.flatnonzero(bad.to_numpy()):
        rejected.append(Rejection(int(lines[i]), str(reasons[i]), _raw(keep_rows[i])))
    good = ~bad
    events = pd.DataFrame({
        "t": t[good].astype("datetime64[ns, UTC]"), "lat": lat[good].astype(float),
        "lon": lon[good].astype(float), "category": category[good].astype(object),
        "source": source[good].astype(object), "event_id": eid[good].astype(object),
    })
    events = events.sort_values("t", kind="stable").reset_index(drop=True)
    return ReadResult(events[list(EVENT_COLUMNS)], sorted(rejected, key=lambda r: r.line))


def _raw(row: list[str]) -> str:
    text = ",".join(row)
    return text if len(text) <= 200 else text[:197] + "..."


def summarise_rejections(rejected: list[Rejection], limit: int = 20) -> str:
    """A short French summary for CLI output: counts by reason and the first lines."""
    if not rejected:
        return "aucune ligne rejetée"
    by_reason: dict[str, list[int]] = {}
    for r in rejected:
        key = re.sub(r"\(.*\)", "", r.reason).strip()
        by_reason.setdefault(key, []).append(r.line)
    parts = [f"{len(rejected)} ligne(s) rejetée(s)"]
    for reason, lines in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(map(str, lines[:limit])) + (" …" if len(lines) > limit else "")
        parts.append(f"  {reason} : {len(lines)} (lignes {shown})")
    return "\n".join(parts)
