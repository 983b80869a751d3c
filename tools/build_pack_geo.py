"""Build the geographic files of the Biarritz pack from ``../shared/data/geo``.

Writes, under ``packs/biarritz/``: ``streets.csv``, ``streets.geojson`` (Biarritz streets of the
OpenStreetMap-derived gazetteer), ``zones.geojson`` (commune boundary + approximate named zones
that partition it) and ``landmarks.csv`` (hand-placed places residents name, zone computed here).

The pack files are committed so BIA never reads ``../shared`` at run time; this script is how they
were made, and re-running it must give the same bytes. Run from the repository root::

    .venv/bin/python tools/build_pack_geo.py [--shared ../shared/data/geo] [--out packs/biarritz]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.affinity import scale
from shapely.geometry import LineString, MultiPoint, Point, Polygon, mapping, shape
from shapely.ops import nearest_points
from shapely.prepared import prep

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------------------------
# Hand-made tables (the editorial part of the pack; everything else is derived)
# ---------------------------------------------------------------------------------------------

# Named ways of the OSM extract that are certainly not streets (listed in DATA_SOURCES.md).
NON_STREETS = {
    "Parking extérieur des habitants du Bâtiment Hélianthe.",  # a private car park
    "Voie de servitudes Sud",  # a service road described, not a street name
}
# Variant spellings kept as rows (names stay exactly as in OSM) but pointing to the main name.
ALIASES = {
    "Avenue Reine Victoria": "Avenue de la Reine Victoria",
    "Chemins des Lacs": "Chemin des Lacs",
}

LITTORAL_WIDTH_M = 230.0  # from the simplified coastline, which lies up to ~100 m off the real one
# Port des Pêcheurs basin, the Sainte-Eugénie church above it and the Bellevue: 'centre' per the
# routing spec ("the port and Halles area belong to centre"), even inside the coastal band.
PORT_POLYGON = [(-1.5662, 43.4825), (-1.5662, 43.4870), (-1.5612, 43.4870), (-1.5612, 43.4825)]
# Centre-ville: Halles, place Clemenceau, Gare du Midi, avenue Édouard VII, rue Gambetta…
# (its sea side is cut by the littoral band).
# Inside it the littoral band is only CENTRE_LITTORAL_WIDTH_M wide, so the blocks behind the
# Grande Plage (avenue Édouard VII, the spec's example address) stay in the centre.
CENTRE_POLYGON = [
    (-1.5720, 43.4790), (-1.5720, 43.4880), (-1.5600, 43.4875), (-1.5545, 43.4855),
    (-1.5528, 43.4838), (-1.5525, 43.4800), (-1.5555, 43.4772), (-1.5600, 43.4768),
    (-1.5640, 43.4776), (-1.5672, 43.4788),
]
CENTRE_LITTORAL_WIDTH_M = 130.0
ZONES: dict[str, dict[str, str]] = {
    "littoral": {"name": "Littoral", "description": (
        "Bande côtière : plages (Miramar, Grande Plage, Port Vieux, Côte des Basques, Marbella, "
        "Milady), front de mer, phare, Rocher de la Vierge, Hôtel du Palais, Villa Belza. Le "
        "port des Pêcheurs relève du centre.")},
    "centre": {"name": "Centre-ville", "description": (
        "Centre-ville : Halles, place Clemenceau, port des Pêcheurs, place Sainte-Eugénie, "
        "rue Gambetta, rue Mazagran, avenue Édouard VII (mairie), Gare du Midi, Bellevue.")},
    "saint_charles": {"name": "Saint-Charles / Le Phare", "description": (
        "Saint-Charles et les hauts du Phare : avenue Reine Victoria, rue Saint-Charles, "
        "avenue Sarasate, avenue de l'Impératrice (côté terre), golf du Phare.")},
    "larochefoucauld": {"name": "Larochefoucauld", "description": (
        "Larochefoucauld : avenue Larochefoucauld, avenue de la Reine Nathalie, rue Bellevue, "
        "jusqu'à la limite d'Anglet au nord-est.")},
    "aguilera": {"name": "Aguiléra", "description": (
        "Aguiléra : parc des sports d'Aguiléra, rue Cino Del Duca, avenue Henri Haget, "
        "avenue du Braou.")},
    "kleber": {"name": "Kléber", "description": (
        "Kléber : avenue Kléber, boulevard de Cascais, avenue Lahouze, avenue de Verdun (est).")},
    "saint_martin": {"name": "Saint-Martin", "description": (
        "Saint-Martin : autour de l'église Saint-Martin, rue Saint-Martin, avenue de Ségure, "
        "avenue du Maréchal Foch (sud), Migron.")},
    "beaurivage": {"name": "Bibi-Beaurivage", "description": (
        "Bibi-Beaurivage : hauts de la Côte des Basques, avenue Beaurivage, place Beaurivage, "
        "rue d'Espagne, parc Mazon.")},
    "milady": {"name": "Milady", "description": (
        "Milady (côté terre) : avenue de la Milady, rue de Madrid, rue de Cristobal, Pioche, "
        "Cité de l'Océan, jusqu'à Ilbarritz et la limite de Bidart.")},
    "iraty_parme": {"name": "Iraty / Parme", "description": (
        "Iraty et Parme, côté aéroport : boulevard Marcel Dassault, route de l'Aviation, "
        "rue de Pitchot, avenue du Maréchal Juin, Halle d'Iraty.")},
    "la_negresse": {"name": "La Négresse", "description": (
        "La Négresse : gare SNCF de Biarritz, Aritxague, lac Marion, avenue du Président "
        "Kennedy, rue de Salon, rue Francis Jammes, jusqu'aux limites sud de la commune.")},
}
# Voronoi seeds (lat, lon) per quartier; cells are clipped to the commune and lose to the
# littoral and the centre.
QUARTIER_SEEDS: dict[str, list[tuple[float, float]]] = {
    "saint_charles": [(43.4853, -1.5514), (43.4875, -1.5518), (43.4900, -1.5520),
                      (43.4925, -1.5525), (43.4830, -1.5512), (43.4905, -1.5480)],
    "larochefoucauld": [(43.4840, -1.5441), (43.4871, -1.5424), (43.4844, -1.5477),
                        (43.4885, -1.5440), (43.4900, -1.5415)],
    "aguilera": [(43.4818, -1.5377), (43.4833, -1.5366), (43.4812, -1.5400),
                 (43.4785, -1.5370), (43.4770, -1.5365)],
    "kleber": [(43.4768, -1.5454), (43.4790, -1.5469), (43.4805, -1.5495),
               (43.4815, -1.5455), (43.4765, -1.5420)],
    "saint_martin": [(43.4744, -1.5559), (43.4760, -1.5548), (43.4720, -1.5503),
                     (43.4733, -1.5544), (43.4710, -1.5570), (43.4760, -1.5510)],
    "beaurivage": [(43.4753, -1.5662), (43.4743, -1.5627), (43.4726, -1.5666),
                   (43.4768, -1.5614), (43.4735, -1.5600)],
    "milady": [(43.4672, -1.5703), (43.4697, -1.5694), (43.4646, -1.5664),
               (43.4626, -1.5735), (43.4690, -1.5625), (43.4701, -1.5613)],
    "iraty_parme": [(43.4704, -1.5373), (43.4672, -1.5396), (43.4659, -1.5365),
                    (43.4711, -1.5410), (43.4735, -1.5390)],
    "la_negresse": [(43.4594, -1.5446), (43.4540, -1.5480), (43.4500, -1.5550),
                    (43.4635, -1.5437), (43.4651, -1.5589), (43.4656, -1.5560),
                    (43.4675, -1.5544), (43.4620, -1.5553), (43.4560, -1.5600)],
}

GRID = 1e-6  # every zone vertex sits on a 1e-6 degree grid, so shared edges match exactly
ODBL = (
    "Streets: © OpenStreetMap contributors, ODbL 1.0 (https://opendatacommons.org/licenses/odbl/"
    "1-0/), via antoine-gourgue/Biarritz3D public/data/biarritz.json "
    "@62d0f01052a305a856b999afeee612b063d5af94"
)
IGN = (
    "Commune boundary: IGN Admin Express (Licence Ouverte / Etalab), simplified, via "
    "gregoiredavid/france-geojson @5d34ee6d"
)
_TO_M = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
_TO_DEG = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def to_m(geom: Any) -> Any:
    """WGS84 lon/lat → Lambert-93 metres (for buffers, distances and areas)."""
    return shapely.transform(
        geom, lambda xy: np.column_stack(_TO_M.transform(xy[:, 0], xy[:, 1]))
    )


def to_deg(geom: Any) -> Any:
    return shapely.transform(
        geom, lambda xy: np.column_stack(_TO_DEG.transform(xy[:, 0], xy[:, 1]))
    )


# Landmarks: (id, name, aliases, kind, lat, lon, expected zone or None). Coordinates are
# APPROXIMATE (±50–100 m), placed by hand against the label points of the pack's streets and
# public descriptions; the first 18 ids are those of biarritz_pois.csv (some moved, see
# DATA_SOURCES.md). A point offshore of the simplified coastline is moved 15 m inside the commune.
_L = tuple[str, str, tuple[str, ...], str, float, float, "str | None"]
_LANDMARK_ROWS: list[_L] = [
    ("grande-plage", "Grande Plage", ("grande plage", "la grande plage", "plage centrale",
     "plage du casino"), "plage", 43.4853, -1.5597, "littoral"),
    ("cote-des-basques", "Côte des Basques", ("côte des basques", "cote des basques",
     "la côte des basques", "plage de la côte des basques", "plage de la cote des basques"),
     "plage", 43.4783, -1.5683, "littoral"),
    ("miramar", "Plage Miramar", ("miramar", "plage miramar", "plage de miramar",
     "plage du miramar"), "plage", 43.4888, -1.5572, "littoral"),
    ("marbella", "Plage Marbella", ("marbella", "plage marbella", "plage de marbella"),
     "plage", 43.4735, -1.5712, "littoral"),
    ("milady", "Plage de la Milady", ("milady", "la milady", "plage de la milady",
     "plage milady"), "plage", 43.4685, -1.5745, "littoral"),
    ("port-vieux", "Port Vieux", ("port vieux", "port-vieux", "le port vieux",
     "plage du port vieux", "plage du port-vieux"), "plage", 43.4824, -1.5680, "littoral"),
    ("rocher-de-la-vierge", "Rocher de la Vierge", ("rocher de la vierge", "le rocher",
     "la vierge", "passerelle de la vierge"), "site", 43.4840, -1.5690, "littoral"),
    ("phare", "Phare de Biarritz", ("phare", "le phare", "phare de biarritz",
     "pointe saint-martin"), "site", 43.4936, -1.5550, "littoral"),
    ("casino", "Casino municipal", ("casino", "le casino", "casino municipal",
     "casino barrière", "casino barriere"), "casino", 43.4838, -1.5593, None),
    ("hotel-du-palais", "Hôtel du Palais", ("hôtel du palais", "hotel du palais",
     "le palais", "villa eugénie"), "hotel", 43.4870, -1.5562, "littoral"),
    ("villa-belza", "Villa Belza", ("villa belza", "belza"), "site", 43.4806, -1.5686,
     "littoral"),
    ("port-des-pecheurs", "Port des Pêcheurs", ("port des pêcheurs", "port des pecheurs",
     "le port des pêcheurs", "le port", "port de pêche"), "port", 43.4840, -1.5648, "centre"),
    ("musee-de-la-mer", "Musée de la Mer", ("aquarium", "l'aquarium", "aquarium de biarritz",
     "musée de la mer", "musee de la mer"), "musee", 43.4834, -1.5672, "littoral"),
    ("halles", "Les Halles", ("les halles", "halles", "halles de biarritz", "marché",
     "marché couvert", "marche des halles"), "marche", 43.4812, -1.5620, "centre"),
    ("gare-du-midi", "Gare du Midi", ("gare du midi", "la gare du midi",
     "théâtre gare du midi"), "salle", 43.4795, -1.5583, "centre"),
    ("parking-casino", "Parking Casino", ("parking casino", "parking du casino"), "parking",
     43.4836, -1.5583, None),
    ("parking-sainte-eugenie", "Parking Sainte-Eugénie", ("parking sainte-eugénie",
     "parking sainte eugenie"), "parking", 43.4826, -1.5642, "centre"),
    ("parking-bellevue", "Parking Bellevue", ("parking bellevue", "parking du bellevue"),
     "parking", 43.4829, -1.5611, "centre"),
    ("mairie", "Hôtel de Ville", ("mairie", "la mairie", "hôtel de ville", "hotel de ville",
     "mairie de biarritz"), "mairie", 43.4834, -1.5585, "centre"),
    ("place-clemenceau", "Place Georges Clemenceau", ("place clemenceau", "clemenceau",
     "place georges clemenceau"), "place", 43.4821, -1.5601, "centre"),
    ("place-sainte-eugenie", "Place Sainte-Eugénie", ("place sainte-eugénie",
     "place sainte eugenie", "sainte-eugénie"), "place", 43.4824, -1.5638, "centre"),
    ("eglise-sainte-eugenie", "Église Sainte-Eugénie", ("église sainte-eugénie",
     "eglise sainte eugenie", "église sainte eugénie"), "eglise", 43.4829, -1.5640, "centre"),
    ("bellevue", "Le Bellevue", ("bellevue", "le bellevue", "espace bellevue",
     "rotonde du bellevue"), "salle", 43.4834, -1.5617, "centre"),
    ("plateau-atalaye", "Plateau de l'Atalaye", ("atalaye", "l'atalaye",
     "plateau de l'atalaye"), "site", 43.4827, -1.5665, None),
    ("cite-de-l-ocean", "Cité de l'Océan", ("cité de l'océan", "cite de l'ocean",
     "cité de l'ocean", "cite de l'océan"), "musee", 43.4621, -1.5723, None),
    ("eglise-orthodoxe", "Église orthodoxe russe", ("église russe", "eglise russe",
     "église orthodoxe", "eglise orthodoxe"), "eglise", 43.4878, -1.5545, None),
    ("place-saint-charles", "Place Saint-Charles", ("place saint-charles",
     "place saint charles", "saint-charles"), "place", 43.4852, -1.5516, "saint_charles"),
    ("jardin-public", "Jardin public", ("jardin public", "le jardin public"), "parc",
     43.4797, -1.5600, "centre"),
    ("parc-mazon", "Parc Mazon", ("parc mazon", "mazon", "jardin mazon"), "parc",
     43.4772, -1.5615, None),
    ("eglise-saint-martin", "Église Saint-Martin", ("église saint-martin",
     "eglise saint martin", "saint-martin"), "eglise", 43.4745, -1.5562, "saint_martin"),
    ("ecole-jules-ferry", "École Jules Ferry", ("école jules ferry", "ecole jules ferry",
     "jules ferry"), "ecole", 43.4804, -1.5545, None),
    ("lycee-malraux", "Lycée André Malraux", ("lycée malraux", "lycee malraux",
     "lycée andré malraux", "lycée de biarritz"), "lycee", 43.4865, -1.5488, None),
    ("lycee-biarritz-atlantique", "Lycée hôtelier Biarritz Atlantique", ("lycée hôtelier",
     "lycee hotelier", "biarritz atlantique"), "lycee", 43.4618, -1.5550, "la_negresse"),
    ("golf-du-phare", "Golf du Phare", ("golf", "golf du phare", "golf de biarritz"),
     "golf", 43.4905, -1.5475, None),
    ("stade-aguilera", "Parc des sports d'Aguiléra", ("aguiléra", "aguilera",
     "stade aguiléra", "stade aguilera", "parc des sports", "stade du bo"), "stade",
     43.4818, -1.5377, "aguilera"),
    ("lac-marion", "Lac Marion", ("lac marion", "le lac marion"), "parc", 43.4648, -1.5585,
     "la_negresse"),
    ("gare-biarritz", "Gare de Biarritz", ("gare", "gare sncf", "gare de biarritz",
     "la négresse", "la negresse", "gare de la négresse"), "gare", 43.4594, -1.5446,
     "la_negresse"),
    # The airport platform straddles Biarritz and Anglet; its terminal is in Anglet. This
    # point is the Biarritz (Parme) side, near boulevard Marcel Dassault. See DATA_SOURCES.md.
    ("aeroport", "Aéroport de Biarritz-Pays Basque", ("aéroport", "aeroport",
     "aéroport de biarritz", "aeroport de biarritz", "biarritz-parme", "parme"), "aeroport",
     43.4700, -1.5375, "iraty_parme"),
]
LANDMARKS: list[dict[str, Any]] = [
    {"id": r[0], "name": r[1], "aliases": list(r[2]), "kind": r[3], "lat": r[4], "lon": r[5],
     "zone": r[6]}
    for r in _LANDMARK_ROWS
]


def load_commune(geo: Path) -> Polygon:
    data = json.loads((geo / "biarritz_commune_64122.geojson").read_text(encoding="utf-8"))
    return shape(data["features"][0]["geometry"])


def coastline(commune: Polygon) -> LineString:
    """The sea side of the ring: from the Bidart border (SW) north to the Anglet border.

    The simplified ring starts on the coast at the Bidart border (-1.57802, 43.46381) and the
    Anglet border leaves the coast at (-1.54982, 43.49433) (shared edges checked against
    bab_communes.geojson).
    """
    ring = list(commune.exterior.coords)[:-1]
    start = ring.index((-1.57802, 43.46381))
    ring = ring[start:] + ring[:start]  # rotate so the walk starts at the Bidart border
    end = ring.index((-1.54982, 43.49433))
    path = ring[: end + 1]
    if (-1.53459, 43.46948) in path:  # walked the land side: the ring is oriented the other way
        path = [ring[0]] + ring[end:][::-1]
    return LineString(path)


def _grid(geom: Any) -> Any:
    return shapely.set_precision(geom, GRID)


def build_zones(commune: Polygon) -> dict[str, Any]:
    """Partition the commune: littoral band, then centre (with the port), then quartiers."""
    commune = _grid(commune)
    coast_m = to_m(coastline(commune))
    wide = to_deg(coast_m.buffer(LITTORAL_WIDTH_M, cap_style="flat"))
    narrow = to_deg(coast_m.buffer(CENTRE_LITTORAL_WIDTH_M, cap_style="flat"))
    band = _grid(shapely.difference(wide, shapely.difference(Polygon(CENTRE_POLYGON), narrow)))
    port = Polygon(PORT_POLYGON)
    littoral = shapely.difference(
        shapely.intersection(commune, band, grid_size=GRID), port, grid_size=GRID
    )
    centre_raw = shapely.union(Polygon(CENTRE_POLYGON), port, grid_size=GRID)
    centre = shapely.difference(
        shapely.intersection(commune, centre_raw, grid_size=GRID), littoral, grid_size=GRID
    )
    taken = shapely.union(littoral, centre, grid_size=GRID)
    # quartiers: Voronoi cells of hand-placed seeds, computed in a locally isotropic plane
    kx = math.cos(math.radians(43.475))
    seeds = [(code, lon, lat) for code, pts in QUARTIER_SEEDS.items() for lat, lon in pts]
    mp = scale(MultiPoint([(lon, lat) for _, lon, lat in seeds]), xfact=kx, origin=(0, 0))
    cells = shapely.voronoi_polygons(mp, extend_to=scale(commune, xfact=kx, origin=(0, 0)))
    parts: dict[str, list[Any]] = {code: [] for code in QUARTIER_SEEDS}
    for cell in cells.geoms:
        cell_deg = scale(cell, xfact=1 / kx, origin=(0, 0))
        idx = next(i for i, (_, lon, lat) in enumerate(seeds) if cell_deg.covers(Point(lon, lat)))
        parts[seeds[idx][0]].append(cell_deg)
    zones: dict[str, Any] = {"littoral": littoral, "centre": centre}
    for code, cell_list in parts.items():
        raw = _grid(shapely.union_all(cell_list))
        zone = shapely.intersection(commune, raw, grid_size=GRID)
        zone = shapely.difference(zone, taken, grid_size=GRID)
        taken = shapely.union(taken, zone, grid_size=GRID)
        zones[code] = zone
    zones = _absorb_fragments(zones, commune)
    return zones


def _area_m2(geom: Any) -> float:
    return float(to_m(geom).area) if not geom.is_empty else 0.0


def _absorb_fragments(zones: dict[str, Any], commune: Polygon) -> dict[str, Any]:
    """Give slivers and leftovers (< 15,000 m², detached) to the neighbour sharing most border."""
    left = shapely.difference(commune, shapely.union_all(list(zones.values())), grid_size=GRID)
    orphans = [g for g in getattr(left, "geoms", [left]) if not g.is_empty]
    for code in list(zones):
        geoms = list(getattr(zones[code], "geoms", [zones[code]]))
        if len(geoms) < 2:
            continue
        biggest = max(geoms, key=lambda g: g.area)
        keep = [g for g in geoms if g is biggest or _area_m2(g) >= 15_000]
        orphans += [g for g in geoms if not any(g is k for k in keep)]
        zones[code] = shapely.union_all(keep, grid_size=GRID)
    for piece in orphans:
        halo = piece.buffer(2e-6)
        best = max(zones, key=lambda c: shapely.intersection(zones[c].boundary, halo).length)
        zones[best] = shapely.union(zones[best], piece, grid_size=GRID)
    return zones


def _round_coords(geom_map: dict[str, Any], nd: int = 6) -> dict[str, Any]:
    def rnd(c: Any) -> Any:
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(float(v), nd) for v in c]
        return [rnd(x) for x in c]

    return {"type": geom_map["type"], "coordinates": rnd(geom_map["coordinates"])}


def _share_vertices(geoms: dict[str, Any]) -> dict[str, Any]:
    """Round to 6 decimals and insert every vertex lying on another polygon's edge into it.

    Overlay results keep T-junctions (a vertex of one zone in the middle of its neighbour's
    edge); once rounded, such a vertex sits a few centimetres off that edge and leaves slivers.
    With the vertex in both rings, shared borders are identical and the partition is exact.
    """
    def rings_of(g: Any) -> list[list[list[tuple[float, float]]]]:
        polys = list(getattr(g, "geoms", [g]))
        return [[[(round(x, 6), round(y, 6)) for x, y in r.coords]
                 for r in [p.exterior, *p.interiors]] for p in polys]

    rings = {k: rings_of(g) for k, g in geoms.items()}
    pts = np.array(sorted({v for polys in rings.values() for rs in polys for r in rs for v in r}))
    out = {}
    for k, polys in rings.items():
        new_polys = []
        for rs in polys:
            new_rs = []
            for ring in rs:
                new = [ring[0]]
                for p, q in zip(ring[:-1], ring[1:], strict=True):
                    d = np.subtract(q, p)
                    t = ((pts - p) @ d) / max(float(d @ d), 1e-30)
                    off = np.abs((pts[:, 0] - p[0]) * d[1] - (pts[:, 1] - p[1]) * d[0])
                    on = (t > 1e-9) & (t < 1 - 1e-9) & (off / np.sqrt(d @ d + 1e-30) < 8e-7)
                    for i in np.argsort(t[on]):
                        x, y = pts[on][i]
                        new.append((float(x), float(y)))
                    new.append(q)
                new_rs.append(new)
            new_polys.append(Polygon(new_rs[0], new_rs[1:]))
        out[k] = new_polys[0] if len(new_polys) == 1 else shapely.MultiPolygon(new_polys)
        if not out[k].is_valid:
            raise SystemExit(f"{k}: invalid after vertex sharing")
    return out


def zones_collection(commune: Polygon, zones: dict[str, Any]) -> dict[str, Any]:
    feats = [
        {
            "type": "Feature",
            "properties": {"kind": "commune", "code": "64122", "name": "Biarritz"},
            "geometry": _round_coords(mapping(commune)),
        }
    ]
    for code, meta in ZONES.items():
        props = {"kind": "zone", "code": code, "name": meta["name"], "approximate": True,
                 "description": meta["description"]}
        feats.append({"type": "Feature", "properties": props,
                      "geometry": _round_coords(mapping(zones[code]))})
    return {
        "type": "FeatureCollection",
        "name": "Biarritz (64122): commune and named zones",
        "attribution": IGN,
        "note": (
            "The commune polygon is IGN's simplified boundary (its 42 vertices, plus the zone "
            "vertices that lie on its edges, within 0.1 m, so that the zones partition it "
            "exactly). The named zones "
            "(quartiers) are APPROXIMATE, drawn for this demo pack by tools/build_pack_geo.py: "
            f"a {LITTORAL_WIDTH_M:.0f} m band along the coast is 'littoral' (except the port des "
            "Pêcheurs, which is 'centre' per the routing spec), a hand-drawn 'centre', and "
            "quartiers from hand-placed seed points. They partition the commune without "
            "overlap; they are not official boundaries."
        ),
        "features": feats,
    }


def build_streets(geo: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    with (geo / "biarritz_streets.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keep, dropped = [], []
    for r in rows:
        if not r["commune"].startswith("Biarritz"):
            continue  # Anglet rows; "Biarritz (nearest; outside polygon)" = Passerelle de la Vierge
        if r["name"] in NON_STREETS:
            dropped.append(r["name"])
            continue
        keep.append(r)
    names = {r["name"] for r in keep}
    for variant, official in ALIASES.items():
        if variant not in names or official not in names:
            raise SystemExit(f"alias {variant!r} -> {official!r}: name not in the Biarritz rows")
    out = [
        {
            "name": r["name"],
            "street_type": r["street_type"],
            "lat": f"{float(r['label_lat']):.6f}",
            "lon": f"{float(r['label_lon']):.6f}",
            "centroid_lat": f"{float(r['centroid_lat']):.6f}",
            "centroid_lon": f"{float(r['centroid_lon']):.6f}",
            "length_m": f"{float(r['length_m']):.1f}",
            "kind": r["kind"],
            "alias_of": ALIASES.get(r["name"], ""),
        }
        for r in keep
    ]
    src = json.loads((geo / "biarritz_streets.geojson").read_text(encoding="utf-8"))
    by_name = {f["properties"]["name"]: f for f in src["features"]}
    feats = []
    for r in out:
        f = by_name[r["name"]]
        props = {"name": r["name"], "street_type": r["street_type"], "kind": r["kind"]}
        feats.append({"type": "Feature", "properties": props,
                      "geometry": _round_coords(f["geometry"])})
    return out, feats, dropped


def place_landmarks(commune: Polygon, zones: dict[str, Any]) -> list[dict[str, Any]]:
    """Snap each hand-placed landmark at least 15 m inside the commune, then find its zone."""
    inner = to_deg(to_m(commune).buffer(-15))
    prepared = {code: prep(g) for code, g in zones.items()}
    out = []
    for lm in LANDMARKS:
        p = Point(lm["lon"], lm["lat"])
        if not inner.contains(p):
            _, p = nearest_points(p, inner)
            p = Point(p.x + (p.x - lm["lon"]) * 0.05, p.y + (p.y - lm["lat"]) * 0.05)
        zone = next(code for code, g in prepared.items() if g.covers(p))
        if lm.get("zone") and lm["zone"] != zone:
            raise SystemExit(f"{lm['id']}: expected zone {lm['zone']}, found {zone}")
        out.append({"id": lm["id"], "name": lm["name"], "aliases": "|".join(lm["aliases"]),
                    "kind": lm["kind"], "lat": f"{p.y:.6f}", "lon": f"{p.x:.6f}", "zone": zone})
    return out


def _csv_text(rows: list[dict[str, Any]], fields: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _json_text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data" / "geo")
    ap.add_argument("--out", type=Path, default=ROOT / "packs" / "biarritz")
    args = ap.parse_args(argv)
    geo, out = args.shared, args.out
    out.mkdir(parents=True, exist_ok=True)

    commune = load_commune(geo)
    shared = _share_vertices({"__commune__": commune, **build_zones(commune)})
    commune = shared.pop("__commune__")  # the IGN ring plus zone vertices lying on it
    zones = shared
    union = shapely.union_all(list(zones.values()))
    gap = _area_m2(shapely.symmetric_difference(union, commune))
    overlap = sum(
        _area_m2(shapely.intersection(zones[a], zones[b]))
        for i, a in enumerate(zones) for b in list(zones)[i + 1 :]
    )
    if gap > 1.0 or overlap > 1.0:
        raise SystemExit(f"zones do not partition the commune: gap {gap:.1f} m², "
                         f"overlap {overlap:.1f} m²")
    (out / "zones.geojson").write_text(_json_text(zones_collection(commune, zones)), "utf-8")

    streets, street_feats, dropped = build_streets(geo)
    fields = ["name", "street_type", "lat", "lon", "centroid_lat", "centroid_lon", "length_m",
              "kind", "alias_of"]
    (out / "streets.csv").write_text(_csv_text(streets, fields), "utf-8")
    fc = {"type": "FeatureCollection", "name": "biarritz_streets", "attribution": ODBL,
          "license": "ODbL-1.0", "features": street_feats}
    (out / "streets.geojson").write_text(_json_text(fc), "utf-8")

    landmarks = place_landmarks(commune, zones)
    (out / "landmarks.csv").write_text(
        _csv_text(landmarks, ["id", "name", "aliases", "kind", "lat", "lon", "zone"]), "utf-8"
    )
    for code, g in zones.items():
        print(f"zone {code:16s} {_area_m2(g) / 1e6:6.3f} km² {g.geom_type}")
    print(f"streets: {len(streets)} rows (dropped non-streets: {dropped}); "
          f"landmarks: {len(landmarks)}; partition gap {gap:.2f} m², overlap {overlap:.2f} m²")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
