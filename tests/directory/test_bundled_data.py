"""The bundled Harrow directory and places table load cleanly and follow the conventions."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from bot.directory import db, geo
from bot.directory.categories import CATEGORIES
from bot.directory.exporter import export_services
from bot.directory.hours import UTC
from bot.directory.importer import import_path
from bot.directory.search import ServiceQuery, find_services
from bot.directory.validation import validate_record

DRAMA_RANGE = re.compile(r"^020 ?7946 ?0\d{3}$")
NOW = datetime(2026, 3, 31, 9, 30, tzinfo=UTC)

needs_bundled = pytest.mark.skipif(
    not db.SEED_PATH.exists(),
    reason=f"{db.SEED_PATH} not written yet: the bundled directory comes from another task",
)
needs_places = pytest.mark.skipif(
    not geo.DEFAULT_PLACES_CSV.exists(),
    reason=f"{geo.DEFAULT_PLACES_CSV} not written yet: the places table comes from another task",
)


@needs_bundled
@needs_places
def test_bundled_directory(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports cleanly, covers every category, exports valid ORUK, follows the sample rule."""
    monkeypatch.delenv("HARROW_PLACES_CSV", raising=False)  # the real table, not the fixture
    report = import_path(session, db.SEED_PATH)
    assert report.errors == [] and report.created > 0

    services = find_services(session, ServiceQuery(limit=1000), now=NOW).services
    assert {code for s in services for code in s["categories"]} == set(CATEGORIES)
    assert all(s["categories"] for s in services), "every service needs a category"
    assert all(s["phone"] or s["email"] or s["url"] for s in services)
    for service in services:
        if DRAMA_RANGE.match(service["phone"]):
            assert service["sample_data"], f"{service['name']} has a drama-range number"

    for record in export_services(session)["contents"]:
        validate_record(record)

    result = find_services(session, ServiceQuery(category="interpreting", near="HA1 2XY"),
                           now=NOW)
    distances = [s["distance_km"] for s in result.services if s["distance_km"] is not None]
    assert result.place is not None and distances == sorted(distances) and distances


@needs_places
def test_bundled_places_table_loads() -> None:
    table = geo.PlaceTable.from_csv(geo.DEFAULT_PLACES_CSV)
    assert table.postcode("HA1") is not None
    assert table.areas, "the table should name some areas"
    for key, place in table.postcodes.items():
        assert geo.normalise_postcode(key) == key
        assert 51.3 < place.lat < 51.8 and -0.6 < place.lon < 0.0, key
