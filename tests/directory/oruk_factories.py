"""Small ORUK 3.0 records for directory tests, and the fixture directory they make up."""
from __future__ import annotations

import copy
import uuid
from datetime import datetime
from typing import Any

from bot.directory.hours import UTC

# Tuesday 31 March 2026, 10:30 BST: civic (Mon–Fri 9–17), café (Tue 10–12, 13–15) and
# advocacy (Mon–Fri 9–17) are open; Wealdstone (Sat) is closed; the phone line has no hours.
TUESDAY_1030 = datetime(2026, 3, 31, 9, 30, tzinfo=UTC)
TUESDAY_1230 = datetime(2026, 3, 31, 11, 30, tzinfo=UTC)

NAMESPACE = uuid.UUID("3d0c2f4e-8a61-4b7f-9d2e-5f1a0b6c7e88")
ORGANIZATION = {
    "id": "5a0e8d7c-1b2f-4c3d-8e9f-0a1b2c3d4e5f",
    "name": "Test Borough Council",
    "description": "A council that exists only in tests.",
    "email": "council@example.org",
    "website": "https://council.example.org",
}


def uid(*parts: str) -> str:
    """A stable uuid for test ids."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def term(taxonomy: str, code: str) -> dict:
    return {"id": uid("term", taxonomy, code), "name": code.replace("_", " "),
            "description": f"{taxonomy}: {code}", "taxonomy": taxonomy, "term": code}


def attribute(owner: str, taxonomy: str, code: str) -> dict:
    return {"id": uid("attribute", owner, taxonomy, code), "taxonomy_term": term(taxonomy, code)}


def schedule(owner: str, byday: str, opens: str, closes: str, **extra: Any) -> dict:
    return {"id": uid("schedule", owner, byday, opens, str(extra)), "freq": "WEEKLY",
            "byday": byday, "opens_at": opens, "closes_at": closes, **extra}


def location(key: str, lat: float | None, lon: float | None, postcode: str, street: str,
             city: str, access_text: str | None = None, **extra: Any) -> dict:
    data = {
        "id": uid("location", key), "location_type": "physical", "name": f"{key} building",
        "addresses": [{"id": uid("address", key), "address_1": street, "city": city,
                       "state_province": "Greater London", "postal_code": postcode,
                       "country": "GB", "address_type": "physical"}],
        **extra,
    }
    if lat is not None:
        data.update(latitude=lat, longitude=lon)
    if access_text:
        data["accessibility"] = [{"id": uid("accessibility", key), "description": access_text}]
    return data


def virtual_location(key: str) -> dict:
    return {"id": uid("location", key), "location_type": "virtual", "name": "By phone"}


def service(key: str, name: str, *, categories: tuple[str, ...] = (),
            access: tuple[str, ...] = (), languages: tuple[tuple[str | None, str | None], ...] = (),
            sites: tuple[dict, ...] = (), site_schedules: tuple[dict, ...] = (),
            schedules: tuple[dict, ...] = (), phones: tuple[str, ...] = (),
            status: str = "active", sample: bool = False, **extra: Any) -> dict:
    """An ORUK 3.0 service record following the Harrow data conventions."""
    attributes = [attribute(key, "harrow-needs", c) for c in categories]
    attributes += [attribute(key, "harrow-access", a) for a in access]
    if sample:
        attributes.append(attribute(key, "harrow-data-status", "sample_data"))
    record = {
        "id": uid("service", key), "name": name, "status": status,
        "description": f"{name} helps residents.", "organization": ORGANIZATION,
        "attributes": attributes, **extra,
        "languages": [{"id": uid("language", key, str(n), str(c)),
                       **({"name": n} if n else {}), **({"code": c} if c else {})}
                      for n, c in languages],
        "schedules": list(schedules),
        "phones": [{"id": uid("phone", key, p), "number": p} for p in phones],
        "service_at_locations": [
            {"id": uid("sal", key, site["id"]), "location": site,
             "schedules": list(site_schedules) if i == 0 else []}
            for i, site in enumerate(sites)
        ],
    }
    return record


CIVIC = location("civic", 51.5880, -0.3340, "ha1 2xy", "Station Road", "Harrow",
                 "Step-free access from Station Road. Hearing loop at reception.")
PINNER = location("pinner", 51.5935, -0.3810, "HA5 3AA", "Bridge Street", "Pinner",
                  "No step-free access, but there is a hearing loop.",
                  phones=[{"id": uid("phone", "pinner-desk"), "number": "020 7946 0002"}])
STANMORE = location("stanmore", 51.6190, -0.3030, "HA7 4AA", "The Broadway", "Stanmore",
                    "Wheelchair accessible entrance and an accessible toilet.")
WEALDSTONE = location("wealdstone", 51.5960, -0.3350, "HA3 5AA", "High Street", "Wealdstone",
                      "Level access throughout.")

WEEKDAYS_9_5 = ("MO,TU,WE,TH,FR", "09:00", "17:00")


def fixture_services() -> list[dict]:
    """Six services: five active (four offer interpreting), one inactive. Fresh copies."""
    return copy.deepcopy([
        service("civic", "Civic Centre Interpreting",
                categories=("interpreting", "accessible_information"),
                access=("bsl", "video_interpreting"),
                languages=(("Tamil", "ta"), ("Gujarati", "gu"), ("Romanian", "ro")),
                sites=(CIVIC,), schedules=(schedule("civic", *WEEKDAYS_9_5),),
                phones=("020 7946 0001",), sample=True,
                alert="Sample data for demonstration: contact details are not real."),
        service("cafe", "Pinner Conversation Café",
                categories=("conversation_cafe", "interpreting"),
                languages=(("Polish", "pl"), ("Tamil", None)), sites=(PINNER,),
                site_schedules=(schedule("cafe", "TU", "10:00", "12:00"),
                                schedule("cafe", "TU", "13:00", "15:00"))),
        service("advocacy", "Stanmore Advocacy", categories=("advocacy",), access=("easy_read",),
                languages=(("Somali", "so"),), sites=(STANMORE,),
                schedules=(schedule("advocacy", *WEEKDAYS_9_5),),
                contacts=[{"id": uid("contact", "advocacy"), "name": "Duty advocate",
                           "email": "advocacy@example.org",
                           "phones": [{"id": uid("phone", "advocacy"),
                                       "number": "020 7946 0003"}]}]),
        service("phoneline", "Interpreting by phone", categories=("interpreting",),
                languages=((None, "ar"), ("Urdu", "ur")), sites=(virtual_location("phone"),),
                phones=("020 7946 0004",)),
        service("closed", "Old Interpreting Service", categories=("interpreting",),
                status="inactive", sites=(CIVIC,)),
        service("wealdstone", "Wealdstone Language Link", categories=("interpreting",),
                languages=(("Tamil", "ta"),), sites=(WEALDSTONE,),
                schedules=(schedule("wealdstone", "SA", "10:00", "13:00"),)),
    ])


def envelope(records: list[dict]) -> dict:
    return {"total_items": len(records), "total_pages": 1, "page_number": 1,
            "size": len(records), "first_page": True, "last_page": True,
            "empty": not records, "contents": records}
