"""SIP messages (RFC 3261) and SDP offer/answer (RFC 3264), just what a UAS needs.

Why our own instead of pyVoIP: pyVoIP registers as a phone to a PBX, blocks a thread per call,
has no REFER and handles one codec set; BIA is the endpoint a trunk or PBX sends calls to, and
needs dozens of concurrent calls on one asyncio loop, RFC 4733 and SIP INFO DTMF, and REFER.
The subset below is small, and each piece is tested against baresip and SIPp.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact",
           "l": "content-length", "c": "content-type", "k": "supported", "r": "refer-to",
           "b": "referred-by", "o": "event", "e": "content-encoding", "s": "subject"}
CANONICAL = {"via": "Via", "from": "From", "to": "To", "call-id": "Call-ID", "cseq": "CSeq",
             "contact": "Contact", "content-length": "Content-Length",
             "content-type": "Content-Type", "max-forwards": "Max-Forwards",
             "refer-to": "Refer-To", "referred-by": "Referred-By", "event": "Event",
             "allow": "Allow", "supported": "Supported", "user-agent": "User-Agent",
             "accept": "Accept", "subscription-state": "Subscription-State",
             "record-route": "Record-Route", "route": "Route", "www-authenticate":
             "WWW-Authenticate", "server": "Server"}
ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REFER, NOTIFY"
REASONS = {100: "Trying", 180: "Ringing", 200: "OK", 202: "Accepted", 400: "Bad Request",
           405: "Method Not Allowed", 481: "Call/Transaction Does Not Exist",
           486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here",
           500: "Server Internal Error", 501: "Not Implemented", 503: "Service Unavailable"}


@dataclass
class SipMessage:
    """A request (``method`` set) or a response (``status`` set); headers keep their order."""

    method: str | None = None
    uri: str | None = None
    status: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def get(self, name: str, default: str | None = None) -> str | None:
        key = name.lower()
        for k, v in self.headers:
            if k.lower() == key:
                return v
        return default

    def get_all(self, name: str) -> list[str]:
        key = name.lower()
        return [v for k, v in self.headers if k.lower() == key]

    def set(self, name: str, value: str) -> None:
        key = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != key]
        self.headers.append((CANONICAL.get(key, name), value))

    @property
    def call_id(self) -> str:
        return self.get("call-id") or ""

    @property
    def cseq(self) -> tuple[int, str]:
        number, _, method = (self.get("cseq") or "0 NONE").partition(" ")
        return int(number or 0), method.strip()

    def encode(self) -> bytes:
        if self.method:
            first = f"{self.method} {self.uri} SIP/2.0"
        else:
            first = f"SIP/2.0 {self.status} {self.reason or REASONS.get(self.status or 0, '')}"
        self.set("content-length", str(len(self.body)))
        lines = [first, *(f"{k}: {v}" for k, v in self.headers)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


def parse(data: bytes) -> SipMessage | None:
    """A datagram → message, or None for keep-alives and garbage."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
        if not sep:
            return None
    lines = head.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    first = lines[0].strip()
    msg = SipMessage()
    if first.startswith("SIP/2.0 "):
        parts = first.split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            return None
        msg.status, msg.reason = int(parts[1]), parts[2] if len(parts) > 2 else ""
    else:
        parts = first.split(" ")
        if len(parts) != 3 or not parts[2].startswith("SIP/"):
            return None
        msg.method, msg.uri = parts[0].upper(), parts[1]
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and msg.headers:  # folded header line
            k, v = msg.headers[-1]
            msg.headers[-1] = (k, f"{v} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon:
            continue
        key = name.strip().lower()
        key = COMPACT.get(key, key)
        msg.headers.append((CANONICAL.get(key, name.strip()), value.strip()))
    length = msg.get("content-length")
    msg.body = body[: int(length)] if length and length.isdigit() else body
    return msg


def tag_of(header: str | None) -> str | None:
    match = re.search(r";\s*tag=([^;>\s]+)", header or "")
    return match.group(1) if match else None


def uri_of(header: str | None) -> str:
    """The URI in a From/To/Contact value (with or without angle brackets)."""
    value = header or ""
    match = re.search(r"<([^>]+)>", value)
    return (match.group(1) if match else value.split(";")[0]).strip()


def user_of(header: str | None) -> str | None:
    match = re.match(r"sips?:([^@;>]+)@", uri_of(header))
    return match.group(1) if match else None


def new_tag() -> str:
    return secrets.token_hex(6)


def new_branch() -> str:
    return "z9hG4bK" + secrets.token_hex(8)


def response(request: SipMessage, status: int, *, to_tag: str | None = None,
             extra: list[tuple[str, str]] | None = None, body: bytes = b"",
             content_type: str | None = None) -> SipMessage:
    """A response copying the request's dialog headers (Via, From, To, Call-ID, CSeq)."""
    res = SipMessage(status=status, reason=REASONS.get(status, ""))
    for name in ("via", "record-route"):
        res.headers += [(CANONICAL[name], v) for v in request.get_all(name)]
    to = request.get("to") or ""
    if to_tag and tag_of(to) is None and status > 100:
        to = f"{to};tag={to_tag}"
    res.headers += [("From", request.get("from") or ""), ("To", to),
                    ("Call-ID", request.call_id), ("CSeq", request.get("cseq") or "")]
    res.headers += [("Server", "BIA-64200"), *(extra or [])]
    if body:
        res.headers.append(("Content-Type", content_type or "application/sdp"))
    res.body = body
    return res


# ---- SDP --------------------------------------------------------------------------------

CODECS = {0: "PCMU", 8: "PCMA"}


@dataclass(frozen=True)
class MediaOffer:
    host: str
    port: int
    payloads: tuple[int, ...]
    rtpmap: dict[int, str]

    def choose(self) -> tuple[int, int | None] | None:
        """(audio payload, telephone-event payload) both sides speak, PCMU first."""
        names = {pt: self.rtpmap.get(pt, CODECS.get(pt, "")).split("/")[0].upper()
                 for pt in self.payloads}
        audio = next((pt for pt, n in names.items() if n in ("PCMU", "PCMA")), None)
        if audio is None:
            return None
        event = next((pt for pt, n in names.items() if n == "TELEPHONE-EVENT"), None)
        return audio, event


def parse_sdp(body: bytes) -> MediaOffer | None:
    host, port, rtpmap = "", 0, {}
    payloads: tuple[int, ...] = ()
    session_host = ""
    in_audio = False
    for raw in body.decode("utf-8", "replace").splitlines():
        line = raw.strip()
        if line.startswith("c="):
            address = line.split()[-1]
            if in_audio:
                host = address
            else:
                session_host = address
        elif line.startswith("m="):
            fields = line[2:].split()
            in_audio = fields[0] == "audio" and not port
            if in_audio:
                port = int(fields[1])
                payloads = tuple(int(p) for p in fields[3:] if p.isdigit())
        elif line.startswith("a=rtpmap:") and in_audio:
            pt, _, name = line[9:].partition(" ")
            if pt.isdigit():
                rtpmap[int(pt)] = name
    if not port:
        return None
    return MediaOffer(host or session_host, port, payloads, rtpmap)


def build_sdp(host: str, port: int, audio: int | None, event: int | None,
              session_id: int) -> bytes:
    """Our answer (one codec) or, with ``audio`` None, our offer (PCMU, PCMA, events)."""
    audios = [audio] if audio is not None else [0, 8]
    events = [event] if event is not None else ([] if audio is not None else [101])
    lines = ["v=0", f"o=BIA {session_id} {session_id} IN IP4 {host}", "s=BIA", f"c=IN IP4 {host}",
             "t=0 0", f"m=audio {port} RTP/AVP {' '.join(map(str, audios + events))}"]
    lines += [f"a=rtpmap:{pt} {CODECS[pt]}/8000" for pt in audios]
    for pt in events:
        lines += [f"a=rtpmap:{pt} telephone-event/8000", f"a=fmtp:{pt} 0-16"]
    lines += ["a=ptime:20", "a=sendrecv"]
    return ("\r\n".join(lines) + "\r\n").encode()


def parse_info_dtmf(msg: SipMessage) -> str | None:
    """The digit of a SIP INFO (application/dtmf-relay or application/dtmf)."""
    kind = (msg.get("content-type") or "").lower()
    text = msg.body.decode("utf-8", "replace")
    if "dtmf-relay" in kind:
        match = re.search(r"Signal\s*=\s*(1[01]|[0-9*#A-Da-d])", text)
        if not match:
            return None
        signal = match.group(1)
        return {"10": "*", "11": "#"}.get(signal, signal.upper())
    if "dtmf" in kind:
        value = text.strip()
        return {"10": "*", "11": "#"}.get(value, value[:1].upper() or None)
    return None
