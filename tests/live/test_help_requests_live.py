"""Asking for a person, end to end over REST with the real servers (issue 5): a callback in
English and one in Arabic (right to left), consent refused, an interpreter booking, and no
phone number or email left in the conversation store (read directly)."""
from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, text

from tests.live.conftest import ARTIFACTS, Resident

CALLBACK = '/human_handoff{"request_kind": "callback"}'
INTERPRETER = '/need_interpreting{"request_kind": "interpreter"}'


def _payloads(replies):
    return [b["payload"] for r in replies for b in r.get("buttons", [])]


def _text(replies):
    return "\n".join(r.get("text", "") for r in replies)


def _requests(servers, **where):
    engine = create_engine(servers.directory_url)
    clause = " AND ".join(f"{k} = :{k}" for k in where) or "1=1"
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM help_request WHERE {clause}"),
                                  where).mappings().all()
    engine.dispose()
    return rows


def _stored_conversation(sender):
    with sqlite3.connect(ARTIFACTS / "tracker.db") as db:
        return "\n".join(r[0] for r in db.execute(
            "SELECT data FROM events WHERE sender_id = ?", (sender,)))


def test_a_callback_in_english_from_asking_for_a_person(servers):
    resident = Resident(servers.webhook)
    offer = resident.say("can I talk to a real person please")
    assert CALLBACK in _payloads(offer)  # the offer is a button
    consent = resident.say(CALLBACK)
    assert "deleted 30 days" in _text(consent) and _payloads(consent) == ["yes", "no"]
    assert "first name" in _text(resident.say("yes"))
    assert "phone number or email" in _text(resident.say("Amina"))
    bad = resident.say("my number is secret")
    assert "doesn't look like a UK phone number" in _text(bad)
    assert "best time" in _text(resident.say("07700 900123"))
    assert "lang:en" in _payloads(resident.say("time:morning"))
    resident.say("lang:en")
    need = resident.say("no")
    assert "need:carers" in _payloads(need)
    summary = resident.say("need:carers")
    assert "Amina" in _text(summary) and "ending 123" in _text(summary)
    assert "Amina" not in _stored_conversation(resident.sender)  # shown, never stored
    assert "900123" not in _text(summary)
    done = resident.say("send")
    [row] = _requests(servers, conversation_id=resident.sender)
    assert row["reference"] in _text(done) and row["status"] == "open"
    assert (row["first_name"], row["phone"], row["need_category"], row["call_language"]) == \
        ("Amina", "07700900123", "carers", "en")
    stored = _stored_conversation(resident.sender)
    assert "07700" not in stored and "900123" not in stored and "[phone]" in stored


def test_a_callback_in_arabic_is_right_to_left_and_in_arabic(servers):
    resident = Resident(servers.webhook, metadata={"language": "ar"})
    offer = resident.say("أريد أن أتكلم مع موظف في البلدية")
    assert CALLBACK in _payloads(offer)
    consent = resident.say(CALLBACK)
    assert consent[0]["custom"] == {"type": "text", "language": "ar", "dir": "rtl"}
    for answer in ("نعم", "أمينة", "amina.k@example.org", "time:any", "lang:ar", "لا",
                   "need:interpreting"):
        replies = resident.say(answer)
        assert replies and all(r.get("custom", {}).get("dir") == "rtl" for r in replies), \
            (answer, replies)
    done = resident.say("send")
    [row] = _requests(servers, conversation_id=resident.sender)
    assert row["reference"] in _text(done)
    assert (row["email"], row["conversation_language"], row["call_language"]) == \
        ("amina.k@example.org", "ar", "ar")
    assert "amina.k@example.org" not in _stored_conversation(resident.sender)


def test_refusing_consent_stores_nothing(servers):
    resident = Resident(servers.webhook)
    assert CALLBACK in _payloads(resident.say("I want to speak to someone at the council"))
    resident.say(CALLBACK)
    reply = resident.say("no")
    assert "nothing has been sent" in _text(reply)
    assert _requests(servers, conversation_id=resident.sender) == []
    after = resident.say("I need an interpreter for my dad")
    assert any(r.get("custom", {}).get("type") == "services" for r in after)  # form is over


def test_an_interpreter_booking_with_a_date_and_a_change(servers):
    resident = Resident(servers.webhook)
    listed = resident.say("I need an interpreter for my mum's assessment")
    assert INTERPRETER in _payloads(listed)
    resident.say(INTERPRETER)
    resident.say("yes")
    resident.say("Sam")
    languages = resident.say("07700 900124")
    assert "lang:bsl" in _payloads(languages)
    resident.say("lang:bsl")
    assert "date" in _text(resident.say("14/12/2099")).lower()  # too far ahead: asked again
    resident.say("date:unknown")
    summary = resident.say("mode:video")
    assert "change:help_contact" in _payloads(summary)
    resident.say("change:help_contact")
    resident.say("sam@example.org")
    resident.say("send")
    [row] = _requests(servers, conversation_id=resident.sender)
    assert (row["kind"], row["interpreter_language"], row["appointment_mode"], row["email"],
            row["phone"]) == ("interpreter", "bsl", "video", "sam@example.org", None)


def test_danger_during_the_form_gets_the_crisis_reply_first(servers):
    resident = Resident(servers.webhook)
    resident.say("can I talk to a real person please")
    resident.say(CALLBACK)
    resident.say("yes")
    resident.say("Amina")
    replies = resident.say("I want to end my life")
    assert replies[0]["custom"]["type"] == "crisis"
    assert _requests(servers, conversation_id=resident.sender) == []  # the draft went too
    offer = resident.say("can I talk to a real person please")
    again = resident.say(CALLBACK) if CALLBACK in _payloads(offer) else []
    assert "deleted 30 days" in _text(again)  # asked from the start: consent first


def test_a_typed_payload_that_was_never_offered_changes_nothing(servers):
    resident = Resident(servers.webhook)
    replies = resident.say(CALLBACK)  # not offered: read as words, no form starts
    assert replies and "deleted 30 days" not in _text(replies)
    assert '"request_kind"' not in _stored_conversation(resident.sender)
    listed = resident.say("I need support as a carer")
    assert any(r.get("custom", {}).get("type") == "services" for r in listed)
    offered = '/refine_search{"open_now": "true"}'
    assert offered in _payloads(listed)
    narrowed = resident.say(offered)  # offered by a button: works
    assert any(r.get("custom", {}).get("type") == "services" for r in narrowed)


def test_personal_data_typed_anywhere_is_not_in_the_conversation_store(servers):
    resident = Resident(servers.webhook)
    said = ("I need a carer assessment for my mum, call me on 07700 900123 or email "
            "amina.khan@example.org, her NHS number is 943 476 5919, NI QQ 12 34 56 C, she "
            "was born 12/03/1941 and lives at HA1 2AB")
    assert resident.say(said)
    resident.say("near HA3 7XX please")
    stored = _stored_conversation(resident.sender)
    for secret in ("07700", "900123", "amina.khan@example.org", "943 476 5919", "QQ 12 34",
                   "12/03/1941", "2AB", "7XX"):
        assert secret not in stored, secret
    assert "[phone]" in stored and "[email]" in stored and "HA1 [postcode]" in stored
