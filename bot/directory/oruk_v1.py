"""Convert ORUK v1 service records (as many live council feeds still serve) to ORUK 3.0 dicts.

v1 → 3.0: ``regular_schedules`` (``weekday``) → ``schedules`` (``byday``);
``physical_addresses`` → ``addresses``; ``accessibility_for_disabilities`` → ``accessibility``;
``service_taxonomys`` → ``attributes``; ``languages[].language`` → ``languages[].name``;
``organization.url`` → ``website``. Supplier extensions are ignored except
``pc_targetAudience``, kept as attributes so categories can be inferred from it. v1 feeds fill
missing values with "" or placeholders: empty strings are dropped, and an e-mail without "@" or
a URL without a scheme is treated as missing. Ids that are not uuids get a stable uuid5.
"""
from __future__ import annotations

import uuid
from typing import Any

NAMESPACE = uuid.UUID("0b5f7a52-1d8e-4c0a-8f7e-3a9d2c6b4e10")
V1_SERVICE_KEYS = {
    "regular_schedules", "holiday_schedules", "service_taxonomys", "eligibilitys", "fundings",
    "deliverable_type", "attending_access", "reviews",
}
V1_LOCATION_KEYS = {"physical_addresses", "accessibility_for_disabilities"}
WEEKDAYS = {
    "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
    "saturday": "SA", "sunday": "SU",
}


def looks_like_v1(record: Any) -> bool:
    """True for a record with ORUK v1-only fields."""
    if not isinstance(record, dict):
        return False
    if V1_SERVICE_KEYS & record.keys():
        return True
    return any(
        isinstance(sal, dict) and isinstance(sal.get("location"), dict)
        and V1_LOCATION_KEYS & sal["location"].keys()
        for sal in record.get("service_at_locations") or []
    )


def stable_id(value: Any, kind: str) -> str:
    """``value`` when it is a uuid, else a uuid5 derived from kind and value."""
    text = str(value).strip() if value not in (None, "") else ""
    try:
        return str(uuid.UUID(text)) if len(text) == 36 else _derived(kind, text)
    except ValueError:
        return _derived(kind, text)


