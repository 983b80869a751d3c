"""Operations settings (prefix ``BIA_``), kept apart from the core settings until merged."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OpsSettings(BaseSettings):
    """Monitoring options of one deployment."""

    model_config = SettingsConfigDict(env_prefix="BIA_", env_file=".env", extra="ignore")

    metrics_token: str | None = Field(
        default=None,
        description="Bearer token `/metrics` requires when set; leave empty when the reverse "
        "proxy already keeps `/metrics` off the public side.")


@lru_cache(maxsize=1)
def get_ops_settings() -> OpsSettings:
    """Built once per process, never at import time."""
    return OpsSettings()
