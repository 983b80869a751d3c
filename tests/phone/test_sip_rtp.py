"""SIP parsing, SDP offer/answer, DTMF in SIP INFO, and G.711 against the reference codec."""

from __future__ import annotations

import numpy as np
import pytest

from bia.channels.phone import sip
from bia.channels.speech.audio import decode_g711, encode_g711, resample

INVITE = (b"INVITE sip:mairie@127.0.0.1:5080 SIP/2.0\r\n"
          b"v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
          b"f: <sip:0600000001@127.0.0.1>;tag=abc\r\nt: <sip:mairie@127.0.0.1>\r\n"
          b"i: call-1\r\nCSeq: 1 INVITE\r\nm: <sip:0600000001@127.0.0.1:5070>\r\n"
          b"c: application/sdp\r\nl: 139\r\n\r\n"
          b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          b"m=audio 4000 RTP/AVP 8 0 96\r\na=rtpmap:96 telephone-event/8000\r\n")


def test_invite_with_compact_headers_is_parsed_and_answered() -> None:
    msg = sip.parse(INVITE)
    assert msg is not None and msg.method == "INVITE" and msg.call_id == "call-1"
    assert sip.user_of(msg.get("from")) == "0600000001"
    offer = sip.parse_sdp(msg.body)
    assert offer is not None and (offer.host, offer.port) == ("127.0.0.1", 4000)
    assert offer.choose() == (8, 96)  # the caller's first G.711 codec, its event payload
    ok = sip.response(msg, 200, to_tag="xyz", body=sip.build_sdp("127.0.0.1", 16000, 8, 96, 1))
    again = sip.parse(ok.encode())
    assert again is not None and again.status == 200
    assert sip.tag_of(again.get("to")) == "xyz" and again.cseq == (1, "INVITE")
    assert b"m=audio 16000 RTP/AVP 8 96" in again.body


def test_offer_without_g711_is_refused() -> None:
    offer = sip.parse_sdp(b"v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 9\r\n"
                          b"a=rtpmap:9 G722/8000\r\n")
    assert offer is not None and offer.choose() is None


@pytest.mark.parametrize(("kind", "body", "digit"), [
    ("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", "5"),
    ("application/dtmf-relay", "Signal=11\r\nDuration=160\r\n", "#"),
    ("application/dtmf", "0", "0"),
])
def test_sip_info_dtmf(kind: str, body: str, digit: str) -> None:
    msg = sip.SipMessage(method="INFO", uri="sip:x", headers=[("Content-Type", kind)],
                         body=body.encode())
    assert sip.parse_info_dtmf(msg) == digit


def test_g711_matches_the_reference_tables() -> None:
    # ITU-T G.711 reference points: µ-law 0x00 → -32124, 0x80 → 32124; A-law 0xD5 → 8
    table = decode_g711(bytes(range(256)), "ulaw")
    assert table[0x00] == -32124 and table[0x80] == 32124 and table[0xFF] == 0
    assert decode_g711(b"\xd5", "alaw")[0] == 8
    tone = (np.sin(np.arange(8000) * 2 * np.pi * 440 / 8000) * 12000).astype(np.int16)
    for law in ("ulaw", "alaw"):
        back = decode_g711(encode_g711(tone, law), law).astype(float)
        snr = 10 * np.log10(np.sum(tone.astype(float) ** 2) / np.sum((back - tone) ** 2))
        assert snr > 30  # G.711 gives ~38 dB on a loud tone
    assert encode_g711(np.zeros(4, np.int16)) == b"\xff" * 4


def test_resampling_keeps_duration() -> None:
    pcm = np.zeros(22050, dtype=np.int16)
    assert resample(pcm, 22050, 8000).size == 8000
