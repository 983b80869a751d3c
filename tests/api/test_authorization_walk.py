"""Walk every route of the OpenAPI schema as anonymous, agent, analyste, chef de poste and
admin, and check each answer against a declared policy: no staff route leaks, no 500."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from bia.cases.users import add_user
from bia.context import Context

PASSWORD = "un-mot-de-passe-long"
ROLES = ("agent", "chef_de_poste", "analyste", "admin")
CASES = {"agent", "chef_de_poste", "admin"}
ANALYSTS = {"analyste", "chef_de_poste", "admin"}
CHEFS = {"chef_de_poste", "admin"}

# (path regex, roles allowed; None = public). The first match decides.
POLICY: list[tuple[str, set[str] | None]] = [
    (r"^/api/v1/cases", CASES),
    (r"^/api/v1/main-courante/", CHEFS),
    (r"^/api/v1/analytics/", ANALYSTS),
    (r"^/console/(connexion|deconnexion)", None),
    (r"^/console", CASES),
    (r".*", None),
]


def allowed(path: str) -> set[str] | None:
    for pattern, roles in POLICY:
        if re.match(pattern, path):
            return roles
    raise AssertionError(path)


def concrete(path: str) -> str:
    path = path.replace("{day}", "2026-11-20").replace("{fmt}", "csv")
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def tokens(client: TestClient, ctx: Context) -> dict[str, dict[str, str]]:
    commune_id = ctx.pack().commune_id
    with ctx.session() as session:
        for role in ROLES:
            add_user(session, username=f"u_{role}", password=PASSWORD, role=role,
                     commune_id=commune_id, badge_number="PM-9")
    headers = {}
    for role in ROLES:
        answer = client.post("/api/v1/auth/token",
                             data={"username": f"u_{role}", "password": PASSWORD}).json()
        headers[role] = {"Authorization": f"Bearer {answer['access_token']}"}
    return headers


def test_every_route_follows_the_policy(client: TestClient, tokens: dict[str, dict[str, str]]
                                        ) -> None:
    schema = client.get("/openapi.json").json()
    problems = []
    checked = 0
    for path, methods in schema["paths"].items():
        roles = allowed(path)
        for method in methods:
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            url = concrete(path)
            for who in ("anonymous", *ROLES):
                if path.endswith("/stream") and roles is not None and who in roles:
                    continue  # an open event stream never ends; its refusals are checked
                headers = tokens.get(who, {})
                response = client.request(method.upper(), url, headers=headers, json={})
                checked += 1
                code = response.status_code
                if code >= 500:
                    problems.append(f"{who} {method.upper()} {url}: {code}")
                elif roles is not None and who == "anonymous" and code != 401:
                    problems.append(f"anonymous {method.upper()} {url}: {code}, 401 expected")
                elif roles is not None and who != "anonymous" and who not in roles \
                        and code != 403:
                    problems.append(f"{who} {method.upper()} {url}: {code}, 403 expected")
                elif roles is not None and who in roles and code in (401, 403):
                    problems.append(f"{who} {method.upper()} {url}: refused ({code})")
    assert checked > 100
    assert problems == []
