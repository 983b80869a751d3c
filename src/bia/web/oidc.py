"""OpenID Connect login for staff: the city's identity provider vouches for the officer.

Authorization code flow with PKCE (RFC 7636, S256) against any provider that publishes a
discovery document (Keycloak, Azure AD / Entra ID, ProConnect…). The browser carries ``state``,
``nonce`` and the PKCE verifier in a short-lived cookie signed with ``BIA_SECRET_KEY``; the
callback checks ``state``, exchanges the code, then checks the id_token with PyJWT: signature
against the provider's JWKS (re-read once when the key id is unknown, for key rotation),
issuer, audience (and ``azp`` when several audiences), expiry, issue time and ``nonce``. When
the roles claim is not in the id_token, the userinfo endpoint completes it (JSON or signed).

The provider decides who is who; BIA decides what they may do: a configurable claim (``groups``,
``roles``, ``realm_access.roles``…) is mapped to BIA roles, another optional claim to the
commune (INSEE code). An officer unknown to BIA is refused unless auto-provisioning is on.
Every outcome is written to the audit log as password logins are (``auth.login`` /
``auth.failure``, with ``method: oidc``). Nothing here imports FastAPI: the routes are in
:mod:`bia.web.oidc_login`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.cases import audit
from bia.cases.models import StaffUser
from bia.core.errors import BiaError, Forbidden, Unauthorized
from bia.geo.models import Commune

ROLE_RANK = ("analyste", "agent", "chef_de_poste", "admin")  # most privileged last
NO_PASSWORD = "!oidc"  # not an argon2 hash: a provisioned account has no password login
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]


class OidcSettings(BaseSettings):
    """Single sign-on of staff through the city's OpenID Connect provider (optional)."""

    model_config = SettingsConfigDict(env_prefix="BIA_", env_file=".env", extra="ignore")

    oidc_issuer: str | None = Field(
        default=None, description="Issuer URL of the identity provider (its discovery document "
        "is ISSUER/.well-known/openid-configuration); unset: password login only.")
    oidc_client_id: str | None = Field(
        default=None, description="Client id of BIA at the identity provider.")
    oidc_client_secret: str | None = Field(
        default=None, description="Client secret (confidential client); unset: public client "
        "relying on PKCE alone.")
    oidc_token_auth: str = Field(
        default="client_secret_basic", description="How the client secret reaches the token "
        "endpoint: `client_secret_basic` (HTTP Basic) or `client_secret_post` (form field).")
    oidc_scopes: str = Field(
        default="openid profile email", description="Scopes asked for (space-separated); add "
        "the one that releases the roles claim if the provider needs it (e.g. `groups`).")
    oidc_username_claim: str = Field(
        default="preferred_username", description="Claim giving the BIA username (e.g. "
        "`preferred_username`, `email`, `upn`); `sub` is used when it is missing.")
    oidc_roles_claim: str = Field(
        default="groups", description="Claim listing the officer's groups or roles; dotted "
        "for nested claims (Keycloak: `realm_access.roles`, Azure AD: `roles`).")
    oidc_role_map: dict[str, str] = Field(
        default={r: r for r in ROLE_RANK},  # pydantic copies it per instance
        description="JSON object mapping values of the roles claim to BIA roles (agent, "
        "chef_de_poste, analyste, admin), e.g. {\"/police/agents\": \"agent\"}; the most "
        "privileged match wins; no match: login refused.")
    oidc_commune_claim: str | None = Field(
        default=None, description="Claim holding the officer's commune (INSEE code); unset: "
        "the deployment's default commune (BIA_DEFAULT_COMMUNE).")
    oidc_auto_provision: bool = Field(
        default=False, description="Create the BIA account of an officer the provider knows "
        "but BIA does not; off: such officers are refused until an admin creates them.")
    oidc_label: str = Field(
        default="Se connecter avec le compte de la Ville", description="Text of the single "
        "sign-on button on the console login page.")
    oidc_timeout_s: float = Field(
        default=5.0, description="Timeout of one call to the identity provider.")
    oidc_leeway_s: int = Field(
        default=60, description="Clock skew tolerated on the id_token's exp/iat (seconds).")

    @property
    def enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


class OidcError(BiaError):
    """A refused single sign-on; the message is shown on the login page."""

    status = 401
    code = "connexion_oidc_refusee"


