"""End-of-speech detection on 20 ms telephone frames.

WebRTC's VAD (GMM, 8 kHz native) when the ``webrtcvad`` wheel is there; an adaptive energy
detector otherwise, so the channel never depends on a compiled extension. A turn starts after
a few voiced frames (a click is not speech) and ends after ``end_silence_ms`` of silence: the
trade-off between answering quickly and cutting a caller who pauses mid-sentence.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from bia.channels.speech.audio import FRAME, RATE

FRAME_MS = 1000 * FRAME // RATE  # 20


class FrameClassifier(Protocol):
    def is_speech(self, frame: np.ndarray) -> bool: ...


class WebRtcClassifier:
    def __init__(self, aggressiveness: int = 2) -> None:
        import webrtcvad

        self.vad = webrtcvad.Vad(aggressiveness)

    def is_speech(self, frame: np.ndarray) -> bool:
        return bool(self.vad.is_speech(frame.astype("<i2").tobytes(), RATE))


class EnergyClassifier:
    """Speech = frame energy well above a slowly tracked noise floor."""

    def __init__(self, ratio_db: float = 9.0, floor_db: float = 32.0) -> None:
        self.noise_db = floor_db
        self.ratio_db, self.floor_db = ratio_db, floor_db

    def is_speech(self, frame: np.ndarray) -> bool:
        rms = float(np.sqrt(np.mean(frame.astype(np.float32) ** 2)) + 1e-9)
        level = 20 * np.log10(rms)
        speech = level > max(self.noise_db + self.ratio_db, self.floor_db + self.ratio_db)
        if not speech:
            self.noise_db = 0.95 * self.noise_db + 0.05 * max(level, self.floor_db)
        return speech


def default_classifier() -> FrameClassifier:
    try:
        return WebRtcClassifier()
    except ImportError:
        return EnergyClassifier()


@dataclass
class Segmenter:
    """Feeds 20 ms frames, says when a turn starts and ends; keeps the turn's audio."""

    classifier: FrameClassifier = field(default_factory=default_classifier)
    end_silence_ms: int = 600
    start_frames: int = 4  # voiced frames out of the last 6 to call it speech (≈ 80 ms)
    preroll_ms: int = 300
    max_ms: int = 25_000
    speaking: bool = False
    _recent: deque[bool] = field(default_factory=lambda: deque(maxlen=6))
    _preroll: deque[np.ndarray] = field(default_factory=deque)
    _turn: list[np.ndarray] = field(default_factory=list)
    _silent_ms: int = 0
    voiced_ms: int = 0

    def reset(self) -> None:
        self.speaking, self._silent_ms, self.voiced_ms = False, 0, 0
        self._recent.clear()
        self._turn = []

    def feed(self, frame: np.ndarray) -> str | None:
        """Returns "start" when a turn starts, "end" when it ends (then call :meth:`take`)."""
        voiced = self.classifier.is_speech(frame)
        self._recent.append(voiced)
        if not self.speaking:
            self._preroll.append(frame)
            while len(self._preroll) * FRAME_MS > self.preroll_ms:
                self._preroll.popleft()
            if sum(self._recent) >= self.start_frames:
                self.speaking, self._silent_ms, self.voiced_ms = True, 0, 0
                self._turn = list(self._preroll)
                self._preroll.clear()
                return "start"
            return None
        self._turn.append(frame)
        if voiced:
            self._silent_ms = 0
            self.voiced_ms += FRAME_MS
        else:
            self._silent_ms += FRAME_MS
        if self._silent_ms >= self.end_silence_ms or len(self._turn) * FRAME_MS >= self.max_ms:
            self.speaking = False
            return "end"
        return None

    def peek(self) -> np.ndarray:
        """The turn so far, without its trailing silence (for an early transcription)."""
        keep = max(0, len(self._turn) - self._silent_ms // FRAME_MS)
        return np.concatenate(self._turn[:keep]) if keep else np.zeros(0, np.int16)

    def take(self) -> np.ndarray:
        """The finished turn, without most of its trailing silence."""
        keep = max(0, len(self._turn) - max(0, self._silent_ms - 200) // FRAME_MS)
        audio = np.concatenate(self._turn[:keep]) if keep else np.zeros(0, np.int16)
        self._turn = []
        self._recent.clear()
        return audio

    @property
    def trailing_silence_ms(self) -> int:
        return self._silent_ms
