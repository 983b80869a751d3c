"""The art. 30 register is generated from the settings and lists every retention period."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from bia.core.settings import Settings
from bia.geo.pack import Pack
from bia.privacy.register import build_register
from bia.privacy.settings import RETENTION_FIELDS, PrivacySettings

AT = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)


def test_register_lists_every_retention_setting_and_the_actors(pack: Pack) -> None:
    privacy = PrivacySettings(retention_contact_days=61, retention_case_days=730)
    text = build_register(Settings(), privacy, pack, generated_at=AT)
    retention_fields = [n for n in PrivacySettings.model_fields if "retention" in n]
    assert sorted(retention_fields) == sorted(RETENTION_FIELDS.values())
    assert len(retention_fields) >= 7
    for name in retention_fields:
        assert f"`BIA_{name.upper()}`" in text
        assert f"({getattr(privacy, name)} j)" in text
    assert "61 jours" in text and "2 ans" in text
    assert "art. 6-1-e" in text and "arrêté du 14 avril 2009" in text
    assert "Biarritz" in text
    for actor in pack.actors.values():
        assert actor.short_name in text
    assert "Aucun : la compréhension des messages est locale" in text
    assert "⚠ `BIA_SECRET_KEY`" in text  # default secrets are flagged for the DPD


def test_register_flags_an_external_llm_and_works_without_pack() -> None:
    settings = Settings(nlu_backend="llm", llm_base_url="https://llm.example/v1",
                        secret_key="s3cret")
    text = build_register(settings, PrivacySettings(retention_audit_days=0,
                                                    audio_retention_days=0), None,
                          generated_at=AT)
    assert "non conservés (0 j)" in text
    assert "llm.example" in text and "hors UE" in text
    assert "illimitée" in text and "⚠ `BIA_SECRET_KEY`" not in text
    assert "destinataires à compléter" in text


def test_every_privacy_setting_is_documented() -> None:
    from bia.ops.settings import OpsSettings

    for model in (PrivacySettings, OpsSettings):
        missing = [n for n, f in model.model_fields.items() if not (f.description or "").strip()]
        assert missing == []


def test_register_command_prints_markdown(settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import typer

    from bia.cli.privacy_cmds import privacy_app
    from bia.core.settings import get_settings

    app = typer.Typer()
    app.add_typer(privacy_app, name="privacy")
    app.command("noop")(lambda: None)
    monkeypatch.setenv("BIA_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["privacy", "register"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Registre des activités de traitement")
    assert "Police municipale" in result.stdout
