"""Right of access and erasure, by tracking code or by contact, through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from bia.cases.models import AuditLog, Case
from bia.cli.privacy_cmds import privacy_app, purge_cmd
from bia.context import Context
from bia.core.settings import Settings, get_settings
from bia.intake.models import Conversation, Report
from bia.privacy.auditkeep import verify_chain
from bia.privacy.settings import get_privacy_settings

PERSONAL = "Je m'appelle Jeanne Durand, rappelez-moi au 06 11 22 33 44. Tapage rue Mazagran."
CONTACT = {"phone": "06 11 22 33 44", "email": "jeanne.durand@example.fr"}


@pytest.fixture
def cli(settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """The commands as the lead mounts them, on the test database."""
    app = typer.Typer()
    app.command("purge")(purge_cmd)
    app.add_typer(privacy_app, name="privacy")
    monkeypatch.setenv("BIA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BIA_AUDIO_DIR", str(tmp_path / "audio"))
    get_settings.cache_clear()
    get_privacy_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result

    yield invoke
    get_settings.cache_clear()
    get_privacy_settings.cache_clear()


def test_export_by_contact_finds_contact_text_and_dialogue(
        ctx: Context, plant: Callable[..., dict[str, Any]], cli: Callable[..., Any]) -> None:
    with_contact = plant(age=10, contact=CONTACT, case_status="pris_en_charge")
    said_in_text = plant(age=20, text=PERSONAL)  # no consent, but the number is in the words
    other = plant(age=5, contact={"phone": "05 59 00 00 09"})
    out = json.loads(cli("privacy", "export", "--contact", "+33 6 11 22 33 44").stdout)
    codes = {r["tracking_code"]: r for r in out["reports"]}
    assert set(codes) == {with_contact["code"], said_in_text["code"]}
    assert other["code"] not in codes
    mine = codes[with_contact["code"]]
    assert mine["contact"] == CONTACT and mine["matched_by"] == "contact"
    assert mine["case"]["status"] == "pris_en_charge"
    assert mine["conversations"][0]["id"] == with_contact["conversation_id"]
    assert codes[said_in_text["code"]]["text"] == PERSONAL
    assert set(out["retention_days"]) >= {"contact", "text", "case"}
    with ctx.session() as session:
        row = session.scalar(select(AuditLog).where(AuditLog.action == "privacy.export"))
        assert row is not None and row.username == "cli:privacy"
        assert "06 11 22 33 44" not in json.dumps(row.detail) + (row.object_id or "")


def test_export_by_tracking_code(plant: Callable[..., dict[str, Any]],
                                 cli: Callable[..., Any]) -> None:
    planted = plant(age=3, contact=CONTACT)
    spaced = planted["code"].replace("-", " ").lower()
    out = json.loads(cli("privacy", "export", "--tracking-code", spaced).stdout)
    assert [r["tracking_code"] for r in out["reports"]] == [planted["code"]]


def test_erase_anonymises_and_keeps_the_case(
        ctx: Context, plant: Callable[..., dict[str, Any]], cli: Callable[..., Any],
        tmp_path: Path) -> None:
    named = tmp_path / "elsewhere.wav"  # a recording the report points at
    named.write_bytes(b"RIFF")
    target = plant(age=10, text=PERSONAL, contact=CONTACT, case_status="clos", closed_age=2,
                   details={"phone": {"audio": str(named), "transcript": [PERSONAL]}})
    by_code = tmp_path / "audio" / "2027-05-22" / f"{target['code']}-ab12.wav"
    by_code.parent.mkdir(parents=True)
    by_code.write_bytes(b"RIFF")
    bystander = plant(age=10, text="Dépôt sauvage place Clemenceau.", contact={"phone": "0559"})
    with ctx.session() as session:  # a dialogue not yet tied to a report, with the number
        commune_id = session.get(Report, target["report_id"]).commune_id
        session.add(Conversation(id="c-open", commune_id=commune_id, channel="phone",
                                 report_id=None,
                                 state={"caller": "+33611223344"}))
    out = json.loads(cli("privacy", "erase", "--contact", "jeanne.durand@example.fr",
                         "--yes").stdout)
    assert out["reports"] == [target["code"]] and out["reports_anonymised"] == 1
    assert out["audio_files_deleted"] == 2 and not named.exists() and not by_code.exists()
    with ctx.session() as session:
        report = session.get(Report, target["report_id"])
        assert report is not None and report.contact is None
        for secret in ("Durand", "06 11 22 33 44", "Jeanne"):
            assert secret not in report.text
        assert "Mazagran" in report.text and report.details["privacy"]["erased_at"]
        assert "audio" not in report.details["phone"]
        assert "Durand" not in json.dumps(report.details, ensure_ascii=False)
        case = session.get(Case, target["case_id"])
        assert case is not None and case.status == "clos" and case.closed_at is not None
        assert session.get(Conversation, target["conversation_id"]) is None
        assert session.get(Conversation, "c-open") is not None  # matched by the e-mail only
        kept = session.get(Report, bystander["report_id"])
        assert kept is not None and kept.contact == {"phone": "0559"}
        assert session.scalar(select(AuditLog).where(AuditLog.action == "privacy.erase"))
        assert verify_chain(session) == (True, None)
    # erasing by phone reaches the dialogue that only holds the number
    cli("privacy", "erase", "--contact", "06 11 22 33 44", "--yes")
    with ctx.session() as session:
        assert session.get(Conversation, "c-open") is None


def test_purge_command_dry_run_and_now(ctx: Context, plant: Callable[..., dict[str, Any]],
                                       cli: Callable[..., Any]) -> None:
    planted = plant(age=400, text=PERSONAL, contact=CONTACT)
    dry = json.loads(cli("purge", "--dry-run", "--now", "2027-06-01T12:00").stdout)
    assert dry["dry_run"] and dry["counts"]["texts_summarised"] == 1
    with ctx.session() as session:
        assert session.get(Report, planted["report_id"]).text == PERSONAL
    done = json.loads(cli("purge", "--now", "2027-06-01").stdout)
    assert not done["dry_run"] and done["counts"]["contacts_removed"] == 1
    with ctx.session() as session:
        assert "Durand" not in session.get(Report, planted["report_id"]).text
