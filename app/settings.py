"""Settings: the one place that reads the environment.

Every ``READINESS_*`` variable is a field here (documented in the README's settings table);
nothing else in the project reads ``os.environ``. Lower layers take what they need as
arguments, so they can be used (and tested) without any environment at all."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from instruments.catalogue import DEFAULT_DIR
from instruments.errors import ReadinessError

DEFAULT_SQLITE = "readiness.db"


class SettingsError(ReadinessError):
    """A ``READINESS_*`` variable holds a value that cannot be used; the message names it."""


class Settings(BaseSettings):
    """What a deployment configures, from ``READINESS_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="READINESS_", extra="ignore", frozen=True)

    database_url: str = Field(
        "", description="SQLAlchemy URL of the store; empty: the SQLite file readiness.db here"
    )
    instruments_dir: Path = Field(DEFAULT_DIR, description="folder of instrument YAML files")
    min_group: int = Field(5, ge=1, description="smallest group shown anywhere")
    min_text_group: int = Field(10, ge=1, description="smallest group whose free text is shown")
    pseudonym_key: str = Field("", description="secret for the panel's area codes (16+ chars)")
    password: str | None = Field(None, description="password for CLI commands run as --user")
    new_password: str | None = Field(None, description="password for `readiness users add`")
    draft_days: int = Field(
        14, ge=1, le=365, description="days a web respondent's unfinished answers are kept"
    )

    @property
    def store_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file in the working folder."""
        url = self.database_url.strip()
        return url or f"sqlite:///{Path(DEFAULT_SQLITE).resolve()}"


def settings() -> Settings:
    """The settings as the environment gives them now (read afresh on every call: cheap,
    and a test or a restarted command sees a changed variable)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"READINESS_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise SettingsError(f"a setting is invalid: {problems}") from None
