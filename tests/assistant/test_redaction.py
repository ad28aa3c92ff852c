"""Personal data never reaches the tracker store or the logs (issue 5): checked by reading the
stored rows directly, in SQLite and in PostgreSQL; and conversations are purged by age."""
from __future__ import annotations

import asyncio
import logging
import time
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.conversations import forget_conversation
from bot.safety.redact import (
    MAYBE_PERSONAL,
    RedactingLogRecordFactory,
    redact_event,
    redact_text,
)
from bot.tracker_store import RedactingSQLTrackerStore

PERSONAL = {
    "phone": ["07700 900123", "+44 7700 900 123", "020 7946 0123", "(020) 7946-0123",
              "01234567890"],
    "email": ["amina.khan+care@example.co.uk"],
    "ni_number": ["QQ 12 34 56 C", "ab123456d"],
    "nhs_number": ["943 476 5919", "9434765919"],
    "postcode": ["HA1 2AB", "ha3 7xx"],
    "date_of_birth": ["12/03/1956", "1956-03-12", "3rd March 1956", "12 mar 1956"],
}
ORDINARY = ["Call 999 now", "Samaritans on 116 123", "NHS 111 option 2", "near HA1",
            "open at 9:30 on Monday", "I need help in Pinner", "my mum is 84",
            "service number 3", "HA3 please"]
DOMAIN = Domain.from_dict({"slots": {"place": {"type": "text", "mappings": []},
                                     "contact": {"type": "text", "mappings": []}}})


@pytest.mark.parametrize("kind, value", [(k, v) for k, vs in PERSONAL.items() for v in vs])
def test_each_kind_of_personal_data_is_masked(kind, value):
    masked = redact_text(f"hello, mine is {value} thanks")
    assert value not in masked and value.replace(" ", "") not in masked.replace(" ", "")
    assert masked.startswith("hello, mine is ") and masked.endswith(" thanks")
    assert "[" in masked


@pytest.mark.parametrize("message", ORDINARY)
def test_ordinary_messages_are_left_alone(message):
    assert redact_text(message) == message


def test_a_full_postcode_keeps_its_area():
    assert redact_text("I live at HA1 2AB") == "I live at HA1 [postcode]"
    slot = redact_event({"event": "slot", "name": "place", "value": "ha1 2ab"})
    assert slot["value"] == "HA1"  # narrowing by area keeps working in later turns


def test_only_what_the_resident_gave_is_masked_in_events():
    user = redact_event({"event": "user", "text": "call me on 07700 900123",
                         "parse_data": {"text": "call me on 07700 900123",
                                        "entities": [{"value": "07700 900123"}]}})
    assert "07700" not in str(user)
    bot = {"event": "bot", "text": "Here are services nearest to HA1 2AB first"}
    assert redact_event(bot)["text"] == "Here are services nearest to HA1 [postcode] first"
    ids = {"event": "slot", "name": "listed_services", "value": ["1234567890", "x"]}
    assert redact_event(ids) == ids  # the assistant's own ids are kept


def test_log_messages_are_masked():
    records = []
    factory = RedactingLogRecordFactory(logging.LogRecord)
    record = factory("x", logging.INFO, __file__, 1, "user said %s", ("email me at a@b.com",),
                     None)
    records.append(record.getMessage())
    assert records == ["user said email me at [email]"]


def _conversation(sender: str, when: float) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    said = ("my number is 07700 900123, email amina@example.org, NI QQ123456C, NHS 943 476 "
            "5919, I live at HA1 2AB and was born 12/03/1956")
    tracker.update(UserUttered(said, intent={"name": "human_handoff", "confidence": 1.0},
                               parse_data={"text": said, "intent": {"name": "human_handoff"},
                                           "entities": [{"entity": "place",
                                                         "value": "HA1 2AB"}]},
                               timestamp=when))
    tracker.update(SlotSet("place", "HA1 2AB", timestamp=when))
    tracker.update(SlotSet("contact", "07700 900123", timestamp=when))
    tracker.update(ActionExecuted("action_listen", timestamp=when))
    tracker.update(BotUttered("Carers Hub: phone 020 7946 0270.", timestamp=when))
    return tracker


