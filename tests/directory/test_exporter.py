"""The ORUK 3.0 export validates and round-trips through the importer."""
from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy.orm import Session

from bot.directory.exporter import export_services
from bot.directory.importer import import_path, import_payload
from bot.directory.search import ServiceQuery, find_services
from bot.directory.validation import SCHEMA_PATH
from directory.oruk_factories import TUESDAY_1030, envelope, fixture_services, uid


def validator(path: Path = SCHEMA_PATH) -> Draft202012Validator:
    return Draft202012Validator(json.loads(path.read_text("utf-8")),
                                format_checker=FormatChecker())


def schema_errors(exported: dict, check: Draft202012Validator) -> list[str]:
    return [f"{s['id']}: {e.message}" for s in exported["contents"]
            for e in check.iter_errors(s)]


def test_export_of_the_fixture_directory_validates(directory: Session,
                                                   oruk_examples: Path) -> None:
    exported = export_services(directory)
    shared_schema = oruk_examples / "schema" / "compiled" / "service.json"
    assert exported["total_items"] == 6 and len(exported["contents"]) == 6
    assert schema_errors(exported, validator(shared_schema)) == []


def test_export_carries_harrow_conventions(directory: Session) -> None:
    contents = {s["id"]: s for s in export_services(directory)["contents"]}
    civic = contents[uid("service", "civic")]
    terms = [(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["term"])
             for a in civic["attributes"]]
    assert terms[:2] == [("harrow-needs", "interpreting"),
                         ("harrow-needs", "accessible_information")]
    assert ("harrow-data-status", "sample_data") in terms
    assert {(lang["name"], lang["code"]) for lang in civic["languages"]} == {
        ("Tamil", "ta"), ("Gujarati", "gu"), ("Romanian", "ro")}
    assert civic["phones"] == [{"id": uid("phone", "civic", "020 7946 0001"),
                                "number": "020 7946 0001"}]
    cafe = contents[uid("service", "cafe")]
    assert [s["byday"] for s in cafe["service_at_locations"][0]["schedules"]] == ["TU", "TU"]
    assert contents[uid("service", "closed")]["status"] == "inactive"


def test_oruk_example_round_trips(session: Session, oruk_examples: Path) -> None:
    original = json.loads((oruk_examples / "examples" / "service_full.json").read_text("utf-8"))
    import_path(session, oruk_examples / "examples" / "service_full.json")
    first = export_services(session)
    assert schema_errors(first, validator()) == []
    [exported] = first["contents"]
    for key in ("id", "name", "url", "email", "status", "alert", "accreditations",
                "assured_date"):
        assert exported[key] == original[key], key
    assert exported["description"] == original["description"].strip()
    assert exported["organization"]["name"] == original["organization"]["name"]
    location = exported["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "ABC 1234"
    assert exported["schedules"][0]["byday"] == "TH,FR"
    assert exported["attributes"][0]["taxonomy_term"]["id"] == \
        original["attributes"][0]["taxonomy_term"]["id"]

    report = import_payload(session, first)
    assert (report.updated, report.errors) == (1, [])
    assert export_services(session) == first


def test_fixture_directory_round_trips_with_identical_search_results(session: Session) -> None:
    import_payload(session, envelope(fixture_services()))
    query = ServiceQuery(category="interpreting", near="HA5", limit=50)
    before = find_services(session, query, now=TUESDAY_1030).services
    exported = export_services(session)
    assert import_payload(session, json.loads(json.dumps(exported))).updated == 6
    assert export_services(session) == exported
    assert find_services(session, query, now=TUESDAY_1030).services == before


def test_empty_directory_exports_an_empty_page(session: Session) -> None:
    exported = export_services(session)
    assert (exported["contents"], exported["empty"], exported["total_items"]) == ([], True, 0)
