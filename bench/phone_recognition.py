"""How well BIA hears French on the telephone: WER, and whether category and street survive.

Speech is espeak-ng's French voice (the only French speech we can make here), passed through
the telephone channel (8 kHz, G.711 µ-law) and transcribed like a call turn. What matters is
not the WER but whether the NLU still finds the category and the street from the transcript,
compared with the NLU on the exact text (its ceiling). Synthetic speech is harder than a
person for Whisper (robotic prosody) and easier in other ways (no noise, no accent): read the
figures as a floor for clean calls, not as field accuracy.

    .venv/bin/python bench/phone_recognition.py [--n 40] [--models base,small] [--no-prompt]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bia.channels.phone.settings import PhoneSettings  # noqa: E402
from bia.channels.speech.asr import FasterWhisper, vocabulary_prompt  # noqa: E402
from bia.channels.speech.audio import decode_g711, encode_g711  # noqa: E402
from bia.channels.speech.models import packaged_whisper  # noqa: E402
from bia.channels.speech.tts import EspeakTts  # noqa: E402
from bia.conversation.nlu import LocalNlu  # noqa: E402
from bia.geo.pack import load_pack  # noqa: E402

DEV = ROOT.parent / "shared" / "nlu" / "dev.jsonl"


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", text)


def wer(ref: str, hyp: str) -> float:
    r, h = words(ref), words(hyp)
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)] / max(1, len(r))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--models", default="base")
    parser.add_argument("--prompt", choices=["yes", "no", "both"], default="both")
    parser.add_argument("--window", default="full,fit",
                        help="encoder window: full (30 s), fit (the turn + margin, the "
                        "default) or fitN (fitted, at least N seconds)")
    parser.add_argument("--out", type=Path, default=None, help="JSON lines of every sample")
    args = parser.parse_args()
    settings = PhoneSettings()
    pack = load_pack(settings.model_dir.parents[1] / "packs" / "biarritz")
    nlu = LocalNlu(pack_dir=pack.root)
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if len(r["text"]) <= 220][: args.n]
    tts = EspeakTts(settings.tts_voice, settings.tts_rate)
    audio = [decode_g711(encode_g711(tts.synthesize(r["text"]))) for r in rows]
    streets = sorted(pack.streets, key=lambda s: -float(s.get("length_m") or 0))
    prompt = vocabulary_prompt(pack.commune.name, [s["name"] for s in streets],
                               [lm["name"] for lm in pack.landmarks[:12]])
    ceiling = []
    for r in rows:
        a = nlu.analyze(r["text"], datetime.fromisoformat(r["at"]))
        ceiling.append((a.category == r["expect"]["category"],
                        (a.location.street if a.location else None) == r["expect"]["street"]))
    print(f"{len(rows)} messages of dev.jsonl, espeak-ng '{settings.tts_voice}' → 8 kHz µ-law; "
          f"NLU on the exact text: category {np.mean([c for c, _ in ceiling]):.0%}, "
          f"street {np.mean([s for _, s in ceiling]):.0%}")
    sink = args.out.open("w", encoding="utf-8") if args.out else None
    prompts = {"yes": [True], "no": [False], "both": [False, True]}[args.prompt]
    for size, window in [(m, w) for m in args.models.split(",") for w in args.window.split(",")]:
        fitted = window.startswith("fit")
        least = float(window[3:]) if fitted and window[3:] else settings.asr_min_window_s
        model = FasterWhisper(str(packaged_whisper(settings.model_dir, size)),
                              window_margin_s=settings.asr_window_margin_s if fitted else None,
                              min_window_s=least)
        model.transcribe(audio[0])  # warm-up
        for use_prompt in prompts:
            errs, cats, sts, times, ratios = [], [], [], [], []
            for r, pcm in zip(rows, audio, strict=True):
                start = time.perf_counter()
                hyp = model.transcribe(pcm, prompt=prompt if use_prompt else None).text
                times.append(time.perf_counter() - start)
                ratios.append(times[-1] / (pcm.size / 8000))
                a = nlu.analyze(hyp, datetime.fromisoformat(r["at"]))
                errs.append(wer(r["text"], hyp))
                cats.append(a.category == r["expect"]["category"])
                sts.append((a.location.street if a.location else None) == r["expect"]["street"])
                if sink:
                    sink.write(json.dumps({"model": size, "window": window,
                                           "prompt": use_prompt, "id": r["id"],
                                           "ref": r["text"], "hyp": hyp, "wer": errs[-1],
                                           "category_ok": cats[-1], "street_ok": sts[-1]},
                                          ensure_ascii=False) + "\n")
            print(f"whisper-{size:<5} window={window:<5} "
                  f"prompt={'yes' if use_prompt else 'no ':<3} "
                  f"WER {statistics.mean(errs):.2f}  category {np.mean(cats):.0%}  "
                  f"street {np.mean(sts):.0%}  time/utterance p50 "
                  f"{statistics.median(times):.2f} s p95 {np.percentile(times, 95):.2f} s  "
                  f"(real-time factor {statistics.median(ratios):.2f})")


if __name__ == "__main__":
    main()
