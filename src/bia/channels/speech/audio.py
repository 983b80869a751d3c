"""Telephone audio helpers: G.711 µ-law/A-law codecs, resampling and WAV I/O with numpy.

``audioop`` is deprecated (and gone in Python 3.13), so the codecs are table-driven numpy:
decoding is one lookup, encoding a 65,536-entry table built once (64 KiB).
"""

from __future__ import annotations

import io
import wave
from functools import cache
from math import gcd
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

RATE = 8000  # G.711 sampling rate
FRAME = 160  # samples in one 20 ms packet


def _ulaw_decode_one(byte: int) -> int:
    u = ~byte & 0xFF
    t = ((u & 0x0F) << 3) + 0x84
    t <<= (u & 0x70) >> 4
    return (0x84 - t) if u & 0x80 else (t - 0x84)


def _alaw_decode_one(byte: int) -> int:
    a = byte ^ 0x55
    t = (a & 0x0F) << 4
    seg = (a & 0x70) >> 4
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t = (t + 0x108) << (seg - 1)
    return t if a & 0x80 else -t


@cache
def _tables(law: str) -> tuple[np.ndarray, np.ndarray]:
    """(decode[256] -> int16, encode[65536] -> uint8) for ``law`` in {"ulaw", "alaw"}."""
    one = _ulaw_decode_one if law == "ulaw" else _alaw_decode_one
    decode = np.array([one(b) for b in range(256)], dtype=np.int16)
    order = np.argsort(decode, kind="stable")
    levels = decode[order].astype(np.int32)
    samples = np.arange(-32768, 32768, dtype=np.int32)
    idx = np.clip(np.searchsorted(levels, samples), 1, 255)
    nearer_low = (samples - levels[idx - 1]) <= (levels[idx] - samples)
    chosen = np.where(nearer_low, idx - 1, idx)
    encode = order[chosen].astype(np.uint8)
    encode[32768] = 0xFF if law == "ulaw" else 0xD5  # the conventional "positive zero"
    return decode, encode


def decode_g711(payload: bytes, law: str = "ulaw") -> np.ndarray:
    return _tables(law)[0][np.frombuffer(payload, dtype=np.uint8)]


def encode_g711(pcm: np.ndarray, law: str = "ulaw") -> bytes:
    return bytes(_tables(law)[1][pcm.astype(np.int32) + 32768])


def silence_byte(law: str) -> int:
    return 0xFF if law == "ulaw" else 0xD5


def resample(pcm: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Polyphase resampling of int16 audio (anti-aliased: 22.05 kHz speech → 8 kHz phone)."""
    if src == dst or pcm.size == 0:
        return pcm.astype(np.int16)
    g = gcd(src, dst)
    out = resample_poly(pcm.astype(np.float32), dst // g, src // g)
    return np.clip(out, -32768, 32767).astype(np.int16)


def read_wav(data: bytes | Path) -> tuple[np.ndarray, int]:
    """Mono int16 samples and rate of a PCM WAV (bytes or file); stereo is mixed down."""
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else str(data)
    with wave.open(source, "rb") as wav:  # type: ignore[arg-type]
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        raw = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError("WAV 16 bits attendu")
    pcm = np.frombuffer(raw, dtype="<i2")
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return pcm.astype(np.int16), rate


def wav_bytes(pcm: np.ndarray, rate: int = RATE, channels: int = 1) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.astype("<i2").tobytes())
    return buf.getvalue()


def silence(ms: int) -> np.ndarray:
    return np.zeros(RATE * ms // 1000, dtype=np.int16)
