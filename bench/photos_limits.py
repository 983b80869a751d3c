"""Photo sanitising and rate-limit costs, with figures to compare.

    .venv/bin/python bench/photos_limits.py                  # Redis on 127.0.0.1:6379 if up
    .venv/bin/python bench/photos_limits.py --redis redis://127.0.0.1:6379/15 --photos 20

1. ``clean_photo`` on phone-like photos (12 MP JPEG with EXIF and GPS, 4000 × 3000, noisy so
   that the file is realistic, 3-5 MB): median / p95 ms per photo, input and output sizes.
   The decompression-bomb refusal (a 20,000 × 20,000 PNG) is timed too: it must cost next to
   nothing, since the pixel count is read from the header before decoding.
2. One rate-limit check: in-process sliding window vs the Redis Lua script (µs per check,
   sequential, one event loop), and a dead Redis URL (fail-open path after the first failure).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import statistics
import time
import uuid

from PIL import Image

from bia.api.security import RedisWindow, SlidingWindow
from bia.intake.imaging import PhotoRefused, clean_photo

LIMITS = {"max_bytes": 8_000_000, "max_pixels": 50_000_000, "max_dimension": 2048}


def phone_photo(seed: int) -> bytes:
    """A 12 MP JPEG with camera EXIF and GPS; coarse noise upscaled gives a realistic size."""
    small = Image.frombytes("RGB", (500, 375), os.urandom(500 * 375 * 3))
    image = small.resize((4000, 3000), Image.Resampling.BILINEAR)
    exif = Image.Exif()
    exif[0x010F], exif[0x013B] = "ACME", f"Owner {seed}"
    exif[0x8825] = {1: "N", 2: (43.0, 29.0, 1.2), 3: "W", 4: (1.0, 33.0, 59.3)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def bench_photos(count: int) -> None:
    photos = [phone_photo(i) for i in range(count)]
    times, outs = [], []
    for data in photos:
        start = time.perf_counter()
        clean = clean_photo(data, keep_gps=True, **LIMITS)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
        outs.append(len(clean.jpeg))
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(f"clean_photo, {count} photos 4000x3000 JPEG "
          f"(in: median {statistics.median(len(p) for p in photos) / 1e6:.2f} MB):")
    print(f"  median {statistics.median(times):.0f} ms   p95 {p95:.0f} ms   "
          f"max {times[-1]:.0f} ms   out: median {statistics.median(outs) / 1e3:.0f} kB, "
          f"2048 px max")
    bomb_io = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb_io, "PNG")
    bomb = bomb_io.getvalue()
    start = time.perf_counter()
    for _ in range(20):
        with contextlib.suppress(PhotoRefused):
            clean_photo(bomb, **LIMITS)  # type: ignore[arg-type]
    each = (time.perf_counter() - start) * 1000 / 20
    print(f"decompression bomb 20000x20000 PNG ({len(bomb) / 1e3:.0f} kB on the wire): "
          f"refused in {each:.2f} ms")


async def _time_limiter(limiter: object, checks: int) -> float:
    start = time.perf_counter()
    for n in range(checks):
        key = (f"10.0.{n % 250}.{n % 7}", "bench")
        await limiter.allow(key, 1_000_000)  # type: ignore[attr-defined]
    return (time.perf_counter() - start) * 1e6 / checks


def bench_limits(redis_url: str | None, checks: int) -> None:
    local = asyncio.run(_time_limiter(SlidingWindow(), checks))
    print(f"rate-limit check, {checks} sequential: in-process {local:.1f} µs/check")
    if redis_url:
        prefix = f"bia:bench:{uuid.uuid4().hex}:"
        shared = RedisWindow(redis_url, prefix)
        try:
            per = asyncio.run(_time_limiter(shared, checks))
        finally:
            import redis

            server = redis.Redis.from_url(redis_url)
            for key in server.scan_iter(f"{prefix}*"):
                server.delete(key)
        state = "fell back" if shared.failures else "ok"
        print(f"  Redis Lua sliding window ({redis_url}): {per:.1f} µs/check "
              f"({state}, failures {shared.failures})")
    dead = RedisWindow("redis://127.0.0.1:1/0", "bia:bench:")
    per = asyncio.run(_time_limiter(dead, checks))
    print(f"  dead Redis (fail open, per-process fallback): {per:.1f} µs/check, "
          f"{dead.failures} connection attempt(s) in the run")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--redis", default=os.environ.get("BIA_RATE_LIMIT_REDIS_URL",
                                                          "redis://127.0.0.1:6379/15"))
    args = parser.parse_args()
    bench_photos(args.photos)
    bench_limits(args.redis or None, args.checks)


if __name__ == "__main__":
    main()