def _derived(kind: str, text: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{text}"))


def _clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _email(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and "@" in value else None


def _url(value: Any) -> str | None:
    ok = isinstance(value, str) and value.strip().lower().startswith(("http://", "https://"))
    return value.strip() if ok else None


def to_v3(record: dict) -> dict:
    """An ORUK 3.0 service dict from an ORUK v1 service record."""
    service_id = stable_id(record.get("id"), "service")
    return _clean({
        "id": service_id,
        "name": record.get("name"),
        "description": record.get("description"),
        "url": _url(record.get("url")),
        "email": _email(record.get("email")),
        "status": str(record.get("status") or "active").lower(),
        "fees": record.get("fees"),
        "accreditations": record.get("accreditations"),
        "assured_date": record.get("assured_date"),
        "organization": _organization(record.get("organization")),
        "schedules": _schedules(record.get("regular_schedules"), service_id),
        "contacts": _contacts(record.get("contacts"), service_id),
        "languages": _languages(record.get("languages"), service_id),
        "service_at_locations": _service_at_locations(record, service_id),
        "attributes": _attributes(record, service_id),
    })


def _organization(data: Any) -> dict | None:
    if not isinstance(data, dict) or not data.get("name"):
        return None
    return _clean({
        "id": stable_id(data.get("id") or data["name"], "organization"),
        "name": data["name"], "email": _email(data.get("email")),
        "website": _url(data.get("url")), "logo": data.get("logo"), "uri": _url(data.get("uri")),
    }) | {"description": data.get("description") or ""}  # required by ORUK 3.0, may be ""


def _time(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().split("T")[-1][:8]


def _schedules(rows: Any, owner: str) -> list[dict]:
    schedules = []
    for i, row in enumerate(rows or []):
        if not isinstance(row, dict):
            continue
        weekday = str(row.get("weekday") or "").strip().lower()
        byday = row.get("byday") or WEEKDAYS.get(weekday) or weekday[:2].upper() or None
        schedules.append(_clean({
            "id": stable_id(row.get("id") or f"{owner}:{i}", "schedule"),
            "freq": str(row.get("freq") or "WEEKLY").upper(), "byday": byday,
            "opens_at": _time(row.get("opens_at")), "closes_at": _time(row.get("closes_at")),
            "valid_from": row.get("valid_from"), "valid_to": row.get("valid_to"),
            "dtstart": row.get("dtstart"), "interval": row.get("interval"),
            "bymonthday": row.get("bymonthday"), "description": row.get("description"),
        }))
    return schedules


def _phones(rows: Any, owner: str) -> list[dict]:
    return [
        _clean({"id": stable_id(p.get("id") or f"{owner}:{i}", "phone"),
                "number": str(p.get("number") or "").strip()})
        for i, p in enumerate(rows or [])
        if isinstance(p, dict) and str(p.get("number") or "").strip()
    ]


def _contacts(rows: Any, owner: str) -> list[dict]:
    return [
        _clean({"id": stable_id(c.get("id") or f"{owner}:{i}", "contact"),
                "name": c.get("name"), "title": c.get("title"), "email": _email(c.get("email")),
                "phones": _phones(c.get("phones"), f"{owner}:contact:{i}")})
        for i, c in enumerate(rows or []) if isinstance(c, dict)
    ]


def _languages(rows: Any, owner: str) -> list[dict]:
    return [
        _clean({"id": stable_id(row.get("id") or f"{owner}:{i}", "language"),
                "name": row.get("language") or row.get("name")})
        for i, row in enumerate(rows or []) if isinstance(row, dict)
    ]


def _address(row: dict, owner: str, index: int) -> dict:
    return {
        "id": stable_id(row.get("id") or f"{owner}:{index}", "address"),
        "address_1": row.get("address_1") or "", "city": row.get("city") or "",
        "state_province": row.get("state_province") or "",
        "postal_code": row.get("postal_code") or "", "country": row.get("country") or "GB",
        "address_type": "physical",
    } | _clean({"attention": row.get("attention"), "address_2": row.get("address_2"),
                "region": row.get("region")})


def _location(data: dict, owner: str) -> dict:
    location_id = stable_id(data.get("id") or owner, "location")
    return _clean({
        "id": location_id, "location_type": "physical", "name": data.get("name"),
        "description": data.get("description"), "latitude": data.get("latitude"),
        "longitude": data.get("longitude"),
        "addresses": [_address(a, location_id, i)
                      for i, a in enumerate(data.get("physical_addresses") or [])
                      if isinstance(a, dict)],
        "accessibility": [
            _clean({"id": stable_id(a.get("id") or f"{location_id}:{i}", "accessibility"),
                    "description": a.get("accessibility") or a.get("description"),
                    "details": a.get("details")})
            for i, a in enumerate(data.get("accessibility_for_disabilities") or [])
            if isinstance(a, dict)
        ],
    })


def _service_at_locations(record: dict, service_id: str) -> list[dict]:
    result = []
    for i, sal in enumerate(record.get("service_at_locations") or []):
        if not isinstance(sal, dict) or not isinstance(sal.get("location"), dict):
            continue
        sal_id = stable_id(sal.get("id") or f"{service_id}:{i}", "service_at_location")
        rows = sal.get("regular_schedules") or sal["location"].get("regular_schedules")
        result.append(_clean({
            "id": sal_id, "location": _location(sal["location"], sal_id),
            "schedules": _schedules(rows, sal_id),
        }))
    return result


def _term(term_id: str, name: str, taxonomy: str | None, term: str | None = None) -> dict:
    return _clean({"id": term_id, "name": name, "description": name, "taxonomy": taxonomy,
                   "term": term})


def _attributes(record: dict, service_id: str) -> list[dict]:
    attributes = []
    for i, row in enumerate(record.get("service_taxonomys") or []):
        taxonomy = row.get("taxonomy") if isinstance(row, dict) else None
        if not isinstance(taxonomy, dict) or not taxonomy.get("name"):
            continue
        raw_id = str(taxonomy.get("id") or taxonomy["name"])
        attributes.append({
            "id": stable_id(row.get("id") or f"{service_id}:{i}", "attribute"),
            "link_type": "service_taxonomy",
            "taxonomy_term": _term(stable_id(raw_id, "taxonomy"), taxonomy["name"],
                                   taxonomy.get("vocabulary"), raw_id),
        })
    for i, row in enumerate(record.get("pc_targetAudience") or []):
        name = str(row.get("audienceType") or "").strip() if isinstance(row, dict) else ""
        if name:
            attributes.append({
                "id": stable_id(f"{service_id}:audience:{i}", "attribute"),
                "link_type": "target_audience",
                "taxonomy_term": _term(stable_id(name.lower(), "audience"), name,
                                       "pc_targetAudience"),
            })
    return attributes
