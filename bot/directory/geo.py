"""Where a resident is: UK postcodes and Harrow place names to coordinates, offline first.

The offline table is ``bot/directory/data/harrow_places.csv`` (columns ``name,kind,lat,lon,note``,
kind = district | sector | area; ``HARROW_PLACES_CSV`` overrides the path). A full postcode
resolves to its sector's centroid, else its district's; a partial postcode ("HA1 2", "HA1") to
that sector or district; an area name ("Harrow on the Hill") case-, hyphen- and
punctuation-insensitively.

Optional online geocoder: with ``GEOCODER=postcodes.io``, full postcodes are looked up at
api.postcodes.io (timeout ``GEOCODER_TIMEOUT`` seconds, default 2) and any failure — timeout,
HTTP error, 404, bad JSON — falls back to the offline table.
"""
from __future__ import annotations

import csv
import logging
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import requests

log = logging.getLogger(__name__)

DEFAULT_PLACES_CSV = Path(__file__).resolve().parent / "data" / "harrow_places.csv"
POSTCODES_IO = "https://api.postcodes.io/postcodes/"
EARTH_RADIUS_KM = 6371.0088

_FULL = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
_SECTOR = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d)$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")


class PlaceDataError(Exception):
    """The places CSV is malformed; the message is one line naming the file and row."""


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lon: float
    precision: str  # 'postcode' | 'sector' | 'district' | 'area'


# --- postcodes -----------------------------------------------------------------------------

def normalise_postcode(text: str) -> str | None:
    """"ha12ab" → "HA1 2AB"; "ha1 2" → "HA1 2"; "ha1" → "HA1"; None when not a postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    full = _FULL.match(compact)
    if full:
        return f"{full[1]} {full[2]}"
    spaced = re.sub(r"\s+", " ", (text or "").strip().upper())
    if _SECTOR.match(spaced) and " " in spaced:
        return spaced
    if _DISTRICT.match(compact):
        return compact
    return None


def _area_key(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", (text or "").casefold().replace("-", " "))
    return " ".join(words.replace("_", " ").split())


# --- offline table -------------------------------------------------------------------------

class PlaceTable:
    """Centroids of postcode districts, sectors and named areas."""

    def __init__(self, rows: list[tuple[str, str, float, float]] | None = None) -> None:
        self.postcodes: dict[str, Place] = {}
        self.areas: dict[str, Place] = {}
        for name, kind, lat, lon in rows or []:
            self.add(name, kind, lat, lon)

    def add(self, name: str, kind: str, lat: float, lon: float) -> None:
        if kind in ("district", "sector"):
            key = normalise_postcode(name) or name.strip().upper()
            self.postcodes[key] = Place(key, lat, lon, kind)
        elif kind == "area":
            self.areas[_area_key(name)] = Place(name.strip(), lat, lon, "area")
        else:
            raise ValueError(f"kind {kind!r} is not district, sector or area")

    @classmethod
    def from_csv(cls, path: str | Path) -> PlaceTable:
        table = cls()
        with open(path, newline="", encoding="utf-8-sig") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    table.add(row["name"], row["kind"].strip(), float(row["lat"]),
                              float(row["lon"]))
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    raise PlaceDataError(
                        f"{path}: line {line}: {exc}: each row needs name,kind,lat,lon"
                    ) from None
        return table

    def postcode(self, postcode: str) -> Place | None:
        """A full or partial normalised postcode → the most precise centroid known."""
        for key in _lookup_keys(postcode):
            place = self.postcodes.get(key)
            if place:
                return Place(postcode, place.lat, place.lon, place.precision)
        return None

    def area(self, text: str) -> Place | None:
        return self.areas.get(_area_key(text))


def _lookup_keys(postcode: str) -> list[str]:
    """Table keys to try, most precise first: sector, then district."""
    outward, _, inward = postcode.partition(" ")
    if inward:
        return [f"{outward} {inward[0]}", outward]
    keys = [outward]
    if outward[-1].isdigit() and _DISTRICT.match(outward[:-1]):
        keys += [f"{outward[:-1]} {outward[-1]}", outward[:-1]]  # "HA12" typed for "HA1 2"
    return keys


def places_path() -> Path:
    """The places CSV: ``HARROW_PLACES_CSV`` or the bundled file."""
    return Path(os.environ.get("HARROW_PLACES_CSV") or DEFAULT_PLACES_CSV)


@lru_cache(maxsize=4)
def _table_for(path: str) -> PlaceTable:
    if not Path(path).exists():
        log.warning("%s is missing: places cannot be resolved offline", path)
        return PlaceTable()
    return PlaceTable.from_csv(path)


def default_table() -> PlaceTable:
    """The cached offline table for ``places_path()``."""
    return _table_for(str(places_path()))


# --- online geocoder ------------------------------------------------------------------------

def _timeout() -> float:
    try:
        return float(os.environ.get("GEOCODER_TIMEOUT", "2"))
    except ValueError:
        return 2.0


def lookup_postcodes_io(postcode: str) -> Place | None:
    """A full postcode's coordinates from postcodes.io; None on any failure."""
    try:
        response = requests.get(POSTCODES_IO + quote(postcode), timeout=_timeout())
        if response.status_code != 200:
            log.info("postcodes.io: %s for %s", response.status_code, postcode)
            return None
        result = response.json()["result"]
        return Place(postcode, float(result["latitude"]), float(result["longitude"]),
                     "postcode")
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        log.warning("postcodes.io lookup failed for %s: %s", postcode, exc)
        return None


def _online_enabled() -> bool:
    return os.environ.get("GEOCODER", "").strip().lower() == "postcodes.io"


# --- public ---------------------------------------------------------------------------------

def resolve_place(text: str, table: PlaceTable | None = None) -> Place | None:
    """A postcode (full or partial) or area name → ``Place``; None when unknown."""
    if not text or not text.strip():
        return None
    table = table or default_table()
    postcode = normalise_postcode(text)
    if postcode:
        is_full = _FULL.match(postcode.replace(" ", "")) is not None
        if is_full and _online_enabled():
            place = lookup_postcodes_io(postcode)
            if place:
                return place
        place = table.postcode(postcode)
        if place:
            return place
    return table.area(text)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
