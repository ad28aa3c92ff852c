"""Import ORUK 3.0 (and ORUK v1) service records into the directory database.

Accepted top-level shapes: one service object, a list of services, a paged list envelope
(``contents``, ORUK 3.0) or an ORUK v1 page (``content``). Each record is validated against the
ORUK 3.0 compiled service schema plus the checks the assistant relies on (schedule times and
days, phone numbers, two-letter countries). A bad record is reported by id with a one-line
reason naming the field and the rest are still imported. Records are upserted by id: importing
the same file twice updates rows, never duplicates them.

Descriptions and other free text are reduced to safe plain text (``bot.directory.text``).
Operator mistakes with the file itself raise ``ImportFileError`` with one line naming the file
and the fix.
"""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.directory import oruk_v1
from bot.directory.categories import (
    NEEDS_TAXONOMY,
    categories_from_text,
    category_for_esd,
    label,
)
from bot.directory.hours import parse_date, to_block
from bot.directory.languages import language_code
from bot.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from bot.directory.text import plain_text

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "oruk3_service.json"
ID_NAMESPACE = uuid.UUID("6f1c5d0e-2b4a-4f38-9a57-6c1b3e0d9a11")
MAX_ID = 64


class ImportFileError(Exception):
    """The file (or payload) as a whole cannot be imported; the message is one line."""


class RecordError(ValueError):
    """One record is invalid; ``str()`` is "<field>: <problem>"."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)


@dataclass
class ImportReport:
    """What an import did: counts, and (record id or "#index", reason) for rejected records."""

    source: str
    created: int = 0
    updated: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (f"{self.imported} imported ({self.created} new, {self.updated} updated), "
                f"{len(self.errors)} rejected")


# --- reading the file ----------------------------------------------------------------------

def import_path(session: Session, path: str | Path, *, commit: bool = True) -> ImportReport:
    """Import an ORUK JSON file. Raises ``ImportFileError`` for file-level problems."""
    return import_payload(session, read_json(path), source=str(path), commit=commit)


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning every file-level problem into a one-line ImportFileError."""
    where = str(path)
    target = Path(path)
    if not target.exists():
        raise ImportFileError(f"{where}: file not found: check the path")
    if target.is_dir():
        raise ImportFileError(f"{where}: is a directory: give the path of an ORUK .json file")
    try:
        text = target.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"{where}: not UTF-8 text: save the file as UTF-8") from None
    except OSError as exc:
        raise ImportFileError(f"{where}: cannot be read ({exc.strerror}): check permissions") \
            from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}): "
            "fix the file or re-export it"
        ) from None


def records_of(obj: Any, source: str = "payload") -> list[Any]:
    """The service records in a payload, converted to ORUK 3.0 dicts where they were v1."""
    if isinstance(obj, dict) and "contents" in obj:
        return _list_of(obj["contents"], source, "contents")
    if isinstance(obj, dict) and "content" in obj:
        return [oruk_v1.to_v3(r) if isinstance(r, dict) else r
                for r in _list_of(obj["content"], source, "content")]
    if isinstance(obj, dict) and "id" in obj:
        return [_upgrade_if_v1(obj)]
    if isinstance(obj, list):
        return [_upgrade_if_v1(r) for r in obj]
    found = "an object without 'id' or 'contents'" if isinstance(obj, dict) else \
        f"a JSON {type(obj).__name__}"
    raise ImportFileError(
        f"{source}: expected an ORUK service, a list of services or a page with 'contents', "
        f"found {found}: export services from the directory in ORUK JSON"
    )


