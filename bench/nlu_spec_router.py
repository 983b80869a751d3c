"""Router for the NLU benchmark: BIA's own ``bia.routing`` over the pack, with zones filled the
way the service fills them (landmark zone first, else point-in-zone). Benchmark code only."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from bia.core.types import Location
from bia.geo.pack import load_pack
from bia.geo.zones import ZoneIndex
from bia.routing.engine import PackRouter


def make_router(pack_dir: Path) -> tuple[Any, Any, str]:
    """(router, locate, description)."""
    pack = load_pack(pack_dir)
    zones = ZoneIndex(pack.zones_geojson)
    lm_zone = {row["name"]: row.get("zone") or None for row in pack.landmarks}

    def locate(loc: Location) -> Location:
        zone = lm_zone.get(loc.landmark or "") if loc.landmark and not loc.street else None
        return dataclasses.replace(loc, zone=zone or zones.zone_of(loc.lat, loc.lon))

    return PackRouter(pack), locate, f"bia.routing.PackRouter over {pack_dir}"