SECRETS = ["07700", "900123", "amina@example.org", "QQ123456C", "943 476", "2AB", "1956"]


def _stored_rows(url: str, sender: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM events WHERE sender_id = :s"),
                                  {"s": sender}).fetchall()
    engine.dispose()
    return [row[0] for row in rows]


def _check_store(store, url: str) -> None:
    sender = f"test-{uuid.uuid4().hex}"
    asyncio.run(store.save(_conversation(sender, time.time())))
    rows = _stored_rows(url, sender)
    assert len(rows) >= 5
    stored = "\n".join(rows)
    assert [s for s in SECRETS if s in stored] == []
    assert "[phone]" in stored and "HA1" in stored
    tracker = asyncio.run(store.retrieve(sender))
    assert tracker.get_slot("place") == "HA1" and tracker.get_slot("contact") == "[phone]"
    asyncio.run(forget_conversation(store, sender))  # leave the database as it was


def test_nothing_personal_is_stored_in_sqlite(tmp_path):
    path = tmp_path / "tracker.db"
    _check_store(RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path)),
                 f"sqlite:///{path}")


def test_nothing_personal_is_stored_in_postgresql(pg_server):
    url = make_url(pg_server)
    store = RedactingSQLTrackerStore(DOMAIN, dialect="postgresql", host=url.host,
                                     port=url.port or 5432, db=url.database,
                                     username=url.username, password=url.password)
    _check_store(store, pg_server)


def test_purge_deletes_exactly_the_conversations_past_retention(tmp_path):
    path = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    now = time.time()
    ages = {"old": 31, "just-old": 30.01, "recent": 29.9, "today": 0}
    for name, days in ages.items():
        asyncio.run(store.save(_conversation(name, now - days * 86400)))
    # a conversation that started long ago but went on today is kept whole
    long_running = _conversation("still-going", now - 40 * 86400)
    long_running.update(UserUttered("thanks", timestamp=now))
    asyncio.run(store.save(long_running))
    assert store.purge_older_than(30, now=now) == 2
    assert _stored_rows(f"sqlite:///{path}", "old") == []
    assert _stored_rows(f"sqlite:///{path}", "just-old") == []
    for kept in ("recent", "today", "still-going"):
        assert _stored_rows(f"sqlite:///{path}", kept)
    assert len(_stored_rows(f"sqlite:///{path}", "still-going")) == 6


def _endpoints(tmp_path, store_type="bot.tracker_store.RedactingSQLTrackerStore"):
    path = tmp_path / "endpoints.yml"
    path.write_text(f"tracker_store:\n  type: {store_type}\n  dialect: sqlite\n"
                    f"  db: {tmp_path / 'tracker.db'}\n", encoding="utf-8")
    return path


def test_purge_command_uses_the_configured_store_and_retention(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    endpoints = _endpoints(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'directory.db'}")
    store = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    now = time.time()
    asyncio.run(store.save(_conversation("ten-days", now - 10 * 86400)))
    asyncio.run(store.save(_conversation("forty-days", now - 40 * 86400)))
    assert main(["purge", "--endpoints", str(endpoints)]) == 0  # default 30 days
    assert "1 conversations older than 30 days deleted" in capsys.readouterr().out
    monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "7")
    assert main(["purge", "--endpoints", str(endpoints)]) == 0
    out = capsys.readouterr().out
    assert "1 conversations older than 7 days deleted" in out
    assert "0 requests closed more than 30 days ago deleted" in out
    assert _stored_rows(f"sqlite:///{tmp_path / 'tracker.db'}", "ten-days") == []


