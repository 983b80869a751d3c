"""Parameters of the SYNTHETIC Biarritz demo history (made-up, plausible, not measured).

Kept apart from the sampling code so that what the demo claims (category mix, hours, season,
hot spots, recurring patterns) can be read in one place. Shares are of the yearly total; hour
profiles are relative weights per local hour (Europe/Paris); ``season`` is the exponent applied
to the common seasonal curve (0 = flat over the year, >1 = more summer-heavy than average).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Relative weight per local hour 0..23.
HOUR_PROFILES: dict[str, np.ndarray] = {
    "night": np.array([6.0, 5.0, 3.4, 1.8, 0.9, 0.4, 0.3, 0.3, 0.4, 0.5, 0.6, 0.7,
                       0.8, 0.8, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0, 2.6, 3.4, 4.8, 6.2]),
    "day": np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.4, 3.2, 3.4, 3.4,
                     2.9, 2.8, 3.1, 3.2, 3.1, 2.8, 2.3, 1.6, 1.0, 0.7, 0.4, 0.3]),
    "morning": np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 1.4, 3.0, 3.8, 3.6, 3.0, 2.4,
                         1.8, 1.6, 1.5, 1.4, 1.3, 1.2, 1.0, 0.8, 0.6, 0.5, 0.4, 0.3]),
    "evening": np.array([1.6, 1.0, 0.6, 0.3, 0.2, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0,
                         1.1, 1.1, 1.2, 1.4, 1.7, 2.1, 2.6, 3.0, 3.2, 3.0, 2.6, 2.1]),
    "flat": np.array([0.8, 0.7, 0.6, 0.5, 0.4, 0.4, 0.6, 0.9, 1.1, 1.2, 1.2, 1.2,
                      1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.1, 1.0, 0.9, 0.9]),
    "commute": np.array([0.3, 0.2, 0.2, 0.1, 0.2, 0.4, 1.0, 2.4, 3.0, 1.8, 1.4, 1.6,
                         2.2, 1.8, 1.5, 1.7, 2.2, 2.8, 3.0, 2.2, 1.4, 1.0, 0.7, 0.5]),
}

# Monthly level of the common seasonal curve (mid-month values, interpolated per day):
# July–August ≈ 3 × December–February, the shape of a seaside resort.
MONTH_LEVEL = np.array([0.95, 0.95, 1.2, 1.5, 1.8, 2.3, 3.2, 3.2, 2.0, 1.45, 1.05, 1.0])


@dataclass(frozen=True, slots=True)
class CategoryProfile:
    share: float  # of the yearly total, before normalisation
    hours: str  # key of HOUR_PROFILES
    season: float  # exponent on the seasonal curve
    nightlife: bool  # Friday/Saturday nights heavier
    patrol: float  # share found by patrols (source = "patrol")
    hot: float  # share of events drawn at hot spots (the rest along streets)


CATEGORIES: dict[str, CategoryProfile] = {
    "stationnement": CategoryProfile(0.22, "day", 0.9, False, 0.55, 0.35),
    "bruit": CategoryProfile(0.13, "night", 1.2, True, 0.12, 0.55),
    "depot_sauvage": CategoryProfile(0.085, "morning", 0.8, False, 0.30, 0.25),
    "ivresse": CategoryProfile(0.055, "night", 1.5, True, 0.55, 0.70),
    "rassemblement": CategoryProfile(0.05, "night", 1.4, True, 0.35, 0.70),
    "vol_cambriolage": CategoryProfile(0.05, "flat", 1.0, False, 0.10, 0.45),
    "tags_degradations": CategoryProfile(0.04, "day", 0.6, False, 0.35, 0.30),
    "voirie": CategoryProfile(0.04, "day", 0.3, False, 0.30, 0.0),
    "objet_perdu_trouve": CategoryProfile(0.04, "day", 1.2, False, 0.10, 0.50),
    "animal": CategoryProfile(0.035, "day", 0.8, False, 0.20, 0.15),
    "dejections": CategoryProfile(0.03, "morning", 0.9, False, 0.20, 0.35),
    "accident": CategoryProfile(0.03, "commute", 0.8, False, 0.30, 0.50),
    "otv": CategoryProfile(0.025, "day", 1.3, False, 0.0, 0.0),
    "vehicule_abandonne": CategoryProfile(0.025, "day", 0.4, False, 0.45, 0.30),
    "conflit_voisinage": CategoryProfile(0.025, "evening", 0.6, False, 0.0, 0.0),
    "agression_violence": CategoryProfile(0.025, "night", 1.3, True, 0.30, 0.50),
    "eclairage": CategoryProfile(0.02, "evening", -0.3, False, 0.40, 0.0),
    "stupefiants": CategoryProfile(0.02, "evening", 1.1, True, 0.60, 0.50),
    "rodeo_vitesse": CategoryProfile(0.02, "evening", 1.2, True, 0.30, 0.60),
    "autre": CategoryProfile(0.02, "flat", 1.0, False, 0.20, 0.0),
    "mendicite": CategoryProfile(0.015, "day", 1.2, False, 0.40, 0.75),
    "escroquerie": CategoryProfile(0.01, "day", 0.2, False, 0.0, 0.0),
    "urgence_medicale": CategoryProfile(0.01, "flat", 1.3, False, 0.20, 0.30),
    "information": CategoryProfile(0.01, "day", 1.0, False, 0.0, 0.0),
    "violences_intrafamiliales": CategoryProfile(0.008, "night", 0.5, False, 0.0, 0.0),
    "incendie": CategoryProfile(0.004, "flat", 0.8, False, 0.20, 0.0),
    "secours_mer": CategoryProfile(0.003, "day", 3.0, False, 0.10, 1.0),
}

# Background (along streets) weight per metre of street, by zone, before category factors.
ZONE_WEIGHT: dict[str, float] = {"centre": 2.5, "littoral": 1.6}
CATEGORY_ZONE_WEIGHT: dict[str, dict[str, float]] = {
    "depot_sauvage": {"la_negresse": 1.8, "iraty_parme": 1.8, "aguilera": 1.3},
    "vol_cambriolage": {"centre": 0.6, "milady": 1.4, "saint_charles": 1.3, "beaurivage": 1.3},
    "otv": {"centre": 0.5, "milady": 1.5, "saint_charles": 1.5, "larochefoucauld": 1.5},
    "stationnement": {"centre": 1.5, "littoral": 1.5},
    "eclairage": {"centre": 0.5},
}


@dataclass(frozen=True, slots=True)
class HotSpot:
    anchor: str  # landmark id, or a street name (its label point)
    sd_m: float  # spread around the anchor (Gaussian, metres)
    weights: dict[str, float]  # attractiveness per category


HOTSPOTS: list[HotSpot] = [
    HotSpot("Rue du Port-Vieux", 45, {"bruit": 4, "ivresse": 4, "agression_violence": 2,
                                       "rassemblement": 1.5, "stupefiants": 1.5,
                                       "tags_degradations": 1, "dejections": 1}),
    HotSpot("port-vieux", 60, {"bruit": 2.5, "ivresse": 3, "rassemblement": 3,
                               "stupefiants": 2, "vol_cambriolage": 1, "secours_mer": 2,
                               "objet_perdu_trouve": 1}),
    HotSpot("halles", 55, {"stationnement": 3, "depot_sauvage": 3, "bruit": 2, "ivresse": 2,
                           "vol_cambriolage": 1.5, "mendicite": 2, "dejections": 1.5,
                           "tags_degradations": 1}),
    HotSpot("Rue Gambetta", 60, {"bruit": 3, "ivresse": 2.5, "stationnement": 2,
                                 "vol_cambriolage": 1.5, "mendicite": 1.5,
                                 "agression_violence": 1, "accident": 0.5}),
    HotSpot("place-clemenceau", 45, {"bruit": 2.5, "ivresse": 2.5, "rassemblement": 2,
                                     "mendicite": 2.5, "vol_cambriolage": 2,
                                     "stationnement": 1.5, "agression_violence": 1.5,
                                     "accident": 0.5}),
    HotSpot("place-sainte-eugenie", 45, {"bruit": 2.5, "ivresse": 2, "rassemblement": 2,
                                         "stupefiants": 1}),
    HotSpot("Rue Mazagran", 45, {"bruit": 2, "ivresse": 2, "dejections": 1.5}),
    HotSpot("grande-plage", 80, {"rassemblement": 4, "ivresse": 2.5, "vol_cambriolage": 3,
                                 "objet_perdu_trouve": 4, "bruit": 1.5, "secours_mer": 5,
                                 "agression_violence": 1, "stupefiants": 1.5,
                                 "urgence_medicale": 2}),
    HotSpot("casino", 50, {"ivresse": 1.5, "bruit": 1, "vol_cambriolage": 1,
                           "rodeo_vitesse": 0.5, "stationnement": 1}),
    HotSpot("cote-des-basques", 80, {"rassemblement": 2, "stationnement": 2,
                                     "vol_cambriolage": 1.5, "secours_mer": 3,
                                     "objet_perdu_trouve": 1.5}),
    HotSpot("miramar", 70, {"rassemblement": 1, "secours_mer": 1.5, "objet_perdu_trouve": 1}),
    HotSpot("milady", 90, {"rassemblement": 1, "stationnement": 1.5, "secours_mer": 1.5,
                           "vol_cambriolage": 1}),
    HotSpot("marbella", 70, {"secours_mer": 1, "stationnement": 0.8}),
    HotSpot("phare", 90, {"rassemblement": 1.5, "stationnement": 1, "vol_cambriolage": 1}),
    HotSpot("gare-biarritz", 90, {"vol_cambriolage": 1.2, "mendicite": 1, "stationnement": 1,
                                  "vehicule_abandonne": 1.5, "depot_sauvage": 0.6,
                                  "tags_degradations": 1}),
    HotSpot("gare-du-midi", 50, {"stationnement": 1, "bruit": 0.8, "urgence_medicale": 1}),
    HotSpot("lac-marion", 110, {"depot_sauvage": 1.5, "rassemblement": 1, "dejections": 1.5,
                                "animal": 1.5}),
    HotSpot("stade-aguilera", 110, {"stationnement": 1.5, "ivresse": 1,
                                    "tags_degradations": 1}),
    HotSpot("Boulevard Marcel Dassault", 180, {"rodeo_vitesse": 3, "vehicule_abandonne": 1.5,
                                               "depot_sauvage": 1.5}),
    HotSpot("Avenue du Président J.F. Kennedy", 200, {"rodeo_vitesse": 2, "accident": 2.5}),
    HotSpot("Avenue de la Marne", 150, {"rodeo_vitesse": 1.5, "accident": 2}),
    HotSpot("Boulevard du BAB", 200, {"accident": 2, "rodeo_vitesse": 1.5}),
]


@dataclass(frozen=True, slots=True)
class Recurring:
    """A weekly pattern: ``mean`` events on each matching day, within [start_hour, +hours)."""

    name: str
    category: str
    anchor: str
    sd_m: float
    weekdays: tuple[int, ...]  # Monday = 0
    start_hour: int
    hours: int
    mean: float
    season: tuple[tuple[int, int], tuple[int, int]] | None = None  # ((month, day), (month, day))


RECURRING: list[Recurring] = [
    # Friday and Saturday nights in summer, 23:00–02:00: music and shouting on the square.
    Recurring("bruit_sainte_eugenie_weekend_ete", "bruit", "place-sainte-eugenie", 20,
              (4, 5), 23, 3, 2.0, ((6, 15), (9, 15))),
    # Every Monday morning, bulky rubbish dumped at the same corner (all year).
    Recurring("depot_lundi_avenue_de_migron", "depot_sauvage", "Avenue de Migron", 12, (0,), 7,
              3, 1.1),
    # Market mornings: double parking around the Halles on Saturdays and Sundays.
    Recurring("stationnement_halles_marche", "stationnement", "halles", 35, (5, 6), 8, 4, 0.8),
]

# Near-repeat chains: probability that an event starts a chain, by category; each chain adds
# 1 + Poisson(NEAR_REPEAT_EXTRA) events of the same category within NEAR_REPEAT_MAX_DAYS days
# and about NEAR_REPEAT_SD_M metres (burglaries and vandalism cluster this way).
NEAR_REPEAT_PROB: dict[str, float] = {
    "vol_cambriolage": 0.25, "tags_degradations": 0.20, "rodeo_vitesse": 0.20,
    "depot_sauvage": 0.15, "agression_violence": 0.10, "bruit": 0.08,
}
NEAR_REPEAT_EXTRA = 1.2
NEAR_REPEAT_MAX_DAYS = 7
NEAR_REPEAT_SD_M = 70.0
