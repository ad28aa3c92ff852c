"""The directory query API used by the Rasa actions.

``find_services`` returns active services matching every filter of a ``ServiceQuery``, as reply
contract dicts (DESIGN.md, "Contract with every client"). Ranking is stable:

0. services running on the day come before those whose every schedule is outside its dates
   (a planned service starting later, or hours that have ended), however near;
1. with ``near``: distance from the place to the service's nearest physical location, nearest
   first; services without a located physical site come last (``distance_km`` None);
2. services whose primary (first) category is the query category before secondary matches;
3. open now, then closed, then hours unknown;
4. name (case-insensitive), then id.

The address, postcode, opening hours and ``open_now`` shown for a service are those of the
location used for distance (the nearest one with ``near``, else the first physical location),
plus the service's own schedules. Access needs are met by the service's ``harrow-access``
attributes or by any of its locations' accessibility text. ``open_days`` is met when one of
those shown schedules occurs, in force, on the next such day (London, today included); unknown
hours meet neither it nor ``open_now``. Every service is assumed to speak
English. ``now`` must be timezone-aware (default: the current time).

Loading uses plain column queries (one per table, filtered by the same service subquery), not
ORM objects: a search is 10 small prebuilt queries whatever the number of services.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from bot.directory.access import ACCESS_LABELS, ACCESS_TAXONOMY, access_codes_from_text
from bot.directory.categories import CATEGORIES, NEEDS_TAXONOMY
from bot.directory.geo import Place, haversine_km, normalise_postcode, resolve_place
from bot.directory.hours import (
    DAY_CODES,
    LONDON,
    UTC,
    describe_hours,
    is_open,
    next_date_on,
    not_running,
    opens_on,
)
from bot.directory.languages import ENGLISH, language_code
from bot.directory.models import (
    ACTIVE,
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
from bot.directory.sample import DATA_STATUS_TAXONOMY, SAMPLE_ALERT, SAMPLE_DATA_TERM


@dataclass(frozen=True)
class ServiceQuery:
    category: str | None = None
    language: str | None = None  # ISO 639-1, e.g. "ta" (an English name such as "Tamil" works)
    access: tuple[str, ...] = ()  # access codes; all must be met
    near: str | None = None  # postcode (full or partial) or area name
    open_now: bool = False
    # day codes ("SA", "SU"): open on the next such date (London, today included), any of them
    open_days: tuple[str, ...] = ()
    limit: int = 5


@dataclass
class SearchResult:
    services: list[dict] = field(default_factory=list)
    total: int = 0  # matches before ``limit``
    place: Place | None = None


class UnknownPlace(ValueError):
    """``near`` is neither a known postcode nor a known area name."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(f"unknown place {text!r}: not a Harrow postcode or area name")


class UnknownFilter(ValueError):
    """A query names a category or access code that does not exist (a caller's mistake)."""


# --- loaded data -----------------------------------------------------------------------------

@dataclass
class _Site:
    id: str
    location_id: str
    physical: bool
    lat: float | None
    lon: float | None
    address: str = ""
    postcode: str = ""
    access_texts: list[str] = field(default_factory=list)
    schedules: list[dict] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    row: Any  # service columns + organization name/email/website
    categories: list[str] = field(default_factory=list)
    service_access: set[str] = field(default_factory=set)
    sample: bool = False
    languages: set[str] = field(default_factory=set)
    sites: list[_Site] = field(default_factory=list)
    schedules: list[dict] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    @property
    def access(self) -> set[str]:
        codes = set(self.service_access)
        for site in self.sites:
            codes |= access_codes_from_text(*site.access_texts)
        return codes


def _matching_ids(session: Session, query: ServiceQuery) -> list[str]:
    """Ids of active services passing the category and language filters (done in SQL)."""
    ids = select(Service.id).where(Service.status == ACTIVE)
    if query.category:
        ids = ids.where(Service.id.in_(
            select(Attribute.link_id).join(TaxonomyTerm).where(
                Attribute.link_entity == "service", TaxonomyTerm.taxonomy == NEEDS_TAXONOMY,
                TaxonomyTerm.term == query.category)))
    code = language_code(query.language) if query.language else None
    if query.language and code != ENGLISH:
        ids = ids.where(Service.id.in_(
            select(Language.service_id).where(Language.code == (code or "-"))))
    return list(session.execute(ids).scalars())


_IDS = bindparam("ids", expanding=True)
_SITE_IDS = bindparam("site_ids", expanding=True)
_LOCATION_IDS = bindparam("location_ids", expanding=True)
_CONTACT_IDS = bindparam("contact_ids", expanding=True)

