"""Pre-filling a document from what BIA already knows: the report, its case, the pack, the clock.

Every value carries its provenance, because an officer signs the document: they must see which
words of the resident a field came from ("transcript" + the sentence), or whether the geocoder,
the routing, the clock or the case file supplied it. Nothing here reads the database; the
service passes the rows in, so this is testable on plain objects.

Personal data is minimised: the resident's identity appears only when they gave it *and*
consented; phone numbers and e-mails are masked out of the narrative; people involved in the
intervention are never guessed, only typed by the officer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz

from bia.cases.models import Case, StaffUser
from bia.geo.pack import Pack
from bia.intake.models import Report
from bia.reports import textutil
from bia.reports.fields import DATETIME_FORMAT, specs

CHANNEL_LABELS = {
    "phone": "Appel téléphonique (assistant vocal BIA)",
    "web": "Discussion en ligne (BIA)",
    "open311": "Signalement en ligne (Open311)",
    "api": "Signalement transmis par API",
}
_CLOCK = re.compile(r"\b\d{1,2}\s?(?:h|heures?\b|:\d{2})", re.IGNORECASE)
_TIME_HINTS = ("h", "heure", "soir", "nuit", "matin", "midi", "minuit", "hier", "depuis",
               "aujourd", "maintenant", "instant", "lundi", "mardi", "mercredi", "jeudi",
               "vendredi", "samedi", "dimanche")


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a pre-fill reads, already loaded."""

    report: Report
    case: Case
    agent: StaffUser | None
    pack: Pack
    now: datetime
    rapport_number: str | None = None


def entry(value: str, source: str, evidence: str | None = None, *, confirmed: bool = False,
          by: str | None = None) -> dict[str, Any]:
    """One stored field: value, where it came from, and whether an officer confirmed it."""
    return {"value": textutil.clean(value), "source": source,
            "evidence": textutil.clean(evidence) if evidence else None,
            "confirmed": confirmed, "by": by}