# ---------------------------------------------------------------- provider metadata


@dataclass
class _Cached:
    value: dict[str, Any]
    until: float


_cache: dict[str, _Cached] = {}
CACHE_S = 600.0


def _get_json(url: str, cfg: OidcSettings, *, fresh: bool = False) -> dict[str, Any]:
    hit = _cache.get(url)
    if hit and not fresh and hit.until > time.monotonic():
        return hit.value
    try:
        response = httpx.get(url, timeout=cfg.oidc_timeout_s)
        response.raise_for_status()
        value = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcError("Le fournisseur d'identité ne répond pas : réessayez dans un instant "
                        "ou connectez-vous avec votre mot de passe.", code="oidc_injoignable"
                        ) from exc
    if not isinstance(value, dict):
        raise OidcError("Réponse illisible du fournisseur d'identité.", code="oidc_injoignable")
    _cache[url] = _Cached(value, time.monotonic() + CACHE_S)
    return value


def discovery(cfg: OidcSettings) -> dict[str, Any]:
    issuer = (cfg.oidc_issuer or "").rstrip("/")
    meta = _get_json(f"{issuer}/.well-known/openid-configuration", cfg)
    if meta.get("issuer", "").rstrip("/") != issuer:
        raise OidcError("Le document de découverte du fournisseur d'identité ne correspond pas "
                        "à l'émetteur configuré.", code="oidc_configuration")
    return meta


# ---------------------------------------------------------------- the flow


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, _b64(hashlib.sha256(verifier.encode()).digest())


@dataclass(frozen=True)
class Pending:
    """What the browser keeps between the redirect to the provider and its return."""

    state: str
    nonce: str
    verifier: str
    suite: str
    expires: int

    def seal(self, secret: str) -> str:
        body = _b64(json.dumps(self.__dict__, separators=(",", ":")).encode())
        mac = hmac.new(secret.encode(), b"oidc." + body.encode(), hashlib.sha256).digest()
        return f"{body}.{_b64(mac)}"

    @classmethod
    def open(cls, secret: str, sealed: str | None) -> Pending:
        expired = OidcError("La demande de connexion a expiré ou n'a pas été faite depuis ce "
                            "navigateur : recommencez.", code="oidc_session_expiree")
        try:
            body, mac = (sealed or "").split(".", 1)
            expected = hmac.new(secret.encode(), b"oidc." + body.encode(),
                                hashlib.sha256).digest()
            if not hmac.compare_digest(_b64(expected), mac):
                raise expired
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            pending = cls(**data)
        except (ValueError, TypeError) as exc:
            raise expired from exc
        if pending.expires < time.time():
            raise expired
        return pending