# Built once: SQLAlchemy then reuses their compiled form, which keeps a search fast.
_SERVICES = (
    select(Service.id, Service.name, Service.description, Service.url, Service.email,
           Service.alert, Service.status, Organization.name.label("org_name"),
           Organization.email.label("org_email"), Organization.website.label("org_website"))
    .outerjoin(Organization, Service.organization_id == Organization.id)
    .where(Service.id.in_(_IDS))
)
_ATTRIBUTES = (
    select(Attribute.link_id, TaxonomyTerm.taxonomy, TaxonomyTerm.term)
    .join(TaxonomyTerm, Attribute.taxonomy_term_id == TaxonomyTerm.id)
    .where(Attribute.link_entity == "service", Attribute.link_id.in_(_IDS),
           TaxonomyTerm.taxonomy.in_((NEEDS_TAXONOMY, ACCESS_TAXONOMY, DATA_STATUS_TAXONOMY)))
    .order_by(Attribute.link_id, Attribute.position, Attribute.id)
)
_LANGUAGES = select(Language.service_id, Language.code).where(
    Language.service_id.in_(_IDS), Language.code.isnot(None)
)
_SITES = (
    select(ServiceAtLocation.id, ServiceAtLocation.service_id, Location.id.label("loc"),
           Location.location_type, Location.latitude, Location.longitude)
    .join(Location, ServiceAtLocation.location_id == Location.id)
    .where(ServiceAtLocation.service_id.in_(_IDS))
    .order_by(ServiceAtLocation.service_id, ServiceAtLocation.position, ServiceAtLocation.id)
)
_ADDRESSES = (
    select(Address.location_id, Address.address_1, Address.address_2, Address.city,
           Address.postal_code)
    .where(Address.location_id.in_(_LOCATION_IDS))
    .order_by(Address.location_id, Address.address_type != "physical", Address.id)
)
_ACCESSIBILITY = select(
    Accessibility.location_id, Accessibility.description, Accessibility.details
).where(Accessibility.location_id.in_(_LOCATION_IDS))
_SCHEDULES = (
    select(*[getattr(Schedule, name) for name in (
        "id", "service_id", "service_at_location_id", "opens_at", "closes_at", "freq", "byday",
        "bymonthday", "interval", "dtstart", "valid_from", "valid_to", "description")])
    .where(or_(Schedule.service_id.in_(_IDS), Schedule.service_at_location_id.in_(_SITE_IDS)))
    .order_by(Schedule.id)
)
_CONTACTS = select(Contact.id, Contact.service_id, Contact.email).where(
    Contact.service_id.in_(_IDS)
).order_by(Contact.id)
_PHONES = (
    select(Phone.service_id, Phone.contact_id, Phone.location_id, Phone.number)
    .where(or_(Phone.service_id.in_(_IDS), Phone.contact_id.in_(_CONTACT_IDS),
               Phone.location_id.in_(_LOCATION_IDS)))
    .order_by(Phone.contact_id.isnot(None), Phone.position, Phone.id)
)


def _load(session: Session, ids: list[str]) -> dict[str, _Entry]:
    """Everything a reply needs about services ``ids``, in 9 queries."""
    if not ids:
        return {}
    connection = session.connection()

    def rows(statement: Any, **params: list[str]) -> list:
        return connection.execute(statement, params).all()

    entries = {row.id: _Entry(row=row) for row in rows(_SERVICES, ids=ids)}
    _add_attributes(rows(_ATTRIBUTES, ids=ids), entries)
    for service_id, code in rows(_LANGUAGES, ids=ids):
        entries[service_id].languages.add(code)
    sites = _add_sites(rows(_SITES, ids=ids), entries)
    by_location: dict[str, list[_Site]] = {}
    for site in sites.values():
        by_location.setdefault(site.location_id, []).append(site)
    location_ids = list(by_location)
    _add_addresses(rows(_ADDRESSES, location_ids=location_ids), by_location)
    for location_id, description, details in rows(_ACCESSIBILITY, location_ids=location_ids):
        for site in by_location[location_id]:
            site.access_texts += [t for t in (description, details) if t]
    _add_schedules(rows(_SCHEDULES, ids=ids, site_ids=list(sites)), entries, sites)
    contacts = {}
    for contact_id, service_id, email in rows(_CONTACTS, ids=ids):
        contacts[contact_id] = service_id
        if email:
            entries[service_id].emails.append(email)
    phones = rows(_PHONES, ids=ids, contact_ids=list(contacts), location_ids=location_ids)
    _add_phones(phones, entries, contacts, by_location)
    return entries


