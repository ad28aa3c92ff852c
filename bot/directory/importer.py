"""Import ORUK 3.0 (and ORUK v1) service records into the directory database.

Sources: a file (``import_path``), parsed JSON (``import_payload``) or every page of an ORUK
``/services`` API (``import_url``). Accepted top-level shapes: one service object, a list of services, a paged list envelope
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
import os
import re
import time
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select, update
from sqlalchemy.exc import SAWarning, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.directory import oruk_v1
from bot.directory.categories import (
    NEEDS_TAXONOMY,
    categories_from_text,
    category_for_esd,
    label,
)
from bot.directory.hours import parse_date
from bot.directory.languages import language_code
from bot.directory.models import (
    ACTIVE,
    INACTIVE,
    Accessibility,
    Address,
    Attribute,
    Contact,
    FeedImport,
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
from bot.directory.validation import RecordError, parse_datetime, validate_record

ID_NAMESPACE = uuid.UUID("6f1c5d0e-2b4a-4f38-9a57-6c1b3e0d9a11")


class ImportFileError(Exception):
    """The file (or payload) as a whole cannot be imported; the message is one line."""


@dataclass
class ImportReport:
    """What an import did: counts, and (record id or "#index", reason) for rejected records."""

    source: str
    created: int = 0
    updated: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    pages: int = 0  # live feeds: pages read in this run
    deactivated: int = 0  # live feeds: services no longer listed, marked inactive
    resumed_from: int | None = None  # live feeds: the page a resumed import began at

    @property
    def imported(self) -> int:
        return self.created + self.updated

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = (f"{self.imported} imported ({self.created} new, {self.updated} updated), "
                f"{len(self.errors)} rejected")
        if self.pages:
            text += (f", {self.deactivated} no longer in the feed marked inactive, "
                     f"{self.pages} pages")
            if self.resumed_from:
                text += f" (resumed at page {self.resumed_from})"
        return text


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


# --- reading a paged API ----------------------------------------------------------------------

def _timeout() -> float:
    try:
        return float(os.environ.get("IMPORT_TIMEOUT", "10"))
    except ValueError:
        return 10.0


def import_url(
    session: Session, url: str, *, max_pages: int = 200, commit: bool = True,
    resume: bool = False,
) -> ImportReport:
    """Synchronise the directory with every page of an ORUK ``/services`` API (3.0
    ``contents`` or v1 ``content``).

    Pages are fetched with ``?page=N`` until the feed says it is the last one. Each request
    has a timeout (``IMPORT_TIMEOUT`` seconds, default 10) and is retried with back-off on
    time-outs, connection errors, 5xx and 429 (``IMPORT_RETRIES``, default 3; waits of
    ``IMPORT_BACKOFF`` seconds, default 1, doubling; a 429's Retry-After is honoured).
    Records are upserted by id, page by page, and the progress is saved: if the import
    stops (the feed goes down), ``resume=True`` carries on from the page that failed. Once
    the last page is in, services that came from this feed before but are missing from it
    now are marked inactive (never deleted) and counted in ``report.deactivated``.
    Network problems that outlast the retries raise ``ImportFileError``.
    """
    report = ImportReport(source=url)
    progress = _feed_progress(session, url, resume)
    seen: set[str] = set(json.loads(progress.seen_ids))
    first = progress.next_page
    for page in range(first, max_pages + 1):
        payload = _fetch_page(url, page)
        part = import_payload(session, payload, source=f"{url} (page {page})", commit=False)
        report.created += part.created
        report.updated += part.updated
        report.errors += part.errors
        ids = _imported_ids(payload, part)
        _mark_from_feed(session, url, ids)
        # a record rejected this time is still listed by the feed: not "gone"
        seen |= ids | _listed_ids(payload)
        report.pages += 1
        progress.next_page, progress.seen_ids = page + 1, json.dumps(sorted(seen))
        progress.updated = _utcnow()
        if commit:
            session.commit()
        if _is_last_page(payload, page):
            break
    else:  # never reached the feed's last page: deactivate nothing, keep the progress
        raise ImportFileError(f"{url}: more than {max_pages} pages; the import stopped there "
                              "and can go on with --resume")
    report.deactivated = _deactivate_missing(session, url, seen)
    session.delete(progress)
    if commit:
        session.commit()
    report.resumed_from = first if first > 1 else None
    return report


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _feed_progress(session: Session, url: str, resume: bool) -> FeedImport:
    progress = session.get(FeedImport, url)
    if progress is not None and not resume:
        session.delete(progress)
        session.flush()
        progress = None
    if progress is None:
        progress = FeedImport(url=url, next_page=1, seen_ids="[]", started=_utcnow(),
                              updated=_utcnow())
        session.add(progress)
        session.flush()
    return progress


def _imported_ids(payload: Any, part: ImportReport) -> set[str]:
    return _listed_ids(payload) - {record_id for record_id, _ in part.errors}


def _listed_ids(payload: Any) -> set[str]:
    try:
        records = records_of(payload, "feed")
    except ImportFileError:
        return set()
    return {r["id"] for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)
            and r["id"]}


def _mark_from_feed(session: Session, url: str, ids: set[str]) -> None:
    if ids:
        session.execute(update(Service).where(Service.id.in_(sorted(ids)))
                        .values(feed_url=url).execution_options(synchronize_session=False))


def _deactivate_missing(session: Session, url: str, seen: set[str]) -> int:
    """Services from this feed that it no longer lists: inactive, kept for the record."""
    gone = [row for row in session.execute(select(Service).where(
        Service.feed_url == url, Service.status == ACTIVE)).scalars() if row.id not in seen]
    for row in gone:
        row.status = INACTIVE
    return len(gone)


def _retries() -> tuple[int, float]:
    try:
        return (max(0, int(os.environ.get("IMPORT_RETRIES", "3"))),
                max(0.0, float(os.environ.get("IMPORT_BACKOFF", "1"))))
    except ValueError:
        return 3, 1.0


RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 30.0


def _fetch_page(url: str, page: int) -> Any:
    """One page, retried with back-off on transient failures."""
    retries, backoff = _retries()
    for attempt in range(retries + 1):
        try:
            return _fetch_page_once(url, page)
        except _Transient as problem:
            if attempt == retries:
                raise ImportFileError(f"{problem} (after {retries + 1} attempts): the import "
                                      "can go on from this page with --resume") from None
            wait = problem.retry_after if problem.retry_after is not None \
                else backoff * (2 ** attempt)
            time.sleep(min(wait, MAX_RETRY_AFTER))
    raise AssertionError("unreachable")  # pragma: no cover


class _Transient(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(response: requests.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def _fetch_page_once(url: str, page: int) -> Any:
    where = f"{url} (page {page})"
    try:
        response = requests.get(url, params={"page": page}, timeout=_timeout(),
                                headers={"Accept": "application/json"})
    except requests.Timeout:
        raise _Transient(f"{where}: no answer within {_timeout():g} s") from None
    except requests.RequestException as exc:
        raise _Transient(f"{where}: could not connect ({type(exc).__name__})") from None
    if response.status_code in RETRY_STATUSES:
        raise _Transient(f"{where}: the server answered {response.status_code}",
                         _retry_after(response) if response.status_code == 429 else None)
    if response.status_code >= 400:
        raise ImportFileError(f"{where}: the server answered {response.status_code}: "
                              "check the address")
    try:
        return response.json()
    except ValueError:  # requests' JSONDecodeError
        raise ImportFileError(f"{where}: the answer is not JSON: give the address of an ORUK "
                              "/services endpoint") from None


def _is_last_page(payload: Any, page: int) -> bool:
    if not isinstance(payload, dict):
        return True
    items, last, total = (("contents", "last_page", "total_pages") if "contents" in payload
                          else ("content", "last", "totalPages"))
    if payload.get(last) is True or not payload.get(items):
        return True
    pages = payload.get(total)
    return not isinstance(pages, int) or page >= pages


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
            with session.begin_nested(), warnings.catch_warnings():
                # An id reused by another record fails the flush with IntegrityError, which
                # is reported; SQLAlchemy's extra warning about it would only be noise.
                warnings.filterwarnings("ignore", "New instance .* conflicts", SAWarning)
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
    service.last_modified = parse_datetime(modified) if modified else None


def _upsert_shared(session: Session, model: type, data: dict, fields: tuple[str, ...]):
    """Create or update an object several services share (organization, taxonomy term)."""
    row = session.get(model, data["id"])
    if row is None:
        row = model(id=data["id"])
        session.add(row)
    row.name = plain_text(data["name"]) or data["name"]
    row.description = _text(data, "description")
    for name in fields:
        setattr(row, name, data.get(name) or None)
    return row


def _store_organization(session: Session, record: dict) -> str | None:
    data = record.get("organization")
    if not isinstance(data, dict):
        known = record.get("organization_id")
        return known if known and session.get(Organization, known) else None
    fields = ("email", "website", "logo", "uri", "parent_organization_id")
    return _upsert_shared(session, Organization, data, fields).id


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
    fields = ("parent_id", "taxonomy", "taxonomy_id", "term_uri", "term")
    return _upsert_shared(session, TaxonomyTerm, data, fields)


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