@pytest.mark.parametrize("problem", ["days", "store"])
def test_purge_refuses_bad_configuration_with_one_line(tmp_path, monkeypatch, capsys, problem):
    from bot.cli import main

    if problem == "days":
        monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "a month")
        endpoints = _endpoints(tmp_path)
    else:
        endpoints = _endpoints(tmp_path, store_type="mongod")
    assert main(["purge", "--endpoints", str(endpoints)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and error.count("\n") == 1


def test_the_assistant_is_configured_to_store_conversations_redacted():
    import yaml

    from bot.paths import REPO_ROOT
    endpoints = yaml.safe_load((REPO_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["type"] == "bot.tracker_store.RedactingSQLTrackerStore"


@pytest.mark.parametrize("phone", ["07700.900.123", "+44-7700-900123", "+44.7700.900123",
                                   "0044-7700-900-123"])
def test_phone_numbers_with_dots_and_dashes_are_masked(phone):
    assert redact_text(f"call {phone} now") == "call [phone] now"


def test_a_personal_form_answer_is_not_kept_at_all():
    from bot.safety.redact import ANSWER_GIVEN, PRIVATE_REPLY, redact_events

    events = [{"event": "user", "text": "Amina Begum", "parse_data": {"text": "Amina Begum"}},
              {"event": "slot", "name": "help_name", "value": "Amina Begum"},
              {"event": "slot", "name": "help_name", "value": "given"},
              {"event": "bot", "text": "Please check: Amina Begum; phone ending 123",
               "data": {"custom": {"type": "text", "private": True},
                        "buttons": [{"title": "Yes, send it", "payload": "send"}]}},
              {"event": "user", "text": "thanks", "parse_data": {"text": "thanks"}}]
    stored = redact_events(events)
    assert "Amina" not in str(stored)
    assert stored[0]["text"] == ANSWER_GIVEN and stored[1]["value"] == "given"
    assert stored[3]["text"] == PRIVATE_REPLY and stored[3]["data"]["buttons"]
    assert stored[4]["text"] == "thanks"  # other messages as they were


def _masked_by_every_pattern(text: str) -> str:
    """redact_text as it was before the digit counts and the remembered texts: every pattern
    tried on every text with a digit or an "@"."""
    from bot.safety.redact import PATTERNS, POSTCODE

    if not text or not MAYBE_PERSONAL.search(text):
        return text
    for _name, pattern, marker in PATTERNS:
        text = pattern.sub(marker, text)
    return POSTCODE.sub(lambda m: f"{m.group(1).upper()} [postcode]", text)


_PIECES = st.sampled_from([
    "0", "1", "2", "9", "٣", "07700 900123", "+44 ", "0044", "(0)", "(020) ", "7946", "-", ".",
    "/", " ", "@", "a.b@example.co.uk", "QQ", "C", "HA1", " 2AB", "ha3 7xx", "12/03/1956",
    "1956-03-12", "3rd March ", "1956", "943 476 5919", "mine is ", "svc-", "x", "A", "\t"])


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_masking_equals_trying_every_pattern(text):
    """Skipping a pattern that needs more digits than a text has, and remembering texts with
    nothing to mask, change no result (checked twice: the second call may be remembered)."""
    expected = _masked_by_every_pattern(text)
    assert redact_text(text) == expected
    assert redact_text(text) == expected


def test_the_minimum_digit_counts_are_tight_enough():
    """Each count is at most the digits of a shortest text the pattern masks."""
    from bot.safety.redact import MIN_DIGITS, PATTERNS, POSTCODE, POSTCODE_MIN_DIGITS

    shortest = {"email": "a@b.co", "phone": "0123456789", "ni_number": "QQ123456C",
                "nhs_number": "9434765919", "date_of_birth": "1/2/56"}
    for name, pattern, _marker in PATTERNS:
        assert pattern.fullmatch(shortest[name]), name
        assert sum(c.isdigit() for c in shortest[name]) == MIN_DIGITS[name], name
    assert POSTCODE.fullmatch("A1 1AA") and POSTCODE_MIN_DIGITS == 2


def test_only_texts_with_nothing_masked_are_remembered():
    from bot.safety import redact

    personal = f"call me on 07700 900{uuid.uuid4().int % 1000:03d}"
    # one digit, so no pattern can match (a random hex id can hold ten digits in a row: an
    # NHS number's shape, masked)
    letters = uuid.uuid4().hex.translate(str.maketrans("0123456789", "ghijklmnop"))
    clean = f"model {letters} 1"
    assert redact_text(personal) != personal
    assert redact_text(clean) == clean
    assert personal not in redact._NOTHING_TO_MASK and clean in redact._NOTHING_TO_MASK
    assert len(redact._NOTHING_TO_MASK) <= redact._REMEMBERED_TEXTS
