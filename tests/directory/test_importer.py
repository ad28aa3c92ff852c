"""Importing ORUK JSON: shapes, validation, upserts, HTML and file errors."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import requests
import responses
from responses import matchers
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.directory.importer import (
    ImportFileError,
    import_path,
    import_payload,
    import_url,
)
from bot.directory.models import (
    Address,
    Attribute,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from bot.directory.search import get_service
from bot.directory.text import plain_text
from directory.oruk_factories import envelope, fixture_services, service, uid


def count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


# --- the shared ORUK examples --------------------------------------------------------------

def test_imports_the_oruk_full_service_example(session: Session, oruk_examples: Path) -> None:
    report = import_path(session, oruk_examples / "examples" / "service_full.json")
    assert (report.created, report.updated, report.errors) == (1, 0, [])
    service = session.get(Service, "ac148810-d857-441c-9679-408f346de14b")
    assert service.name == "Community Counselling"
    assert service.organization.name == "Example Organization Inc."
    assert service.minimum_age == 12
    [site] = service.service_at_locations
    assert site.location.name == "MyCity Civic Center"
    assert site.location.addresses[0].postal_code == "ABC 1234"
    assert "induction loops" in site.location.accessibility[0].description
    [schedule] = service.schedules
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == ("TH,FR", "10:00:00",
                                                                       "18:00:00")
    assert service.attributes[0].taxonomy_term.taxonomy == "taxonomy"


def test_imports_the_oruk_list_example(session: Session, oruk_examples: Path) -> None:
    report = import_path(session, oruk_examples / "examples" / "service_list.json")
    assert (report.created, report.errors) == (1, [])
    assert count(session, Service) == 1


def test_reimport_updates_and_never_duplicates(session: Session, oruk_examples: Path) -> None:
    path = oruk_examples / "examples" / "service_full.json"
    import_path(session, path)
    before = {m: count(session, m) for m in (Service, Location, Address, Schedule, Attribute,
                                             Language, ServiceAtLocation)}
    report = import_path(session, path)
    assert (report.created, report.updated) == (0, 1)
    assert {m: count(session, m) for m in before} == before


def test_reimport_applies_changes(session: Session) -> None:
    record = service("changing", "Old name", categories=("carers",), phones=("020 7946 0100",))
    import_payload(session, record)
    record = {**record, "name": "New name", "phones": [], "status": "inactive"}
    report = import_payload(session, record)
    assert report.updated == 1
    session.expire_all()
    stored = session.get(Service, record["id"])
    assert (stored.name, stored.status, stored.phones) == ("New name", "inactive", [])
    assert count(session, Phone) == 0


def test_accepts_a_bare_list_and_a_single_object(session: Session) -> None:
    records = fixture_services()[:2]
    assert import_payload(session, records).created == 2
    assert import_payload(session, fixture_services()[2]).created == 1
    assert count(session, Service) == 3


def test_shared_location_is_stored_once(session: Session) -> None:
    import_payload(session, envelope(fixture_services()))
    civic = uid("location", "civic")
    assert session.execute(
        select(func.count()).select_from(ServiceAtLocation)
        .where(ServiceAtLocation.location_id == civic)
    ).scalar_one() == 2
    assert session.execute(
        select(func.count()).select_from(Location).where(Location.id == civic)
    ).scalar_one() == 1


def test_language_names_are_mapped_to_codes(session: Session) -> None:
    import_payload(session, envelope(fixture_services()))
    cafe = session.get(Service, uid("service", "cafe"))
    assert sorted(lang.code for lang in cafe.languages) == ["pl", "ta"]


# --- bad records among good ones -----------------------------------------------------------

def test_one_bad_record_is_reported_and_the_good_ones_kept(session: Session) -> None:
    records = fixture_services()[:3]
    bad = copy.deepcopy(records[1])
    del bad["name"]
    report = import_payload(session, envelope([records[0], bad, records[2]]))
    assert (report.created, len(report.errors)) == (2, 1)
    record_id, reason = report.errors[0]
    assert record_id == bad["id"]
    assert reason == "name: required field is missing"
    assert session.get(Service, bad["id"]) is None
    assert session.get(Service, records[2]["id"]) is not None


@pytest.mark.parametrize("change, field", [
    (lambda r: r.update(status="open"), "status"),
    (lambda r: r.update(id="not-a-uuid"), "id"),
    (lambda r: r.update(email="nobody"), "email"),
    (lambda r: r["schedules"][0].update(opens_at="9am"), "schedules[0].opens_at"),
    (lambda r: r["schedules"][0].update(byday="MONDAY"), "schedules[0].byday"),
    (lambda r: r["schedules"][0].update(freq="DAILY"), "schedules[0].freq"),
    (lambda r: r["service_at_locations"][0].update(schedules=[{"id": "x", "closes_at": "5pm"}]),
     "service_at_locations[0].schedules[0].closes_at"),
    (lambda r: r["schedules"][0].update(valid_to="2026-02-30"), "schedules[0].valid_to"),
    (lambda r: r["phones"][0].update(number=""), "phones[0].number"),
    (lambda r: r["service_at_locations"][0]["location"]["addresses"][0].pop("postal_code"),
     "service_at_locations[0].location.addresses[0].postal_code"),
    (lambda r: r["service_at_locations"][0]["location"]["addresses"][0].update(
        country="United Kingdom"), "service_at_locations[0].location.addresses[0].country"),
    (lambda r: r["service_at_locations"][0]["location"].update(location_type="building"),
     "service_at_locations[0].location.location_type"),
])
def test_reason_names_the_field(session: Session, change, field: str) -> None:
    record = fixture_services()[0]
    change(record)
    report = import_payload(session, [record])
    assert report.created == 0
    [(_, reason)] = report.errors
    assert reason.startswith((f"{field}:", f"{field} "))
    assert "\n" not in reason


def test_record_without_an_id_is_reported_by_position(session: Session) -> None:
    records = fixture_services()[:2]
    del records[1]["id"]
    report = import_payload(session, records)
    assert report.errors == [("#1", "id: required field is missing")]
    assert report.created == 1


def test_record_that_is_not_an_object(session: Session) -> None:
    report = import_payload(session, [fixture_services()[0], "hello"])
    assert report.created == 1
    assert report.errors[0][0] == "#1"


def test_duplicate_child_id_rolls_back_only_that_record(session: Session) -> None:
    first, second = fixture_services()[0], fixture_services()[2]
    second["phones"] = [{"id": first["phones"][0]["id"], "number": "020 7946 0999"}]
    report = import_payload(session, [first, second])
    assert report.created == 1
    assert report.errors[0][0] == second["id"]
    assert "already used" in report.errors[0][1]
    assert session.get(Service, second["id"]) is None
    assert session.get(Phone, first["phones"][0]["id"]).number == "020 7946 0001"


# --- HTML ---------------------------------------------------------------------------------

def test_html_in_descriptions_becomes_plain_text(session: Session) -> None:
    record = service("html", "Carers &amp; families", categories=("carers",))
    record["description"] = (
        "<p>Free <strong>advice</strong>&nbsp;for carers.</p><script>alert('x')</script>"
        "<style>p {color: red}</style><ul><li>Mondays</li><li>Fridays</li></ul>"
        "<a href=\"javascript:evil()\">Book</a> &lt;now&gt;"
    )
    import_payload(session, record)
    stored = session.get(Service, record["id"])
    assert stored.description == "Free advice for carers. Mondays Fridays Book <now>"
    assert stored.name == "Carers & families"


@pytest.mark.parametrize("raw, expected", [
    (None, None),
    ("plain text", "plain text"),
    ("  lots   of\n\n space ", "lots of space"),
    ("a < b and c > d", "a < b and c > d"),
    ("<SCRIPT>steal()</SCRIPT>Hello", "Hello"),
    ("<p>One</p><p>Two</p>", "One Two"),
    ("Line<br>break", "Line break"),
    ("Fish &amp; chips &#163;5", "Fish & chips £5"),
    ("<!-- hidden -->Shown", "Shown"),
])
def test_plain_text(raw: str | None, expected: str | None) -> None:
    assert plain_text(raw) == expected


# --- file-level errors --------------------------------------------------------------------

def test_missing_file(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(ImportFileError) as error:
        import_path(session, path)
    assert str(error.value) == f"{path}: file not found: check the path"


def test_invalid_json_names_line_and_column(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{\n  "contents": [\n    {"id": }\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        import_path(session, path)
    assert str(error.value) == (
        f"{path}: not valid JSON (line 3, column 12): fix the file or re-export it"
    )


@pytest.mark.parametrize("payload, found", [
    ('"just a string"', "a JSON str"),
    ("42", "a JSON int"),
    ('{"services": []}', "an object without 'id' or 'contents'"),
])
def test_wrong_top_level_shape(session: Session, tmp_path: Path, payload: str,
                               found: str) -> None:
    path = tmp_path / "shape.json"
    path.write_text(payload, encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        import_path(session, path)
    message = str(error.value)
    assert message.startswith(f"{path}: expected an ORUK service")
    assert found in message and "\n" not in message


def test_contents_must_be_a_list(session: Session) -> None:
    with pytest.raises(ImportFileError, match="'contents' must be a list"):
        import_payload(session, {"contents": {"id": "x"}}, source="feed.json")


def test_not_utf8(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "Café"}'.encode("latin-1"))
    with pytest.raises(ImportFileError, match="not UTF-8 text: save the file as UTF-8"):
        import_path(session, path)


# --- ORUK v1 ------------------------------------------------------------------------------

def test_imports_the_bristol_v1_record(session: Session, oruk_examples: Path) -> None:
    item = json.loads(
        (oruk_examples / "examples-v1" / "bristol_service_list_item.json").read_text("utf-8")
    )
    report = import_payload(session, {"totalElements": 1, "content": [item]})
    assert (report.created, report.errors) == (1, [])
    result = get_service(session, item["id"])
    assert result["organization"] == "Bristol Beacon"
    assert result["description"].startswith("BLOOM is a group that uses music")
    assert "<" not in result["description"]
    assert result["email"] == ""  # "[redacted]" is not an e-mail address
    assert result["categories"] == ["mental_health"]  # from its "Mental Health" audience


def test_v1_schedules_addresses_and_taxonomies(session: Session) -> None:
    record = {
        "id": "svc-1", "name": "Drop-in advice", "status": "active",
        "organization": {"id": "org-1", "name": "Advice Harrow", "url": ""},
        "regular_schedules": [{"id": "rs-1", "weekday": "Tuesday", "opens_at": "10:00:00",
                               "closes_at": "12:00:00"}],
        "service_taxonomys": [{"id": "st-1", "taxonomy": {"id": "728", "name": "Advocacy",
                                                          "vocabulary": "esdServiceTypes"}}],
        "languages": [{"id": "l-1", "language": "Polish"}],
        "service_at_locations": [{"id": "sal-1", "location": {
            "id": "loc-1", "name": "Hub", "latitude": 51.58, "longitude": -0.33,
            "physical_addresses": [{"id": "a-1", "address_1": "1 High St", "city": "Harrow",
                                    "postal_code": "HA1 1AA", "country": "GB"}],
            "accessibility_for_disabilities": [{"id": "ac-1", "accessibility": "Step free"}],
        }}],
    }
    report = import_payload(session, {"content": [record]})
    assert report.errors == [] and report.created == 1
    [stored] = session.execute(select(Service)).scalars().all()
    assert stored.schedules[0].byday == "TU"
    result = get_service(session, stored.id)
    assert result["categories"] == ["advocacy"]
    assert result["languages"] == ["en", "pl"]
    assert (result["address"], result["postcode"]) == ("1 High St, Harrow", "HA1 1AA")
    assert result["accessibility"] == ["wheelchair access"]
    assert result["opening_hours"] == "Tue 10:00–12:00"
    # the v1 ids were not uuids: they get stable ones, so a re-import updates
    assert import_payload(session, {"content": [record]}).updated == 1


# --- paged API ----------------------------------------------------------------------------

API = "https://directory.example.org/api/services"


def page(records: list[dict], number: int, total_pages: int) -> dict:
    return {**envelope(records), "page_number": number, "total_pages": total_pages,
            "first_page": number == 1, "last_page": number == total_pages}


@responses.activate
def test_import_url_follows_every_page(session: Session) -> None:
    records = fixture_services()
    responses.get(API, match=[matchers.query_param_matcher({"page": "1"})],
                  json=page(records[:3], 1, 2))
    responses.get(API, match=[matchers.query_param_matcher({"page": "2"})],
                  json=page(records[3:], 2, 2))
    report = import_url(session, API)
    assert (report.created, report.errors, len(responses.calls)) == (6, [], 2)
    assert count(session, Service) == 6


@responses.activate
def test_import_url_reads_v1_pages(session: Session) -> None:
    record = {"id": "v1-svc", "name": "Drop-in", "status": "active",
              "regular_schedules": [{"id": "r1", "weekday": "Monday", "opens_at": "09:00",
                                     "closes_at": "12:00"}]}
    responses.get(API, json={"totalElements": 1, "totalPages": 1, "number": 0, "last": True,
                             "content": [record]})
    assert import_url(session, API).created == 1


@responses.activate
def test_import_url_timeout_is_one_line(session: Session,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMPORT_TIMEOUT", "3")
    monkeypatch.setenv("IMPORT_BACKOFF", "0")
    responses.get(API, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(ImportFileError) as error:
        import_url(session, API)
    assert str(error.value) == (f"{API} (page 1): no answer within 3 s (after 4 attempts): "
                                "the import can go on from this page with --resume")
    assert len(responses.calls) == 4  # retried


@responses.activate
def test_import_url_http_error_keeps_earlier_pages(session: Session,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMPORT_BACKOFF", "0")
    records = fixture_services()
    responses.get(API, match=[matchers.query_param_matcher({"page": "1"})],
                  json=page(records[:2], 1, 2))
    responses.get(API, match=[matchers.query_param_matcher({"page": "2"})], status=503)
    with pytest.raises(ImportFileError, match=r"\(page 2\): the server answered 503 \(after"):
        import_url(session, API)
    assert count(session, Service) == 2


@responses.activate
def test_import_url_not_json(session: Session) -> None:
    responses.get(API, body="<html>login</html>")
    with pytest.raises(ImportFileError, match="the answer is not JSON"):
        import_url(session, API)
