"""A small generated force (300 people), written once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from demodata import Manifest, generate


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate(out, people=300, seed=7)
