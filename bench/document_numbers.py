"""Gap-free document numbers under concurrent validations: throughput and latency.

    .venv/bin/python bench/document_numbers.py                        # SQLite file
    BIA_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/document_numbers.py --backend postgres

Pre-fills N complete main courante entries, then validates them from T threads at once, each
validation in its own transaction (as N officers pressing "Valider" together). Every
validation takes the year's counter row (PostgreSQL: SELECT … FOR UPDATE; SQLite: the writer
lock), so they queue on it; the script prints validations per second, median / p95 latency,
and checks the numbers given are exactly MC-YYYY-000001 … N.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from web_queue import database, p95  # type: ignore[import-not-found]

from bia.cases.models import Case
from bia.cases.users import add_user
from bia.context import build_context
from bia.core.migrate import upgrade
from bia.core.settings import PROJECT_ROOT, Settings
from bia.core.types import Analysis, Location
from bia.geo.pack import load_pack
from bia.geo.service import load_pack_into_db
from bia.intake.service import create_report
from bia.reports import service


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args(argv)
    url, drop = database(args.backend)
    try:
        upgrade(url)
        ctx = build_context(Settings(database_url=url, log_json=False, log_level="WARNING"))
        with ctx.session() as session:
            load_pack_into_db(session, pack=load_pack(PROJECT_ROOT / "packs" / "biarritz"))
        loaded = ctx.pack()
        when = datetime(2026, 11, 20, 22, 5, tzinfo=UTC)
        with ctx.session() as session:
            add_user(session, username="dupont", password="motdepasse-solide", role="agent",
                     commune_id=loaded.commune_id, full_name="Jean Dupont",
                     badge_number="PM-042")
        ids = []
        decision = loaded.router.route(category="bruit", zone="centre", at=when,
                                       emergency=False)
        for _ in range(args.documents):
            analysis = Analysis(text="Musique forte au 12 avenue Édouard VII.", category="bruit",
                                confidence=0.9, occurred_at=when,
                                location=Location(text="12 avenue Édouard VII",
                                                  street="Avenue Édouard VII", number="12",
                                                  zone="centre"))
            with ctx.session() as session:
                report = create_report(session, commune_id=loaded.commune_id, channel="phone",
                                       text=analysis.text, analysis=analysis, decision=decision,
                                       received_at=when)
                case = Case(commune_id=loaded.commune_id, report_id=report.id, status="clos",
                            taken_by="dupont", on_site_at=when + timedelta(minutes=10),
                            closed_at=when + timedelta(minutes=40), created_at=when)
                session.add(case)
                session.flush()
                ids.append(service.prefill(session, case_id=case.id, kind="main-courante",
                                           pack=loaded.pack, now=when).id)

        def validate(doc_id: int) -> tuple[float, str]:
            start = time.perf_counter()
            with ctx.session() as session:
                service.validate(session, document_id=doc_id, username="dupont")
                number = service.get_document(session, document_id=doc_id).number or ""
            return (time.perf_counter() - start) * 1000, number

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            results = list(pool.map(validate, ids))
        total = time.perf_counter() - start
        latencies = [ms for ms, _ in results]
        year = datetime.now(UTC).astimezone(loaded.pack.tz).year
        expected = [f"MC-{year}-{n:06d}" for n in range(1, args.documents + 1)]
        gap_free = sorted(number for _, number in results) == expected
        print(f"{args.backend}: {args.documents} validations from {args.threads} threads in "
              f"{total:.2f} s = {args.documents / total:.0f} validations/s; latency median "
              f"{statistics.median(latencies):.1f} ms, p95 {p95(latencies):.1f} ms; numbers "
              f"1..{args.documents} with no gap and no duplicate: {gap_free}")
        ctx.close()
        return 0 if gap_free else 1
    finally:
        drop()


if __name__ == "__main__":
    raise SystemExit(main())
