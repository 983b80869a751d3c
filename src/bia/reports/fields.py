"""The fields of each document kind, taken from the legal list (arrêté du 14 avril 2009, art. 6).

The catalogue is the single place that says which fields a *main courante* entry and a
*rapport d'intervention* hold, in which order, which are mandatory before validation, and
which legal item they answer. Renderers, exports and validation all read it, so adding a field
here is enough for it to appear everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["main-courante", "rapport"]
KINDS: tuple[Kind, ...] = ("main-courante", "rapport")

# Where a value came from. Stored as these codes; French labels for display below.
Source = Literal["transcript", "geocoder", "routing", "clock", "case", "officer"]
SOURCES: tuple[str, ...] = ("transcript", "geocoder", "routing", "clock", "case", "officer")
SOURCE_LABELS = {
    "transcript": "propos du demandeur",
    "geocoder": "géocodage BIA",
    "routing": "orientation BIA",
    "clock": "horodatage BIA",
    "case": "dossier d'intervention",
    "officer": "saisi par l'agent",
}

KIND_TITLES = {"main-courante": "Main courante", "rapport": "Rapport d'intervention"}
KIND_PREFIX = {"main-courante": "MC", "rapport": "RI"}

# Dates officers type and BIA writes: one format, so validation can check them.
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
DATETIME_HINT = "JJ/MM/AAAA HH:MM"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    label: str
    mandatory: bool = False
    multiline: bool = False
    is_datetime: bool = False
    legal: str = ""  # item of art. 6 the field answers ("" when it is a working field)


def _f(key: str, label: str, legal: str = "", *, mandatory: bool = False,
       multiline: bool = False, is_datetime: bool = False) -> FieldSpec:
    return FieldSpec(key, label, mandatory, multiline, is_datetime, legal)


MAIN_COURANTE: tuple[FieldSpec, ...] = (
    _f("objet", "Objet de la demande d'intervention", "1° b) 1", mandatory=True),
    _f("demande_le", "Date et heure de la demande", "1° b) 2", mandatory=True, is_datetime=True),
    _f("canal", "Mode de saisine"),
    _f("demandeur", "Identité et coordonnées du demandeur (avec son accord)"),
    _f("lieu", "Lieu de l'intervention", "1° b) 3", mandatory=True),
    _f("nature_faits", "Nature des faits signalés", multiline=True),
    _f("reponse", "Réponse donnée à la demande", "1° b) 4", mandatory=True, multiline=True),
    _f("debut", "Début de l'intervention", "1° b) 5", mandatory=True, is_datetime=True),
    _f("fin", "Fin de l'intervention", "1° b) 5", mandatory=True, is_datetime=True),
    _f("personnes", "Personnes faisant l'objet de l'intervention (nom, prénoms, naissance, "
       "coordonnées, représentant légal)", "1° a)", multiline=True),
    _f("agent", "Agent chargé de l'intervention (nom, prénom, matricule)", "1° c) 1",
       mandatory=True),
    _f("autres_agents", "Autres agents participants (nom, prénom, matricule)", "1° c) 2"),
    _f("numero_rapport", "N° du rapport d'intervention ou du procès-verbal", "1° b) 6"),
    _f("suites", "Suites données", multiline=True),
    _f("observations", "Observations", multiline=True),
)

RAPPORT: tuple[FieldSpec, ...] = (
    _f("objet", "Objet de la demande d'intervention", "1° b) 1", mandatory=True),
    _f("demande_le", "Date et heure de la demande", "1° b) 2", mandatory=True, is_datetime=True),
    _f("canal", "Mode de saisine"),
    _f("demandeur", "Identité et coordonnées du demandeur (avec son accord)"),
    _f("lieu", "Lieu des faits et de l'intervention", "2° b) 1", mandatory=True),
    _f("faits_le", "Date et heure des faits", "2° b) 2", mandatory=True, is_datetime=True),
    _f("nature_faits", "Nature des faits", "2° b) 3", mandatory=True, multiline=True),
    _f("vehicule", "Immatriculation du véhicule", "2° b) 5"),
    _f("debut", "Début de l'intervention", "1° b) 5", mandatory=True, is_datetime=True),
    _f("fin", "Fin de l'intervention", "1° b) 5", mandatory=True, is_datetime=True),
    _f("constatations", "Constatations de l'agent", mandatory=True, multiline=True),
    _f("reponse", "Réponse donnée et mesures prises", "1° b) 4", multiline=True),
    _f("personnes", "Mis en cause (nom, prénoms, naissance, adresse, pièce d'identité)",
       "2° a)", multiline=True),
    _f("victime", "Victime (nom, prénoms, naissance, adresse)", "2° d)", multiline=True),
    _f("agent", "Agent rédacteur (nom, prénom, matricule)", "2° c) 1", mandatory=True),
    _f("autres_agents", "Autres agents participants (nom, prénom, matricule)", "2° c) 2"),
    _f("suites", "Suites données", mandatory=True, multiline=True),
    _f("transmission_opj", "Transmission à l'officier de police judiciaire (date)", "2° b) 7"),
    _f("redige_le", "Date de rédaction", is_datetime=True),
    _f("observations", "Observations", multiline=True),
)

CATALOGUE: dict[str, tuple[FieldSpec, ...]] = {"main-courante": MAIN_COURANTE, "rapport": RAPPORT}


def specs(kind: str) -> tuple[FieldSpec, ...]:
    return CATALOGUE[kind]


def spec_map(kind: str) -> dict[str, FieldSpec]:
    return {spec.key: spec for spec in CATALOGUE[kind]}
