"""find_services / get_service on the six fixture services (see oruk_factories)."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from bot.directory.hours import UTC
from bot.directory.importer import import_payload
from bot.directory.search import (
    ServiceQuery,
    UnknownFilter,
    UnknownPlace,
    find_services,
    get_service,
)
from directory.oruk_factories import (
    TUESDAY_1030,
    TUESDAY_1230,
    envelope,
    location,
    schedule,
    service,
    uid,
    virtual_location,
)

CONTRACT_KEYS = {
    "id", "name", "categories", "description", "phone", "email", "url", "address", "postcode",
    "opening_hours", "open_now", "languages", "accessibility", "distance_km",
    "machine_translated", "sample_data", "note", "organization",
}


def names(session: Session, now: datetime = TUESDAY_1030, **query: object) -> list[str]:
    result = find_services(session, ServiceQuery(**query), now=now)
    return [s["name"] for s in result.services]


def test_only_active_services_are_found(directory: Session) -> None:
    result = find_services(directory, ServiceQuery(limit=50), now=TUESDAY_1030)
    assert result.total == 5
    assert "Old Interpreting Service" not in [s["name"] for s in result.services]


def test_category_ranks_primary_before_secondary_then_open_then_name(directory: Session) -> None:
    assert names(directory, category="interpreting") == [
        "Civic Centre Interpreting",  # primary, open
        "Wealdstone Language Link",  # primary, closed
        "Interpreting by phone",  # primary, hours unknown
        "Pinner Conversation Café",  # interpreting is only its second category
    ]


def test_category_matches_secondary_categories(directory: Session) -> None:
    assert names(directory, category="accessible_information") == ["Civic Centre Interpreting"]
    assert names(directory, category="carers") == []


def test_language_filter(directory: Session) -> None:
    assert names(directory, language="ta") == [
        "Civic Centre Interpreting", "Pinner Conversation Café", "Wealdstone Language Link",
    ]
    assert names(directory, language="Tamil") == names(directory, language="ta")
    assert names(directory, language="ar") == ["Interpreting by phone"]
    assert names(directory, language="xx") == []


def test_english_is_spoken_everywhere(directory: Session) -> None:
    result = find_services(directory, ServiceQuery(language="en", limit=50), now=TUESDAY_1030)
    assert result.total == 5
    assert all(s["languages"][0] == "en" for s in result.services)


@pytest.mark.parametrize("access, expected", [
    (("wheelchair",), ["Civic Centre Interpreting", "Stanmore Advocacy",
                       "Wealdstone Language Link"]),
    (("hearing_loop",), ["Civic Centre Interpreting", "Pinner Conversation Café"]),
    (("bsl",), ["Civic Centre Interpreting"]),
    (("easy_read",), ["Stanmore Advocacy"]),
    (("accessible_toilet",), ["Stanmore Advocacy"]),
    (("wheelchair", "hearing_loop"), ["Civic Centre Interpreting"]),
    (("wheelchair", "easy_read", "bsl"), []),
])
def test_access_needs_must_all_be_met(directory: Session, access: tuple[str, ...],
                                      expected: list[str]) -> None:
    assert names(directory, access=access, limit=50) == expected


def test_negated_access_text_does_not_count(directory: Session) -> None:
    cafe = get_service(directory, uid("service", "cafe"), now=TUESDAY_1030)
    assert cafe["accessibility"] == ["hearing loop"]  # "No step-free access, but ... loop"


def test_near_postcode_orders_by_distance(directory: Session) -> None:
    result = find_services(directory, ServiceQuery(category="interpreting", near="ha5 3xx"),
                           now=TUESDAY_1030)
    found = [(s["name"], s["distance_km"]) for s in result.services]
    assert found == [
        ("Pinner Conversation Café", 0.1),
        ("Wealdstone Language Link", 3.0),
        ("Civic Centre Interpreting", 3.2),
        ("Interpreting by phone", None),  # no physical location: last
    ]
    assert (result.place.label, result.place.precision) == ("HA5 3XX", "sector")


def test_near_area_name(directory: Session) -> None:
    result = find_services(directory, ServiceQuery(near="stanmore", limit=2), now=TUESDAY_1030)
    assert [s["name"] for s in result.services] == ["Stanmore Advocacy",
                                                    "Wealdstone Language Link"]
    assert result.services[0]["distance_km"] == 0.0
    assert result.total == 5


def test_distance_beats_primary_category(directory: Session) -> None:
    # Near Pinner the café (secondary interpreting) comes first; without near it is last.
    assert names(directory, category="interpreting", near="Pinner")[0] == \
        "Pinner Conversation Café"
    assert names(directory, category="interpreting")[-1] == "Pinner Conversation Café"


def test_unknown_place_names_the_text(directory: Session) -> None:
    with pytest.raises(UnknownPlace) as error:
        find_services(directory, ServiceQuery(near="Narnia"), now=TUESDAY_1030)
    assert error.value.text == "Narnia"
    assert "Narnia" in str(error.value)


def test_open_now(directory: Session) -> None:
    assert names(directory, open_now=True) == [
        "Civic Centre Interpreting", "Pinner Conversation Café", "Stanmore Advocacy",
    ]
    assert names(directory, open_now=True, now=TUESDAY_1230) == [
        "Civic Centre Interpreting", "Stanmore Advocacy",  # the café is on its lunch break
    ]


def test_open_now_uses_london_time(directory: Session) -> None:
    # 08:30 UTC on 31 March is 09:30 BST: open. The same UTC time in February is 08:30 GMT.
    assert "Stanmore Advocacy" in names(
        directory, open_now=True, now=datetime(2026, 3, 31, 8, 30, tzinfo=UTC))
    assert names(directory, open_now=True,
                 now=datetime(2026, 2, 3, 8, 30, tzinfo=UTC)) == []


def test_combined_filters(directory: Session) -> None:
    assert names(directory, category="interpreting", language="ta", access=("wheelchair",),
                 near="HA5", open_now=True) == ["Civic Centre Interpreting"]
    assert names(directory, category="interpreting", language="ta", access=("wheelchair",),
                 near="HA5") == ["Wealdstone Language Link", "Civic Centre Interpreting"]


def test_limit_keeps_the_total(directory: Session) -> None:
    result = find_services(directory, ServiceQuery(category="interpreting", limit=2),
                           now=TUESDAY_1030)
    assert (len(result.services), result.total) == (2, 4)
    assert find_services(directory, ServiceQuery(limit=0), now=TUESDAY_1030).services == []


def test_ties_are_broken_by_name_then_id(session: Session) -> None:
    twins = [service(f"twin{i}", "Carers Drop-in", categories=("carers",)) for i in range(3)]
    import_payload(session, twins[::-1])
    expected = sorted(t["id"] for t in twins)
    for _ in range(3):
        result = find_services(session, ServiceQuery(category="carers"), now=TUESDAY_1030)
        assert [s["id"] for s in result.services] == expected


def test_unknown_category_or_access_code_is_a_caller_error(directory: Session) -> None:
    with pytest.raises(UnknownFilter, match="unknown category 'housing'"):
        find_services(directory, ServiceQuery(category="housing"))
    with pytest.raises(UnknownFilter, match="unknown access need 'lift'"):
        find_services(directory, ServiceQuery(access=("lift",)))


def test_naive_now_is_refused(directory: Session) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        find_services(directory, ServiceQuery(), now=datetime(2026, 3, 31, 10, 30))


# --- the contract dict ---------------------------------------------------------------------

def test_contract_dict(directory: Session) -> None:
    civic = get_service(directory, uid("service", "civic"), now=TUESDAY_1030)
    assert set(civic) == CONTRACT_KEYS
    assert civic == {
        "id": uid("service", "civic"),
        "name": "Civic Centre Interpreting",
        "categories": ["interpreting", "accessible_information"],
        "description": "Civic Centre Interpreting helps residents.",
        "phone": "020 7946 0001",
        "email": "council@example.org",  # the service has none: the organization's
        "url": "https://council.example.org",
        "address": "Station Road, Harrow",
        "postcode": "HA1 2XY",  # stored as "ha1 2xy"
        "opening_hours": "Mon–Fri 9:00–17:00",
        "open_now": True,
        "languages": ["en", "gu", "ro", "ta"],
        "accessibility": ["wheelchair access", "hearing loop", "BSL", "video interpreting"],
        "distance_km": None,
        "machine_translated": False,
        "sample_data": True,
        "note": "",  # the sample sentence of its alert: sample_data says it
        "organization": "Test Borough Council",
    }


def test_phone_and_email_fall_back_to_contacts_and_locations(directory: Session) -> None:
    advocacy = get_service(directory, uid("service", "advocacy"), now=TUESDAY_1030)
    assert (advocacy["phone"], advocacy["email"]) == ("020 7946 0003", "advocacy@example.org")
    cafe = get_service(directory, uid("service", "cafe"), now=TUESDAY_1030)
    assert cafe["phone"] == "020 7946 0002"  # from its location
    assert cafe["opening_hours"] == "Tue 10:00–12:00, 13:00–15:00"  # service_at_location rows
    assert cafe["sample_data"] is False and cafe["note"] == ""


def test_service_without_hours_or_address(directory: Session) -> None:
    line = get_service(directory, uid("service", "phoneline"), now=TUESDAY_1030)
    assert (line["open_now"], line["opening_hours"], line["address"], line["postcode"]) == \
        (None, "", "", "")
    assert line["languages"] == ["en", "ar", "ur"]


def test_get_service_hides_inactive_unless_asked(directory: Session) -> None:
    closed = uid("service", "closed")
    assert get_service(directory, closed) is None
    assert get_service(directory, closed, active_only=False)["name"] == \
        "Old Interpreting Service"
    assert get_service(directory, "no-such-id") is None


def test_nearest_of_several_locations_gives_address_and_hours(session: Session) -> None:
    north = location("north", 51.6190, -0.3030, "HA7 1AA", "North Road", "Stanmore")
    south = location("south", 51.5720, -0.3370, "HA1 3AA", "South Hill", "Harrow")
    record = service("twosites", "Two Sites", categories=("carers",), sites=(north, south))
    record["service_at_locations"][1]["schedules"] = [schedule("south", "TU", "09:00", "17:00")]
    import_payload(session, record)
    far = find_services(session, ServiceQuery(near="Stanmore"), now=TUESDAY_1030).services[0]
    near = find_services(session, ServiceQuery(near="Harrow on the Hill"),
                         now=TUESDAY_1030).services[0]
    assert (far["address"], far["distance_km"], far["open_now"]) == \
        ("North Road, Stanmore", 0.0, None)
    assert (near["address"], near["distance_km"], near["open_now"]) == \
        ("South Hill, Harrow", 0.0, True)


def test_a_service_not_running_yet_comes_after_running_ones_however_near(
        session: Session) -> None:
    # The planned van of the bundled directory stops in Pinner "from April 2027": near Pinner
    # it was listed first, before services a resident can go to today.
    near = location("van-stop", 51.5935, -0.3810, "HA5 3AA", "Bridge Street", "Pinner")
    far = location("hall", 51.6190, -0.3030, "HA7 4AA", "The Broadway", "Stanmore")
    planned = service("van", "Planned van", categories=("conversation_cafe",), sites=(near,),
                      site_schedules=(schedule("van", "MO", "10:00", "14:00",
                                               valid_from="2026-06-01"),))
    ended = service("pilot", "Ended pilot", categories=("conversation_cafe",), sites=(near,),
                    schedules=(schedule("pilot", "TU", "10:00", "14:00",
                                        valid_to="2026-01-31"),))
    running = service("hall", "Stanmore café", categories=("conversation_cafe",), sites=(far,),
                      schedules=(schedule("hall", "WE", "10:00", "14:00"),))
    unknown = service("phone", "Café by phone", categories=("conversation_cafe",),
                      sites=(virtual_location("cafe-phone"),))
    assert import_payload(session, envelope([planned, ended, running, unknown])).errors == []
    result = find_services(session, ServiceQuery(category="conversation_cafe", near="Pinner"),
                           now=TUESDAY_1030)
    assert [s["name"] for s in result.services] == [
        "Stanmore café", "Café by phone", "Ended pilot", "Planned van"]
    # once its dates come, the van is a service like any other: nearest first again
    summer = find_services(session, ServiceQuery(category="conversation_cafe", near="Pinner"),
                           now=datetime(2026, 6, 2, 9, 30, tzinfo=UTC))
    assert summer.services[0]["name"] == "Planned van"
