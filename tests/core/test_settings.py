from __future__ import annotations

from typer.testing import CliRunner

from bia.cli.main import app
from bia.core.settings import Settings, all_settings_classes


def test_every_setting_is_documented() -> None:
    classes = all_settings_classes()
    assert len(classes) >= 3  # core, privacy, ops (phone when installed)
    undocumented = [f"{cls.__name__}.{name}" for cls in classes
                    for name, field in cls.model_fields.items()
                    if not (field.description or "").strip()]
    assert undocumented == []


def test_no_two_settings_classes_disagree_on_a_variable() -> None:
    seen: dict[str, object] = {}
    for cls in all_settings_classes():
        for name, field in cls.model_fields.items():
            if name in seen:
                assert seen[name] == field.default, name
            seen[name] = field.default


def test_settings_come_from_bia_prefixed_environment(monkeypatch) -> None:
    monkeypatch.setenv("BIA_PORT", "8123")
    monkeypatch.setenv("BIA_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    settings = Settings()
    assert settings.port == 8123
    assert settings.database_url.endswith("elsewhere.db")


def test_config_command_prints_the_readme_table() -> None:
    result = CliRunner().invoke(app, ["config", "--markdown"])
    assert result.exit_code == 0
    for cls in all_settings_classes():
        for name in cls.model_fields:
            assert f"`BIA_{name.upper()}`" in result.output
