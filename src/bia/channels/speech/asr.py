"""Speech recognition behind a ``Protocol`` and a registry (habit 5).

``faster-whisper`` (CTranslate2, int8 on CPU) is the default: it runs on the 2-core machine
without network, with the multilingual base model from PyPI. The ``openai`` backend posts the
utterance to any OpenAI-compatible ``/audio/transcriptions`` endpoint (a larger Whisper on a
GPU server): the production option, since the base model mishears telephone French often.

Both take the commune's vocabulary as a prompt: Whisper conditions on it, so "rue Mazagran"
or "encombrants" come out spelled the way the gazetteer and the classifier know them.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import httpx
import numpy as np

from bia.channels.phone.settings import PhoneSettings
from bia.channels.speech.audio import RATE, resample, wav_bytes
from bia.channels.speech.models import packaged_whisper


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float  # 0..1, from the average token log-probability when known
    audio_s: float
    elapsed_s: float


@runtime_checkable
class Recognizer(Protocol):
    """Transcribes one caller turn (8 kHz int16 mono) in French."""

    def transcribe(self, pcm: np.ndarray, *, prompt: str | None = None) -> Transcript: ...


# Whisper's habit on silence or noise: polite closings it saw in subtitles.
_HALLUCINATIONS = ("sous-titres", "sous-titrage", "merci d'avoir regardé", "amara.org",
                   "abonnez-vous", "...")


def _clean(text: str) -> str:
    text = " ".join(text.split())
    low = text.lower()
    if any(h in low for h in _HALLUCINATIONS[:5]) or not text.strip(" .…"):
        return ""
    return text


class FasterWhisper:
    """Local Whisper (CTranslate2). One model per process; calls are serialised because two
    concurrent decodes on two cores are slower than two in a row.

    Whisper's encoder always reads a 30-second window, padded with silence, and on a CPU that
    fixed cost dominates a 4-second turn (about 85 % of the time on the base model). With
    ``window_margin_s`` set, the window is cut to the turn plus that margin (never under
    ``min_window_s``); CTranslate2 encodes the shorter input directly, its cost falling with
    the square of the length. ``bench/phone_recognition.py --window`` checks that category and
    street come out as with the full window. Turns longer than the window keep the library's
    own decoding.
    """

    def __init__(self, model_path: str, *, compute_type: str = "int8", threads: int = 0,
                 beam_size: int = 1, window_margin_s: float | None = None,
                 min_window_s: float = 10.0) -> None:
        from faster_whisper import WhisperModel

        self.model = WhisperModel(model_path, device="cpu", compute_type=compute_type,
                                  cpu_threads=threads, num_workers=1)
        self.beam_size = beam_size
        self.window_margin_s, self.min_window_s = window_margin_s, min_window_s
        self.lock = threading.Lock()
        self._tokenizer: Any = None
        self._suppress: tuple[int, ...] = ()

    def transcribe(self, pcm: np.ndarray, *, prompt: str | None = None) -> Transcript:
        start = time.perf_counter()
        audio = resample(pcm, RATE, 16000).astype(np.float32) / 32768.0
        max_new = min(200, int(pcm.size / RATE * 8) + 10)
        with self.lock:
            fitted = None
            if self.window_margin_s is not None:
                fitted = self._fitted(audio, prompt, max_new)
            if fitted is None:
                fitted = self._full(audio, prompt, max_new)
        text, logprob = _clean(fitted[0]), fitted[1]
        return Transcript(text, round(math.exp(logprob), 3) if text else 0.0,
                          pcm.size / RATE, time.perf_counter() - start)

    def _full(self, audio: np.ndarray, prompt: str | None, max_new: int) -> tuple[str, float]:
        # Bounded output (speech is < 8 tokens/s) and no repeated trigrams: on noise or
        # synthetic voices Whisper can loop on a phrase until its 224-token limit, which
        # is both wrong and slow.
        segments, _info = self.model.transcribe(
            audio, language="fr", task="transcribe", beam_size=self.beam_size,
            initial_prompt=prompt, condition_on_previous_text=False,
            without_timestamps=True, vad_filter=False, temperature=0.0,
            no_repeat_ngram_size=3, max_new_tokens=max_new)
        segs = [s for s in segments if s.no_speech_prob < 0.7]
        text = " ".join(s.text for s in segs)
        return text, (sum(s.avg_logprob for s in segs) / len(segs) if segs else -5.0)

    def _fitted(self, audio: np.ndarray, prompt: str | None,
                max_new: int) -> tuple[str, float] | None:
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        extractor = self.model.feature_extractor
        features = extractor(audio)
        hop_s = extractor.time_per_frame
        frames = features.shape[-1]
        window = max(int(self.min_window_s / hop_s),
                     math.ceil((frames + (self.window_margin_s or 0) / hop_s) / 100) * 100)
        if window > extractor.nb_max_frames:
            return None
        if self._tokenizer is None:
            self._tokenizer = Tokenizer(self.model.hf_tokenizer,
                                        self.model.model.is_multilingual,
                                        task="transcribe", language="fr")
            self._suppress = get_suppressed_tokens(self._tokenizer, [-1]) or ()
        tokenizer = self._tokenizer
        previous = tokenizer.encode(" " + prompt.strip()) if prompt else []
        tokens = self.model.get_prompt(tokenizer, previous, without_timestamps=True)
        encoded = self.model.encode(pad_or_trim(features, window))
        result = self.model.model.generate(
            encoded, [tokens], beam_size=self.beam_size, max_length=len(tokens) + max_new,
            return_scores=True, return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=list(self._suppress), no_repeat_ngram_size=3)[0]
        if result.no_speech_prob >= 0.7:
            return "", -5.0
        ids = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        logprob = result.scores[0] * len(ids) / (len(ids) + 1)
        return tokenizer.decode(ids).strip(), logprob


class OpenAiTranscription:
    """Any OpenAI-compatible ``POST {base}/audio/transcriptions`` (multipart WAV)."""

    def __init__(self, base_url: str, *, api_key: str | None = None, model: str = "whisper-1",
                 timeout_s: float = 8.0) -> None:
        self.url = base_url.rstrip("/") + "/audio/transcriptions"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(timeout=timeout_s, headers=headers)
        self.model = model

    def transcribe(self, pcm: np.ndarray, *, prompt: str | None = None) -> Transcript:
        start = time.perf_counter()
        data: dict[str, Any] = {"model": self.model, "language": "fr", "response_format": "json"}
        if prompt:
            data["prompt"] = prompt
        response = self.client.post(self.url, data=data,
                                    files={"file": ("tour.wav", wav_bytes(pcm), "audio/wav")})
        response.raise_for_status()
        text = _clean(str(response.json().get("text") or ""))
        return Transcript(text, 1.0 if text else 0.0, pcm.size / RATE,
                          time.perf_counter() - start)


_REGISTRY: dict[str, Callable[[PhoneSettings], Recognizer]] = {}


def register_asr(name: str) -> Callable[[Callable[[PhoneSettings], Recognizer]],
                                        Callable[[PhoneSettings], Recognizer]]:
    def wrap(factory: Callable[[PhoneSettings], Recognizer]) -> Callable[[PhoneSettings],
                                                                          Recognizer]:
        _REGISTRY[name] = factory
        return factory
    return wrap


@register_asr("faster-whisper")
def _faster_whisper(settings: PhoneSettings) -> Recognizer:
    path = settings.asr_model_path or packaged_whisper(settings.model_dir,
                                                       settings.asr_packaged_model)
    margin = settings.asr_window_margin_s
    return FasterWhisper(str(path), compute_type=settings.asr_compute_type,
                         threads=settings.asr_threads, beam_size=settings.asr_beam_size,
                         window_margin_s=margin if margin >= 0 else None,
                         min_window_s=settings.asr_min_window_s)


@register_asr("openai")
def _openai(settings: PhoneSettings) -> Recognizer:
    if not settings.asr_url:
        raise RuntimeError("BIA_ASR_URL doit nommer l'API de transcription (backend openai)")
    return OpenAiTranscription(settings.asr_url, api_key=settings.asr_api_key,
                               model=settings.asr_model, timeout_s=settings.asr_timeout_s)


def get_asr(settings: PhoneSettings) -> Recognizer:
    try:
        factory = _REGISTRY[settings.asr_backend]
    except KeyError:
        raise ValueError(f"reconnaissance vocale inconnue : {settings.asr_backend} "
                         f"(connues : {', '.join(sorted(_REGISTRY))})") from None
    return factory(settings)


CATEGORY_WORDS = ("bruit, tapage, musique, fête, voisins, stationnement, voiture garée, "
                  "trottoir, encombrants, dépôt sauvage, poubelles, lampadaire, éclairage, "
                  "nid-de-poule, tags, chien, vol, cambriolage, vélo, agression, bagarre, "
                  "incendie, fumée, gaz, malaise, noyade, accident, drogue, arnaque")


def vocabulary_prompt(commune: str, streets: Iterable[str], landmarks: Iterable[str] = (),
                      max_chars: int = 400) -> str:
    """A French sentence of the commune's words for Whisper's ``initial_prompt``.

    Whisper reads at most 224 prompt tokens, so only the most-named streets fit: the caller
    passes them most important first (the pack's longest streets and its landmarks).
    """
    head = f"Appel à la mairie de {commune}. Signalement : {CATEGORY_WORDS}. Lieux : "
    names: list[str] = []
    size = len(head)
    for name in [*landmarks, *streets]:
        if size + len(name) + 2 > max_chars:
            break
        names.append(name)
        size += len(name) + 2
    return head + ", ".join(names) + "."
