from __future__ import annotations

from typer.testing import CliRunner

from bia.cli.main import app
from bia.core.settings import Settings


def test_every_setting_is_documented() -> None:
    undocumented = [name for name, field in Settings.model_fields.items()
                    if not (field.description or "").strip()]
    assert undocumented == []


def test_settings_come_from_bia_prefixed_environment(monkeypatch) -> None:
    monkeypatch.setenv("BIA_PORT", "8123")
    monkeypatch.setenv("BIA_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    settings = Settings()
    assert settings.port == 8123
    assert settings.database_url.endswith("elsewhere.db")


def test_config_command_prints_the_readme_table() -> None:
    result = CliRunner().invoke(app, ["config", "--markdown"])
    assert result.exit_code == 0
    for name in Settings.model_fields:
        assert f"`BIA_{name.upper()}`" in result.output