def start(cfg: OidcSettings, *, redirect_uri: str, suite: str,
          ttl_s: int = 600) -> tuple[str, Pending]:
    """The provider's authorization URL and what to remember until the callback."""
    meta = discovery(cfg)
    verifier, challenge = pkce_pair()
    pending = Pending(state=secrets.token_urlsafe(24), nonce=secrets.token_urlsafe(24),
                      verifier=verifier, suite=suite, expires=int(time.time()) + ttl_s)
    query = urlencode({"response_type": "code", "client_id": cfg.oidc_client_id,
                       "redirect_uri": redirect_uri, "scope": cfg.oidc_scopes,
                       "state": pending.state, "nonce": pending.nonce,
                       "code_challenge": challenge, "code_challenge_method": "S256"})
    endpoint = meta["authorization_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", pending


def check_state(pending: Pending, state: str | None) -> None:
    if not state or not hmac.compare_digest(pending.state, state):
        raise OidcError("Réponse du fournisseur d'identité invalide (paramètre state) : "
                        "recommencez la connexion.", code="oidc_state_invalide")


def exchange(cfg: OidcSettings, *, code: str, redirect_uri: str,
             pending: Pending) -> dict[str, Any]:
    """Trade the code (and the PKCE verifier) for tokens at the token endpoint."""
    meta = discovery(cfg)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": pending.verifier, "client_id": cfg.oidc_client_id or ""}
    auth = None
    if cfg.oidc_client_secret:
        if cfg.oidc_token_auth == "client_secret_post":
            form["client_secret"] = cfg.oidc_client_secret
        else:
            auth = (cfg.oidc_client_id or "", cfg.oidc_client_secret)
    try:
        response = httpx.post(meta["token_endpoint"], data=form, auth=auth,
                              timeout=cfg.oidc_timeout_s, headers={"Accept": "application/json"})
        tokens = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcError("Le fournisseur d'identité ne répond pas : réessayez dans un instant.",
                        code="oidc_injoignable") from exc
    if response.status_code != 200 or not isinstance(tokens, dict) or "id_token" not in tokens:
        raise OidcError("Le fournisseur d'identité a refusé le code de connexion : "
                        "recommencez.", code="oidc_code_refuse")
    return tokens


def _signing_key(cfg: OidcSettings, meta: dict[str, Any], token: str) -> Any:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise OidcError("Jeton d'identité illisible.", code="oidc_jeton_invalide") from exc
    if header.get("alg") not in ALGORITHMS:
        raise OidcError("Algorithme de signature du jeton d'identité refusé.",
                        code="oidc_jeton_invalide")
    kid = header.get("kid")
    for fresh in (False, True):  # an unknown key id: the provider may have rotated its keys
        keys = jwt.PyJWKSet.from_dict(_get_json(meta["jwks_uri"], cfg, fresh=fresh)).keys
        for key in keys:
            if kid is None or key.key_id == kid:
                return key.key
    raise OidcError("Signature du jeton d'identité invalide (clé inconnue du fournisseur).",
                    code="oidc_signature_invalide")


def verify_id_token(cfg: OidcSettings, token: str, *, nonce: str) -> dict[str, Any]:
    """The id_token's claims once signature, issuer, audience, expiry and nonce hold."""
    meta = discovery(cfg)
    key = _signing_key(cfg, meta, token)
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=ALGORITHMS, audience=cfg.oidc_client_id,
            issuer=meta["issuer"], leeway=cfg.oidc_leeway_s,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise OidcError("Jeton d'identité expiré : recommencez la connexion.",
                        code="oidc_jeton_expire") from exc
    except jwt.InvalidSignatureError as exc:
        raise OidcError("Signature du jeton d'identité invalide : connexion refusée.",
                        code="oidc_signature_invalide") from exc
    except jwt.InvalidAudienceError as exc:
        raise OidcError("Ce jeton d'identité n'est pas destiné à BIA (audience).",
                        code="oidc_audience_invalide") from exc
    except jwt.InvalidIssuerError as exc:
        raise OidcError("Ce jeton d'identité vient d'un autre émetteur.",
                        code="oidc_emetteur_invalide") from exc
    except jwt.PyJWTError as exc:
        raise OidcError("Jeton d'identité invalide : connexion refusée.",
                        code="oidc_jeton_invalide") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != cfg.oidc_client_id:
        raise OidcError("Ce jeton d'identité n'est pas destiné à BIA (azp).",
                        code="oidc_audience_invalide")
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OidcError("Jeton d'identité rejoué ou détourné (nonce invalide) : recommencez "
                        "la connexion.", code="oidc_nonce_invalide")
    return claims


def with_userinfo(cfg: OidcSettings, claims: dict[str, Any],
                  access_token: str | None) -> dict[str, Any]:
    """Claims completed from the userinfo endpoint when the id_token lacks the roles claim
    (ProConnect and some Azure set-ups release groups there only). A JSON or signed (JWT)
    answer is accepted; its ``sub`` must be the id_token's."""
    meta = discovery(cfg)
    if claim(claims, cfg.oidc_roles_claim) is not None or not access_token \
            or not meta.get("userinfo_endpoint"):
        return claims
    try:
        response = httpx.get(meta["userinfo_endpoint"], timeout=cfg.oidc_timeout_s,
                             headers={"Authorization": f"Bearer {access_token}"})
    except httpx.HTTPError as exc:
        raise OidcError("Le fournisseur d'identité ne répond pas : réessayez dans un instant.",
                        code="oidc_injoignable") from exc
    if response.status_code != 200:
        return claims  # no extra claims: the role check below decides
    if response.headers.get("content-type", "").startswith("application/jwt"):
        token = response.text.strip()
        try:
            extra = jwt.decode(token, _signing_key(cfg, meta, token), algorithms=ALGORITHMS,
                               audience=cfg.oidc_client_id, issuer=meta["issuer"],
                               leeway=cfg.oidc_leeway_s)
        except jwt.PyJWTError as exc:
            raise OidcError("Réponse userinfo du fournisseur d'identité invalide.",
                            code="oidc_userinfo_invalide") from exc
    else:
        try:
            extra = response.json()
        except ValueError:
            return claims
    if not isinstance(extra, dict) or extra.get("sub") != claims.get("sub"):
        raise OidcError("Réponse userinfo d'une autre personne : connexion refusée.",
                        code="oidc_userinfo_invalide")
    return {**extra, **claims}  # the signed id_token wins on common claims


# ---------------------------------------------------------------- from claims to a BIA account


def claim(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def bia_role(cfg: OidcSettings, claims: dict[str, Any]) -> str | None:
    raw = claim(claims, cfg.oidc_roles_claim)
    values = [raw] if isinstance(raw, str) else list(raw or []) if isinstance(raw, list) else []
    roles = {cfg.oidc_role_map.get(str(v)) for v in values} & set(ROLE_RANK)
    return max(roles, key=ROLE_RANK.index) if roles else None


def _refuse(session: Session, *, username: str, reason: str, error: BiaError,
            user: StaffUser | None = None) -> BiaError:
    audit.record(session, username=username[:64] or "(inconnu)", action="auth.failure",
                 object_type="staff_user", object_id=user.id if user else None,
                 commune_id=user.commune_id if user else None,
                 detail={"method": "oidc", "reason": reason})
    session.commit()  # the trace of the refusal survives the caller's rollback
    return error


def login_user(session: Session, cfg: OidcSettings, claims: dict[str, Any], *,
               default_commune: str) -> StaffUser:
    """The BIA account the provider's claims stand for, its role and commune refreshed."""
    username = str(claim(claims, cfg.oidc_username_claim) or claims.get("sub") or "").strip()
    if not username or len(username) > 64:
        raise _refuse(session, username=username, reason="username", error=OidcError(
            "Le fournisseur d'identité n'a pas donné d'identifiant utilisable.",
            code="oidc_identifiant"))
    role = bia_role(cfg, claims)
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if role is None:
        raise _refuse(session, username=username, reason="no_role", user=user, error=Forbidden(
            "Votre compte de la Ville n'a aucun rôle dans BIA : demandez à votre responsable "
            "de vous attribuer un groupe BIA.", code="oidc_sans_role"))
    insee = str(claim(claims, cfg.oidc_commune_claim) or "") if cfg.oidc_commune_claim else ""
    commune = session.scalar(select(Commune).where(Commune.insee == (insee or default_commune)))
    if commune is None:
        raise _refuse(session, username=username, reason="commune", user=user, error=Forbidden(
            f"Commune inconnue de BIA : « {insee or default_commune} ».",
            code="oidc_commune_inconnue"))
    full_name = str(claims.get("name") or " ".join(
        str(claims[k]) for k in ("given_name", "usual_name", "family_name") if claims.get(k))
        or "") or None
    if user is None:
        if not cfg.oidc_auto_provision:
            raise _refuse(session, username=username, reason="unknown_user", error=Forbidden(
                "Votre compte n'existe pas dans BIA : demandez à l'administrateur de le créer.",
                code="oidc_compte_inconnu"))
        user = StaffUser(username=username, password_hash=NO_PASSWORD, role=role,
                         commune_id=commune.id, full_name=full_name)
        session.add(user)
        session.flush()
        audit.record(session, username="oidc", action="user.create", object_type="staff_user",
                     object_id=user.id, commune_id=commune.id,
                     detail={"username": username, "role": role, "method": "oidc"})
    elif not user.active:
        raise _refuse(session, username=username, reason="inactive", user=user,
                      error=Unauthorized("Compte désactivé dans BIA.", code="compte_inactif"))
    else:
        user.role, user.commune_id = role, commune.id  # the provider is the source of truth
        user.full_name = full_name or user.full_name
    audit.record(session, username=username, action="auth.login", object_type="staff_user",
                 object_id=user.id, commune_id=user.commune_id,
                 detail={"method": "oidc", "issuer": claims.get("iss"), "role": role})
    return user
