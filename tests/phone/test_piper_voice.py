"""Piper, the better voice: a real synthesis with the operator's voice file.

No French Piper voice ships in a package here, so the synthesis test runs only where a
deployment (or a developer) points BIA_PIPER_VOICE at a voice (.onnx beside its .onnx.json).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from bia.channels.phone.settings import PhoneSettings
from bia.channels.speech.tts import Synthesizer, Voice, get_tts

VOICE = os.environ.get("BIA_PIPER_VOICE")


@pytest.mark.skipif(not VOICE, reason="set BIA_PIPER_VOICE to a Piper voice file (.onnx)")
def test_piper_speaks_a_reply_at_telephone_rate_and_slows_down_for_codes() -> None:
    pytest.importorskip("piper", reason="pip install -e .[piper]")
    assert VOICE is not None and Path(VOICE).is_file(), f"BIA_PIPER_VOICE={VOICE} introuvable"
    engine = get_tts(PhoneSettings(tts_backend="piper", piper_model=Path(VOICE)))
    assert isinstance(engine, Synthesizer)
    voice = Voice(engine)
    pcm = voice.render(["Bonjour, ici la mairie de Biarritz. Que se passe-t-il ?"])
    assert pcm.dtype == np.int16 and 1.5 < pcm.size / 8000 < 12
    assert np.abs(pcm).max() > 3000  # speech, not silence
    code = "bé, i, a. tiret. sept, ka, trois, emme."
    normal, slow = engine.synthesize(code), engine.synthesize(code, slow=True)
    assert slow.size > normal.size * 1.2  # tracking codes are said slowly


def test_piper_without_a_voice_file_says_what_to_configure() -> None:
    with pytest.raises(RuntimeError, match="BIA_PIPER_MODEL"):
        get_tts(PhoneSettings(tts_backend="piper", piper_model=None))
