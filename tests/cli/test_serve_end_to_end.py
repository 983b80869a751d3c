"""What `make run` does, on a fresh SQLite file: migrate, load the pack and demo, serve /health."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bia.core.settings import PROJECT_ROOT

BIA = [sys.executable, "-m", "bia.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BIA, *args], env=env, capture_output=True, text=True, timeout=300,
                          cwd=PROJECT_ROOT, check=False)


@pytest.mark.slow
def test_fresh_install_serves_a_green_health(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "BIA_DATABASE_URL": f"sqlite:///{tmp_path / 'bia.db'}",
           "BIA_PORT": str(port), "BIA_DEMO_YEARS": "1"}
    for args in (["db", "upgrade"], ["pack", "load", "packs/biarritz"], ["demo", "load"],
                 ["demo", "load"]):
        done = run(args, env)
        assert done.returncode == 0, done.stderr
    assert "0 événements ajoutés" in done.stdout  # the second demo load changes nothing
    assert (tmp_path / "bia.db-wal").exists() or (tmp_path / "bia.db").exists()
    server = subprocess.Popen([*BIA, "serve"], env=env, cwd=PROJECT_ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                body = response.json()
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert body is not None, "server did not answer"
        assert response.status_code == 200 and body["status"] == "ok"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_help_reads_well() -> None:
    done = subprocess.run([*BIA, "--help"], capture_output=True, text=True, check=False,
                          timeout=60)
    assert done.returncode == 0
    for command in ("serve", "db", "pack", "import", "users", "demo"):
        assert command in done.stdout


def test_users_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    env = {**os.environ, "BIA_DATABASE_URL": f"sqlite:///{tmp_path / 'bia.db'}"}
    assert run(["db", "upgrade"], env).returncode == 0
    assert run(["pack", "load", "packs/biarritz"], env).returncode == 0
    done = subprocess.run([*BIA, "users", "add", "agent1", "--role", "agent",
                           "--password-stdin"], input="un-mot-de-passe-long\n", env=env,
                          capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "agent1" in done.stdout
    bad = subprocess.run([*BIA, "users", "add", "agent2", "--role", "pirate",
                          "--password-stdin"], input="un-mot-de-passe-long\n", env=env,
                         capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT,
                         check=False)
    assert bad.returncode == 1 and "Rôle inconnu" in bad.stderr
