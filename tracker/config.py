"""Configuration: defaults in one place, ``TRACKER_*`` environment overrides.

| setting            | environment variable      | default                          |
|--------------------|---------------------------|----------------------------------|
| database URL       | TRACKER_DB_URL            | sqlite:///./data/tracker.db      |
| requirement rules  | TRACKER_RULES             | the shipped tracker/data/rules.toml |
| data folder        | TRACKER_DATA_DIR          | ./data                           |
| max upload size    | TRACKER_MAX_UPLOAD_MB     | 200                              |
| pseudonymise for inspectors | TRACKER_PSEUDONYMISE_INSPECTORS | 1                |
| session expiry     | TRACKER_SESSION_MINUTES   | 480                              |
| today (for demos and tests) | TRACKER_TODAY    | the real date                    |
| log-in: password or oidc | TRACKER_AUTH       | password (oidc: Streamlit st.login) |
"""

from __future__ import annotations

import datetime as dt
import os
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

    def today(self) -> dt.date:
        return self.today_override or dt.date.today()


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
    )
