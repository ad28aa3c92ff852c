"""Residents' callback and interpreter requests: validation, consent, storage, staff CLI,
CSV export and retention (issue 5). Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest

from bot import requests as help_requests
from bot.directory.models import HelpRequest
from bot.requests import NewRequest, RequestError, email_address, store_request, uk_phone

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def callback(**changes) -> NewRequest:
    fields = {"kind": "callback", "first_name": "Amina", "conversation_language": "ur",
              "consent": True, "phone": "07700 900123", "best_time": "mornings",
              "call_language": "ur", "interpreter_needed": False, "need_category": "carers"}
    fields.update(changes)
    return NewRequest(**fields)


@pytest.mark.parametrize("given, national", [
    ("07700 900123", "07700900123"), ("+44 7700 900123", "07700900123"),
    ("(020) 7946-0123", "02079460123"), ("0044 20 7946 0123", "02079460123"),
    ("01632 960 001", "01632960001"),
])
def test_uk_phone_numbers_are_accepted_in_the_ways_people_write_them(given, national):
    assert uk_phone(given) == national


@pytest.mark.parametrize("given", ["999", "116 123", "+33 1 23 45 67 89", "07700 9001",
                                   "0800 abc 123", "077009001234567", ""])
def test_anything_else_is_not_a_uk_phone_number(given):
    assert uk_phone(given) is None


def test_email_addresses():
    assert email_address(" amina.k+care@example.co.uk ") == "amina.k+care@example.co.uk"
    for bad in ("amina@", "amina@example", "a b@example.org", "x" * 250 + "@example.org"):
        assert email_address(bad) is None


def test_a_request_is_stored_with_a_reference(session):
    row = store_request(session, callback(), now=NOW)
    assert row.reference.startswith("HSA-") and len(row.reference) == 10
    stored = session.get(HelpRequest, row.id)
    assert stored.phone == "07700900123" and stored.status == "open"
    assert help_requests.get_request(session, row.reference.lower()).id == row.id


@pytest.mark.parametrize("change, problem", [
    ({"consent": False}, "consent"), ({"phone": None, "email": None}, "phone number or"),
    ({"phone": "12345"}, "UK number"), ({"email": "nope", "phone": None}, "email"),
    ({"first_name": "  "}, "first name"), ({"kind": "letter"}, "kind"),
    ({"call_language": "Urdu!"}, "language code"), ({"need_category": "pizza"}, "need"),
    ({"kind": "interpreter", "interpreter_language": None}, "language"),
])
def test_invalid_or_unconsented_requests_store_nothing(session, change, problem):
    with pytest.raises(RequestError, match=problem):
        store_request(session, callback(**change))
    assert session.query(HelpRequest).count() == 0


def test_staff_find_requests_by_type_language_and_age(session):
    old = store_request(session, callback(), now=NOW - timedelta(days=3))
    store_request(session, callback(call_language="ro", conversation_language="ro",
                                    first_name="Ion"), now=NOW)
    bsl = store_request(session, NewRequest(
        kind="interpreter", first_name="Sam", conversation_language="en", consent=True,
        email="sam@example.org", interpreter_language="bsl", appointment_date=date(2026, 12, 3),
        appointment_mode="face_to_face"), now=NOW)
    names = lambda rows: sorted(r.first_name for r in rows)
    assert names(help_requests.find_requests(session)) == ["Amina", "Ion", "Sam"]
    assert names(help_requests.find_requests(session, kind="interpreter")) == ["Sam"]
    assert names(help_requests.find_requests(session, language="ur")) == ["Amina"]
    assert names(help_requests.find_requests(session, language="bsl")) == ["Sam"]
    assert names(help_requests.find_requests(session, older_than_days=2, now=NOW)) == ["Amina"]
    assert bsl.interpreter_needed is True
    help_requests.close_request(session, old.reference, now=NOW)
    assert names(help_requests.find_requests(session)) == ["Ion", "Sam"]
    assert names(help_requests.find_requests(session, status=None)) == ["Amina", "Ion", "Sam"]


def test_purge_deletes_only_requests_closed_past_retention(session):
    closed_long_ago = store_request(session, callback(), now=NOW - timedelta(days=60))
    closed_recently = store_request(session, callback(first_name="B"), now=NOW)
    still_open = store_request(session, callback(first_name="C"), now=NOW - timedelta(days=90))
    help_requests.close_request(session, closed_long_ago.reference, now=NOW - timedelta(days=31))
    help_requests.close_request(session, closed_recently.reference, now=NOW - timedelta(days=29))
    assert help_requests.purge_closed_requests(session, 30, now=NOW) == 1
    left = {r.reference for r in session.query(HelpRequest)}
    assert left == {closed_recently.reference, still_open.reference}


def test_csv_export_is_safe_to_open_in_a_spreadsheet(session):
    store_request(session, callback(first_name="=HYPERLINK(\"http://x\")"), now=NOW)
    rows = list(csv.reader(io.StringIO(help_requests.requests_csv(
        help_requests.find_requests(session)))))
    assert rows[0][:3] == ["reference", "kind", "status"]
    assert rows[1][rows[0].index("first_name")].startswith("'=")
    assert rows[1][rows[0].index("phone")] == "07700900123"


def test_staff_cli_lists_shows_closes_and_exports(session, monkeypatch, capsys, tmp_path):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", str(session.get_bind().url.render_as_string(
        hide_password=False)))
    row = store_request(session, callback(), now=NOW)
    session.close()
    assert main(["requests", "list"]) == 0
    out = capsys.readouterr().out
    assert row.reference in out and "Amina" in out and "1 requests" in out
    assert main(["requests", "show", row.reference]) == 0
    assert "phone: 07700900123" in capsys.readouterr().out
    assert main(["requests", "export", str(tmp_path / "r.csv")]) == 0
    assert row.reference in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert main(["requests", "done", row.reference]) == 0
    capsys.readouterr()
    assert main(["requests", "list"]) == 0
    assert "0 requests" in capsys.readouterr().out
    assert main(["requests", "done", "HSA-NOPE00"]) == 2
    assert capsys.readouterr().err.startswith("error: no request")
