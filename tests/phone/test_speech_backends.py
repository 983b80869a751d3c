"""Recognition and synthesis backends through their registries; end-of-speech detection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bia.channels.phone.settings import PhoneSettings
from bia.channels.speech.asr import Recognizer, get_asr, vocabulary_prompt
from bia.channels.speech.audio import FRAME, read_wav, silence
from bia.channels.speech.tts import Synthesizer, Voice, get_tts
from bia.channels.speech.vad import EnergyClassifier, Segmenter, WebRtcClassifier


def test_espeak_speaks_french_at_telephone_rate() -> None:
    tts = get_tts(PhoneSettings())
    assert isinstance(tts, Synthesizer)
    pcm = Voice(tts).render(["Bonjour, ici la mairie de Biarritz."])
    assert pcm.dtype == np.int16 and 1.0 < pcm.size / 8000 < 6.0
    assert np.abs(pcm).max() > 3000  # audible, not silence


def test_unknown_backends_are_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="faster-whisper"):
        get_asr(PhoneSettings(asr_backend="nope"))
    with pytest.raises(ValueError, match="espeak"):
        get_tts(PhoneSettings(tts_backend="nope"))


def test_openai_backend_posts_the_turn_with_the_commune_vocabulary(asr_server) -> None:
    asr_server.answer = lambda: "Une voiture garée rue Mazagran."
    asr = get_asr(PhoneSettings(asr_backend="openai", asr_url=asr_server.url,
                                asr_api_key="cle-test", asr_model="whisper-large-v3"))
    assert isinstance(asr, Recognizer)
    prompt = vocabulary_prompt("Biarritz", ["Rue Mazagran", "Avenue Édouard VII"], ["Grande Plage"])
    result = asr.transcribe(np.zeros(8000, np.int16), prompt=prompt)
    assert result.text == "Une voiture garée rue Mazagran." and result.audio_s == 1.0
    sent = asr_server.requests[0]
    assert sent["path"] == "/v1/audio/transcriptions" and sent["auth"] == "Bearer cle-test"
    assert sent["fields"]["model"] == "whisper-large-v3" and sent["fields"]["language"] == "fr"
    assert "Rue Mazagran" in sent["fields"]["prompt"] and "Grande Plage" in sent["fields"]["prompt"]
    assert sent["fields"]["file"].startswith(b"RIFF")


def test_vocabulary_prompt_stays_within_whisper_limits() -> None:
    prompt = vocabulary_prompt("Biarritz", [f"Rue numéro {i}" for i in range(500)])
    assert len(prompt) <= 400 and "encombrants" in prompt


@pytest.mark.parametrize("classifier", [WebRtcClassifier, EnergyClassifier])
def test_a_spoken_turn_starts_and_ends(speech, classifier) -> None:
    pcm, rate = read_wav(Path(speech("Il y a du bruit rue Mazagran.", before=0.5, after=0)))
    assert rate == 8000
    audio = np.concatenate([silence(500), pcm, silence(1000)])
    seg = Segmenter(classifier=classifier(), end_silence_ms=600)
    events = [(i, e) for i, frame in enumerate(audio[: audio.size // FRAME * FRAME]
                                               .reshape(-1, FRAME)) if (e := seg.feed(frame))]
    kinds = [e for _, e in events]
    assert kinds[:1] == ["start"] and "end" in kinds
    start_s = events[0][0] * 0.02
    assert 0.7 < start_s < 1.6  # after the leading silence
    turn = seg.take()
    assert turn.size / 8000 > 1.0
