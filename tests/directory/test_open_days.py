""""Open on Saturday": services whose hours include the next such day (London, today included)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from bot.directory.hours import UTC, next_date_on, opens_on
from bot.directory.importer import import_payload
from bot.directory.search import ServiceQuery, UnknownFilter, find_services
from directory.oruk_factories import (
    TUESDAY_1030,
    envelope,
    location,
    schedule,
    service,
)

SATURDAY, MONDAY = 5, 0
# Saturday 4 April 2026, 18:00 BST: after every fixture service has closed for the day
SATURDAY_EVENING = datetime(2026, 4, 4, 17, 0, tzinfo=UTC)


def names(session: Session, now: datetime = TUESDAY_1030, **query: object) -> list[str]:
    return [s["name"] for s in find_services(session, ServiceQuery(limit=50, **query),
                                             now=now).services]


def row(byday: str, **extra: object) -> dict:
    return {"id": byday, "freq": "WEEKLY", "byday": byday, "opens_at": "10:00",
            "closes_at": "13:00", **extra}


def test_the_next_such_day_counts_today() -> None:
    tuesday, saturday = date(2026, 3, 31), date(2026, 4, 4)
    assert next_date_on(SATURDAY, tuesday) == saturday
    assert next_date_on(SATURDAY, saturday) == saturday
    assert next_date_on(MONDAY, saturday) == date(2026, 4, 6)


def test_opens_on_a_day_needs_a_block_that_day_in_force() -> None:
    saturday, monday = date(2026, 4, 4), date(2026, 4, 6)
    assert opens_on([row("SA")], saturday) is True
    assert opens_on([row("SA")], monday) is False
    assert opens_on([row("SA", valid_from="2026-04-11")], saturday) is False
    assert opens_on([], saturday) is False  # no hours known
    assert opens_on([{"id": "x", "description": "By appointment"}], saturday) is False
    first_wednesday = {"id": "m", "freq": "MONTHLY", "byday": "1WE", "opens_at": "10:30",
                       "closes_at": "12:30"}
    assert opens_on([first_wednesday], date(2026, 7, 1)) is True
    assert opens_on([first_wednesday], date(2026, 7, 8)) is False


def test_a_saturday_only_service_is_open_on_saturday_not_monday(directory: Session) -> None:
    assert names(directory, open_days=("SA",)) == ["Wealdstone Language Link"]
    assert names(directory, open_days=("MO",)) == ["Civic Centre Interpreting",
                                                   "Stanmore Advocacy"]
    assert "Pinner Conversation Café" in names(directory, open_days=("TU",))  # its site's hours
    assert names(directory, open_days=("SU",)) == []
    # the weekend: open on either day
    assert names(directory, open_days=("SA", "SU")) == ["Wealdstone Language Link"]


def test_a_service_with_unknown_hours_is_never_open_on_a_day(directory: Session) -> None:
    every_day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    assert "Interpreting by phone" in names(directory, category="interpreting")
    assert "Interpreting by phone" not in names(directory, open_days=every_day)


def test_today_counts_even_after_closing_time(directory: Session) -> None:
    assert names(directory, now=SATURDAY_EVENING, open_days=("SA",)) == [
        "Wealdstone Language Link"]
    assert names(directory, now=SATURDAY_EVENING, open_days=("SA",), open_now=True) == []


def test_hours_not_yet_or_no_longer_in_force_on_that_day_do_not_count(session: Session) -> None:
    starting = service("club", "Saturday club", categories=("community_groups",),
                       schedules=(schedule("club", "SA", "10:00", "13:00",
                                           valid_from="2026-04-11"),))
    ending = service("pilot", "Saturday pilot", categories=("community_groups",),
                     schedules=(schedule("pilot", "SA", "10:00", "13:00",
                                         valid_to="2026-04-04"),))
    assert import_payload(session, envelope([starting, ending])).errors == []
    # from Tuesday 31 March the next Saturday is 4 April: the club has not started yet
    assert names(session, open_days=("SA",)) == ["Saturday pilot"]
    # from Tuesday 7 April it is 11 April: the club's first day, and the pilot has ended
    assert names(session, now=datetime(2026, 4, 7, 9, 30, tzinfo=UTC),
                 open_days=("SA",)) == ["Saturday club"]


def test_the_shown_locations_hours_are_the_ones_that_count(session: Session) -> None:
    north = location("north", 51.6190, -0.3030, "HA7 1AA", "North Road", "Stanmore")
    south = location("south", 51.5720, -0.3370, "HA1 3AA", "South Hill", "Harrow")
    record = service("twosites", "Two Sites", categories=("carers",), sites=(north, south))
    record["service_at_locations"][1]["schedules"] = [schedule("south", "TU", "09:00", "17:00")]
    import_payload(session, record)
    assert names(session, near="Harrow on the Hill", open_days=("TU",)) == ["Two Sites"]
    assert names(session, near="Stanmore", open_days=("TU",)) == []


def test_the_london_date_decides_which_saturday_is_next(session: Session) -> None:
    ending = service("pilot", "Saturday pilot", categories=("community_groups",),
                     schedules=(schedule("pilot", "SA", "10:00", "13:00",
                                         valid_to="2026-04-04"),))
    assert import_payload(session, envelope([ending])).errors == []
    # 22:30 UTC on Saturday 4 April is 23:30 BST, still the pilot's last Saturday; an hour
    # later it is Sunday in London, and the next Saturday (the 11th) is after it ended
    assert names(session, now=datetime(2026, 4, 4, 22, 30, tzinfo=UTC),
                 open_days=("SA",)) == ["Saturday pilot"]
    assert names(session, now=datetime(2026, 4, 4, 23, 30, tzinfo=UTC), open_days=("SA",)) == []


def test_an_unknown_day_code_is_a_caller_error(directory: Session) -> None:
    with pytest.raises(UnknownFilter, match="unknown day 'XX'"):
        find_services(directory, ServiceQuery(open_days=("XX",)), now=TUESDAY_1030)
