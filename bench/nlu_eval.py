"""Measure the local NLU and the dialogue engine on the labelled dev sets (measuring only).

Usage: python bench/nlu_eval.py [--dev ../shared/nlu/dev.jsonl]
       [--dialogues ../shared/nlu/dialogues_dev.jsonl] [--pack packs/biarritz] [--errors]

Prints emergency recall / false alarms, emergency-number accuracy, first-actor accuracy (the
lead's ``bia.routing`` over the pack when available, else the spec table in
``bench/nlu_spec_router.py``), category accuracy, street found, dialogue end-state accuracy and
the held-out accuracy of the training corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from nlu_spec_router import make_router  # noqa: E402

from bia.conversation import dialogue  # noqa: E402
from bia.conversation.corpus import load_corpus, split  # noqa: E402
from bia.conversation.nlu import LocalNlu, shared_model  # noqa: E402
from bia.geo.gazetteer import Gazetteer  # noqa: E402


def _cats(expect: dict) -> list[str]:
    c = expect["category"]
    return c if isinstance(c, list) else [c]


def eval_messages(nlu: LocalNlu, router, locate, rows: list[dict], show: bool) -> None:
    n = len(rows)
    em_total = em_hit = fa = non_em = num_ok = actor_ok = cat_ok = st_total = st_ok = 0
    for r in rows:
        e, at = r["expect"], datetime.fromisoformat(r["at"])
        a = nlu.analyze(r["text"], at)
        loc = locate(a.location) if a.location else None
        dec = router.route(
            category=a.category,
            zone=loc.zone if loc else None,
            at=at,
            emergency=a.emergency,
            emergency_number=a.emergency_number,
            extra_numbers=a.extra_numbers,
        )
        actor = dec.actors[0] if dec.actors else None
        errs = []
        if e["emergency"]:
            em_total += 1
            em_hit += a.emergency
            num_ok += a.emergency and a.emergency_number == e["number"]
            if not (a.emergency and a.emergency_number == e["number"]):
                errs.append(f"emergency {a.emergency}/{a.emergency_number} != {e['number']}")
        else:
            non_em += 1
            fa += a.emergency
            if a.emergency:
                errs.append(f"false alarm {a.emergency_number}")
        actor_ok += actor == e["actor"]
        if actor != e["actor"]:
            errs.append(f"actor {actor} != {e['actor']}")
        cat_ok += a.category in _cats(e)
        if a.category not in _cats(e):
            errs.append(f"category {a.category} != {e['category']}")
        if e["street"]:
            st_total += 1
            got = a.location.street if a.location else None
            st_ok += got == e["street"]
            if got != e["street"]:
                errs.append(f"street {got} != {e['street']}")
        if show and errs:
            print(f"  {r['id']}: {'; '.join(errs)}\n      {r['text'][:160]}")
    print(f"messages: {n}")
    print(f"  emergency recall      {em_hit}/{em_total} = {em_hit / max(em_total, 1):.1%}")
    print(f"  false alarms          {fa}/{non_em} = {fa / max(non_em, 1):.1%}")
    print(f"  emergency number      {num_ok}/{em_total} = {num_ok / max(em_total, 1):.1%}")
    print(f"  first actor           {actor_ok}/{n} = {actor_ok / n:.1%}")
    print(f"  category              {cat_ok}/{n} = {cat_ok / n:.1%}")
    print(f"  street found          {st_ok}/{st_total} = {st_ok / max(st_total, 1):.1%}")


def eval_dialogues(nlu: LocalNlu, router, locate, rows: list[dict], show: bool) -> None:
    ok = 0
    for r in rows:
        at = datetime.fromisoformat(r["at"])
        e = r["expect"]
        reply, state = dialogue.start(at)
        recorded = False
        decision = None
        transcript = [f"BIA: {reply}"]
        for k, text in enumerate(r["turns"]):
            turn = dialogue.step(state, text, at, nlu, router, locate)
            state = turn.state
            transcript += [f"  > {text}", f"BIA: {turn.reply}"]
            if turn.record:
                recorded = True
                decision = router.route(
                    category=state["category"],
                    zone=(state.get("location") or {}).get("zone"),
                    at=at,
                    emergency=state["emergency"],
                    emergency_number=state["emergency_number"],
                    extra_numbers=state.get("extra_numbers", []),
                )
                reply2, state = dialogue.confirm_recorded(state, f"BIA-{r['id']}-{k}", decision)
                transcript.append(f"BIA: {reply2}")
        street = (state.get("location") or {}).get("street")
        actor = (state.get("actors") or [None])[0] if recorded else None
        if e["category"] == "information":
            actor = None
        got = (
            state["category"],
            state["emergency"],
            state["emergency_number"],
            street,
            recorded,
            actor,
        )
        want = (
            e["category"],
            e["emergency"],
            e.get("number"),
            e["street"],
            e["recorded"],
            e["actor"],
        )
        ok += got == want
        if show and got != want:
            print(f"  {r['id']}: got {got}\n        want {want}")
            print("      " + "\n      ".join(transcript))
    print(f"dialogues: {len(rows)}")
    print(f"  end state right       {ok}/{len(rows)} = {ok / len(rows):.1%}")


def eval_holdout(nlu: LocalNlu) -> None:
    model = shared_model()
    _, test = split(load_corpus())
    ok = sum(model.predict(e.text)[0][0] == e.category for e in test)
    at = datetime.fromisoformat("2026-03-10T15:00:00+01:00")
    ok2 = sum(nlu.analyze(e.text, at).category == e.category for e in test)
    print(f"corpus held-out split: {len(test)} sentences never trained on")
    print(f"  category, model only  {ok}/{len(test)} = {ok / len(test):.1%}")
    print(f"  category, model+rules {ok2}/{len(test)} = {ok2 / len(test):.1%}")


def main() -> int:
    shared = ROOT.parent / "shared" / "nlu"
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default=str(shared / "dev.jsonl"))
    ap.add_argument("--dialogues", default=str(shared / "dialogues_dev.jsonl"))
    ap.add_argument("--pack", default=str(ROOT / "packs" / "biarritz"))
    ap.add_argument("--errors", action="store_true", help="print every error")
    args = ap.parse_args()
    router, locate, source = make_router(Path(args.pack))
    print(f"router: {source}")
    nlu = LocalNlu(Gazetteer.from_pack(Path(args.pack)))
    rows = [json.loads(x) for x in Path(args.dev).read_text(encoding="utf-8").splitlines() if x]
    eval_messages(nlu, router, locate, rows, args.errors)
    drows = [
        json.loads(x) for x in Path(args.dialogues).read_text(encoding="utf-8").splitlines() if x
    ]
    eval_dialogues(nlu, router, locate, drows, args.errors)
    eval_holdout(nlu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
