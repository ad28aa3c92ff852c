"""Validate the bundled demonstration directory ``data/directory/harrow.json``.

Checks:
  * the list envelope is consistent (total_items, size, contents);
  * every service validates against the compiled ORUK 3.0 service schema, with formats
    (uuid, email, uri, date-time) checked;
  * ids are unique (shared objects such as organisations, locations and taxonomy terms may
    repeat only with identical content);
  * every need category is covered by at least 2 services as primary and 3 in all, and only
    the known category and access codes are used;
  * every phone number is a national line (999, 111, 116 123) or in the drama range
    020 7946 0000-0999, including numbers written in free text;
  * every sample record carries both the sample_data attribute and the sample alert, and every
    record with invented details is marked as sample;
  * schedules have HH:MM times that open before they close, valid days and ISO dates;
  * languages use ISO 639-1 codes and always include English.

Usage:  python scripts/check_directory_data.py [path/to/harrow.json] [--schema path]
Exits 0 when everything passes, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jsonschema import Draft202012Validator, FormatChecker

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.directory.sample import DATA_STATUS_TAXONOMY, SAMPLE_ALERT, SAMPLE_DATA_TERM

DEFAULT_DATA = REPO / "data" / "directory" / "harrow.json"
SCHEMA_CANDIDATES = [
    REPO / "oruk" / "schema" / "compiled" / "service.json",
    REPO.parent / "shared" / "oruk" / "schema" / "compiled" / "service.json",
]

CATEGORIES = {
    "interpreting", "advocacy", "conversation_cafe", "customer_access_point", "mental_health",
    "carers", "safeguarding", "accessible_information", "digital_inclusion",
    "employment_support", "community_groups", "care_assessment",
}
ACCESS_TERMS = {"bsl", "easy_read", "large_print", "braille", "audio", "video_interpreting"}
NEED_TAXONOMY = "harrow-needs"
ACCESS_TAXONOMY = "harrow-access"
NATIONAL_NUMBERS = {"999", "111", "116 123"}
DRAMA_NUMBER = re.compile(r"^020 7946 0\d{3}$")
PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+44\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)")
SAMPLE_DOMAIN = re.compile(r"(^|\.)example\.(org|com|net)$")
MIN_PRIMARY, MIN_TOTAL = 2, 3
SHARED_KINDS = {"organization", "location", "address", "accessibility", "taxonomy_term"}
DAY_CODE = re.compile(r"^-?\d?(MO|TU|WE|TH|FR|SA|SU)$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
ISO_639_1 = re.compile(r"^[a-z]{2}$")


def make_format_checker() -> FormatChecker:
    """The draft 2020-12 format checker, plus uri/date-time when optional deps are missing."""
    checker = FormatChecker()
    if "uri" not in checker.checkers:
        @checker.checks("uri")
        def is_uri(value: object) -> bool:
            if not isinstance(value, str):
                return True
            parts = urlparse(value)
            return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in {"mailto",
                                                                                   "tel"})
    if "date-time" not in checker.checkers:
        @checker.checks("date-time", raises=ValueError)
        def is_date_time(value: object) -> bool:
            if not isinstance(value, str):
                return True
            if "T" not in value:
                raise ValueError("missing 'T' between date and time")
            # Python 3.10's fromisoformat does not accept a trailing "Z".
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed.tzinfo is not None
    return checker


def find_schema(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    for candidate in SCHEMA_CANDIDATES:
        if candidate.exists():
            return candidate
    sys.exit("error: compiled ORUK service schema not found; pass --schema "
             "path/to/oruk/schema/compiled/service.json")


def taxonomy_terms(service: dict[str, Any], taxonomy: str) -> list[str]:
    return [attr.get("taxonomy_term", {}).get("term", "")
            for attr in service.get("attributes", [])
            if attr.get("taxonomy_term", {}).get("taxonomy") == taxonomy]


def walk_ids(node: Any, kind: str = "service") -> Iterator[tuple[str, str, Any]]:
    """Yield (kind, id, object) for every object with an id; kind is named by its parent key."""
    if isinstance(node, dict):
        if "id" in node:
            yield kind, node["id"], node
        for key, value in node.items():
            child_kind = {"addresses": "address", "schedules": "schedule", "phones": "phone",
                          "languages": "language", "attributes": "attribute",
                          "service_at_locations": "service_at_location"}.get(key, key)
            if isinstance(value, (dict, list)):
                yield from walk_ids(value, child_kind)
    elif isinstance(node, list):
        for item in node:
            yield from walk_ids(item, kind)


def walk_strings(node: Any) -> Iterator[str]:
    """Every free-text string value, skipping ids (uuids look like digit runs)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "id" and not key.endswith("_id"):
                yield from walk_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk_strings(item)


