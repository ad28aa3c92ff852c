"""Export the directory as an ORUK 3.0 ``/services`` list envelope.

Each service is written with its organization, schedules, service_at_locations (location,
addresses, accessibility, phones, attributes, schedules), contacts (with phones), languages
(HSDS 3.0 ``name``/``code``), phones and attributes (with their taxonomy terms). Empty values
are left out, so every service validates against the ORUK 3.0 compiled service schema, and the
output re-imports to the same data.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.directory.hours import UTC
from bot.directory.models import (
    Attribute,
    Contact,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)


def ordered(rows) -> list:
    """Child rows in their stored order: feed position where there is one, then id. Sorted
    here rather than trusted to the session, whose loaded collections keep insertion order."""
    return sorted(rows, key=lambda row: (getattr(row, "position", 0) or 0, row.id))


def _clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None and v != []}


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _columns(row: Any, names: tuple[str, ...]) -> dict:
    return {name: _value(getattr(row, name)) for name in names}


def _organization(org: Organization | None) -> dict | None:
    if org is None:
        return None
    data = _columns(org, ("id", "name", "description", "email", "website", "logo", "uri",
                          "parent_organization_id"))
    data["description"] = data["description"] or ""
    return _clean(data)


def _schedule(row: Schedule) -> dict:
    return _clean(_columns(row, (
        "id", "valid_from", "valid_to", "dtstart", "freq", "interval", "byday", "bymonthday",
        "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes",
    )))


def _phone(row: Phone) -> dict:
    return _clean(_columns(row, ("id", "number", "extension", "type", "description")))


def _attribute(row: Attribute) -> dict:
    term = row.taxonomy_term
    term_data = _columns(term, ("id", "name", "description", "parent_id", "taxonomy",
                                "taxonomy_id", "term_uri", "term"))
    term_data["description"] = term_data["description"] or ""
    return _clean({
        "id": row.id, "link_id": row.link_id, "link_entity": row.link_entity,
        "link_type": row.link_type, "taxonomy_term_id": term.id, "value": row.value,
        "taxonomy_term": _clean(term_data),
    })


def _contact(row: Contact) -> dict:
    data = _columns(row, ("id", "name", "title", "department", "email"))
    data["phones"] = [_phone(p) for p in ordered(row.phones)]
    return _clean(data)


def _location(row: Location) -> dict:
    data = _columns(row, ("id", "location_type", "name", "description", "latitude",
                          "longitude", "external_identifier", "external_identifier_type"))
    data["addresses"] = [
        _clean(_columns(a, ("id", "attention", "address_1", "address_2", "city", "region",
                            "state_province", "postal_code", "country", "address_type")))
        for a in ordered(row.addresses)
    ]
    data["accessibility"] = [
        _clean(_columns(a, ("id", "description", "details", "url"))) for a in ordered(row.accessibility)
    ]
    data["phones"] = [_phone(p) for p in ordered(row.phones)]
    data["attributes"] = [_attribute(a) for a in ordered(row.attributes)]
    return _clean(data)


def _service_at_location(row: ServiceAtLocation) -> dict:
    return _clean({
        "id": row.id, "service_id": row.service_id, "location_id": row.location_id,
        "description": row.description, "location": _location(row.location),
        "schedules": [_schedule(s) for s in ordered(row.schedules)],
    })


def service_to_oruk(service: Service) -> dict:
    """One service as an ORUK 3.0 service object."""
    data = _columns(service, (
        "id", "organization_id", "name", "description", "url", "email", "status", "fees",
        "accreditations", "minimum_age", "maximum_age", "assured_date", "assurer_email",
        "alert", "last_modified",
    ))
    data.update({
        "organization": _organization(service.organization),
        "schedules": [_schedule(s) for s in ordered(service.schedules)],
        "service_at_locations": [_service_at_location(s) for s in ordered(service.service_at_locations)],
        "languages": [_clean(_columns(lang, ("id", "name", "code", "note")))
                      for lang in ordered(service.languages)],
        "contacts": [_contact(c) for c in ordered(service.contacts)],
        "phones": [_phone(p) for p in ordered(service.phones)],
        "attributes": [_attribute(a) for a in ordered(service.attributes)],
    })
    return _clean(data)


def export_options() -> list:
    """Eager-loading options that load a whole service graph in a handful of queries."""
    sal = selectinload(Service.service_at_locations)
    location = sal.selectinload(ServiceAtLocation.location)
    return [
        selectinload(Service.organization), selectinload(Service.schedules),
        selectinload(Service.languages), selectinload(Service.phones),
        selectinload(Service.contacts).selectinload(Contact.phones),
        selectinload(Service.attributes),
        sal.selectinload(ServiceAtLocation.schedules),
        location.selectinload(Location.addresses), location.selectinload(Location.accessibility),
        location.selectinload(Location.phones), location.selectinload(Location.attributes),
    ]


def export_services(session: Session) -> dict:
    """Every service (any status) as an ORUK 3.0 list envelope, ordered by name then id."""
    services = session.execute(
        select(Service).options(*export_options()).order_by(Service.name, Service.id)
    ).scalars().all()
    contents = [service_to_oruk(s) for s in services]
    return {
        "total_items": len(contents), "total_pages": 1, "page_number": 1,
        "size": len(contents), "first_page": True, "last_page": True,
        "empty": not contents, "contents": contents,
    }
