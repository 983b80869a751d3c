"""Routing: category × zone × on-duty × emergency → actors, number and what the resident is told.

Pure functions over a :class:`~bia.geo.pack.Pack`; the first matching rule of ``routing.yaml``
decides, and the decision says in plain French which rule and why.
"""

from __future__ import annotations

from datetime import datetime

from bia.core.errors import NotFound
from bia.core.types import RoutingDecision
from bia.geo.pack import Pack
from bia.geo.packschema import ActorSpec, RuleSpec
from bia.routing.hours import at_local, describe_moment, is_on_duty, next_on_duty

DutyMap = dict[str, bool]


def rule_matches(rule: RuleSpec, *, category: str, zone: str | None, emergency: bool,
                 duty: DutyMap) -> bool:
    if rule.category not in ("*", category):
        return False
    if rule.zones is not None and zone not in rule.zones:
        return False
    if rule.emergency is not None and rule.emergency != emergency:
        return False
    if rule.on_duty and not duty[rule.on_duty]:
        return False
    return not (rule.off_duty and duty[rule.off_duty])


def first_rule(pack: Pack, *, category: str, zone: str | None, emergency: bool,
               duty: DutyMap) -> RuleSpec | None:
    for rule in pack.rules:
        if rule_matches(rule, category=category, zone=zone, emergency=emergency, duty=duty):
            return rule
    return None


def _handled_when(actor: ActorSpec, on_duty: bool, local: datetime) -> str:
    if actor.kind == "emergency_only":
        return "immédiatement"
    if on_duty:
        return actor.handling
    moment = next_on_duty(actor, local)
    if moment is None:
        return "dès que possible"
    return f"{describe_moment(moment, local)} ({actor.hours_label})"


def route(pack: Pack, *, category: str, zone: str | None, at: datetime, emergency: bool,
          emergency_number: str | None = None,
          extra_numbers: list[str] | None = None) -> RoutingDecision:
    """Decide who handles a report made at ``at``."""
    if category not in pack.categories:
        raise NotFound(f"Catégorie inconnue : {category}", code="categorie_inconnue")
    local = at_local(at, pack.tz)
    duty = {actor_id: is_on_duty(actor, local) for actor_id, actor in pack.actors.items()}
    rule = first_rule(pack, category=category, zone=zone, emergency=emergency, duty=duty)
    if rule is None:  # coverage is proved at pack check; this is a safety net
        rule = first_rule(pack, category="autre", zone=None, emergency=emergency, duty=duty)
        if rule is None:
            raise NotFound("Aucune règle d'orientation ne s'applique.", code="routage_absent")
    number = emergency_number or rule.emergency_number if emergency else None
    actors = list(rule.actors)
    if number:  # the service behind the number given takes the report first
        owner = next((a.id for a in pack.actors.values() if a.emergency_number == number), None)
        if owner:
            actors = [owner, *[a for a in actors if a != owner]]
    extras = list(dict.fromkeys([*(extra_numbers or []), *rule.extra_numbers]))
    if number in extras:
        extras.remove(number)
    first = pack.actors.get(actors[0]) if actors else None
    on_duty = duty[first.id] if first else True
    when = _handled_when(first, on_duty, local) if first else "immédiatement"
    message = rule.say.format(actor=first.name if first else "", when=when,
                              number=number or "").strip()
    if extras:
        labels = {line.number: line.label for line in pack.commune.national_lines}
        useful = ", ".join(f"{n} ({labels[n]})" if n in labels else n for n in extras)
        message += f" Numéros utiles : {useful}."
    reasons = [f"catégorie « {pack.categories[category].label} »"]
    if zone:
        reasons.append(f"zone {zone}")
    if emergency:
        reasons.append("urgence")
    if rule.on_duty:
        reasons.append(f"{pack.actors[rule.on_duty].short_name} en service à cette heure")
    if rule.off_duty:
        reasons.append(f"{pack.actors[rule.off_duty].short_name} hors service à cette heure")
    taken_by = first.name if first else "l'assistant (réponse directe)"
    explanation = (f"Règle « {rule.id} » : {', '.join(reasons)} → {taken_by}"
                   f" ({local:%d/%m/%Y %H:%M}).")
    return RoutingDecision(category=category, actors=actors, emergency=emergency,
                           emergency_number=number, extra_numbers=extras, on_duty=on_duty,
                           handled_when=when, message=message, explanation=explanation,
                           rule_id=rule.id)


class PackRouter:
    """Adapter giving the dialogue engine the ``route(*, …)`` call it expects."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack

    def route(self, *, category: str, zone: str | None, at: datetime, emergency: bool,
              emergency_number: str | None = None,
              extra_numbers: list[str] | None = None) -> RoutingDecision:
        return route(self.pack, category=category, zone=zone, at=at, emergency=emergency,
                     emergency_number=emergency_number, extra_numbers=extra_numbers)
