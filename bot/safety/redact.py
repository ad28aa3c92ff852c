"""Masking personal data in what the assistant keeps: conversations and logs (UK GDPR
minimisation). Phone numbers, email addresses, National Insurance numbers, NHS numbers, full
postcodes and dates of birth are replaced by a marker such as ``[phone]``.

A full postcode keeps its outward code ("HA1 2AB" → "HA1 [postcode]"): the area is what the
assistant uses to find nearby services, and an outward code covers thousands of homes. A
``place`` slot holding a full postcode keeps only the outward code, so narrowing by area still
works in later turns.
"""
from __future__ import annotations

import logging
import re
from typing import Any

_DIGIT = r"\d[ \t\-]?"
PATTERNS: list[tuple[str, re.Pattern[str], str]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE), "[email]"),
    # UK phone numbers: 0 or +44/0044 then 9-10 more digits, spaces, dashes or brackets allowed
    ("phone", re.compile(r"(?<![\w+])(?:(?:\+|00)\s?44[\s.\-]?(?:\(0\)[\s.\-]?)?|\(?0)"
                         r"\d(?:[ \t.\-)]{0,2}\d){8,9}(?!\d)"), "[phone]"),
    # any two letters: residents copy HMRC's example prefix "QQ" too
    ("ni_number", re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?"
                             r"[A-D]\b", re.IGNORECASE), "[NI number]"),
    ("nhs_number", re.compile(r"(?<!\d)\d{3}[ \-]?\d{3}[ \-]?\d{4}(?!\d)"), "[NHS number]"),
    ("date_of_birth", re.compile(
        r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])[./\-](?:0?[1-9]|1[0-2])[./\-](?:19|20)?\d{2}(?!\d)|"
        r"(?<!\d)(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)|"
        r"\b(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?"
        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?:19|20)\d{2}\b",
        re.IGNORECASE), "[date]"),
]
# full postcodes only (an outward code alone, "HA1", is an area, not an address)
POSTCODE = re.compile(r"\b([A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})\b",
                      re.IGNORECASE)
# Every pattern above needs a digit or an "@": text with neither has nothing to mask (most
# stored strings, intent names and most replies among them), so it skips the seven searches.
MAYBE_PERSONAL = re.compile(r"[\d@]")
# How many digits each pattern needs at least (the email pattern needs its "@", the postcode
# two digits). Masking only ever removes digits, so a text with fewer digits than a pattern
# needs cannot match it, before or after the patterns before it: it skips that search. Most
# stored strings with a digit have a few (ids, "HA1", times), and the seven substitutions on
# each were most of the time masking took (2026-11-27: 139,000 of them for 1,000 turns).
MIN_DIGITS = {"email": 0, "phone": 10, "ni_number": 6, "nhs_number": 10, "date_of_birth": 4}
POSTCODE_MIN_DIGITS = 2
_A_DIGIT = re.compile(r"\d")
# Short texts with a digit that masking left as they were: every stored event carries the
# model's id, every services reply the directory's ids and opening hours, in each
# conversation again. Remembered (a bounded set) so they are searched once, not at every
# save; a text with anything masked in it is never remembered.
_NOTHING_TO_MASK: set[str] = set()
_REMEMBERED_TEXTS = 20_000
_REMEMBERED_LENGTH = 200
PLACE_SLOTS = {"place"}
# ids the assistant chose (directory services), never anything a resident typed
ASSISTANT_SLOTS = {"listed_services", "focused_service"}
# request form answers that are personal: kept only in the request table (bot.help_flow)
PERSONAL_FORM_SLOTS = {"help_name", "help_contact", "help_time", "help_date"}
FORM_TOKENS = {None, "given", "cancel", "yes", "no"}
ANSWER_GIVEN = "[answer given]"
PRIVATE_REPLY = "[request summary, not kept]"


def redact_text(text: str) -> str:
    """``text`` with personal data masked."""
    if not text or text in _NOTHING_TO_MASK or not MAYBE_PERSONAL.search(text):
        return text
    original, digits = text, len(_A_DIGIT.findall(text))
    for name, pattern, marker in PATTERNS:
        if digits >= MIN_DIGITS[name] and (name != "email" or "@" in text):
            text = pattern.sub(marker, text)
    if digits >= POSTCODE_MIN_DIGITS:
        text = POSTCODE.sub(lambda m: f"{m.group(1).upper()} [postcode]", text)
    if text == original and len(text) <= _REMEMBERED_LENGTH:
        if len(_NOTHING_TO_MASK) >= _REMEMBERED_TEXTS:
            _NOTHING_TO_MASK.clear()
        _NOTHING_TO_MASK.add(original)
    return text


def _place_value(value: str) -> str:
    """A full postcode kept as its outward code; anything else redacted as text."""
    match = POSTCODE.fullmatch(value.strip())
    return match.group(1).upper() if match else redact_text(value)


def redact_value(value: Any) -> Any:
    """Every string inside ``value`` (dicts and lists included) redacted."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value


def redact_event(event: dict) -> dict:
    """A tracker event (as a dict) fit to be stored: everything in it masked — what the
    resident typed, the slots and entities taken from it, and the assistant's replies, which
    can echo a resident's postcode ("nearest to HA1 2AB first"). The directory's own phone
    numbers in a stored reply are masked too; nothing reads them back."""
    if event.get("event") == "slot":
        if event.get("name") in ASSISTANT_SLOTS:
            return event
        if event.get("name") in PERSONAL_FORM_SLOTS and event.get("value") not in FORM_TOKENS:
            return {**event, "value": "given"}
        if event.get("name") in PLACE_SLOTS and isinstance(event.get("value"), str):
            return {**event, "value": _place_value(event["value"])}
    if event.get("event") == "bot" and ((event.get("data") or {}).get("custom") or {}).get(
            "private"):
        return {**event, "text": PRIVATE_REPLY, "data": {**event["data"], "buttons": [
            b for b in event["data"].get("buttons") or [] if isinstance(b, dict)]}}
    return redact_value(event)


class RedactingLogRecordFactory:
    """Makes every log record's message redacted, whichever library logs it."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.wrapped(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call is the caller's problem
            return record
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return record


def install_log_redaction() -> None:
    """Redact personal data in every log message of this process (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, RedactingLogRecordFactory):
        logging.setLogRecordFactory(RedactingLogRecordFactory(factory))


def redact_events(events: list[dict]) -> list[dict]:
    """``redact_event`` for a turn's events, and the resident's own answer to a personal
    form question (name, contact, time, date) replaced as a whole: a name is not a pattern."""
    answered = set()
    for index, event in enumerate(events):
        if event.get("event") == "slot" and event.get("name") in PERSONAL_FORM_SLOTS \
                and event.get("value") not in FORM_TOKENS:
            user = next((i for i in range(index - 1, -1, -1)
                         if events[i].get("event") == "user"), None)
            if user is not None:
                answered.add(user)
    out = []
    for index, event in enumerate(events):
        if index in answered:
            parse_data = {**(event.get("parse_data") or {}), "text": ANSWER_GIVEN,
                          "entities": []}
            event = {**event, "text": ANSWER_GIVEN, "parse_data": parse_data}
        out.append(redact_event(event))
    return out