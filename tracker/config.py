"""Configuration: defaults in one place, ``TRACKER_*`` environment overrides.

| setting            | environment variable      | default                          |
|--------------------|---------------------------|----------------------------------|
| database URL       | TRACKER_DB_URL            | sqlite:///./data/tracker.db      |
| requirement rules  | TRACKER_RULES             | the shipped tracker/data/rules.toml |
| data folder        | TRACKER_DATA_DIR          | ./data                           |
| max upload size    | TRACKER_MAX_UPLOAD_MB     | 200                              |
| pseudonymise for inspectors | TRACKER_PSEUDONYMISE_INSPECTORS | 1                |
| pseudonym secret   | TRACKER_PSEUDONYM_SECRET  | random, kept in the data folder  |
| session expiry     | TRACKER_SESSION_MINUTES   | 480                              |
| today (for demos and tests) | TRACKER_TODAY    | the real date                    |
| log-in: password or oidc | TRACKER_AUTH       | password (oidc: Streamlit st.login) |
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db_url: str
    rules_path: Path | None
    max_upload_mb: int
    pseudonymise_inspectors: bool
    session_minutes: int
    today_override: dt.date | None
    pseudonym_secret_override: str | None = None

    def today(self) -> dt.date:
        return self.today_override or dt.date.today()

    def pseudonym_secret(self) -> str:
        """The secret that keys pseudonyms, so nobody can work them out from person ids:
        TRACKER_PSEUDONYM_SECRET (set the same one on every server that shares a database),
        else this installation's own, made at random on first use and kept in the data
        folder (``pseudonym-secret``, readable by its owner only)."""
        if self.pseudonym_secret_override:
            return self.pseudonym_secret_override
        path = self.data_dir / PSEUDONYM_SECRET_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                               "w", encoding="ascii") as out:
                    out.write(secrets.token_hex(32) + "\n")
            except FileExistsError:  # another process made it first: use theirs
                pass
        return path.read_text(encoding="ascii").strip()


PSEUDONYM_SECRET_FILE = "pseudonym-secret"


def _flag(value: str) -> bool:
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("TRACKER_DATA_DIR", "data"))
    default_url = f"sqlite:///{data_dir / 'tracker.db'}"
    rules = env.get("TRACKER_RULES")
    today = env.get("TRACKER_TODAY")
    return Settings(
        data_dir=data_dir,
        db_url=env.get("TRACKER_DB_URL") or default_url,
        rules_path=Path(rules) if rules else None,
        max_upload_mb=int(env.get("TRACKER_MAX_UPLOAD_MB", "200")),
        pseudonymise_inspectors=_flag(env.get("TRACKER_PSEUDONYMISE_INSPECTORS", "1")),
        session_minutes=int(env.get("TRACKER_SESSION_MINUTES", "480")),
        today_override=dt.date.fromisoformat(today) if today else None,
        pseudonym_secret_override=env.get("TRACKER_PSEUDONYM_SECRET") or None,
    )
