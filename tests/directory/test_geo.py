"""Place lookup: postcodes, areas, and the optional postcodes.io geocoder (never real network)."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests
import responses

from bot.directory import geo
from bot.directory.geo import (
    PlaceDataError,
    PlaceTable,
    haversine_km,
    normalise_postcode,
    resolve_place,
)

PC_URL = "https://api.postcodes.io/postcodes/HA1%202AB"


@pytest.mark.parametrize("text, expected", [
    ("ha12ab", "HA1 2AB"),
    ("HA1 2AB", "HA1 2AB"),
    ("  ha1   2ab ", "HA1 2AB"),
    ("sw1a1aa", "SW1A 1AA"),
    ("ha1 2", "HA1 2"),
    ("ha1", "HA1"),
    ("HA12", "HA12"),
    ("Pinner", None),
    ("12345", None),
    ("", None),
])
def test_normalise_postcode(text: str, expected: str | None) -> None:
    assert normalise_postcode(text) == expected


def test_full_postcode_resolves_to_its_sector() -> None:
    place = resolve_place("ha12ab")
    assert (place.label, place.precision) == ("HA1 2AB", "sector")
    assert (place.lat, place.lon) == (51.5850, -0.3320)


def test_full_postcode_in_an_unknown_sector_falls_back_to_the_district() -> None:
    place = resolve_place("HA1 9ZZ")
    assert (place.precision, place.lat, place.lon) == ("district", 51.5800, -0.3350)


def test_partial_postcodes() -> None:
    assert resolve_place("ha5 3").precision == "sector"
    assert resolve_place("HA5").precision == "district"
    assert resolve_place("HA7").lat == 51.6140
    sector_typed_without_space = resolve_place("ha53")
    assert (sector_typed_without_space.lat, sector_typed_without_space.precision) == \
        (51.5940, "sector")


@pytest.mark.parametrize("text", ["Harrow-on-the-Hill", "harrow on the hill",
                                  "HARROW ON THE HILL", "harrow-on-the-hill "])
def test_area_names_ignore_case_and_hyphens(text: str) -> None:
    place = resolve_place(text)
    assert (place.label, place.precision) == ("Harrow-on-the-Hill", "area")


def test_unknown_places() -> None:
    assert resolve_place("Narnia") is None
    assert resolve_place("SW1A 1AA") is None  # outside the offline table
    assert resolve_place("   ") is None


def test_haversine_known_distance() -> None:
    # Harrow Civic Centre to Pinner station is about 3.5 km.
    assert haversine_km(51.5880, -0.3340, 51.5925, -0.3812) == pytest.approx(3.3, abs=0.1)
    assert haversine_km(51.5, -0.3, 51.5, -0.3) == 0


def test_bad_places_csv_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    path.write_text("name,kind,lat,lon,note\nHA1,district,51.58,-0.33,\nHA2,district,north,"
                    "-0.36,\n", encoding="utf-8")
    with pytest.raises(PlaceDataError, match=r"places.csv: line 3: .*name,kind,lat,lon"):
        PlaceTable.from_csv(path)


def test_missing_places_csv_resolves_nothing(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("HARROW_PLACES_CSV", str(tmp_path / "absent.csv"))
    assert resolve_place("HA1") is None


# --- postcodes.io --------------------------------------------------------------------------

@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOCODER", "postcodes.io")
    monkeypatch.setenv("GEOCODER_TIMEOUT", "0.5")


@responses.activate
def test_postcodes_io_success(online: None) -> None:
    responses.get(PC_URL, json={"status": 200, "result": {"latitude": 51.5871,
                                                          "longitude": -0.3345}})
    place = resolve_place("ha1 2ab")
    assert (place.label, place.lat, place.lon, place.precision) == \
        ("HA1 2AB", 51.5871, -0.3345, "postcode")
    assert len(responses.calls) == 1


@responses.activate
def test_postcodes_io_timeout_falls_back_offline(online: None) -> None:
    responses.get(PC_URL, body=requests.exceptions.ReadTimeout("slow"))
    place = resolve_place("HA1 2AB")
    assert (place.precision, place.lat) == ("sector", 51.5850)


@responses.activate
def test_postcodes_io_server_error_falls_back_offline(online: None) -> None:
    responses.get(PC_URL, status=500, json={"status": 500, "error": "oops"})
    assert resolve_place("HA1 2AB").precision == "sector"


@responses.activate
def test_postcodes_io_404_falls_back_offline(online: None) -> None:
    responses.get("https://api.postcodes.io/postcodes/HA1%209ZZ", status=404,
                  json={"status": 404, "error": "Postcode not found"})
    assert resolve_place("HA1 9ZZ").precision == "district"


@responses.activate
def test_postcodes_io_bad_json_falls_back_offline(online: None) -> None:
    responses.get(PC_URL, body="<html>maintenance</html>")
    assert resolve_place("HA1 2AB").precision == "sector"


@responses.activate
def test_postcodes_io_passes_the_timeout(online: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def fake_get(url: str, timeout: float) -> None:
        seen["timeout"] = timeout
        raise requests.exceptions.ConnectTimeout("no route")

    monkeypatch.setattr(geo.requests, "get", fake_get)
    assert resolve_place("HA1 2AB").precision == "sector"
    assert seen["timeout"] == 0.5


@responses.activate
def test_partial_postcodes_and_areas_never_go_online(online: None) -> None:
    assert resolve_place("HA1").precision == "district"
    assert resolve_place("Pinner").precision == "area"
    assert len(responses.calls) == 0


@responses.activate
def test_geocoder_off_by_default() -> None:
    assert resolve_place("HA1 2AB").precision == "sector"
    assert len(responses.calls) == 0
