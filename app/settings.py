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
from survey.ingest.limits import Limits

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
    # Import limits (survey.ingest.limits): each checked before the part it guards is read.
    max_file_mb: float = Field(20, gt=0, description="largest import file, in MB")
    max_rows: int = Field(50_000, ge=1, description="most data rows in an import file")
    max_columns: int = Field(1_000, ge=1, description="most columns in an import file")
    max_cells: int = Field(2_500_000, ge=1, description="most cells in an import file")
    max_cell_chars: int = Field(10_000, ge=1, description="longest cell, in characters")
    max_xlsx_unpacked_mb: float = Field(200, gt=0, description="largest unpacked workbook, MB")
    max_xlsx_shared_strings_mb: float = Field(40, gt=0, description="largest shared strings, MB")

    @property
    def limits(self) -> Limits:
        """How large an import file may be (:class:`survey.ingest.limits.Limits`)."""
        return Limits(
            file_mb=self.max_file_mb,
            rows=self.max_rows,
            columns=self.max_columns,
            cells=self.max_cells,
            cell_chars=self.max_cell_chars,
            xlsx_unpacked_mb=self.max_xlsx_unpacked_mb,
            xlsx_shared_strings_mb=self.max_xlsx_shared_strings_mb,
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
