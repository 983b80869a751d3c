"""A reply streamed sentence by sentence: the caller hears one continuous answer, and a
caller who cuts in stops the sentences still to come. Real UDP sockets on loopback."""

from __future__ import annotations

import asyncio
import socket

import numpy as np

from bia.channels.phone.rtp import RtpSession
from bia.channels.speech.audio import FRAME, decode_g711


def tone(seconds: float, level: int = 8000) -> np.ndarray:
    t = np.arange(int(8000 * seconds)) / 8000
    return (np.sin(2 * np.pi * 440 * t) * level).astype(np.int16)


async def session_and_ear() -> tuple[RtpSession, socket.socket]:
    ear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ear.bind(("127.0.0.1", 0))
    ear.setblocking(False)
    rtp = await RtpSession.open("127.0.0.1", (40000, 40999), law="ulaw", audio_pt=0,
                                event_pt=101, on_frame=lambda f: None, on_digit=lambda d: None)
    rtp.set_remote("127.0.0.1", ear.getsockname()[1])
    rtp.start()
    return rtp, ear


def heard(ear: socket.socket) -> list[bool]:
    """For each packet received, whether it carried sound (not G.711 silence)."""
    loud = []
    while True:
        try:
            data = ear.recv(2048)
        except BlockingIOError:
            return loud
        loud.append(bool(np.abs(decode_g711(data[12:], "ulaw")).max() > 1000))


def test_sentences_added_while_playing_are_heard_without_a_gap() -> None:
    async def scenario() -> tuple[bool, list[bool]]:
        rtp, ear = await session_and_ear()
        try:
            playing = rtp.play(tone(0.4), more=True)
            await asyncio.sleep(0.2)  # the next sentence is synthesised meanwhile
            assert rtp.append(tone(0.4), more=True)
            await asyncio.sleep(0.1)
            assert not playing.done()  # not over while sentences are still coming
            assert rtp.append(tone(0.4))
            done = await asyncio.wait_for(playing, 5)
            await asyncio.sleep(0.1)
            return done, heard(ear)
        finally:
            rtp.close()
            ear.close()

    done, loud = asyncio.run(scenario())
    assert done
    first, last = loud.index(True), len(loud) - 1 - loud[::-1].index(True)
    assert all(loud[first:last + 1])  # one continuous answer, no silence between sentences
    assert last - first + 1 == 3 * 400 // (1000 * FRAME // 8000)  # all of the three sentences


def test_a_caller_who_cuts_in_stops_the_sentences_still_to_come() -> None:
    async def scenario() -> tuple[bool, bool, list[bool]]:
        rtp, ear = await session_and_ear()
        try:
            playing = rtp.play(tone(1.0), more=True)
            await asyncio.sleep(0.2)
            rtp.stop_playback()  # barge-in
            accepted = rtp.append(tone(1.0))
            await asyncio.sleep(0.3)
            return await playing, accepted, heard(ear)
        finally:
            rtp.close()
            ear.close()

    done, accepted, loud = asyncio.run(scenario())
    assert not done and not accepted
    assert sum(loud) < 20  # about 0.2 s of the first sentence, nothing after


def test_a_slow_next_sentence_is_still_said_and_the_reply_waits_for_it() -> None:
    async def scenario() -> tuple[bool, bool, list[bool]]:
        rtp, ear = await session_and_ear()
        try:
            playing = rtp.play(tone(0.2), more=True)
            await asyncio.sleep(0.5)  # synthesis slower than the first sentence (Piper on CPU)
            waiting = not playing.done()
            assert rtp.append(tone(0.2))
            done = await asyncio.wait_for(playing, 5)
            await asyncio.sleep(0.1)
            return waiting, done, heard(ear)
        finally:
            rtp.close()
            ear.close()

    waiting, done, loud = asyncio.run(scenario())
    assert waiting and done  # the reply was not over before its last sentence
    assert sum(loud) == 2 * 200 // (1000 * FRAME // 8000)  # both sentences, in full
