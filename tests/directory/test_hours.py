"""Opening hours in Europe/London, daylight saving included."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.directory.hours import (
    LONDON,
    UTC,
    describe_hours,
    is_open,
    parse_byday,
    parse_time,
)

WEEKDAYS = {"id": "w", "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU",
            "opens_at": "09:00", "closes_at": "17:00"}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def row(byday: str, opens: str, closes: str, **extra: object) -> dict:
    return {"id": f"{byday}{opens}", "freq": "WEEKLY", "byday": byday, "opens_at": opens,
            "closes_at": closes, **extra}


# --- daylight saving -----------------------------------------------------------------------

def test_spring_forward_0830_utc_is_0930_bst_and_open() -> None:
    assert is_open([WEEKDAYS], utc(2026, 3, 29, 8, 30)) is True


def test_day_before_spring_forward_0830_utc_is_0830_gmt_and_closed() -> None:
    assert is_open([WEEKDAYS], utc(2026, 3, 28, 8, 30)) is False


def test_autumn_back_closing_time_moves_in_utc() -> None:
    # 25 Oct 2026 clocks go back: 17:00 local is 16:00 UTC the day before, 17:00 UTC on the day.
    assert is_open([WEEKDAYS], utc(2026, 10, 24, 16, 30)) is False  # 17:30 BST
    assert is_open([WEEKDAYS], utc(2026, 10, 25, 16, 30)) is True  # 16:30 GMT
    assert is_open([WEEKDAYS], utc(2026, 10, 25, 8, 30)) is False  # 08:30 GMT


def test_any_timezone_is_converted_to_london() -> None:
    new_york = ZoneInfo("America/New_York")
    assert is_open([WEEKDAYS], datetime(2026, 7, 1, 4, 30, tzinfo=new_york)) is True  # 09:30
    assert is_open([WEEKDAYS], datetime(2026, 7, 1, 3, 30, tzinfo=new_york)) is False  # 08:30


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open([WEEKDAYS], datetime(2026, 7, 1, 10, 0))


# --- blocks, days and midnight ---------------------------------------------------------------

def test_several_blocks_on_one_day() -> None:
    rows = [row("TU", "09:30", "12:30"), row("TU", "13:30", "16:30")]
    tuesday = datetime(2026, 6, 2, tzinfo=LONDON)
    assert is_open(rows, tuesday.replace(hour=10)) is True
    assert is_open(rows, tuesday.replace(hour=13)) is False  # lunch
    assert is_open(rows, tuesday.replace(hour=14)) is True
    assert is_open(rows, tuesday.replace(hour=16, minute=30)) is False  # closing is exclusive
    assert is_open(rows, tuesday.replace(hour=9, minute=30)) is True  # opening is inclusive


def test_byday_limits_the_days() -> None:
    rows = [row("MO,WE", "09:00", "17:00")]
    assert is_open(rows, datetime(2026, 6, 1, 12, tzinfo=LONDON)) is True  # Monday
    assert is_open(rows, datetime(2026, 6, 2, 12, tzinfo=LONDON)) is False  # Tuesday


def test_just_before_and_at_midnight() -> None:
    rows = [row("FR", "09:00", "00:00")]  # until midnight
    assert is_open(rows, datetime(2026, 6, 5, 23, 59, tzinfo=LONDON)) is True
    assert is_open(rows, datetime(2026, 6, 6, 0, 0, tzinfo=LONDON)) is False


def test_block_running_past_midnight_counts_on_the_next_morning() -> None:
    rows = [row("FR", "22:00", "02:00")]
    assert is_open(rows, datetime(2026, 6, 5, 23, 0, tzinfo=LONDON)) is True  # Friday night
    assert is_open(rows, datetime(2026, 6, 6, 1, 30, tzinfo=LONDON)) is True  # Saturday 01:30
    assert is_open(rows, datetime(2026, 6, 6, 2, 0, tzinfo=LONDON)) is False
    assert is_open(rows, datetime(2026, 6, 5, 1, 30, tzinfo=LONDON)) is False  # Thursday night


def test_utc_midnight_is_london_one_in_the_morning_in_summer() -> None:
    rows = [row("SA", "00:30", "02:00")]
    assert is_open(rows, utc(2026, 6, 5, 23, 45)) is True  # 00:45 BST Saturday
    assert is_open(rows, utc(2026, 12, 4, 23, 45)) is False  # 23:45 GMT Friday


def test_seconds_and_utc_suffix_are_accepted() -> None:
    rows = [row("MO", "09:00:00", "17:00:00Z")]
    assert is_open(rows, datetime(2026, 6, 1, 16, 59, tzinfo=LONDON)) is True


# --- validity dates -----------------------------------------------------------------------------

def test_valid_from_and_valid_to_are_inclusive_local_dates() -> None:
    rows = [row("MO,TU,WE,TH,FR,SA,SU", "09:00", "17:00", valid_from="2026-04-01",
                valid_to="2026-04-30")]
    assert is_open(rows, datetime(2026, 4, 1, 9, 0, tzinfo=LONDON)) is True
    assert is_open(rows, datetime(2026, 4, 30, 16, 59, tzinfo=LONDON)) is True
    assert is_open(rows, datetime(2026, 3, 31, 12, tzinfo=LONDON)) is None
    assert is_open(rows, datetime(2026, 5, 1, 12, tzinfo=LONDON)) is None


def test_validity_uses_the_london_date_not_the_utc_date() -> None:
    rows = [row("MO,TU,WE,TH,FR,SA,SU", "00:00", "02:00", valid_from="2026-06-02")]
    # 23:30 UTC on 1 June is 00:30 BST on 2 June: in force and open.
    assert is_open(rows, utc(2026, 6, 1, 23, 30)) is True


def test_seasonal_row_with_regular_rows() -> None:
    rows = [row("MO", "09:00", "17:00"),
            row("SA", "10:00", "13:00", valid_from="2026-06-01", valid_to="2026-08-31")]
    assert is_open(rows, datetime(2026, 7, 4, 11, tzinfo=LONDON)) is True  # summer Saturday
    assert is_open(rows, datetime(2026, 9, 5, 11, tzinfo=LONDON)) is False  # autumn Saturday


def test_no_schedule_means_unknown() -> None:
    assert is_open([], utc(2026, 6, 1, 12)) is None
    assert is_open([{"id": "x", "description": "By appointment"}], utc(2026, 6, 1, 12)) is None


# --- monthly and fortnightly ---------------------------------------------------------------------

def test_first_wednesday_of_the_month() -> None:
    rows = [{"id": "m", "freq": "MONTHLY", "byday": "1WE", "opens_at": "10:30",
             "closes_at": "12:30"}]
    assert is_open(rows, datetime(2026, 7, 1, 11, tzinfo=LONDON)) is True  # 1st Wed
    assert is_open(rows, datetime(2026, 7, 8, 11, tzinfo=LONDON)) is False  # 2nd Wed
    assert describe_hours(rows) == "1st Wed of the month 10:30–12:30"


def test_last_friday_of_the_month() -> None:
    rows = [{"id": "m", "freq": "MONTHLY", "byday": "-1FR", "opens_at": "14:00",
             "closes_at": "16:00"}]
    assert is_open(rows, datetime(2026, 7, 31, 15, tzinfo=LONDON)) is True
    assert is_open(rows, datetime(2026, 7, 24, 15, tzinfo=LONDON)) is False


def test_every_other_week_from_dtstart() -> None:
    rows = [row("TH", "10:00", "12:00", interval=2, dtstart="2026-06-04")]
    thursday = datetime(2026, 6, 4, 11, tzinfo=LONDON)
    assert is_open(rows, thursday) is True
    assert is_open(rows, thursday + timedelta(days=7)) is False
    assert is_open(rows, thursday + timedelta(days=14)) is True


# --- describe_hours ----------------------------------------------------------------------------

def test_describe_groups_consecutive_days() -> None:
    rows = [row("MO,TU,WE,TH,FR", "09:00", "17:00"), row("SA", "10:00", "13:00")]
    assert describe_hours(rows) == "Mon–Fri 9:00–17:00; Sat 10:00–13:00"


def test_describe_lists_two_blocks_on_one_day() -> None:
    rows = [row("TU", "09:30", "12:30"), row("TU", "13:30", "16:30")]
    assert describe_hours(rows) == "Tue 9:30–12:30, 13:30–16:30"


def test_describe_splits_days_with_different_hours() -> None:
    rows = [row("MO,TU,WE,FR", "09:00", "17:00"), row("TH", "09:00", "19:00")]
    assert describe_hours(rows) == "Mon–Wed, Fri 9:00–17:00; Thu 9:00–19:00"


def test_describe_two_days_are_listed_not_ranged() -> None:
    assert describe_hours([row("SA,SU", "10:00", "16:00")]) == "Sat, Sun 10:00–16:00"


def test_describe_midnight_closing_and_description_fallback() -> None:
    assert describe_hours([row("FR", "18:00", "00:00")]) == "Fri 18:00–24:00"
    assert describe_hours([{"id": "x", "description": "By appointment"}]) == "By appointment"
    assert describe_hours([]) == ""


def test_describe_on_a_date_drops_rows_not_in_force() -> None:
    rows = [row("MO", "09:00", "17:00"),
            row("SA", "10:00", "13:00", valid_from="2026-06-01", valid_to="2026-08-31")]
    assert describe_hours(rows, on=date(2026, 7, 1)) == "Mon 9:00–17:00; Sat 10:00–13:00"
    assert describe_hours(rows, on=date(2026, 9, 1)) == "Mon 9:00–17:00"


# --- parsing -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["9am", "25:00", "12:60", "", "09-00"])
def test_bad_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_time(text)


def test_byday_with_ordinals() -> None:
    assert parse_byday("MO, 2TU,-1fr") == ((None, 0), (2, 1), (-1, 4))
    with pytest.raises(ValueError, match="not a day code"):
        parse_byday("Monday")
