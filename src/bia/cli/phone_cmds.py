"""``bia phone``: the SIP listener alone, and the voice and recogniser from a terminal."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bia.cli.common import console_error, context
from bia.core.settings import get_settings

phone_app = typer.Typer(help="Phone channel: SIP calls, speech synthesis and recognition.",
                        no_args_is_help=True)


@phone_app.command("serve")
def serve(listen: Annotated[str | None, typer.Option(
        help="HOST:PORT for SIP over UDP (default BIA_SIP_LISTEN, else 127.0.0.1:5060).")] = None
          ) -> None:
    """Answer SIP calls (without the web app); Ctrl-C stops."""
    from bia.channels.phone.service import PhoneService
    from bia.channels.phone.settings import PhoneSettings
    from bia.core.logging import configure_logging

    base = get_settings()
    configure_logging(base.log_level, base.log_json)
    settings = PhoneSettings()
    if listen:
        settings = settings.model_copy(update={"sip_listen": listen})
    address = settings.listen_address() or ("127.0.0.1", 5060)
    service = PhoneService(context(), settings)
    service.warm()

    async def main() -> None:
        server = await service.serve(*address)
        typer.echo(f"BIA répond aux appels SIP sur {address[0]}:{server.port} (UDP).")
        await service.housekeeping()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        service.close()


@phone_app.command("say")
def say(text: Annotated[str, typer.Argument(help="French text, as a reply would say it.")],
        out: Annotated[Path, typer.Option(help="WAV file to write (8 kHz, as on the phone).")]
        = Path("bia-voix.wav")) -> None:
    """Write what callers would hear for TEXT (normalised, tracking codes spelled)."""
    from bia.channels.phone.prompts import speech_parts
    from bia.channels.phone.settings import PhoneSettings
    from bia.channels.speech.audio import wav_bytes
    from bia.channels.speech.tts import Voice, get_tts

    pcm = Voice(get_tts(PhoneSettings())).render(list(speech_parts(text)))
    out.write_bytes(wav_bytes(pcm))
    typer.echo(f"{out} : {pcm.size / 8000:.1f} s")


@phone_app.command("transcribe")
def transcribe(wav: Annotated[Path, typer.Argument(help="WAV file (any rate, 16 bits).")]) -> None:
    """Transcribe a WAV as a call turn would be (8 kHz, commune vocabulary prompt)."""
    from bia.channels.phone.settings import PhoneSettings
    from bia.channels.speech.asr import get_asr
    from bia.channels.speech.audio import read_wav, resample

    if not wav.is_file():
        console_error(f"fichier introuvable : {wav}")
        raise typer.Exit(1)
    pcm, rate = read_wav(wav)
    result = get_asr(PhoneSettings()).transcribe(resample(pcm, rate, 8000))
    typer.echo(f"{result.text}\n({result.audio_s:.1f} s d'audio, {result.elapsed_s:.2f} s)")
