"""Fixtures for directory tests: the test place table and a small imported directory."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.directory.importer import import_payload
from directory.oruk_factories import envelope, fixture_services

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ORUK_EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "oruk"


@pytest.fixture(autouse=True)
def test_places(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every directory test resolves places with the small fixture table, offline."""
    path = FIXTURES / "places.csv"
    monkeypatch.setenv("HARROW_PLACES_CSV", str(path))
    monkeypatch.delenv("GEOCODER", raising=False)
    return path


@pytest.fixture
def directory(session: Session) -> Session:
    """The session, with the six fixture services imported."""
    report = import_payload(session, envelope(fixture_services()))
    assert report.errors == [] and report.created == 6
    return session


@pytest.fixture
def oruk_examples() -> Path:
    """The shared ORUK reference files (../shared/oruk beside the repo). Missing on a laptop:
    skip; missing on CI (CI=true): fail, since the importer must be tested on them."""
    if not (ORUK_EXAMPLES / "examples" / "service_full.json").exists():
        message = f"ORUK examples not found at {ORUK_EXAMPLES}: check out ../shared"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return ORUK_EXAMPLES
