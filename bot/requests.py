"""Residents' requests for a person (issue 5): a callback, or an interpreter for an
appointment or assessment. Stored in the directory database (table ``help_request``), the
only place contact details live; closed requests are deleted after a retention period.

Staff work through them with ``python -m bot requests list|show|done|export``.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.categories import CATEGORIES
from bot.directory.models import HelpRequest

KINDS = ("callback", "interpreter")
MODES = ("face_to_face", "video")
OPEN, DONE = "open", "done"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
DEFAULT_RETENTION_DAYS = 30
CSV_FIELDS = ("reference", "kind", "status", "created", "closed", "conversation_language",
              "first_name", "phone", "email", "best_time", "call_language",
              "interpreter_needed", "interpreter_language", "appointment_date",
              "appointment_mode", "need_category")

_PHONE_CHARS = re.compile(r"[\s\-().]")
_UK_PHONE = re.compile(r"(?:\+44|0044|0)([1-37]\d{8,9})")
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


class RequestError(ValueError):
    """A request that cannot be stored as given; the message says what to fix."""


def uk_phone(text: str) -> str | None:
    """A UK landline or mobile number in national form ("07700 900123" → "07700900123"),
    or None when ``text`` is not one."""
    compact = _PHONE_CHARS.sub("", text or "")
    match = _UK_PHONE.fullmatch(compact)
    if not match:
        return None
    national = "0" + match.group(1)
    return national if len(national) in (10, 11) else None


def email_address(text: str) -> str | None:
    text = (text or "").strip()
    return text if len(text) <= 254 and _EMAIL.fullmatch(text) else None


@dataclass
class NewRequest:
    kind: str
    first_name: str
    conversation_language: str
    consent: bool
    phone: str | None = None
    email: str | None = None
    best_time: str | None = None
    call_language: str | None = None
    interpreter_needed: bool = False
    interpreter_language: str | None = None
    appointment_date: date | None = None
    appointment_mode: str | None = None
    need_category: str | None = None


def _language_code(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"[a-z]{2,3}", value):
        raise RequestError(f"{field} must be a language code such as ro, ur or bsl")
    return value


def _checked(new: NewRequest) -> NewRequest:
    if new.kind not in KINDS:
        raise RequestError(f"kind must be one of {', '.join(KINDS)}")
    if not new.consent:
        raise RequestError("no consent: nothing is stored")
    if not (new.first_name or "").strip() or len(new.first_name) > 100:
        raise RequestError("a first name (up to 100 characters) is needed")
    phone = uk_phone(new.phone) if new.phone else None
    email = email_address(new.email) if new.email else None
    if new.phone and not phone:
        raise RequestError("the phone number is not a UK number")
    if new.email and not email:
        raise RequestError("the email address is not valid")
    if not (phone or email):
        raise RequestError("a phone number or an email address is needed")
    if new.appointment_mode not in (None, *MODES):
        raise RequestError(f"appointment_mode must be one of {', '.join(MODES)}")
    if new.need_category not in (None, *CATEGORIES):
        raise RequestError("need_category must be one of the need categories")
    if new.kind == "interpreter" and not new.interpreter_language:
        raise RequestError("an interpreter request needs the language (or bsl)")
    return NewRequest(**{**new.__dict__, "first_name": new.first_name.strip(), "phone": phone,
                         "email": email,
                         "call_language": _language_code(new.call_language, "call_language"),
                         "interpreter_language": _language_code(new.interpreter_language,
                                                                "interpreter_language"),
                         "interpreter_needed": bool(new.interpreter_needed
                                                    or new.kind == "interpreter")})


def new_reference() -> str:
    return "HSA-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def store_request(session: Session, new: NewRequest, now: datetime | None = None) -> HelpRequest:
    """Validate and store a request; returns it with its reference. Raises RequestError (and
    stores nothing) when consent is missing or a field is invalid."""
    checked = _checked(new)
    row = HelpRequest(reference=new_reference(), status=OPEN,
                      created=now or datetime.now(timezone.utc), **checked.__dict__)
    session.add(row)
    session.commit()
    return row


def find_requests(session: Session, kind: str | None = None, language: str | None = None,
                  older_than_days: float | None = None, status: str | None = OPEN,
                  now: datetime | None = None) -> list[HelpRequest]:
    query = select(HelpRequest).order_by(HelpRequest.created, HelpRequest.id)
    if kind:
        query = query.where(HelpRequest.kind == kind)
    if status:
        query = query.where(HelpRequest.status == status)
    rows = session.execute(query).scalars().all()
    if language:  # the language the resident wants, to be called in or interpreted
        rows = [r for r in rows if language in (r.call_language, r.interpreter_language,
                                                r.conversation_language)]
    if older_than_days is not None:
        cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=older_than_days)
        rows = [r for r in rows if as_utc(r.created) <= cutoff]
    return rows


def as_utc(moment: datetime) -> datetime:
    """A stored time, timezone-aware (SQLite gives it back without its UTC offset)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def get_request(session: Session, reference: str) -> HelpRequest | None:
    return session.execute(select(HelpRequest).where(
        HelpRequest.reference == reference.strip().upper())).scalar_one_or_none()


def close_request(session: Session, reference: str, now: datetime | None = None) -> HelpRequest:
    row = get_request(session, reference)
    if row is None:
        raise RequestError(f"no request {reference!r}")
    row.status, row.closed = DONE, now or datetime.now(timezone.utc)
    session.commit()
    return row


def request_retention_days() -> float:
    """Days a closed request is kept (REQUEST_RETENTION_DAYS, default 30)."""
    from bot.retention import configured_days

    return configured_days("REQUEST_RETENTION_DAYS", default=DEFAULT_RETENTION_DAYS)


def purge_closed_requests(session: Session, days: float, now: datetime | None = None) -> int:
    """Delete requests closed more than ``days`` ago; open requests are never deleted."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    rows = [r for r in session.execute(select(HelpRequest).where(
        HelpRequest.status == DONE)).scalars() if r.closed and as_utc(r.closed) < cutoff]
    for row in rows:
        session.delete(row)
    session.commit()
    return len(rows)


def _cell(value: object) -> str:
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") \
        else str(value)
    # a spreadsheet must not run a formula a resident typed
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def requests_csv(rows: list[HelpRequest]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for row in rows:
        writer.writerow([_cell(getattr(row, name)) for name in CSV_FIELDS])
    return out.getvalue()


def describe(row: HelpRequest) -> str:
    """Every field of one request, one per line, for staff."""
    return "\n".join(f"{name}: {'' if getattr(row, name) is None else getattr(row, name)}"
                     for name in CSV_FIELDS)