def _list_of(value: Any, source: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise ImportFileError(f"{source}: '{key}' must be a list of services: fix the file")
    return value


def _upgrade_if_v1(record: Any) -> Any:
    return oruk_v1.to_v3(record) if oruk_v1.looks_like_v1(record) else record


# --- importing records ---------------------------------------------------------------------

def import_payload(
    session: Session, obj: Any, *, source: str = "payload", commit: bool = True
) -> ImportReport:
    """Import already-parsed JSON. Good records are kept even when others are rejected."""
    report = ImportReport(source=source)
    for index, record in enumerate(records_of(obj, source)):
        record_id = _record_id(record, index)
        try:
            validate_record(record)
            with session.begin_nested():
                created = store_record(session, record)
        except RecordError as exc:
            report.errors.append((record_id, str(exc)))
            continue
        except SQLAlchemyError as exc:
            report.errors.append((record_id, _database_reason(exc)))
            continue
        report.created += created
        report.updated += not created
    if commit:
        session.commit()
    return report


def _record_id(record: Any, index: int) -> str:
    if isinstance(record, dict) and isinstance(record.get("id"), str) and record["id"]:
        return record["id"]
    return f"#{index}"


def _database_reason(exc: SQLAlchemyError) -> str:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    if "unique" in detail.lower() or "duplicate" in detail.lower():
        return f"an id in this record is already used by another record ({detail})"
    return f"the database refused the record ({detail})"


# --- validation ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validate_record(record: Any) -> None:
    """Raise ``RecordError`` naming the first problem; return None when the record is fine."""
    if not isinstance(record, dict):
        raise RecordError("", f"a record must be a JSON object, found {type(record).__name__}")
    error = best_match(_validator().iter_errors(record))
    if error is not None:
        raise RecordError(*_schema_problem(error))
    _check_extras(record)


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".")


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _schema_problem(error: ValidationError) -> tuple[str, str]:
    where = _path(error.absolute_path)
    if error.validator == "required":
        missing = re.match(r"'(.+?)' is a required property", error.message)
        name = missing[1] if missing else "?"
        return (f"{where}.{name}" if where else name), "required field is missing"
    if error.validator == "format":
        return where, f"{_short(error.instance)} is not a valid {error.validator_value}"
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return where, f"{_short(error.instance)} is not one of: {allowed}"
    if error.validator == "type":
        return where, f"expected {error.validator_value}, found {_short(error.instance)}"
    return where, error.message.splitlines()[0]


def _check_extras(record: dict) -> None:
    for name in ("assured_date",):
        _check(name, lambda v: parse_date(v), record.get(name))
    if record.get("last_modified"):
        _check("last_modified", _parse_datetime, record["last_modified"])
    _check_schedules("schedules", record.get("schedules"))
    _check_phones("phones", record.get("phones"))
    for i, contact in enumerate(record.get("contacts") or []):
        _check_phones(f"contacts[{i}].phones", contact.get("phones"))
    for i, attribute in enumerate(record.get("attributes") or []):
        _check_attribute(f"attributes[{i}]", attribute)
    for i, sal in enumerate(record.get("service_at_locations") or []):
        _check_service_at_location(f"service_at_locations[{i}]", sal)


def _check(where: str, parse: Any, value: Any) -> None:
    try:
        parse(value)
    except (TypeError, ValueError) as exc:
        raise RecordError(where, str(exc)) from None


