"""Rendering speed of intervention documents (targets: PDF < 500 ms, ODT < 200 ms, warm).

    .venv/bin/python bench/reports_speed.py [--runs 20]

Builds a validated rapport d'intervention through the service layer on a temporary SQLite
database, warms the renderers up (fonts, templates), then times ``service.render`` —
database read included — and prints the median and max of ``--runs`` renders, for a typical
rapport and for a 20,000-character one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reports_common import Scenario, fresh_context, store  # noqa: E402

from bia.context import Context  # noqa: E402
from bia.reports import service  # noqa: E402

AT = datetime(2026, 11, 20, 22, 5, tzinfo=UTC)
TYPICAL = ("Bonsoir. Les voisins du 12 avenue Édouard VII font la fête avec la musique à fond "
           "depuis 23h. Ça fait trois week-ends de suite. Je m'appelle Mme Etcheverry.")
LONG = TYPICAL + " " + "La musique continue et les invités crient dans l'escalier. " * 330


def _rapport(ctx: Context, text: str) -> int:
    case_id = store(ctx, Scenario(text=text, category="bruit", received_at=AT,
                                  street="Avenue Édouard VII", number="12",
                                  location_text="du 12 avenue Édouard VII", zone="centre",
                                  occurred_at=AT, on_site_at=AT + timedelta(minutes=12),
                                  closed_at=AT + timedelta(minutes=40),
                                  outcome="Rappel à la réglementation"))
    with ctx.session() as session:
        doc = service.prefill(session, case_id=case_id, kind="rapport", pack=ctx.pack().pack,
                              now=AT + timedelta(hours=1))
        service.update_fields(session, document_id=doc.id, username="dupont",
                              fields={"constatations": "Musique audible depuis la rue."})
        service.validate(session, document_id=doc.id, username="dupont")
        return doc.id


def _time(ctx: Context, doc_id: int, fmt: str, runs: int) -> tuple[float, float, int]:
    sizes = 0
    for _ in range(3):  # warm-up: fonts, templates, odfpy imports
        with ctx.session() as session:
            service.render(session, document_id=doc_id, fmt=fmt)  # type: ignore[arg-type]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        with ctx.session() as session:
            data = service.render(session, document_id=doc_id, fmt=fmt)  # type: ignore[arg-type]
        samples.append((time.perf_counter() - start) * 1000)
        sizes = len(data)
    return statistics.median(samples), max(samples), sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args(argv)
    ctx = fresh_context()
    typical, long = _rapport(ctx, TYPICAL), _rapport(ctx, LONG)
    targets = {"pdf": 500.0, "odt": 200.0}
    failed = False
    print(f"{'document':<22}{'format':<8}{'median ms':>10}{'max ms':>9}{'bytes':>9}  target")
    for name, doc_id in (("rapport typique", typical), ("rapport 20 000 car.", long)):
        for fmt, target in targets.items():
            median, worst, size = _time(ctx, doc_id, fmt, args.runs)
            ok = median < target
            failed |= name == "rapport typique" and not ok
            print(f"{name:<22}{fmt:<8}{median:>10.1f}{worst:>9.1f}{size:>9}  "
                  f"< {target:.0f} ms {'ok' if ok else 'MISSED'}")
    ctx.close()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