def _add_attributes(rows: Any, entries: dict[str, _Entry]) -> None:
    for service_id, taxonomy, term in rows:
        entry = entries[service_id]
        if taxonomy == NEEDS_TAXONOMY and term in CATEGORIES and term not in entry.categories:
            entry.categories.append(term)
        elif taxonomy == ACCESS_TAXONOMY and term in ACCESS_LABELS:
            entry.service_access.add(term)
        elif taxonomy == DATA_STATUS_TAXONOMY and term == SAMPLE_DATA_TERM:
            entry.sample = True


def _add_sites(rows: Any, entries: dict[str, _Entry]) -> dict[str, _Site]:
    sites = {}
    for row in rows:
        site = _Site(row.id, row.loc, row.location_type == "physical", row.latitude,
                     row.longitude)
        entries[row.service_id].sites.append(site)
        sites[row.id] = site
    return sites


def _add_addresses(rows: Any, by_location: dict[str, list[_Site]]) -> None:
    for location_id, address_1, address_2, city, postal_code in rows:
        for site in by_location[location_id]:
            if not site.address:
                site.address = ", ".join(p for p in (address_1, address_2, city) if p)
                site.postcode = normalise_postcode(postal_code or "") or postal_code or ""


def _add_schedules(rows: Any, entries: dict[str, _Entry], sites: dict[str, _Site]) -> None:
    for row in rows:
        schedule = dict(row._mapping)
        if row.service_at_location_id in sites:
            sites[row.service_at_location_id].schedules.append(schedule)
        elif row.service_id in entries:
            entries[row.service_id].schedules.append(schedule)


def _add_phones(rows: Any, entries: dict[str, _Entry], contacts: dict[str, str],
                by_location: dict[str, list[_Site]]) -> None:
    for service_id, contact_id, location_id, number in rows:
        if service_id in entries:
            entries[service_id].phones.append(number)
        elif contact_id in contacts:
            entries[contacts[contact_id]].phones.append(number)
        for site in by_location.get(location_id, ()):
            site.phones.append(number)


# --- evaluating one service ------------------------------------------------------------------

def _valid(lat: float | None, lon: float | None) -> bool:
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


def _nearest(entry: _Entry, place: Place | None) -> tuple[_Site | None, float | None]:
    physical = [s for s in entry.sites if s.physical]
    located = [s for s in physical if _valid(s.lat, s.lon)]
    if place is None or not located:
        first = physical or entry.sites
        return (first[0] if first else None), None
    distance, index = min(
        (haversine_km(place.lat, place.lon, s.lat, s.lon), i) for i, s in enumerate(located)
    )
    return located[index], distance


@dataclass
class _Match:
    entry: _Entry
    site: _Site | None
    distance: float | None
    schedules: list[dict]
    open_now: bool | None
    access: set[str]
    not_running: bool = False

    def rank(self, category: str | None) -> tuple:
        primary = 0 if category is None or self.entry.categories[:1] == [category] else 1
        open_rank = {True: 0, False: 1, None: 2}[self.open_now]
        distance = self.distance if self.distance is not None else math.inf
        row = self.entry.row
        return (self.not_running, self.distance is None, distance, primary, open_rank,
                row.name.casefold(), row.id)


def _match(entry: _Entry, place: Place | None, now: datetime) -> _Match:
    site, distance = _nearest(entry, place)
    schedules = entry.schedules + (site.schedules if site else [])
    every_schedule = entry.schedules + [row for s in entry.sites for row in s.schedules]
    return _Match(entry, site, distance, schedules, is_open(schedules, now), entry.access,
                  not_running(every_schedule, now.astimezone(LONDON).date()))


def _to_dict(match: _Match, now: datetime) -> dict:
    entry, site, row = match.entry, match.site, match.entry.row
    phones = entry.phones + (site.phones if site else [])
    emails = [row.email, *entry.emails, row.org_email]
    return {
        "id": row.id,
        "name": row.name,
        "categories": list(entry.categories),
        "description": row.description or "",
        "phone": phones[0] if phones else "",
        "email": next((e for e in emails if e), ""),
        "url": row.url or row.org_website or "",
        "address": site.address if site else "",
        "postcode": site.postcode if site else "",
        "opening_hours": describe_hours(match.schedules, on=now.astimezone(LONDON).date()),
        "open_now": match.open_now,
        "languages": [ENGLISH, *sorted(entry.languages - {ENGLISH})],
        "accessibility": [label for code, label in ACCESS_LABELS.items() if code in match.access],
        "distance_km": round(match.distance, 1) if match.distance is not None else None,
        "machine_translated": False,
        "sample_data": entry.sample,
        "note": shown_alert(row.alert, entry.sample),
        "organization": row.org_name or "",
    }