def check_envelope(data: Any) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("contents"), list):
        return ["envelope: expected an object with a 'contents' list"]
    count = len(data["contents"])
    problems = []
    for field in ("total_items", "size"):
        if data.get(field) != count:
            problems.append(f"envelope: {field} is {data.get(field)!r}, expected {count}")
    expected = {"total_pages": 1, "page_number": 1, "first_page": True, "last_page": True,
                "empty": count == 0}
    for field, value in expected.items():
        if data.get(field) != value:
            problems.append(f"envelope: {field} is {data.get(field)!r}, expected {value!r}")
    return problems


def check_schema(services: list[dict[str, Any]], schema: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(schema, format_checker=make_format_checker())
    problems = []
    for service in services:
        for error in sorted(validator.iter_errors(service), key=lambda e: list(e.path)):
            where = "/".join(str(part) for part in error.absolute_path) or "(root)"
            problems.append(f"{label(service)}: schema: {where}: {error.message}")
    return problems


def check_ids(services: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, tuple[str, str, str]] = {}
    problems = []
    for service in services:
        for kind, object_id, obj in walk_ids(service):
            content = json.dumps(obj, sort_keys=True)
            if object_id not in seen:
                seen[object_id] = (kind, content, label(service))
                continue
            first_kind, first_content, first_service = seen[object_id]
            if kind != first_kind or kind not in SHARED_KINDS or content != first_content:
                problems.append(f"{label(service)}: duplicate {kind} id {object_id} "
                                f"(first used as {first_kind} in {first_service})")
    return problems


def check_categories(services: list[dict[str, Any]]) -> tuple[list[str], dict[str, tuple]]:
    primary: Counter[str] = Counter()
    total: Counter[str] = Counter()
    problems = []
    for service in services:
        codes = taxonomy_terms(service, NEED_TAXONOMY)
        if not codes:
            problems.append(f"{label(service)}: no need category attribute")
            continue
        unknown = [code for code in codes if code not in CATEGORIES]
        if unknown:
            problems.append(f"{label(service)}: unknown category code(s) {unknown}")
        if len(set(codes)) != len(codes):
            problems.append(f"{label(service)}: a category is listed twice")
        primary[codes[0]] += 1
        total.update(set(codes))
        bad_access = [t for t in taxonomy_terms(service, ACCESS_TAXONOMY)
                      if t not in ACCESS_TERMS]
        if bad_access:
            problems.append(f"{label(service)}: unknown access term(s) {bad_access}")
    for code in sorted(CATEGORIES):
        if primary[code] < MIN_PRIMARY or total[code] < MIN_TOTAL:
            problems.append(f"category {code}: {primary[code]} primary / {total[code]} total, "
                            f"need at least {MIN_PRIMARY} / {MIN_TOTAL}")
    coverage = {code: (primary[code], total[code]) for code in sorted(CATEGORIES)}
    return problems, coverage


def invented_details(service: dict[str, Any]) -> list[str]:
    """The service's contact details that are sample (drama numbers, example domains)."""
    found = [p["number"] for p in service.get("phones", [])
             if DRAMA_NUMBER.match(str(p.get("number", "")))]
    emails = [service.get("email"), service.get("organization", {}).get("email")]
    found += [e for e in emails if e and SAMPLE_DOMAIN.search(e.rsplit("@", 1)[-1])]
    urls = [service.get("url"), service.get("organization", {}).get("website")]
    found += [u for u in urls if u and SAMPLE_DOMAIN.search(urlparse(u).hostname or "")]
    return found


def check_phones_and_sample(service: dict[str, Any]) -> list[str]:
    problems = []
    for phone in service.get("phones", []):
        number = str(phone.get("number", ""))
        if number not in NATIONAL_NUMBERS and not DRAMA_NUMBER.match(number):
            problems.append(f"{label(service)}: phone {number!r} is neither a national line "
                            "nor in the drama range 020 7946 0000-0999")
    for text in walk_strings(service):
        for match in PHONE_IN_TEXT.findall(text):
            if not DRAMA_NUMBER.match(match):
                problems.append(f"{label(service)}: phone-like number {match!r} in text is "
                                "outside the drama range")
    has_attribute = SAMPLE_DATA_TERM in taxonomy_terms(service, DATA_STATUS_TAXONOMY)
    has_alert = str(service.get("alert", "")).startswith(SAMPLE_ALERT)
    invented = invented_details(service)
    if (has_attribute or has_alert or invented) and not (has_attribute and has_alert):
        missing = "the sample_data attribute" if not has_attribute else "the sample alert"
        why = f"invented details {invented}" if invented else "it is marked sample"
        problems.append(f"{label(service)}: has {why} but lacks {missing}")
    return problems


def check_schedules(service: dict[str, Any]) -> list[str]:
    problems = []
    for schedule in service.get("schedules", []):
        opens, closes = schedule.get("opens_at", ""), schedule.get("closes_at", "")
        if not (TIME.match(opens) and TIME.match(closes)) or opens >= closes:
            problems.append(f"{label(service)}: schedule {opens!r}-{closes!r} is not a "
                            "HH:MM range that opens before it closes")
        days = str(schedule.get("byday", "")).split(",")
        if not all(DAY_CODE.match(day) for day in days):
            problems.append(f"{label(service)}: schedule byday {schedule.get('byday')!r}")
        for field in ("valid_from", "valid_to"):
            if field in schedule:
                try:
                    dt.date.fromisoformat(schedule[field])
                except ValueError:
                    problems.append(f"{label(service)}: schedule {field} "
                                    f"{schedule[field]!r} is not YYYY-MM-DD")
        if not schedule.get("description"):
            problems.append(f"{label(service)}: schedule without a description")
    return problems


def check_languages(service: dict[str, Any]) -> list[str]:
    codes = [language.get("code", "") for language in service.get("languages", [])]
    problems = [f"{label(service)}: language code {code!r} is not ISO 639-1"
                for code in codes if not ISO_639_1.match(code)]
    if "en" not in codes:
        problems.append(f"{label(service)}: languages do not include English 'en'")
    if len(set(codes)) != len(codes):
        problems.append(f"{label(service)}: a language is listed twice")
    return problems


def label(service: dict[str, Any]) -> str:
    return repr(service.get("name", service.get("id", "?")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    parser.add_argument("--schema", help="compiled ORUK 3.0 service schema (service.json)")
    args = parser.parse_args()
    data_path = Path(args.data)
    try:
        data = json.loads(data_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"error: cannot read {data_path}: {exc}")
        return 1
    schema_path = find_schema(args.schema)
    schema = json.loads(schema_path.read_text(encoding="utf-8"))

    problems = check_envelope(data)
    services = data.get("contents", []) if isinstance(data, dict) else []
    problems += check_schema(services, schema)
    problems += check_ids(services)
    category_problems, coverage = check_categories(services)
    problems += category_problems
    for service in services:
        problems += check_phones_and_sample(service)
        problems += check_schedules(service)
        problems += check_languages(service)

    sample = sum(SAMPLE_DATA_TERM in taxonomy_terms(s, DATA_STATUS_TAXONOMY) for s in services)
    print(f"{data_path}: {len(services)} services ({sample} marked sample), "
          f"schema {schema_path}")
    for code, (primary, total) in coverage.items():
        print(f"  {code:<24} primary {primary:>2}  total {total:>2}")
    if problems:
        for problem in problems:
            print(f"FAIL {problem}")
        print(f"{len(problems)} problem(s) found")
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
