"""Proof that every category gets an answer at every hour of the year.

Rules depend on time only through actors' on-duty states, so enumerating every combination of
those states (plus every zone and both emergency values) covers every possible hour. We also
walk one whole year hour by hour to report which actor takes each category when.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import datetime, timedelta

from bia.geo.pack import Pack
from bia.routing.engine import first_rule
from bia.routing.hours import is_on_duty


def _duty_actors(pack: Pack) -> list[str]:
    names = {r.on_duty for r in pack.rules if r.on_duty} | {r.off_duty for r in pack.rules
                                                           if r.off_duty}
    return sorted(names)


def coverage_errors(pack: Pack) -> list[str]:
    """Every (category, zone, emergency, duty states) must reach a rule with an actor."""
    errors: list[str] = []
    duty_ids = _duty_actors(pack)
    zones: list[str | None] = [None, *pack.zone_codes]
    for code, category in pack.categories.items():
        answerable_without_actor = category.group == "information"
        for zone, emergency, states in itertools.product(
            zones, (False, True), itertools.product((False, True), repeat=len(duty_ids))
        ):
            duty = dict(zip(duty_ids, states, strict=True))
            rule = first_rule(pack, category=code, zone=zone, emergency=emergency, duty=duty)
            where = (f"catégorie {code}, zone {zone or '(aucune)'}, "
                     f"{'urgence' if emergency else 'hors urgence'}, "
                     + ", ".join(f"{a} {'en service' if s else 'hors service'}"
                                 for a, s in duty.items()))
            if rule is None:
                errors.append(f"routing.yaml: aucune règle pour {where}")
            elif not rule.actors and not answerable_without_actor:
                errors.append(f"routing.yaml: règle {rule.id} sans acteur pour {where}")
            elif emergency and not rule.emergency_number and category.emergency is not None:
                errors.append(f"routing.yaml: règle {rule.id} sans numéro d'urgence pour {where}")
    return errors


def yearly_summary(pack: Pack, year: int) -> dict[str, Counter[str]]:
    """Hours of ``year`` each first actor takes each category (no zone, no emergency)."""
    tz = pack.tz
    moment = datetime(year, 1, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz)
    duty_ids = _duty_actors(pack)
    states: list[dict[str, bool]] = []
    while moment < end:
        states.append({a: is_on_duty(pack.actors[a], moment) for a in duty_ids})
        moment += timedelta(hours=1)
    summary: dict[str, Counter[str]] = {}
    for code in pack.categories:
        counter: Counter[str] = Counter()
        cache: dict[tuple[bool, ...], str] = {}
        for duty in states:
            key = tuple(duty.values())
            if key not in cache:
                rule = first_rule(pack, category=code, zone=None, emergency=False, duty=duty)
                cache[key] = (rule.actors[0] if rule and rule.actors else "(réponse directe)")
            counter[cache[key]] += 1
        summary[code] = counter
    return summary
