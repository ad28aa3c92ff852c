"""Validation of ORUK 3.0 service records before they are stored.

Each record is checked against the ORUK 3.0 compiled service schema (jsonschema, with format
checks) and then against what the assistant relies on: schedule dates, times and day codes,
phone numbers (HSDS 3.0 ``phones``, not in the ORUK schema), two-letter countries, attributes
with a taxonomy term. The first problem is raised as ``RecordError`` whose text is one line,
"<field path>: <problem>", e.g. ``schedules[0].opens_at: '9am' is not a time (use HH:MM)``.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from bot.directory.hours import (
    UTC,
    parse_byday,
    parse_date,
    parse_monthdays,
    parse_time,
    to_block,
)

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "oruk3_service.json"
MAX_ID = 64


class RecordError(ValueError):
    """One record is invalid; ``str()`` is "<field>: <problem>"."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)


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
    _check("assured_date", parse_date, record.get("assured_date"))
    if record.get("last_modified"):
        _check("last_modified", parse_datetime, record["last_modified"])
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
        for name, parse in (("opens_at", parse_time), ("closes_at", parse_time),
                            ("byday", parse_byday), ("bymonthday", parse_monthdays)):
            if row.get(name) not in (None, ""):
                _check(f"{here}.{name}", parse, row[name])
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


def parse_datetime(value: Any) -> datetime:
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time (use 2024-01-31T09:00:00Z)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


