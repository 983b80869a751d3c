"""Typed settings read from the environment (prefix ``BIA_``).

Every field carries a description: ``tests/core/test_settings.py`` fails when one is missing,
and the README's configuration table is generated from these descriptions
(``bia config --markdown``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class Settings(BaseSettings):
    """Runtime configuration of one BIA deployment."""

    model_config = SettingsConfigDict(env_prefix="BIA_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'bia.db'}",
        description="SQLAlchemy URL. SQLite (WAL) by default; "
        "`postgresql+psycopg://user@host/db` for PostgreSQL.",
    )
    host: str = Field(default="127.0.0.1", description="Address `bia serve` listens on.")
    port: int = Field(default=8000, description="HTTP port `bia serve` listens on.")
    keep_alive_s: int = Field(default=75, description="Seconds an idle HTTP connection is kept "
                              "open by `bia serve` (set it above the reverse proxy's own).")
    pack_dir: Path = Field(
        default=PROJECT_ROOT / "packs" / "biarritz",
        description="Commune pack loaded by `make run` and used as the default commune.",
    )
    default_commune: str = Field(
        default="64122",
        description="INSEE code of the commune a request is scoped to when it names none.",
    )
    log_level: str = Field(default="INFO", description="Log level (DEBUG, INFO, WARNING…).")
    log_json: bool = Field(default=True, description="Write logs as one JSON object per line.")
    secret_key: str = Field(
        default="change-me-in-production",
        description="Key for signing session cookies and bearer tokens. Set it in production.",
    )
    grid_cell_m: int = Field(
        default=200, description="Cell size in metres of the analysis grid built from a pack."
    )
    nlu_backend: str = Field(default="local",
                             description="NLU backend: `local` (no network) or `llm`.")
    nlu_cache_dir: Path | None = Field(
        default=None, description="Where the trained category model is cached "
        "(default ~/.cache/bia/nlu).")
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible API base URL for the `llm` NLU backend."
    )
    llm_model: str = Field(default="mistral-small-latest", description="Model name for `llm`.")
    llm_api_key: str | None = Field(default=None, description="API key for the `llm` backend.")
    llm_timeout_s: float = Field(default=4.0, description="Timeout of one LLM call; the local "
                                 "NLU answers when it expires.")
    smtp_host: str = Field(default="127.0.0.1", description="SMTP server for forwarded reports.")
    smtp_port: int = Field(default=25, description="SMTP port.")
    smtp_from: str = Field(default="bia@biarritz.example",
                           description="Sender address of forwarded reports and notices.")
    smtp_user: str | None = Field(default=None, description="SMTP login, if the server needs one.")
    smtp_password: str | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS on the SMTP connection.")
    webhook_secret: str = Field(
        default="change-me-webhook",
        description="HMAC-SHA256 key signing webhook bodies (header X-BIA-Signature).",
    )
    webhook_timeout_s: float = Field(default=5.0, description="Timeout of one webhook call.")
    outbox_interval_s: float = Field(
        default=5.0, description="Seconds between two passes of the outbox worker; 0 disables it."
    )
    outbox_max_attempts: int = Field(
        default=8, description="Attempts before a delivery is marked dead (and shown to staff)."
    )
    public_url: str = Field(default="http://127.0.0.1:8000",
                            description="Public base URL, used in links sent to partners.")
    max_body_bytes: int = Field(default=1_000_000,
                                description="Largest request body accepted (bytes); larger gets 413.")
    rate_limit_enabled: bool = Field(default=True, description="Per-client rate limits on "
                                     "public endpoints (chat, analyze, Open311, tracking, login).")
    rate_limit_chat: int = Field(default=60, description="Chat messages per client per minute.")
    rate_limit_analyze: int = Field(default=60, description="Analyze calls per client per minute.")
    rate_limit_open311: int = Field(default=10, description="Open311 POSTs per client per minute.")
    rate_limit_tracking: int = Field(default=20,
                                     description="Tracking-code look-ups per client per minute.")
    rate_limit_login: int = Field(default=10, description="Login attempts per client per minute.")
    rate_limit_photos: int = Field(default=10,
                                   description="Photo uploads per client per minute (web chat).")
    rate_limit_redis_url: str | None = Field(
        default=None, description="Redis URL (e.g. redis://127.0.0.1:6379/0) holding the rate "
        "limits, shared by every worker and host; unset: each process counts alone. If Redis "
        "cannot be reached, requests are served (per-process limits) and a warning is logged.")
    rate_limit_redis_prefix: str = Field(
        default="bia:rl:", description="Prefix of the rate-limit keys in Redis (one Redis may "
        "serve several deployments).")
    trust_proxy: bool = Field(default=False, description="Trust X-Forwarded-For/-Proto (set it "
                              "only behind your own reverse proxy).")
    map_tile_url: str | None = Field(
        default=None, description="Base-map tile URL template for the console map "
        "(e.g. https://tiles.example/{z}/{x}/{y}.png); none: zones and streets only.")
    demo_years: int = Field(default=3, description="Years of synthetic history `bia demo load` writes.")
    demo_seed: int = Field(default=64200, description="Random seed of the synthetic demo history.")


    @property
    def map_tile_origin(self) -> str | None:
        """Scheme and host of the tile URL, for the Content-Security-Policy."""
        if not self.map_tile_url:
            return None
        parts = self.map_tile_url.split("/")
        return "/".join(parts[:3]) if len(parts) >= 3 else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Build settings once per process (never at import time)."""
    return Settings()


# Settings classes of other packages (kept beside the code that uses them); declared here once
# so that `bia config` and the documentation test see every variable.
EXTRA_SETTINGS = (
    "bia.privacy.settings:PrivacySettings",
    "bia.ops.settings:OpsSettings",
    "bia.channels.phone.settings:PhoneSettings",
    "bia.intake.photos:PhotoSettings",
    "bia.intake.sms:SmsSettings",
    "bia.web.oidc:OidcSettings",
    "bia.api.analytics:AnalyticsApiSettings",
)


def all_settings_classes() -> list[type[BaseSettings]]:
    """Core settings first, then each package's; a class that is absent is skipped."""
    import importlib

    classes: list[type[BaseSettings]] = [Settings]
    for path in EXTRA_SETTINGS:
        module, name = path.split(":")
        try:
            cls = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
        classes.append(cls)
    return classes
