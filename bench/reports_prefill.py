"""How much of a document BIA fills and how much the officer types.

    .venv/bin/python bench/reports_prefill.py

Stores 20 hand-written resident reports (categories, places and wording varied; some without a
place, a time or a consented contact) and their cases through the service layer, pre-fills a
main courante entry and a rapport for each, then plays the officer: types every mandatory field
still empty (for a rapport, at least the constatations) and validates. Prints, per kind, the
share of the validated documents' non-empty fields that BIA filled vs the officer typed, and the
share of mandatory fields BIA pre-filled. Case times and outcomes are present when the console
recorded them ("sur place", "clore"): 15 of the 20 cases here. These are scenario figures, not
field measurements.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reports_common import Scenario, fresh_context, store  # noqa: E402

from bia.reports import service  # noqa: E402
from bia.reports.fields import KINDS, specs  # noqa: E402

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
# (text, category, street, number, location words, zone, said when?, contact+consent?)
REPORTS = [
    ("Les voisins du 12 avenue Édouard VII font la fête avec la musique à fond depuis 23h.",
     "bruit", "Avenue Édouard VII", "12", "du 12 avenue Édouard VII", "centre", True, True),
    ("Bonjour, il y a une voiture garée sur le trottoir devant le 4 rue Mazagran, on ne peut "
     "plus passer avec la poussette.", "stationnement", "Rue Mazagran", "4",
     "devant le 4 rue Mazagran", "centre", False, False),
    ("Un groupe de jeunes boit et crie sur la Grande Plage depuis minuit.", "rassemblement",
     None, None, "sur la Grande Plage", "littoral", True, False),
    ("Un chien errant sans collier tourne autour de l'école rue du Pont de l'Aveugle.",
     "animal", None, None, "rue du Pont de l'Aveugle", None, False, True),
    ("Le bar au 3 place Clemenceau met la musique très fort, ça dure depuis 22h30.", "bruit",
     "Place Georges Clemenceau", "3", "au 3 place Clemenceau", "centre", True, False),
    ("Une camionnette blanche est stationnée sur la place handicapée devant la mairie depuis "
     "ce matin.", "stationnement", "Avenue Édouard VII", None, "devant la mairie", "centre",
     True, False),
    ("Une épave de scooter est abandonnée rue de la Bergerie depuis trois semaines.",
     "vehicule_abandonne", "Rue de la Bergerie", None, "rue de la Bergerie", None, False, True),
    ("Des gens complètement saouls titubent devant le casino et embêtent les passants.",
     "ivresse", None, None, "devant le casino", "littoral", False, False),
    ("Un homme mendie de façon agressive à la sortie des Halles, il suit les gens.",
     "mendicite", None, None, "à la sortie des Halles", "centre", False, False),
    ("Il y a une fête sur la plage du Port Vieux, musique forte depuis 1h du matin.", "bruit",
     None, None, "sur la plage du Port Vieux", "littoral", True, True),
    ("On m'a signalé un chien qui aboie toute la nuit au 27 avenue de la Marne.", "bruit",
     "Avenue de la Marne", "27", "au 27 avenue de la Marne", None, False, False),
    ("Des voitures bloquent la sortie de mon garage au 8 rue Gambetta.", "stationnement",
     "Rue Gambetta", "8", "au 8 rue Gambetta", "centre", False, True),
    ("Un attroupement dans le hall du 15 avenue Foch, ils fument et laissent des déchets.",
     "rassemblement", "Avenue du Maréchal Foch", "15", "du 15 avenue Foch", None, False, False),
    ("Objet trouvé : un portefeuille sur un banc de l'esplanade du Phare.",
     "objet_perdu_trouve", None, None, "esplanade du Phare", "littoral", False, True),
    ("Je pars en vacances du 1er au 15, pouvez-vous surveiller ma maison ?", "otv", None,
     None, None, None, False, True),
    ("Musique très forte chez un voisin, ça recommence encore ce soir vers 23h.", "bruit",
     None, None, None, None, True, False),
    ("Trois personnes ivres se battent presque devant le bar rue du Port Vieux.", "ivresse",
     "Rue du Port Vieux", None, "devant le bar rue du Port Vieux", "littoral", False, False),
    ("Une voiture ventouse stationne depuis un mois au 2 allée Port des Pêcheurs.",
     "vehicule_abandonne", "Allée du Port des Pêcheurs", "2", "au 2 allée Port des Pêcheurs",
     "centre", False, False),
    ("Un chien dangereux non tenu en laisse au parc Mazon, il a grogné sur des enfants.",
     "animal", None, None, "au parc Mazon", None, False, False),
    ("Des jeunes font des rodéos en scooter sur le parking de la plage Marbella depuis 20h.",
     "rassemblement", None, None, "parking de la plage Marbella", "littoral", True, False),
]


def scenarios() -> list[Scenario]:
    out = []
    for i, (text, cat, street, num, words, zone, said_when, contact) in enumerate(REPORTS):
        at = T0 + timedelta(minutes=37 * i)
        recorded = i % 4 != 3  # 15 of 20 cases carry console times and an outcome
        out.append(Scenario(
            text=text + (" Je m'appelle M. Harriet, 06 11 22 33 44." if contact else ""),
            category=cat, received_at=at, street=street, number=num, location_text=words,
            zone=zone, occurred_at=at - timedelta(minutes=20) if said_when else None,
            contact={"name": "M. Harriet", "phone": "06 11 22 33 44"} if contact else None,
            consent=contact, on_site_at=at + timedelta(minutes=15) if recorded else None,
            closed_at=at + timedelta(minutes=45) if recorded else None,
            outcome="Rappel à la réglementation, situation réglée" if recorded else None))
    return out


def officer_input(spec_key: str) -> str:
    """What the officer types for a mandatory field BIA left empty."""
    return {"debut": "20/11/2026 23:30", "fin": "20/11/2026 23:59",
            "faits_le": "20/11/2026 22:00"}.get(spec_key, f"Saisie de l'agent ({spec_key})")


def main() -> int:
    ctx = fresh_context()
    totals: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    missing_at_prefill: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    for scenario in scenarios():
        case_id = store(ctx, scenario)
        for kind in KINDS:
            with ctx.session() as session:
                doc = service.prefill(session, case_id=case_id, kind=kind,
                                      pack=ctx.pack().pack, now=scenario.received_at)
                mandatory = [s for s in specs(kind) if s.mandatory]
                empty = {s.key: officer_input(s.key) for s in mandatory
                         if not doc.latest.fields[s.key]["value"]}
                missing_at_prefill[kind].update(list(empty))
                totals[kind]["mandatory"] += len(mandatory)
                totals[kind]["mandatory_prefilled"] += len(mandatory) - len(empty)
                if empty:
                    service.update_fields(session, document_id=doc.id, fields=empty,
                                          username="dupont")
                service.validate(session, document_id=doc.id, username="dupont")
                filled, typed, total = service.prefill_share(doc)
                totals[kind].update(filled=filled, typed=typed, total=total, docs=1)
    print(f"{'document':<16}{'docs':>5}{'fields':>8}{'BIA':>7}{'officer':>9}"
          f"{'BIA share':>11}{'mandatory pre-filled':>22}")
    for name, c in totals.items():
        print(f"{name:<16}{c['docs']:>5}{c['total']:>8}{c['filled']:>7}{c['typed']:>9}"
              f"{c['filled'] / c['total']:>10.0%} "
              f"{c['mandatory_prefilled'] / c['mandatory']:>21.0%}")
    for name, counter in missing_at_prefill.items():
        left = ", ".join(f"{key} ×{n}" for key, n in counter.most_common())
        print(f"{name}: typed by the officer → {left or 'nothing'}")
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
