"""Opening hours from ORUK ``schedule`` rows, evaluated in Europe/London time.

Each row is one time block (``freq``, ``byday``, ``opens_at``, ``closes_at``, optional
``valid_from``/``valid_to``, ``bymonthday``, ``interval``/``dtstart``); several rows for the same
day mean several blocks. Rows may be ORM ``Schedule`` objects or plain dicts.

Rules:
- ``opens_at``/``closes_at`` are London wall-clock times ("09:00" or "09:00:00"). A UTC or
  offset suffix ("09:00Z", "09:00+01:00") is ignored: a fixed offset cannot describe opening
  hours across daylight saving, and feeds that write one mean local time.
- ``closes_at`` at or before ``opens_at`` means the block runs past midnight (22:00–02:00);
  "00:00" or "24:00" as closing time means midnight.
- ``valid_from``/``valid_to`` are inclusive London dates; a block that starts on its last valid
  day may still run past midnight.
- ``is_open`` needs a timezone-aware datetime; a naive one raises ``ValueError``.
- ``is_open`` returns None when no usable row is in force that day (no hours known), False
  when rows are in force and none covers the time.
- WEEKLY rows use ``byday`` (and ``interval``/``dtstart`` for "every other week"); MONTHLY rows
  use ``bymonthday`` and/or ``byday`` with an ordinal ("1TU" = first Tuesday, "-1FR" = last
  Friday).
"""
from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")  # datetime.UTC needs Python 3.11
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$")
_DAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass(frozen=True)
class Block:
    """One parsed schedule row."""

    days: tuple[tuple[int | None, int], ...]  # (ordinal or None, weekday 0=Mon)
    monthdays: tuple[int, ...]
    opens: time
    closes: time
    freq: str = "WEEKLY"
    interval: int = 1
    dtstart: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens

    def in_force(self, day: date) -> bool:
        after_start = self.valid_from is None or day >= self.valid_from
        return after_start and (self.valid_to is None or day <= self.valid_to)

    def occurs_on(self, day: date) -> bool:
        if self.freq == "MONTHLY":
            return self._monthly_on(day)
        if day.weekday() not in {weekday for _, weekday in self.days}:
            return False
        return self._in_interval(day)

    def covers(self, day: date, at: time) -> bool:
        """Open at ``at`` on ``day``, counting only the part that starts on ``day``."""
        if not (self.in_force(day) and self.occurs_on(day)):
            return False
        return at >= self.opens if self.overnight else self.opens <= at < self.closes

    def spills_into(self, day: date, at: time) -> bool:
        """Open at ``at`` on ``day`` because yesterday's block runs past midnight."""
        before = day - timedelta(days=1)
        if not (self.overnight and self.in_force(before) and self.occurs_on(before)):
            return False
        return at < self.closes

    def _in_interval(self, day: date) -> bool:
        if self.interval <= 1 or self.dtstart is None:
            return True
        if day < self.dtstart:
            return False
        first_monday = self.dtstart - timedelta(days=self.dtstart.weekday())
        return ((day - first_monday).days // 7) % self.interval == 0

    def _monthly_on(self, day: date) -> bool:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        if self.monthdays:
            wanted = {d if d > 0 else days_in_month + d + 1 for d in self.monthdays}
            if day.day not in wanted:
                return False
        if not self.days:
            return bool(self.monthdays)
        return any(_nth_weekday_matches(day, n, wd, days_in_month) for n, wd in self.days)


def _nth_weekday_matches(day: date, nth: int | None, weekday: int, days_in_month: int) -> bool:
    if day.weekday() != weekday:
        return False
    if nth is None:
        return True
    if nth > 0:
        return (day.day - 1) // 7 + 1 == nth
    return (days_in_month - day.day) // 7 + 1 == -nth


# --- parsing -----------------------------------------------------------------------------

def parse_time(text: str) -> time:
    """"09:00", "9:00", "09:00:00", "09:00Z", "24:00" → ``time``; ValueError otherwise."""
    match = _TIME.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a time (use HH:MM)")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if (hour, minute, second) == (24, 0, 0):
        return time(0, 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{text!r} is not a time (use HH:MM)")
    return time(hour, minute, second)


def parse_byday(text: str | None) -> tuple[tuple[int | None, int], ...]:
    """"MO,TU" or "1TU,-1FR" → ((None, 0), (None, 1)) / ((1, 1), (-1, 4)); ValueError."""
    days = []
    for token in (text or "").split(","):
        token = token.strip().upper()
        if not token:
            continue
        match = _DAY.match(token)
        if not match:
            raise ValueError(f"{token!r} is not a day code (use MO,TU,WE,TH,FR,SA,SU)")
        days.append((int(match[1]) if match[1] else None, DAY_CODES.index(match[2])))
    return tuple(days)


def parse_monthdays(text: str | None) -> tuple[int, ...]:
    """"1,15,-1" → (1, 15, -1); ValueError for anything outside ±1..31."""
    values = []
    for token in (text or "").split(","):
        token = token.strip()
        if not token:
            continue
        if not re.fullmatch(r"[+-]?\d{1,2}", token) or not 1 <= abs(int(token)) <= 31:
            raise ValueError(f"{token!r} is not a day of the month (use 1-31)")
        values.append(int(token))
    return tuple(values)


def parse_date(value: Any) -> date | None:
    """A ``date``, a ``datetime`` or "YYYY-MM-DD" → ``date``; empty → None; ValueError."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def _field(row: Any, name: str) -> Any:
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name, None)


_BLOCK_FIELDS = ("opens_at", "closes_at", "freq", "byday", "bymonthday", "interval", "dtstart",
                 "valid_from", "valid_to")


def to_block(row: Any) -> Block | None:
    """Parse one schedule row; None when it has no usable days or times. ValueError if bad."""
    if isinstance(row, dict):
        return _parse_block(tuple(row.get(name) for name in _BLOCK_FIELDS))
    return _parse_block(tuple(getattr(row, name, None) for name in _BLOCK_FIELDS))


@lru_cache(maxsize=4096)
def _parse_block(values: tuple) -> Block | None:
    opens, closes, freq, byday, bymonthday, interval, dtstart, valid_from, valid_to = values
    freq = (freq or "WEEKLY").upper()
    if not opens or not closes or freq not in ("WEEKLY", "MONTHLY"):
        return None
    days = parse_byday(byday)
    monthdays = parse_monthdays(bymonthday) if freq == "MONTHLY" else ()
    if not days and not monthdays:
        return None
    return Block(
        days=days, monthdays=monthdays, opens=parse_time(opens), closes=parse_time(closes),
        freq=freq, interval=int(interval or 1), dtstart=parse_date(dtstart),
        valid_from=parse_date(valid_from), valid_to=parse_date(valid_to),
    )


def blocks_of(schedules: Iterable[Any]) -> list[Block]:
    """Usable blocks from ``schedules``; malformed rows are logged and skipped."""
    blocks = []
    for row in schedules or ():
        try:
            block = to_block(row)
        except (TypeError, ValueError) as exc:
            log.warning("skipping schedule %s: %s", _field(row, "id"), exc)
            continue
        if block is not None:
            blocks.append(block)
    return blocks


# --- evaluation ----------------------------------------------------------------------------

def london_now() -> datetime:
    """The current time in Europe/London (aware)."""
    return datetime.now(LONDON)


def is_open(schedules: Iterable[Any], at: datetime) -> bool | None:
    """Whether the service is open at ``at`` (aware datetime); None when no hours are known."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("is_open needs a timezone-aware datetime, e.g. datetime.now(UTC)")
    local = at.astimezone(LONDON)
    day, clock = local.date(), local.time().replace(tzinfo=None)
    blocks = blocks_of(schedules)
    if any(b.covers(day, clock) or b.spills_into(day, clock) for b in blocks):
        return True
    if not any(b.in_force(day) for b in blocks):
        return None
    return False


def not_running(schedules: Iterable[Any], on: date) -> bool:
    """Every schedule the service has is outside its dates on ``on`` — a planned service
    whose hours start later ("from April 2027"), or one whose hours have all ended. False
    when no hours are known: that says nothing either way."""
    blocks = blocks_of(schedules)
    return bool(blocks) and not any(b.in_force(on) for b in blocks)


def next_date_on(weekday: int, today: date) -> date:
    """The first date from ``today`` (included) that falls on ``weekday`` (0 = Monday)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def opens_on(schedules: Iterable[Any], day: date) -> bool:
    """Whether a usable row in force on ``day`` opens that day; False when no hours are
    known (like ``is_open``'s None, a service with unknown hours never counts as open)."""
    return any(b.in_force(day) and b.occurs_on(day) for b in blocks_of(schedules))


# --- description ---------------------------------------------------------------------------

def _clock(value: time, closing: bool = False) -> str:
    if closing and value == time(0, 0):
        return "24:00"
    return f"{value.hour}:{value.minute:02d}"


def _span(block: Block) -> str:
    return f"{_clock(block.opens)}–{_clock(block.closes, closing=True)}"


def _day_runs(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}–{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[d] for d in run)
    return ", ".join(parts)


def _weekly_text(blocks: list[Block]) -> list[str]:
    spans_by_day: dict[int, list[tuple[time, time, int]]] = {}
    for block in blocks:
        for _, weekday in block.days:
            spans_by_day.setdefault(weekday, []).append((block.opens, block.closes, block.interval))
    days_by_spans: dict[tuple, list[int]] = {}
    for weekday in sorted(spans_by_day):
        key = tuple(sorted(set(spans_by_day[weekday])))
        days_by_spans.setdefault(key, []).append(weekday)
    lines = []
    for key, days in sorted(days_by_spans.items(), key=lambda item: item[1][0]):
        spans = ", ".join(f"{_clock(o)}–{_clock(c, closing=True)}" for o, c, _ in key)
        every = max(interval for _, _, interval in key)
        suffix = f" (every {every} weeks)" if every > 1 else ""
        lines.append(f"{_day_runs(days)} {spans}{suffix}")
    return lines


def _ordinal(n: int) -> str:
    if n == -1:
        return "last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _monthly_text(block: Block) -> str:
    if block.days:
        days = " and ".join(
            f"{_ordinal(n) + ' ' if n else ''}{DAY_NAMES[wd]}" for n, wd in block.days
        )
        return f"{days} of the month {_span(block)}"
    numbers = ", ".join(_ordinal(d) for d in block.monthdays)
    return f"{numbers} of the month {_span(block)}"


def describe_hours(schedules: Iterable[Any], on: date | None = None) -> str:
    """Readable hours, e.g. "Mon–Fri 9:00–17:00; Sat 10:00–13:00".

    Consecutive days with the same hours are grouped; several blocks on one day are listed
    together ("Tue 9:30–12:30, 13:30–16:30"). With ``on``, only rows in force that day count.
    Rows without usable times fall back to their ``description`` text; "" when nothing is known.
    """
    rows = list(schedules or ())
    blocks = [b for b in blocks_of(rows) if on is None or b.in_force(on)]
    weekly = [b for b in blocks if b.freq == "WEEKLY"]
    monthly = [b for b in blocks if b.freq == "MONTHLY"]
    parts = _weekly_text(weekly) + [_monthly_text(b) for b in monthly]
    if parts:
        return "; ".join(parts)
    texts = [str(_field(r, "description")).strip() for r in rows if _field(r, "description")]
    return "; ".join(dict.fromkeys(texts))