def _check_id(where: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{where}.id", "required field is missing")
    if len(value) > MAX_ID:
        raise RecordError(f"{where}.id", f"longer than {MAX_ID} characters")


def _check_schedules(where: str, rows: Any) -> None:
    if rows is None:
        return
    if not isinstance(rows, list):
        raise RecordError(where, "expected a list of schedules")
    for i, row in enumerate(rows):
        here = f"{where}[{i}]"
        if not isinstance(row, dict):
            raise RecordError(here, "expected a schedule object")
        _check_id(here, row.get("id"))
        for name in ("valid_from", "valid_to", "dtstart"):
            _check(f"{here}.{name}", parse_date, row.get(name))
        freq = row.get("freq")
        if freq and str(freq).upper() not in ("WEEKLY", "MONTHLY"):
            raise RecordError(f"{here}.freq", f"{_short(freq)} is not one of: WEEKLY, MONTHLY")
        _check(here, to_block, row)


def _check_phones(where: str, phones: Any) -> None:
    if phones is None:
        return
    if not isinstance(phones, list):
        raise RecordError(where, "expected a list of phones")
    for i, phone in enumerate(phones):
        here = f"{where}[{i}]"
        if not isinstance(phone, dict):
            raise RecordError(here, "expected a phone object")
        _check_id(here, phone.get("id"))
        number = phone.get("number")
        if not isinstance(number, str) or not number.strip():
            raise RecordError(f"{here}.number", "required field is missing")


def _check_attribute(where: str, attribute: dict) -> None:
    if not attribute.get("taxonomy_term") and not attribute.get("taxonomy_term_id"):
        raise RecordError(f"{where}.taxonomy_term", "required field is missing")


def _check_service_at_location(where: str, sal: dict) -> None:
    location = sal.get("location")
    if not location and not sal.get("location_id"):
        raise RecordError(f"{where}.location", "required field is missing")
    _check_schedules(f"{where}.schedules", sal.get("schedules"))
    if not location:
        return
    _check_phones(f"{where}.location.phones", location.get("phones"))
    for i, address in enumerate(location.get("addresses") or []):
        country = address.get("country")
        if not re.fullmatch(r"[A-Za-z]{2}", str(country)):
            raise RecordError(f"{where}.location.addresses[{i}].country",
                              f"{_short(country)} is not a two-letter country code (use GB)")


def _parse_datetime(value: Any) -> datetime:
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time (use 2024-01-31T09:00:00Z)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# --- storing -------------------------------------------------------------------------------

def store_record(session: Session, record: dict) -> bool:
    """Upsert one validated record; True when the service is new."""
    organization_id = _store_organization(session, record)
    service = session.get(Service, record["id"])
    created = service is None
    if created:
        service = Service(id=record["id"])
        session.add(service)
    else:
        _clear_service(session, service)
    _fill_service(service, record, organization_id)
    service.schedules = [_schedule(row) for row in record.get("schedules") or []]
    service.phones = _phones(record.get("phones"))
    service.contacts = [_contact(c) for c in record.get("contacts") or []]
    service.languages = [_language(row) for row in record.get("languages") or []]
    service.attributes = _service_attributes(session, record)
    service.service_at_locations = [
        _service_at_location(session, sal, i)
        for i, sal in enumerate(record.get("service_at_locations") or [])
    ]
    session.flush()
    return created


def _clear_service(session: Session, service: Service) -> None:
    for collection in (service.schedules, service.phones, service.contacts, service.languages,
                       service.attributes, service.service_at_locations):
        collection.clear()
    session.flush()


def _text(record: dict, name: str) -> str | None:
    value = record.get(name)
    return plain_text(value) if isinstance(value, str) else None


def _fill_service(service: Service, record: dict, organization_id: str | None) -> None:
    service.organization_id = organization_id
    service.name = plain_text(record["name"]) or record["name"]
    for name in ("description", "fees", "accreditations", "alert"):
        setattr(service, name, _text(record, name))
    for name in ("url", "email", "assurer_email"):
        setattr(service, name, record.get(name) or None)
    service.status = record["status"]
    service.minimum_age = record.get("minimum_age")
    service.maximum_age = record.get("maximum_age")
    service.assured_date = parse_date(record.get("assured_date"))
    modified = record.get("last_modified")
    service.last_modified = _parse_datetime(modified) if modified else None


def _store_organization(session: Session, record: dict) -> str | None:
    data = record.get("organization")
    if not isinstance(data, dict):
        known = record.get("organization_id")
        return known if known and session.get(Organization, known) else None
    organization = session.get(Organization, data["id"])
    if organization is None:
        organization = Organization(id=data["id"])
        session.add(organization)
    organization.name = plain_text(data["name"]) or data["name"]
    organization.description = _text(data, "description")
    for name in ("email", "website", "logo", "uri", "parent_organization_id"):
        setattr(organization, name, data.get(name) or None)
    return organization.id


def _schedule(row: dict) -> Schedule:
    return Schedule(
        id=row["id"], valid_from=parse_date(row.get("valid_from")),
        valid_to=parse_date(row.get("valid_to")), dtstart=parse_date(row.get("dtstart")),
        freq=(row.get("freq") or "").upper() or None, interval=row.get("interval"),
        byday=row.get("byday"), bymonthday=row.get("bymonthday"),
        description=_text(row, "description"), opens_at=row.get("opens_at"),
        closes_at=row.get("closes_at"), schedule_link=row.get("schedule_link"),
        attending_type=_text(row, "attending_type"), notes=_text(row, "notes"),
    )


def _phones(rows: list | None) -> list[Phone]:
    return [
        Phone(id=p["id"], number=p["number"].strip(), extension=p.get("extension"),
              type=p.get("type"), description=_text(p, "description"), position=i)
        for i, p in enumerate(rows or [])
    ]


def _contact(row: dict) -> Contact:
    contact = Contact(id=row["id"], name=_text(row, "name"), title=_text(row, "title"),
                      department=_text(row, "department"), email=row.get("email") or None)
    contact.phones = _phones(row.get("phones"))
    return contact


def _language(row: dict) -> Language:
    name, code = row.get("name"), row.get("code")
    return Language(id=row["id"], name=name or None,
                    code=language_code(code) or language_code(name), note=_text(row, "note"))


def _term(session: Session, data: dict | None, term_id: str | None) -> TaxonomyTerm:
    if not data:
        term = session.get(TaxonomyTerm, term_id)
        if term is None:
            raise RecordError("attributes.taxonomy_term_id",
                              f"taxonomy term {term_id} is unknown: include the taxonomy_term")
        return term
    term = session.get(TaxonomyTerm, data["id"])
    if term is None:
        term = TaxonomyTerm(id=data["id"])
        session.add(term)
    term.name = plain_text(data["name"]) or data["name"]
    term.description = _text(data, "description")
    for name in ("parent_id", "taxonomy", "taxonomy_id", "term_uri", "term"):
        setattr(term, name, data.get(name) or None)
    return term


def _attributes(session: Session, rows: list | None, entity: str) -> list[Attribute]:
    return [
        Attribute(id=row["id"], link_entity=entity, link_type=row.get("link_type"),
                  value=row.get("value") if isinstance(row.get("value"), str) else None,
                  taxonomy_term=_term(session, row.get("taxonomy_term"),
                                      row.get("taxonomy_term_id")),
                  position=i)
        for i, row in enumerate(rows or [])
    ]


def _service_attributes(session: Session, record: dict) -> list[Attribute]:
    attributes = _attributes(session, record.get("attributes"), "service")
    if any(a.taxonomy_term.taxonomy == NEEDS_TAXONOMY for a in attributes):
        return attributes
    for code in inferred_categories(attributes):
        attributes.append(_inferred_attribute(session, record["id"], code, len(attributes)))
    return attributes


def inferred_categories(attributes: list[Attribute]) -> list[str]:
    """Category codes for a foreign record: LGA esd ids first, then keywords in term text."""
    codes: list[str] = []
    for attribute in attributes:
        term = attribute.taxonomy_term
        if "esd" in (term.taxonomy or "").lower() or "esd.org.uk" in (term.term_uri or ""):
            esd_id = re.search(r"(\d+)\D*$", term.term or term.term_uri or "")
            code = category_for_esd(esd_id[1]) if esd_id else None
            codes += [code] if code else []
    for attribute in attributes:
        term = attribute.taxonomy_term
        codes += categories_from_text(term.name, term.description, term.term)
    return list(dict.fromkeys(codes))


def _inferred_attribute(session: Session, service_id: str, code: str, position: int) -> Attribute:
    term_id = str(uuid.uuid5(ID_NAMESPACE, f"{NEEDS_TAXONOMY}:{code}"))
    term = _term(session, {"id": term_id, "name": label(code), "taxonomy": NEEDS_TAXONOMY,
                           "term": code, "description": "Harrow need category"}, None)
    return Attribute(id=str(uuid.uuid5(ID_NAMESPACE, f"{service_id}:{NEEDS_TAXONOMY}:{code}")),
                     link_entity="service", link_type="inferred", taxonomy_term=term,
                     position=position)


def _service_at_location(session: Session, data: dict, position: int) -> ServiceAtLocation:
    location = _store_location(session, data.get("location"), data.get("location_id"), position)
    sal = ServiceAtLocation(id=data["id"], location=location, position=position,
                            description=_text(data, "description"))
    sal.schedules = [_schedule(row) for row in data.get("schedules") or []]
    return sal


def _store_location(
    session: Session, data: dict | None, location_id: str | None, position: int
) -> Location:
    if not data:
        location = session.get(Location, location_id)
        if location is None:
            raise RecordError(f"service_at_locations[{position}].location_id",
                              f"location {location_id} is unknown: include the location object")
        return location
    location = session.get(Location, data["id"])
    if location is None:
        location = Location(id=data["id"])
        session.add(location)
    else:
        for collection in (location.addresses, location.accessibility, location.phones,
                           location.attributes):
            collection.clear()
        session.flush()
    _fill_location(session, location, data)
    return location


def _fill_location(session: Session, location: Location, data: dict) -> None:
    location.location_type = data["location_type"]
    location.name = _text(data, "name")
    location.description = _text(data, "description")
    location.latitude = data.get("latitude")
    location.longitude = data.get("longitude")
    location.external_identifier = data.get("external_identifier")
    location.external_identifier_type = data.get("external_identifier_type")
    location.addresses = [_address(a) for a in data.get("addresses") or []]
    location.accessibility = [
        Accessibility(id=a["id"], description=_text(a, "description"),
                      details=_text(a, "details"), url=a.get("url"))
        for a in data.get("accessibility") or []
    ]
    location.phones = _phones(data.get("phones"))
    location.attributes = _attributes(session, data.get("attributes"), "location")


def _address(data: dict) -> Address:
    return Address(
        id=data["id"], attention=_text(data, "attention"), address_1=_text(data, "address_1"),
        address_2=_text(data, "address_2"), city=_text(data, "city"),
        region=_text(data, "region"), state_province=_text(data, "state_province"),
        postal_code=(data.get("postal_code") or "").strip() or None,
        country=str(data.get("country")).upper(), address_type=data["address_type"],
    )