def shown_alert(alert: str | None, sample: bool) -> str:
    """The directory's alert as residents see it ("not running yet"). A sample record's
    opening sentence, saying it is sample data, is left out: ``sample_data`` says that, and
    every reply adds it once, in the resident's language (it came twice in English and once
    in theirs, under each service and again below)."""
    alert = (alert or "").strip()
    if sample and alert.startswith(SAMPLE_ALERT):
        return alert[len(SAMPLE_ALERT):].strip()
    return alert


# --- public ----------------------------------------------------------------------------------

def _check_query(query: ServiceQuery) -> None:
    if query.category is not None and query.category not in CATEGORIES:
        raise UnknownFilter(f"unknown category {query.category!r}: use one of "
                            + ", ".join(CATEGORIES))
    unknown = [code for code in query.access if code not in ACCESS_LABELS]
    if unknown:
        raise UnknownFilter(f"unknown access need {unknown[0]!r}: use one of "
                            + ", ".join(ACCESS_LABELS))
    days = [code for code in query.open_days if code not in DAY_CODES]
    if days:
        raise UnknownFilter(f"unknown day {days[0]!r}: use one of " + ", ".join(DAY_CODES))


def _open_dates(query: ServiceQuery, now: datetime) -> list[date]:
    """The dates ``query.open_days`` ask about: the next of each day from London's today."""
    today = now.astimezone(LONDON).date()
    return [next_date_on(DAY_CODES.index(code), today) for code in query.open_days]


def _meets(match: _Match, query: ServiceQuery, open_dates: list[date]) -> bool:
    """Every filter the SQL query could not apply: access needs, open now, open on a day."""
    return (set(query.access) <= match.access and (not query.open_now or bool(match.open_now))
            and (not open_dates or any(opens_on(match.schedules, d) for d in open_dates)))


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware, e.g. datetime.now(UTC)")
    return now


def _place(near: str | None) -> Place | None:
    if near is None or not near.strip():
        return None
    place = resolve_place(near)
    if place is None:
        raise UnknownPlace(near.strip())
    return place


def find_services(
    session: Session, query: ServiceQuery, now: datetime | None = None
) -> SearchResult:
    """Active services matching every filter of ``query``, ranked (see module docstring)."""
    _check_query(query)
    moment, place = _now(now), _place(query.near)
    entries = _load(session, _matching_ids(session, query))
    matches = [_match(e, place, moment) for e in entries.values()]
    open_dates = _open_dates(query, moment)
    matches = [m for m in matches if _meets(m, query, open_dates)]
    matches.sort(key=lambda m: m.rank(query.category))
    shown = matches[:max(query.limit, 0)]
    return SearchResult([_to_dict(m, moment) for m in shown], len(matches), place)


def get_service(
    session: Session, service_id: str, now: datetime | None = None, *, active_only: bool = True
) -> dict | None:
    """One service as a contract dict; None when unknown (or not active, by default)."""
    moment = _now(now)
    entry = _load(session, [service_id]).get(service_id)
    if entry is None or (active_only and entry.row.status != ACTIVE):
        return None
    return _to_dict(_match(entry, None, moment), moment)


def opens_on_days(session: Session, service_ids: list[str], days: Iterable[str],
                  now: datetime | None = None) -> dict[str, dict[str, bool]]:
    """Service id -> for each day code (``SA``), whether it opens on the next such London
    date, today included ("is the second one open on Saturday?"); unknown hours never open,
    and an unknown service is left out. One load for all of them."""
    moment = _now(now)
    today = moment.astimezone(LONDON).date()
    dates = {code: next_date_on(DAY_CODES.index(code), today) for code in days
             if code in DAY_CODES}
    opens = {}
    for service_id, entry in _load(session, list(service_ids)).items():
        schedules = _match(entry, None, moment).schedules
        opens[service_id] = {code: opens_on(schedules, day) for code, day in dates.items()}
    return opens


def active_service_names(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every active service: what a resident may call a service by."""
    rows = session.execute(select(Service.id, Service.name).where(Service.status == ACTIVE))
    return [(row.id, row.name) for row in rows]
