"""Settings: defaults, TRACKER_* overrides, and the pseudonym secret."""

from __future__ import annotations

import stat
from pathlib import Path

from tracker.config import PSEUDONYM_SECRET_FILE, load_settings
from tracker.reports.data import pseudonym, pseudonym_key


def test_defaults_and_overrides(tmp_path: Path) -> None:
    assert load_settings({}).db_url == "sqlite:///data/tracker.db"
    settings = load_settings({"TRACKER_DATA_DIR": str(tmp_path), "TRACKER_MAX_UPLOAD_MB": "5",
                              "TRACKER_PSEUDONYMISE_INSPECTORS": "no"})
    assert settings.db_url == f"sqlite:///{tmp_path / 'tracker.db'}"
    assert (settings.max_upload_mb, settings.pseudonymise_inspectors) == (5, False)


def test_pseudonym_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = load_settings({"TRACKER_DATA_DIR": str(tmp_path / "data")})
    first = settings.pseudonym_secret()
    assert len(first) == 64 and first == settings.pseudonym_secret()
    path = tmp_path / "data" / PSEUDONYM_SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_settings({"TRACKER_DATA_DIR": str(tmp_path / "data")})
    assert again.pseudonym_secret() == first  # another process reads the same one


def test_pseudonym_secret_from_the_environment_wins(tmp_path: Path) -> None:
    settings = load_settings({"TRACKER_DATA_DIR": str(tmp_path),
                              "TRACKER_PSEUDONYM_SECRET": "shared-by-all-servers"})
    assert settings.pseudonym_secret() == "shared-by-all-servers"
    assert not (tmp_path / PSEUDONYM_SECRET_FILE).exists()


def test_pseudonyms_cannot_be_worked_out_without_the_secret(tmp_path: Path) -> None:
    secret = load_settings({"TRACKER_DATA_DIR": str(tmp_path)}).pseudonym_secret()
    day = load_settings({}).today()
    assert pseudonym(7, pseudonym_key(day, secret)) != pseudonym(7, pseudonym_key(day))
    assert pseudonym(7, pseudonym_key(day, secret)) == pseudonym(7, pseudonym_key(day, secret))


def test_implausible_thresholds_default_in_one_place_and_are_overridden() -> None:
    from tracker.config import Thresholds

    assert load_settings({}).thresholds == Thresholds(0.10, 0.20, 0.10, 5, 0.10)
    settings = load_settings({"TRACKER_IMPLAUSIBLE_UNMAPPED": "0.25",
                              "TRACKER_IMPLAUSIBLE_UNMATCHED": " 0.5 ",
                              "TRACKER_IMPLAUSIBLE_DROP": "1",
                              "TRACKER_IMPLAUSIBLE_MIN_PEOPLE": "0",
                              "TRACKER_IMPLAUSIBLE_LEAVERS": "0.3"})
    assert settings.thresholds == Thresholds(0.25, 0.5, 1.0, 0, 0.3)


def test_unreadable_thresholds_are_refused_with_their_variable() -> None:
    import pytest

    for variable, value in (("TRACKER_IMPLAUSIBLE_DROP", "1.5"),
                            ("TRACKER_IMPLAUSIBLE_UNMATCHED", "nan"),
                            ("TRACKER_IMPLAUSIBLE_LEAVERS", "-0.1"),
                            ("TRACKER_IMPLAUSIBLE_MIN_PEOPLE", "-1")):
        with pytest.raises(ValueError, match=f"^{variable}="):
            load_settings({variable: value})


def test_idle_minutes_default_to_30_and_are_overridden_or_refused() -> None:
    import pytest

    assert load_settings({}).idle_minutes == 30
    assert load_settings({"TRACKER_IDLE_MINUTES": " 5 "}).idle_minutes == 5
    for value in ("0", "half an hour", "-3"):
        with pytest.raises(ValueError) as refused:
            load_settings({"TRACKER_IDLE_MINUTES": value})
        assert str(refused.value) == (f"TRACKER_IDLE_MINUTES={value!r} is not a whole number "
                                      "of minutes of 1 or more (e.g. 30); fix or unset it.")


def test_the_referral_window_defaults_to_7_days_and_can_be_overridden() -> None:
    import pytest

    assert load_settings({}).referral_window_days == 7
    assert load_settings({"TRACKER_REFERRAL_WINDOW_DAYS": "10"}).referral_window_days == 10
    with pytest.raises(ValueError) as refused:
        load_settings({"TRACKER_REFERRAL_WINDOW_DAYS": "a week"})
    assert str(refused.value) == ("TRACKER_REFERRAL_WINDOW_DAYS must be a whole number of "
                                  "days (0 or more), not 'a week'.")
