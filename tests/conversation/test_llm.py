"""The LLM backend against real HTTP servers on loopback: canned answers are merged under the
local rules' authority; errors, hangs and garbage fall back to the local analysis."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bia.conversation.llm import LlmNlu
from bia.conversation.nlu import LocalNlu, get_nlu

AT = datetime.fromisoformat("2026-07-26T15:00:00+02:00")


def _server(behaviour: str, payload: dict | None = None) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet test output
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server API
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            self.server.requests.append((self.path, body))  # type: ignore[attr-defined]
            if behaviour == "hang":
                time.sleep(3)
            if behaviour == "500":
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"boom")
                return
            content = "pas du json {" if behaviour == "garbage" else json.dumps(payload)
            data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):
                self.wfile.write(data.encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.requests = []  # type: ignore[attr-defined]
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def serve() -> Iterator:
    servers: list[ThreadingHTTPServer] = []

    def _make(behaviour: str, payload: dict | None = None) -> str:
        s = _server(behaviour, payload)
        servers.append(s)
        return f"http://127.0.0.1:{s.server_address[1]}"

    yield _make
    for s in servers:
        s.shutdown()
        s.server_close()


CANNED = {
    "category": "depot_sauvage",
    "emergency": False,
    "place_text": "rue Gambetta",
    "occurred_at": "2026-07-26T09:00:00+02:00",
    "details": {"objet": "canapé"},
    "reply": "Merci, je transmets aux services techniques.",
}


def test_canned_completion_is_merged(serve, nlu: LocalNlu) -> None:  # type: ignore[no-untyped-def]
    url = serve("ok", CANNED)
    llm = LlmNlu(url, "test-model", local=nlu, timeout=2)
    a = llm.analyze("il y a un truc qui traîne là-bas", AT)
    assert a.location is not None and a.location.street == "Rue Gambetta"
    assert a.occurred_at.isoformat() == "2026-07-26T09:00:00+02:00"
    assert a.details["nlu_backend"] == "llm" and a.details["objet"] == "canapé"
    assert a.details["llm_reply"].startswith("Merci")
    llm.close()


def test_request_shape_and_local_authority(serve, nlu: LocalNlu) -> None:  # type: ignore[no-untyped-def]
    server = _server("ok", {**CANNED, "category": "bruit", "emergency": False})
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        llm = LlmNlu(url, "m", local=nlu, timeout=2)
        a = llm.analyze("au feu, de la fumée sort de la fenêtre du voisin", AT)
        assert a.category == "incendie" and a.emergency and a.emergency_number == "18"
        path, body = server.requests[-1]  # type: ignore[attr-defined]
        assert path == "/v1/chat/completions"
        assert body["response_format"]["type"] == "json_schema"
        llm.close()
    finally:
        server.shutdown()
        server.server_close()


def test_llm_emergency_is_added_for_recall(serve, nlu: LocalNlu) -> None:  # type: ignore[no-untyped-def]
    url = serve("ok", {**CANNED, "category": "agression_violence", "emergency": True})
    llm = LlmNlu(url, local=nlu, timeout=2)
    a = llm.analyze("il se passe un truc bizarre devant chez moi", AT)
    assert a.emergency and a.emergency_number
    llm.close()


@pytest.mark.parametrize("behaviour", ["500", "garbage", "hang"])
def test_failures_fall_back_to_local(serve, nlu: LocalNlu, behaviour: str) -> None:  # type: ignore[no-untyped-def]
    url = serve(behaviour, CANNED)
    llm = get_nlu("llm", base_url=url, local=nlu, timeout=0.5)
    t0 = time.perf_counter()
    a = llm.analyze("des jeunes font du bruit et un s'est fait frapper", AT)
    assert time.perf_counter() - t0 < 2.5
    assert a.category == "agression_violence" and a.emergency_number == "17"
    assert a.details["nlu_backend"] == "local (repli)"
    llm.close()  # type: ignore[attr-defined]


def test_unreachable_server_falls_back(nlu: LocalNlu) -> None:
    llm = LlmNlu("http://127.0.0.1:9", local=nlu, timeout=0.5)
    assert llm.analyze("le lampadaire est en panne", AT).category == "eclairage"
    llm.close()