def local_text(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime(DATETIME_FORMAT) if moment else ""


def _best_sentence(sents: list[str], needle: str, threshold: float = 70.0) -> str | None:
    """The resident's sentence that best contains ``needle`` (fuzzy: spelling varies)."""
    if not needle or not sents:
        return None
    low = needle.casefold()
    for sentence in sents:
        if low in sentence.casefold():
            return sentence
    score, best = max((fuzz.partial_ratio(low, s.casefold()), s) for s in sents)
    return best if score >= threshold else None


def _objet_sentence(sents: list[str], pack: Pack, category: str) -> str | None:
    """The sentence sharing most words with the category's label, description and examples."""
    spec = pack.categories.get(category)
    if not sents:
        return None
    if spec is None:
        return sents[0]
    vocab = textutil.words(" ".join([spec.label, spec.description, *spec.examples]))
    scored = [(len(textutil.words(s) & vocab), -i, s) for i, s in enumerate(sents)
              if not textutil.is_identity(s)]
    if not scored:
        return None
    top = max(scored)
    return top[2] if top[0] > 0 else scored[0][2]


def _time_sentence(sents: list[str]) -> str | None:
    """The sentence where the resident said when it happened ("depuis 23h", "hier soir")."""
    for sentence in sents:
        if _CLOCK.search(sentence):
            return sentence
    for sentence in sents:
        if textutil.words(sentence) & set(_TIME_HINTS):
            return sentence
    return None


def _lieu(report: Report, pack: Pack, sents: list[str]) -> dict[str, Any]:
    evidence = _best_sentence(sents, report.location_text or "") or _best_sentence(
        sents, report.street or "")
    commune = f"{pack.commune.postcode} {pack.commune.name}"
    if report.street:
        street = f"{report.number} {report.street}" if report.number else report.street
        zone = f" (secteur {report.zone_code})" if report.zone_code else ""
        return entry(f"{street}, {commune}{zone}", "geocoder", evidence)
    if report.location_text:
        return entry(f"{report.location_text}, {commune}", "transcript",
                     evidence or report.location_text)
    if report.lat is not None and report.lon is not None:
        return entry(f"{commune}, près du point {report.lat:.5f}, {report.lon:.5f}", "geocoder")
    return entry("", "officer")


def _demandeur(report: Report, sents: list[str]) -> dict[str, Any]:
    contact = report.contact or {}
    if not (report.contact_consent and contact):
        return entry("", "officer")
    labels = {"name": "Nom", "nom": "Nom", "phone": "Tél.", "telephone": "Tél.",
              "email": "Courriel", "address": "Adresse", "adresse": "Adresse"}
    parts = [f"{labels.get(k, k.capitalize())} : {textutil.clean(v)}"
             for k, v in contact.items() if v not in (None, "")]
    needles = [str(v) for v in contact.values() if v]
    evidence = next((s for n in needles if (s := _best_sentence(sents, n, 90.0))), None)
    return entry(" ; ".join(parts), "transcript", evidence)


def _narrative(sents: list[str]) -> str:
    """The resident's account without identity sentences, contacts masked."""
    kept = [textutil.mask_contacts(s) for s in sents
            if not (textutil.is_identity(s) or textutil.is_filler(s))]
    return " ".join(kept)


def _agent(agent: StaffUser | None, username: str | None) -> dict[str, Any]:
    if agent is None:
        return entry(username or "", "case" if username else "officer")
    name = agent.full_name or agent.username
    badge = f" (matricule {agent.badge_number})" if agent.badge_number else ""
    return entry(f"{name}{badge}", "case")


def _reponse(report: Report, pack: Pack) -> dict[str, Any]:
    routing = report.routing or {}
    actors = [pack.actors[a].name for a in report.actors or [] if a in pack.actors]
    parts = [f"Signalement enregistré par BIA (code de suivi {report.tracking_code})"]
    if actors:
        who = ", ".join(actors)
        when = routing.get("handled_when")
        parts.append(f"orienté vers {who}" + (f" ({when})" if when else ""))
    if report.emergency and report.emergency_number:
        parts.append(f"numéro d'urgence donné au demandeur : {report.emergency_number}")
    return entry("; ".join(parts) + ".", "routing", routing.get("explanation"))


def build(kind: str, inputs: Inputs) -> dict[str, dict[str, Any]]:
    """All fields of ``kind``, pre-filled where BIA knows the answer, empty otherwise."""
    report, case, pack = inputs.report, inputs.case, inputs.pack
    tz = pack.tz
    sents = textutil.sentences(report.text or "")
    category = pack.categories.get(report.category_code)
    objet = category.label if category else report.category_code
    if report.emergency and report.emergency_number:
        objet += f" (urgence, {report.emergency_number})"
    narrative = _narrative(sents)
    details = report.details or {}
    plate = details.get("plate") or details.get("immatriculation")
    known: dict[str, dict[str, Any]] = {
        "objet": entry(objet, "transcript", _objet_sentence(sents, pack, report.category_code)),
        "demande_le": entry(local_text(report.received_at, tz), "clock"),
        "canal": entry(CHANNEL_LABELS.get(report.channel, report.channel), "case"),
        "demandeur": _demandeur(report, sents),
        "lieu": _lieu(report, pack, sents),
        "faits_le": (entry(local_text(report.occurred_at, tz), "transcript",
                           _time_sentence(sents)) if report.occurred_at
                     else entry("", "officer")),
        "nature_faits": entry(narrative, "transcript", narrative) if narrative
        else entry("", "officer"),
        "vehicule": (entry(str(plate), "transcript", _best_sentence(sents, str(plate), 85.0))
                     if plate else entry("", "officer")),
        "reponse": _reponse(report, pack),
        "debut": entry(local_text(case.on_site_at, tz), "case") if case.on_site_at
        else entry("", "officer"),
        "fin": entry(local_text(case.closed_at, tz), "case") if case.closed_at
        else entry("", "officer"),
        "agent": _agent(inputs.agent, case.taken_by),
        "numero_rapport": entry(inputs.rapport_number, "case") if inputs.rapport_number
        else entry("", "officer"),
        "suites": entry(case.outcome, "case") if case.outcome else entry("", "officer"),
        "redige_le": entry(local_text(inputs.now, tz), "clock"),
    }
    return {spec.key: known.get(spec.key) or entry("", "officer") for spec in specs(kind)}
