"""Speech synthesis behind a ``Protocol`` and a registry (habit 5).

The default is espeak-ng's French voice through a subprocess: it is a Debian package, starts in
milliseconds and needs no model file, so a fresh install can answer calls. Piper sounds far more
natural and is used when an operator supplies a voice file. Output is always 8 kHz int16 mono,
resampled with an anti-aliasing filter, ready for G.711.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from bia.channels.phone.settings import PhoneSettings
from bia.channels.speech.audio import RATE, read_wav, resample, silence
from bia.channels.speech.frenchtext import for_voice, spell_tracking_code


@runtime_checkable
class Synthesizer(Protocol):
    """Turns French text (already normalised for the voice) into 8 kHz int16 samples."""

    def synthesize(self, text: str, *, slow: bool = False) -> np.ndarray: ...


@dataclass(frozen=True)
class Part:
    """One piece of an utterance: ``slow`` parts (codes, numbers to note) are said slowly."""

    text: str
    slow: bool = False
    pause_ms: int = 250  # silence after the part


class EspeakTts:
    """espeak-ng via subprocess (WAV on stdout), French voice."""

    def __init__(self, voice: str = "fr", rate: int = 150, binary: str | None = None) -> None:
        found = binary or shutil.which("espeak-ng") or shutil.which("espeak")
        if found is None:
            raise RuntimeError("espeak-ng est introuvable : apt-get install espeak-ng")
        self.binary: str = found
        self.voice, self.rate = voice, rate

    def synthesize(self, text: str, *, slow: bool = False) -> np.ndarray:
        rate = max(80, int(self.rate * 0.7)) if slow else self.rate
        done = subprocess.run([self.binary, "-v", self.voice, "-s", str(rate), "--stdout", text],
                              capture_output=True, timeout=20, check=True)
        pcm, src = read_wav(done.stdout)
        return resample(pcm, src, RATE)


class PiperTts:
    """Piper (``piper-tts``, the ``piper`` extra) with an operator-supplied voice (.onnx beside
    its .onnx.json). A neural voice: far more natural than espeak-ng, about as fast as the
    recogniser per sentence on this machine's CPU, which sentence streaming hides behind the
    first sentence of each reply."""

    SLOW = 1.5  # codes and numbers: phonemes half as long again (espeak: 70 % of the rate)

    def __init__(self, model_path: str) -> None:
        try:
            from piper import PiperVoice
        except ImportError as exc:
            raise RuntimeError("voix Piper indisponible : pip install -e .[piper]") from exc
        self.voice = PiperVoice.load(model_path)
        self.base_scale = float(getattr(self.voice.config, "length_scale", 1.0) or 1.0)
        self.lock = threading.Lock()

    def synthesize(self, text: str, *, slow: bool = False) -> np.ndarray:
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=self.base_scale * (self.SLOW if slow else 1.0))
        with self.lock:
            chunks = list(self.voice.synthesize(text, syn_config=config))
        if not chunks:
            return silence(100)
        pcm = np.concatenate([c.audio_int16_array for c in chunks])
        return resample(pcm, chunks[0].sample_rate, RATE)


_REGISTRY: dict[str, Callable[[PhoneSettings], Synthesizer]] = {}


def register_tts(name: str) -> Callable[[Callable[[PhoneSettings], Synthesizer]],
                                        Callable[[PhoneSettings], Synthesizer]]:
    def wrap(factory: Callable[[PhoneSettings], Synthesizer]) -> Callable[[PhoneSettings],
                                                                           Synthesizer]:
        _REGISTRY[name] = factory
        return factory
    return wrap


@register_tts("espeak")
def _espeak(settings: PhoneSettings) -> Synthesizer:
    return EspeakTts(settings.tts_voice, settings.tts_rate)


@register_tts("piper")
def _piper(settings: PhoneSettings) -> Synthesizer:
    if settings.piper_model is None:
        raise RuntimeError("BIA_PIPER_MODEL doit nommer un fichier de voix .onnx")
    return PiperTts(str(settings.piper_model))


def get_tts(settings: PhoneSettings) -> Synthesizer:
    try:
        factory = _REGISTRY[settings.tts_backend]
    except KeyError:
        raise ValueError(f"synthèse vocale inconnue : {settings.tts_backend} "
                         f"(connues : {', '.join(sorted(_REGISTRY))})") from None
    return factory(settings)


class Voice:
    """A synthesizer with the French normalisation in front and a small cache behind.

    Prompts repeat (greeting, "je n'ai pas compris"), so they are synthesised once; the cache
    is bounded because replies quote places and codes that never come back.
    """

    def __init__(self, engine: Synthesizer, cache_size: int = 256) -> None:
        self.engine = engine
        self._cache: OrderedDict[tuple[str, bool], np.ndarray] = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()

    def _one(self, text: str, slow: bool) -> np.ndarray:
        key = (text, slow)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        pcm = self.engine.synthesize(text, slow=slow)
        with self._lock:
            self._cache[key] = pcm
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return pcm

    def render(self, parts: Sequence[Part | str]) -> np.ndarray:
        """Parts → one 8 kHz buffer; plain strings are normalised with :func:`for_voice`."""
        chunks = [self.render_one(piece) for piece in sentences(parts)]
        return np.concatenate(chunks) if chunks else silence(200)

    def render_one(self, part: Part) -> np.ndarray:
        """One sentence (see :func:`sentences`) and the pause after it."""
        if not part.text.strip():
            return silence(part.pause_ms)
        return np.concatenate([self._one(part.text, part.slow), silence(part.pause_ms)])


SENTENCE_PAUSE_MS = 200
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")


def sentences(parts: Sequence[Part | str]) -> list[Part]:
    """Parts cut into sentences, normalised for the voice: the unit a reply is synthesised
    and streamed in, so that the caller hears the first sentence while the next is made.
    Slow parts (codes) stay whole: their commas and full stops are the pauses."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            part = Part(for_voice(part))
        text = part.text.strip()
        if not text:
            continue
        pieces = [text] if part.slow else _SENTENCE_END.split(text)
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            out.append(Part(piece, slow=part.slow,
                            pause_ms=part.pause_ms if last else SENTENCE_PAUSE_MS))
    return out


def code_parts(code: str) -> list[Part]:
    """A tracking code said slowly, then repeated: callers write it down as they hear it."""
    spelled = spell_tracking_code(code)
    return [Part("Votre numéro de suivi est :", pause_ms=400),
            Part(spelled, slow=True, pause_ms=800),
            Part("Je répète :", pause_ms=400), Part(spelled, slow=True, pause_ms=600)]
