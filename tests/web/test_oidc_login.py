"""Staff single sign-on through OpenID Connect, against a small identity provider served on
loopback by the test (discovery, authorize redirect, token endpoint checking PKCE, JWKS with an
RSA key generated here). A good login lands on the console; a bad signature, a wrong state or
nonce, an expired token, a user without a BIA role or unknown to BIA are refused in French, and
every attempt is in the audit log."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from sqlalchemy import select

from bia.cases import audit
from bia.cases.models import AuditLog, StaffUser
from bia.cases.users import add_user
from bia.context import Context

CLIENT_ID, CLIENT_SECRET = "bia-console", "secret-du-client"


@dataclass
class Provider:
    """What the fake provider does; tests change it to misbehave."""

    base: str = ""
    key: Any = None
    forged_key: Any = None  # signs with this one (same key id) when set
    claims: dict[str, Any] = field(default_factory=dict)
    nonce: str | None = None  # answers this nonce instead of the one asked for
    expires_in: int = 300
    interactive: bool = False  # a login page at the provider, as real ones have
    userinfo: dict[str, Any] | None = None  # served signed (application/jwt) when set
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_calls: list[dict[str, Any]] = field(default_factory=list)


def _handler(idp: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            path = url.path.removeprefix(urlsplit(idp.base).path)
            if path == "/.well-known/openid-configuration":
                self._json(200, {"issuer": idp.base, "authorization_endpoint":
                                 f"{idp.base}/authorize", "token_endpoint": f"{idp.base}/token",
                                 "jwks_uri": f"{idp.base}/jwks",
                                 "userinfo_endpoint": f"{idp.base}/userinfo",
                                 "response_types_supported": ["code"],
                                 "id_token_signing_alg_values_supported": ["RS256"],
                                 "code_challenge_methods_supported": ["S256"]})
            elif path == "/jwks":
                jwk = jwt.algorithms.RSAAlgorithm.to_jwk(idp.key.public_key(), as_dict=True)
                self._json(200, {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
            elif path == "/userinfo" and idp.userinfo is not None:
                signed = jwt.encode({"iss": idp.base, "aud": CLIENT_ID, **idp.userinfo},
                                    idp.key, algorithm="RS256", headers={"kid": "k1"}).encode()
                ok = self.headers.get("Authorization") == "Bearer at"
                self.send_response(200 if ok else 401)
                self.send_header("Content-Type", "application/jwt")
                self.send_header("Content-Length", str(len(signed)))
                self.end_headers()
                self.wfile.write(signed)
            elif path == "/authorize":  # the officer logs in at the provider: a code back
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                code = f"code-{len(idp.codes)}"
                idp.codes[code] = query
                back = f"{query['redirect_uri']}?" + urlencode({"code": code,
                                                                 "state": query["state"]})
                if idp.interactive:
                    page = (f'<!doctype html><title>Connexion</title>'
                            f'<a id="continuer" href="{back}">Continuer vers BIA</a>').encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                self.send_response(302)
                self.send_header("Location", back)
                self.end_headers()
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802
            form = {k: v[0] for k, v in parse_qs(
                self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
            idp.token_calls.append({"form": form, "auth": self.headers.get("Authorization")})
            asked = idp.codes.pop(form.get("code", ""), None)
            basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(
                form.get("code_verifier", "").encode()).digest()).rstrip(b"=").decode()
            if (asked is None or self.headers.get("Authorization") != basic
                    or form.get("redirect_uri") != asked["redirect_uri"]
                    or asked["code_challenge_method"] != "S256"
                    or challenge != asked["code_challenge"]):
                self._json(400, {"error": "invalid_grant"})
                return
            now = int(time.time())
            claims = {"iss": idp.base, "aud": CLIENT_ID, "sub": "f81d4fae-7dec", "iat": now,
                      "exp": now + idp.expires_in, "nonce": idp.nonce or asked["nonce"],
                      "preferred_username": "m.etcheverry", "name": "Maite Etcheverry",
                      "groups": ["bia-agents"], **idp.claims}
            claims = {k: v for k, v in claims.items() if v is not None}  # None: left out
            token = jwt.encode(claims, idp.forged_key or idp.key, algorithm="RS256",
                               headers={"kid": "k1"})
            self._json(200, {"access_token": "at", "token_type": "Bearer", "id_token": token,
                             "expires_in": 300})

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def rsa_key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@contextmanager
def serve(provider: Provider, host: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.base = f"http://{host}:{server.server_address[1]}/realms/biarritz"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for name, value in {"ISSUER": provider.base, "CLIENT_ID": CLIENT_ID,
                        "CLIENT_SECRET": CLIENT_SECRET, "ROLES_CLAIM": "groups",
                        "ROLE_MAP": json.dumps({"bia-agents": "agent", "bia-chefs":
                                                "chef_de_poste", "bia-admins": "admin"}),
                        "LABEL": "Se connecter avec le compte de la Ville"}.items():
        monkeypatch.setenv(f"BIA_OIDC_{name}", value)
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def idp(rsa_key: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    with serve(Provider(key=rsa_key), "127.0.0.1", monkeypatch) as provider:
        yield provider


@pytest.fixture
def officer(ctx: Context) -> None:
    with ctx.session() as session:
        add_user(session, username="m.etcheverry", password="un-mot-de-passe-long",
                 role="analyste", commune_id=ctx.pack().commune_id)


def _login(client: TestClient, *, tamper_state: bool = False) -> httpx.Response:
    """The browser's round trip: BIA → provider → BIA's callback (not followed further)."""
    start = client.get("/console/connexion/oidc?suite=/console", follow_redirects=False)
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    assert "code_challenge_method=S256" in authorize and "nonce=" in authorize
    back = httpx.get(authorize, follow_redirects=False)
    assert back.status_code == 302
    url = urlsplit(back.headers["location"])
    assert url.path == "/console/connexion/oidc/retour"
    query = url.query.replace("state=", "state=x") if tamper_state else url.query
    return client.get(f"{url.path}?{query}", follow_redirects=False)


def _audit(ctx: Context) -> list[tuple[str, str, dict[str, Any]]]:
    with ctx.session() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action.like("auth.%"))
                               .order_by(AuditLog.id)).all()
        assert audit.verify_chain(session) == (True, None)
        return [(r.action, r.username, r.detail or {}) for r in rows]


def test_login_page_offers_single_sign_on(client: TestClient, idp: Provider) -> None:
    page = client.get("/console/connexion")
    assert "Se connecter avec le compte de la Ville" in page.text
    assert 'href="/console/connexion/oidc?suite=' in page.text


def test_an_officer_of_the_city_lands_on_the_console(client: TestClient, ctx: Context,
                                                     idp: Provider, officer: None) -> None:
    done = _login(client)
    assert done.status_code == 200 and 'content="0;url=/console"' in done.text
    console = client.get("/console")
    assert console.status_code == 200 and "Maite Etcheverry · Agent" in console.text
    with ctx.session() as session:  # the provider's groups decide the role: agent now
        user = session.scalar(select(StaffUser).where(StaffUser.username == "m.etcheverry"))
        assert user is not None and user.role == "agent" and user.full_name == "Maite Etcheverry"
    assert _audit(ctx)[-1][:2] == ("auth.login", "m.etcheverry")
    assert _audit(ctx)[-1][2]["method"] == "oidc"
    call, = idp.token_calls
    assert call["form"]["grant_type"] == "authorization_code" and call["form"]["code_verifier"]


@pytest.mark.parametrize(("misbehave", "message", "reason"), [
    ("forged", "Signature du jeton d&#39;identité invalide", "oidc_signature_invalide"),
    ("nonce", "nonce invalide", "oidc_nonce_invalide"),
    ("expired", "Jeton d&#39;identité expiré", "oidc_jeton_expire"),
    ("audience", "n&#39;est pas destiné à BIA", "oidc_audience_invalide"),
    ("state", "paramètre state", "oidc_state_invalide"),
])
def test_forged_replayed_or_stale_answers_are_refused(
        client: TestClient, ctx: Context, idp: Provider, officer: None, misbehave: str,
        message: str, reason: str) -> None:
    if misbehave == "forged":
        idp.forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif misbehave == "nonce":
        idp.nonce = "un-autre-nonce"
    elif misbehave == "expired":
        idp.expires_in = -3600
    elif misbehave == "audience":
        idp.claims = {"aud": "une-autre-application"}
    refused = _login(client, tamper_state=misbehave == "state")
    assert refused.status_code in (400, 401), refused.text
    assert "Connexion impossible" in refused.text and message in refused.text
    assert "bia_session" not in refused.cookies
    assert client.get("/console", follow_redirects=False).status_code == 303  # still out
    action, who, detail = _audit(ctx)[-1]
    assert (action, who, detail["reason"]) == ("auth.failure", "(oidc)", reason)


def test_a_user_without_a_bia_role_is_refused(client: TestClient, ctx: Context,
                                              idp: Provider, officer: None) -> None:
    idp.claims = {"groups": ["comptabilite", "bia-agents-stagiaires"]}
    refused = _login(client)
    assert refused.status_code == 403
    assert "aucun rôle dans BIA" in refused.text
    assert client.get("/console", follow_redirects=False).status_code == 303
    action, who, detail = _audit(ctx)[-1]
    assert (action, who, detail["reason"]) == ("auth.failure", "m.etcheverry", "no_role")


def test_unknown_officers_need_an_account_unless_auto_provisioning(
        client: TestClient, ctx: Context, idp: Provider,
        monkeypatch: pytest.MonkeyPatch) -> None:
    idp.claims = {"preferred_username": "j.larralde", "groups": ["bia-chefs", "bia-agents"]}
    refused = _login(client)
    assert refused.status_code == 403 and "n&#39;existe pas dans BIA" in refused.text
    monkeypatch.setenv("BIA_OIDC_AUTO_PROVISION", "true")
    done = _login(client)
    assert done.status_code == 200 and "bia_session" in done.cookies
    with ctx.session() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == "j.larralde"))
        assert user is not None and user.role == "chef_de_poste"  # the most privileged match
        assert user.commune_id == ctx.pack().commune_id
    password = client.post("/api/v1/auth/token", data={"username": "j.larralde",
                                                       "password": "!oidc"})
    assert password.status_code == 401  # a provisioned account has no password login
    actions = [(a, w) for a, w, _ in _audit(ctx)]
    assert ("auth.failure", "j.larralde") in actions and ("auth.login", "j.larralde") in actions


def test_roles_released_by_userinfo_only_as_on_proconnect(
        client: TestClient, ctx: Context, idp: Provider, officer: None) -> None:
    idp.claims = {"groups": None}  # not in the id_token
    idp.userinfo = {"sub": "f81d4fae-7dec", "groups": ["bia-chefs"]}
    assert _login(client).status_code == 200
    with ctx.session() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == "m.etcheverry"))
        assert user is not None and user.role == "chef_de_poste"
    idp.userinfo = {"sub": "quelqu-un-d-autre", "groups": ["bia-admins"]}
    refused = _login(client)
    assert refused.status_code == 401 and "autre personne" in refused.text


def test_not_configured_means_password_login_only(client: TestClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BIA_OIDC_ISSUER", raising=False)
    assert "compte de la Ville" not in client.get("/console/connexion").text
    answer = client.get("/console/connexion/oidc")
    assert answer.status_code == 404 and "pas configurée" in answer.json()["error"]["message"]


def test_in_a_real_browser_the_provider_sends_the_officer_back_to_the_console(
        ctx: Context, settings: Any, rsa_key: Any, make_server: Any, tab: Any,
        officer: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The provider is another site (localhost vs 127.0.0.1): the pending-login cookie must
    survive a cross-site redirect back, which SameSite=Strict would break."""
    with serve(Provider(key=rsa_key, interactive=True), "localhost", monkeypatch):
        server = make_server()
        settings.public_url = ctx.settings.public_url = server.url
        page = tab.page
        page.goto(f"{server.url}/console")
        assert "/console/connexion" in page.url, page.url
        page.get_by_role("link", name="Se connecter avec le compte de la Ville").click()
        page.get_by_role("link", name="Continuer vers BIA").click()  # at the provider's site
        page.wait_for_url(f"{server.url}/console")
        assert "Maite Etcheverry · Agent" in page.inner_text("header")
        assert tab.errors == [], tab.errors
    assert _audit(ctx)[-1][:2] == ("auth.login", "m.etcheverry")
